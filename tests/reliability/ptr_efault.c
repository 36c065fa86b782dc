/* Bad pointers handed to the C library's system-call wrappers fail with EFAULT, as on
 * Linux, instead of faulting in the kernel or writing low memory: NULL, page 1, low
 * memory (0x9000, 0x100000), a non-canonical address, code and a string literal (both
 * read-only) for calls that write, and lengths that wrap (read(fd, buf, SIZE_MAX)).
 * Every address is invalid on Linux too. */

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#define NONCANONICAL ((void *)0x8000000000000000ull)

static const char *name(int e)
{
    switch (e) {
    case 0: return "ok";
    case EFAULT: return "EFAULT";
    case EINVAL: return "EINVAL";
    case ENOENT: return "ENOENT";
    case EBADF: return "EBADF";
    case ERANGE: return "ERANGE";
    default: return strerror(e);
    }
}

static void show(const char *what, long r)
{
    if (r < 0)
        printf("%-36s -> -1 %s\n", what, name(errno));
    else
        printf("%-36s -> %ld\n", what, r);
}

int main(void)
{
    struct {
        const char *label;
        void *p;
    } bad[] = {
        {"NULL", NULL},
        {"0x1000", (void *)0x1000},
        {"0x9000", (void *)0x9000},
        {"0x100000", (void *)0x100000},
        {"non-canonical", NONCANONICAL},
        {"code", (void *)main},
        {"literal", (void *)"a string literal"},
    };
    int n = sizeof bad / sizeof bad[0];
    char what[80];
    char buf[64];

    int fd = open("/tmp/ptr_efault", O_CREAT | O_RDWR | O_TRUNC, 0644);
    if (fd < 0 || write(fd, "hello world\n", 12) != 12 || lseek(fd, 0, SEEK_SET) != 0) {
        perror("setup");
        return 1;
    }
    for (int i = 0; i < n; i++) {
        snprintf(what, sizeof what, "read(%s, 5)", bad[i].label);
        show(what, read(fd, bad[i].p, 5));
    }
    show("read(buf, SIZE_MAX)", read(fd, buf, SIZE_MAX));
    show("position after bad reads", lseek(fd, 0, SEEK_CUR));
    show("read(buf, 5)", read(fd, buf, 5));
    printf("read gave \"%.5s\"\n", buf);

    for (int i = 0; i < 5; i++) {
        snprintf(what, sizeof what, "write(%s, 16)", bad[i].label);
        show(what, write(fd, bad[i].p, 16));
        snprintf(what, sizeof what, "write(stdout, %s, 16)", bad[i].label);
        show(what, write(1, bad[i].p, 16));
    }
    show("write(code, 16)", write(fd, (void *)main, 16));
    show("write(literal, 4)", write(fd, "abcd", 4));
    show("write(buf, SIZE_MAX)", write(fd, buf, SIZE_MAX));
    show("pread(0x9000, 5, 0)", pread(fd, (void *)0x9000, 5, 0));
    show("pwrite(0x100000, 5, 0)", pwrite(fd, (void *)0x100000, 5, 0));

    struct iovec iov[2] = {{buf, 4}, {(void *)0x9000, 4}};
    show("readv(bad array)", readv(fd, (void *)0x1000, 2));
    show("writev(bad array)", writev(fd, NONCANONICAL, 2));
    lseek(fd, 0, SEEK_SET);
    iov[0].iov_base = (void *)0x100000;
    show("readv(first buffer bad)", readv(fd, iov, 2));

    struct stat st;
    for (int i = 0; i < n; i++) {
        snprintf(what, sizeof what, "stat(file, %s)", bad[i].label);
        show(what, stat("/tmp/ptr_efault", bad[i].p));
        snprintf(what, sizeof what, "fstat(fd, %s)", bad[i].label);
        show(what, fstat(fd, bad[i].p));
    }
    show("stat(missing, 0x1000)", stat("/tmp/ptr_efault.missing", (void *)0x1000));
    show("fstat(badfd, 0x1000)", fstat(999, (void *)0x1000));
    for (int i = 0; i < 5; i++) {
        snprintf(what, sizeof what, "stat(path %s)", bad[i].label);
        show(what, stat(bad[i].p, &st));
        snprintf(what, sizeof what, "open(path %s)", bad[i].label);
        show(what, open(bad[i].p, O_RDONLY));
    }

    for (int i = 1; i < n; i++) {
        snprintf(what, sizeof what, "getcwd(%s, 100)", bad[i].label);
        errno = 0;
        char *r = getcwd(bad[i].p, 100);
        show(what, r == NULL ? -1 : 0);
    }

    for (int i = 0; i < 5; i++) {
        snprintf(what, sizeof what, "nanosleep(%s)", bad[i].label);
        show(what, nanosleep(bad[i].p, NULL));
    }
    struct timespec ts = {0, 1000};
    show("nanosleep(valid)", nanosleep(&ts, NULL));

    close(fd);
    unlink("/tmp/ptr_efault");
    printf("done\n");
    return 0;
}
