/* Files on a volume (issue 16): every call the kernel routes to a host directory, from C.
 * argv[1] is the directory to work in (a volume's mount point in Eremit, a host directory
 * natively); only paths relative to it are printed, so the output equals the native run's.
 * The harness put hello.txt ("hello from the host\n") and link -> hello.txt there. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#ifndef SEEK_DATA /* newlib has no names for them; the values are Linux's */
#define SEEK_DATA 3
#define SEEK_HOLE 4
#endif

static const char *root;

static const char *err_name(int e)
{
    switch (e) {
    case 0: return "ok";
    case ENOENT: return "ENOENT";
    case EEXIST: return "EEXIST";
    case EISDIR: return "EISDIR";
    case ENOTDIR: return "ENOTDIR";
    case ENOTEMPTY: return "ENOTEMPTY";
    case ELOOP: return "ELOOP";
    case EINVAL: return "EINVAL";
    case ENXIO: return "ENXIO";
    case EBADF: return "EBADF";
    case EROFS: return "EROFS";
    case ENAMETOOLONG: return "ENAMETOOLONG";
    case EXDEV: return "EXDEV";
    case EIO: return "EIO";
    default: return "other";
    }
}

static char *at(const char *rel)
{
    static char bufs[4][4200];
    static int n;
    char *b = bufs[n++ % 4];
    snprintf(b, sizeof bufs[0], "%s/%s", root, rel);
    return b;
}

#define SHOW(label, expr)                                                                   \
    do {                                                                                    \
        errno = 0;                                                                          \
        long long r_ = (long long)(expr);                                                   \
        printf("%-28s %lld %s\n", label, r_ < 0 ? -1LL : r_, r_ < 0 ? err_name(errno) : "ok"); \
    } while (0)

static int cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void list(const char *rel)
{
    DIR *d = opendir(at(rel));
    if (!d) {
        printf("opendir %s: %s\n", rel, err_name(errno));
        return;
    }
    char *names[64];
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < 64)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            names[n++] = strdup(e->d_name);
    closedir(d);
    qsort(names, n, sizeof *names, cmp);
    printf("ls %s:", rel);
    for (int i = 0; i < n; i++) {
        printf(" %s", names[i]);
        free(names[i]);
    }
    printf("\n");
}

