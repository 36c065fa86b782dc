/* A read-only volume (`--volume DIR:/ro:ro`): reading works, every change is EROFS
 * (issue 16). argv[1]: the mount point, holding hello.txt and sub/. Expected output:
 * tests/volume/readonly.expected. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *root;

static const char *at(const char *rel)
{
    static char b[2][512];
    static int n;
    char *p = b[n++ % 2];
    snprintf(p, 512, "%s/%s", root, rel);
    return p;
}

static void show(const char *label, int r)
{
    printf("%-24s %s\n", label, r >= 0 ? "ok" : errno == EROFS ? "EROFS" : errno == EEXIST ? "EEXIST" : errno == ENOENT ? "ENOENT" : strerror(errno));
}

int main(int argc, char **argv)
{
    root = argc > 1 ? argv[1] : "/ro";
    char buf[64] = {0};
    int fd = open(at("hello.txt"), O_RDONLY);
    show("open O_RDONLY", fd);
    show("read", (int)read(fd, buf, sizeof buf - 1));
    printf("content: %s", buf);
    show("fsync", fsync(fd));
    show("ftruncate", ftruncate(fd, 0));
    close(fd);
    show("open O_WRONLY", open(at("hello.txt"), O_WRONLY));
    show("open O_RDWR", open(at("hello.txt"), O_RDWR));
    show("open O_TRUNC", open(at("hello.txt"), O_RDONLY | O_TRUNC));
    show("create", open(at("new"), O_CREAT | O_WRONLY, 0644));
    show("create existing", open(at("hello.txt"), O_CREAT | O_RDONLY, 0644));
    show("mkdir", mkdir(at("d"), 0755));
    show("mkdir existing", mkdir(at("sub"), 0755));
    show("rmdir", rmdir(at("sub")));
    show("unlink", unlink(at("hello.txt")));
    show("unlink missing", unlink(at("missing")));
    show("rename", rename(at("hello.txt"), at("x")));
    show("truncate", truncate(at("hello.txt"), 0));
    show("access W_OK", access(at("hello.txt"), W_OK));
    show("access R_OK", access(at("hello.txt"), R_OK));
    struct stat st;
    show("stat", stat(at("hello.txt"), &st));
    printf("size %lld\n", (long long)st.st_size);
    return 0;
}
