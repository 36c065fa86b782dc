/* Two volumes at once (issue 16): copies /a/in.txt to /b/out.txt (each its own volume),
 * then checks that a rename between them is EXDEV, as between two Linux mounts. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

int main(void)
{
    char buf[4096];
    int in = open("/a/in.txt", O_RDONLY);
    int out = open("/b/out.txt", O_CREAT | O_WRONLY | O_TRUNC, 0644);
    if (in < 0 || out < 0) {
        printf("open failed\n");
        return 1;
    }
    ssize_t n, total = 0;
    while ((n = read(in, buf, sizeof buf)) > 0)
        total += write(out, buf, n);
    close(in);
    printf("copied %zd bytes, fsync %d\n", total, fsync(out));
    close(out);
    printf("rename across volumes: %s\n", rename("/a/in.txt", "/b/moved.txt") == -1 && errno == EXDEV ? "EXDEV" : "other");
    printf("rename to the in-memory fs: %s\n", rename("/b/out.txt", "/tmp/x") == -1 && errno == EXDEV ? "EXDEV" : "other");
    return 0;
}
