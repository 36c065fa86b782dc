/* The in-memory file system full gives ENOSPC (as tmpfs), not ENOMEM; after the file is
 * removed the memory serves malloc again.  Eremit only: natively /tmp is rarely full.
 * reliability: memory=48M native=skip */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *name(int e)
{
    return e == ENOSPC ? "ENOSPC" : e == ENOMEM ? "ENOMEM" : strerror(e);
}

int main(void)
{
    printf("filling /tmp\n");
    int fd = open("/tmp/fill", O_CREAT | O_TRUNC | O_RDWR, 0600);
    if (fd < 0)
        return 1;
    static char chunk[256 << 10];
    memset(chunk, 'x', sizeof chunk);
    size_t total = 0;
    int err = 0;
    for (;;) {
        ssize_t n = write(fd, chunk, sizeof chunk);
        if (n < 0) {
            err = errno;
            break;
        }
        total += (size_t)n;
        if (total > ((size_t)1 << 30))
            break;
    }
    printf("write until full: %s\n", err ? name(err) : "never full");
    /* Past the end with a hole then data: needs memory as well. */
    errno = 0;
    ssize_t r = pwrite(fd, chunk, sizeof chunk, (off_t)total + (1 << 20));
    printf("pwrite past the end: %s\n", r < 0 ? name(errno) : "written");
    close(fd);
    printf("unlink: %d\n", unlink("/tmp/fill"));
    void *p = malloc((size_t)total / 2);
    printf("malloc of half of it after the unlink: %s\n", p != NULL ? "ok" : "failed");
    free(p);
    return 0;
}