static void show_stat(const char *label, const char *rel, int follow)
{
    struct stat st;
    int r = follow ? stat(at(rel), &st) : lstat(at(rel), &st);
    if (r < 0) {
        printf("%-28s %s\n", label, err_name(errno));
        return;
    }
    printf("%-28s size %lld mode %o nlink %ld\n", label, (long long)st.st_size, (unsigned)st.st_mode,
           (long)st.st_nlink);
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return 2;
    root = argv[1];
    char buf[256];

    /* Reading what the host wrote. */
    int fd = open(at("hello.txt"), O_RDONLY);
    SHOW("open hello.txt", fd);
    memset(buf, 0, sizeof buf);
    SHOW("read hello.txt", read(fd, buf, sizeof buf - 1));
    printf("content: %s", buf);
    SHOW("write on O_RDONLY", write(fd, "x", 1));
    SHOW("lseek SEEK_END", lseek(fd, 0, SEEK_END));
    SHOW("pread at 6", pread(fd, buf, 4, 6));
    printf("pread: %.4s\n", buf);
    SHOW("SEEK_DATA 0", lseek(fd, 0, SEEK_DATA));
    SHOW("SEEK_HOLE 0", lseek(fd, 0, SEEK_HOLE));
    SHOW("SEEK_DATA past end", lseek(fd, 100, SEEK_DATA));
    close(fd);
    show_stat("stat hello.txt", "hello.txt", 1);

    /* Creating, O_EXCL, O_TRUNC, O_APPEND. */
    fd = open(at("new.txt"), O_CREAT | O_EXCL | O_RDWR, 0644);
    SHOW("create new.txt", fd);
    SHOW("write", write(fd, "0123456789", 10));
    SHOW("pwrite at 2", pwrite(fd, "ab", 2, 2));
    struct iovec iov[2] = {{"xy", 2}, {"z\n", 2}};
    SHOW("writev", writev(fd, iov, 2));
    SHOW("lseek 0", lseek(fd, 0, SEEK_SET));
    char a[5] = {0}, b[20] = {0};
    struct iovec rv[2] = {{a, 4}, {b, 19}};
    SHOW("readv", readv(fd, rv, 2));
    printf("readv: %s|%s", a, b);
    SHOW("fsync", fsync(fd));
    SHOW("fdatasync", fdatasync(fd));
    SHOW("ftruncate 4", ftruncate(fd, 4));
    struct stat st;
    fstat(fd, &st);
    printf("fstat size %lld\n", (long long)st.st_size);
    close(fd);
    SHOW("O_EXCL again", open(at("new.txt"), O_CREAT | O_EXCL | O_WRONLY, 0644));
    fd = open(at("new.txt"), O_WRONLY | O_APPEND);
    SHOW("open O_APPEND", fd >= 0 ? 0 : -1);
    SHOW("append", write(fd, "++", 2));
    SHOW("offset after append", lseek(fd, 0, SEEK_CUR));
    close(fd);
    show_stat("stat after append", "new.txt", 1);
    fd = open(at("new.txt"), O_WRONLY | O_TRUNC);
    SHOW("open O_TRUNC", fd >= 0 ? 0 : -1);
    close(fd);
    show_stat("stat after O_TRUNC", "new.txt", 1);
    SHOW("truncate 100", truncate(at("new.txt"), 100));
    show_stat("stat after truncate", "new.txt", 1);

    /* Directories. */
    SHOW("mkdir d", mkdir(at("d"), 0755));
    SHOW("mkdir d again", mkdir(at("d"), 0755));
    SHOW("O_DIRECTORY on file", open(at("new.txt"), O_RDONLY | O_DIRECTORY));
    SHOW("O_RDWR on directory", open(at("d"), O_RDWR));
    fd = open(at("d/f"), O_CREAT | O_WRONLY, 0600);
    SHOW("create d/f", fd >= 0 ? 0 : -1);
    close(fd);
    SHOW("rmdir non-empty", rmdir(at("d")));
    SHOW("unlink directory", unlink(at("d")));
    SHOW("rmdir on file", rmdir(at("d/f")));
    SHOW("open missing", open(at("missing"), O_RDONLY));
    SHOW("open through a file", open(at("new.txt/x"), O_RDONLY));
    list(".");
    list("d");

    /* Rename: move, and atomic replace. */
    SHOW("rename d/f -> g", rename(at("d/f"), at("g")));
    SHOW("rename new.txt -> g", rename(at("new.txt"), at("g")));
    show_stat("stat g", "g", 1);
    SHOW("rename missing", rename(at("nope"), at("x")));
    SHOW("mkdir e", mkdir(at("e"), 0755));
    SHOW("rename e into itself", rename(at("e"), at("e/sub")));
    SHOW("rename e -> d (non-empty)", rename(at("e"), at("d")));
    SHOW("rmdir e", rmdir(at("e")));
    SHOW("unlink g", unlink(at("g")));
    SHOW("unlink g again", unlink(at("g")));
    SHOW("rmdir d", rmdir(at("d")));

    /* Symbolic links the host made. */
    show_stat("stat link", "link", 1);
    struct stat lst;
    lstat(at("link"), &lst);
    printf("lstat link is a link: %d\n", S_ISLNK(lst.st_mode));
    SHOW("O_NOFOLLOW on link", open(at("link"), O_RDONLY | O_NOFOLLOW));
    SHOW("access hello R_OK", access(at("hello.txt"), R_OK));
    SHOW("access missing", access(at("missing"), F_OK));

    /* Files over 4 GiB: 64-bit offsets all the way (sparse on the host). */
    fd = open(at("big"), O_CREAT | O_RDWR, 0644);
    off_t big = (off_t)5 << 30;
    SHOW("pwrite at 5 GiB", pwrite(fd, "end", 3, big));
    fstat(fd, &st);
    printf("big size %lld\n", (long long)st.st_size);
    memset(buf, 0, 8);
    SHOW("pread at 5 GiB", pread(fd, buf, 8, big));
    printf("big tail: %s\n", buf);
    SHOW("lseek SEEK_END big", lseek(fd, 0, SEEK_END));
    close(fd);
    SHOW("unlink big", unlink(at("big")));

    /* Long paths. */
    char *longp = malloc(5000);
    memset(longp, 'a', 4999);
    longp[4999] = 0;
    SHOW("path over PATH_MAX", open(longp, O_RDONLY));
    char *longname = malloc(400);
    memset(longname, 'n', 300);
    longname[300] = 0;
    SHOW("name over NAME_MAX", open(at(longname), O_CREAT | O_WRONLY, 0644));

    /* A bigger file: 3 MiB through many requests, read back and compared. */
    fd = open(at("three"), O_CREAT | O_RDWR | O_TRUNC, 0644);
    size_t n = 3 << 20;
    unsigned char *data = malloc(n), *back = malloc(n);
    for (size_t i = 0; i < n; i++)
        data[i] = (unsigned char)(i * 7 + i / 4096);
    SHOW("write 3 MiB", write(fd, data, n));
    SHOW("pread 3 MiB", pread(fd, back, n, 0));
    printf("3 MiB equal: %d\n", memcmp(data, back, n) == 0);
    close(fd);
    SHOW("unlink three", unlink(at("three")));
    list(".");
    return 0;
}
