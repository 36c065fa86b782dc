/* No path leads outside a volume (issue 16). The harness shares a directory holding
 * hello.txt, sub/, and host symbolic links whose targets point out of it: abs -> /etc,
 * root -> /, up -> ../../.., subup -> sub/../../... In the guest each resolves inside the
 * volume (an absolute target from the volume's root, `..` stopping at it) or fails.
 * argv[1]: the mount point. The expected output is tests/volume/confined.expected. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void try_read(const char *root, const char *rel)
{
    char path[512], buf[64] = {0};
    snprintf(path, sizeof path, "%s/%s", root, rel);
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        printf("%-24s %s\n", rel, errno == ENOENT ? "ENOENT" : errno == ELOOP ? "ELOOP" : "other error");
        return;
    }
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    buf[n > 0 ? n : 0] = 0;
    buf[strcspn(buf, "\n")] = 0;
    printf("%-24s read \"%s\"\n", rel, buf);
}

int main(int argc, char **argv)
{
    const char *r = argc > 1 ? argv[1] : "/data";
    try_read(r, "hello.txt");
    try_read(r, "../../../../etc/hostname");
    try_read(r, "sub/../../hello.txt");
    try_read(r, "abs/hostname");
    try_read(r, "abs/passwd");
    try_read(r, "root/hello.txt");
    try_read(r, "root/etc/passwd");
    try_read(r, "up/hello.txt");
    try_read(r, "up/etc/passwd");
    try_read(r, "subup/hello.txt");
    try_read(r, "loop");
    struct stat st;
    char path[512];
    snprintf(path, sizeof path, "%s/root/..", r);
    printf("stat root/..: %s\n", stat(path, &st) == 0 && S_ISDIR(st.st_mode) ? "the volume's root" : "error");
    return 0;
}
