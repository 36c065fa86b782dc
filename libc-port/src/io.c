/* File descriptors: read/write, open/close, seeking, duplication, fcntl. */

#include <errno.h>
#include <sys/statvfs.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/dirent.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "port.h"

static void dirdots_reset(int fd); /* getdents below */

ssize_t read(int fd, void *buf, size_t len)
{
    return __eremit_mapped(fd, -1, buf, __hermit_ret(__hermit_restartable(sys_read(fd, buf, len))), 0);
}

ssize_t write(int fd, const void *buf, size_t len)
{
    return __eremit_mapped(fd, -1, buf, __hermit_ret(__hermit_restartable(sys_write(fd, buf, len))), 1);
}

ssize_t readv(int fd, const struct iovec *iov, int iovcnt)
{
    if (iovcnt < 0 || iovcnt > IOV_MAX)
        return __hermit_fail(EINVAL);
    /* struct iovec has the ABI's layout. */
    ssize_t n = __hermit_ret(
        __hermit_restartable(sys_readv(fd, (const struct hermit_iovec *)iov, (size_t)iovcnt)));
    if (n > 0 && __atomic_load_n(&__eremit_shared_maps, __ATOMIC_ACQUIRE) > 0)
        __eremit_mapped_io(fd, -1, iov, iovcnt, (size_t)n, 0); /* mman.c */
    return n;
}

ssize_t writev(int fd, const struct iovec *iov, int iovcnt)
{
    if (iovcnt < 0 || iovcnt > IOV_MAX)
        return __hermit_fail(EINVAL);
    ssize_t n = __hermit_ret(
        __hermit_restartable(sys_writev(fd, (const struct hermit_iovec *)iov, (size_t)iovcnt)));
    if (n > 0 && __atomic_load_n(&__eremit_shared_maps, __ATOMIC_ACQUIRE) > 0)
        __eremit_mapped_io(fd, -1, iov, iovcnt, (size_t)n, 1); /* mman.c */
    return n;
}

ssize_t pread(int fd, void *buf, size_t len, off_t offset)
{
    if (offset < 0)
        return __hermit_fail(EINVAL);
    return __eremit_mapped(fd, offset, buf, __hermit_ret(sys_pread(fd, buf, len, offset)), 0);
}

ssize_t pwrite(int fd, const void *buf, size_t len, off_t offset)
{
    if (offset < 0)
        return __hermit_fail(EINVAL);
    return __eremit_mapped(fd, offset, buf, __hermit_ret(sys_pwrite(fd, buf, len, offset)), 1);
}

/* preadv/pwritev: one positioned transfer per buffer, stopping at the first short one;
 * an error after some bytes moved reports those bytes. */
static ssize_t vector_at(int fd, const struct iovec *iov, int iovcnt, off_t offset, int write)
{
    ssize_t total = 0;
    for (int i = 0; i < iovcnt; i++) {
        ssize_t n = write ? pwrite(fd, iov[i].iov_base, iov[i].iov_len, offset + total)
                          : pread(fd, iov[i].iov_base, iov[i].iov_len, offset + total);
        if (n < 0)
            return total > 0 ? total : -1;
        total += n;
        if ((size_t)n < iov[i].iov_len)
            break;
    }
    return total;
}

ssize_t preadv(int fd, const struct iovec *iov, int iovcnt, off_t offset)
{
    return vector_at(fd, iov, iovcnt, offset, 0);
}

ssize_t pwritev(int fd, const struct iovec *iov, int iovcnt, off_t offset)
{
    return vector_at(fd, iov, iovcnt, offset, 1);
}

/* open(2) flags differ between newlib and the kernel (Linux values). */
static const struct {
    int newlib, linux;
} oflags[] = {
    {O_CREAT, HERMIT_O_CREAT},         {O_EXCL, HERMIT_O_EXCL},
    {O_NOCTTY, LINUX_O_NOCTTY},       {O_TRUNC, HERMIT_O_TRUNC},
    {O_APPEND, HERMIT_O_APPEND},       {O_NONBLOCK, HERMIT_O_NONBLOCK},
    {O_SYNC, LINUX_O_SYNC},           {O_DIRECT, LINUX_O_DIRECT},
    {O_DIRECTORY, HERMIT_O_DIRECTORY}, {O_NOFOLLOW, HERMIT_O_NOFOLLOW},
    {O_CLOEXEC, HERMIT_O_CLOEXEC},
};

int __hermit_oflags_to_abi(int flags)
{
    int out = flags & O_ACCMODE;
    for (size_t i = 0; i < sizeof oflags / sizeof oflags[0]; i++)
        if (flags & oflags[i].newlib)
            out |= oflags[i].linux;
    return out;
}

int __hermit_oflags_from_abi(int flags)
{
    int out = flags & O_ACCMODE;
    for (size_t i = 0; i < sizeof oflags / sizeof oflags[0]; i++)
        if ((flags & oflags[i].linux) == oflags[i].linux)
            out |= oflags[i].newlib;
    return out;
}

int open(const char *path, int flags, ...)
{
    int mode = 0;
    if (flags & O_CREAT) {
        va_list ap;
        va_start(ap, flags);
        mode = va_arg(ap, int);
        va_end(ap);
    }
    if (path == NULL)
        return __hermit_fail(EFAULT);
    int fd = (int)__hermit_ret(sys_open(path, __hermit_oflags_to_abi(flags), mode));
    dirdots_reset(fd);
    return fd;
}
ALIAS(open, _open);

int close(int fd)
{
    dirdots_reset(fd);
    return (int)__hermit_ret(sys_close(fd));
}
ALIAS(close, _close);

off_t lseek(int fd, off_t offset, int whence)
{
    off_t r = __hermit_ret(sys_lseek(fd, offset, whence));
    if (r == 0)
        dirdots_reset(fd); /* rewinddir: the next listing starts with "." and ".." again */
    return r;
}

int dup(int fd)
{
    return (int)__hermit_ret(sys_dup(fd));
}

int dup2(int fd, int fd2)
{
    int r = (int)__hermit_ret(sys_dup2(fd, fd2));
    if (r >= 0 && r != fd)
        dirdots_reset(r);
    return r;
}

/* "." and "..": the kernel's listings leave them out (Rust's std, which reads directories
 * through the same call, would pass them on to programs), but C programs expect them as
 * on Linux: LevelDB's DestroyDB test counts them, and code that skips them by name is
 * harmless without them only if they are there.  They come first in a listing, before the
 * kernel's position 0; dirdots[fd] says they were handed out for the listing the
 * descriptor is at (cleared when it is opened, closed or rewound). */
#define DIRDOTS_FDS 1024
static unsigned char dirdots[DIRDOTS_FDS];

static void listing_drop(int fd); /* dir_records below */

static void dirdots_reset(int fd)
{
    if (fd >= 0 && fd < DIRDOTS_FDS)
        __atomic_store_n(&dirdots[fd], 0, __ATOMIC_RELAXED);
    listing_drop(fd);
}

static size_t put_dot(char *at, uint64_t ino, int64_t next, const char *name)
{
    struct dirent *d = (struct dirent *)at;
    size_t len = (offsetof(struct dirent, d_name) + strlen(name) + 1 + 7) & ~(size_t)7;
    memset(d, 0, len);
    d->d_ino = ino;
    d->d_off = next;
    d->d_reclen = (unsigned short)len;
    d->d_type = DT_DIR;
    memcpy(d->d_name, name, strlen(name));
    return len;
}

/* The kernel hands out the rest of a directory in one piece or refuses with EINVAL (Rust's
 * std lists a directory with one call and doubles its buffer on EINVAL).  newlib's readdir
 * reads through a 512-byte buffer, though, so a directory of more than about 15 entries
 * would read as empty.  Here, as on Linux, a short buffer gets the whole records that fit,
 * and the directory's position moves past them (d_off is the next entry's position).
 * Returns the bytes used or a negative ABI errno. */
/* The rest of one directory, as the kernel handed it out whole, kept for the calls that
 * follow: newlib's readdir refills a 512-byte buffer, so without it a directory of N
 * entries would be listed N/15 times over (100,000 entries: minutes).  It belongs to
 * the descriptor at the position it was fetched from; opening, closing, rewinding or
 * dup2 onto the descriptor drops it (dirdots_reset), and so does any other position. */
static struct {
    int fd;          /* -1: nothing kept */
    int64_t next;    /* the descriptor's position where the kept records continue */
    char *all;
    size_t len, at;
} listing = {-1, 0, NULL, 0, 0};
static volatile int listing_busy;

static void listing_drop(int fd)
{
    while (__atomic_exchange_n(&listing_busy, 1, __ATOMIC_ACQUIRE))
        ;
    if (fd < 0 || listing.fd == fd) {
        free(listing.all);
        listing.fd = -1;
        listing.all = NULL;
    }
    __atomic_store_n(&listing_busy, 0, __ATOMIC_RELEASE);
}

/* The whole records of the kept listing that fit in buf (count bytes); moves the
 * descriptor past them. */
static int64_t listing_serve(int fd, char *buf, size_t count)
{
    size_t used = 0;
    int64_t next = listing.next;
    while (listing.at + used < listing.len) {
        const struct dirent *d = (const struct dirent *)(listing.all + listing.at + used);
        if (used + d->d_reclen > count)
            break;
        next = d->d_off;
        used += d->d_reclen;
    }
    if (used == 0 && listing.at < listing.len)
        return -HERMIT_EINVAL; /* not even one record fits: Linux says EINVAL too */
    memcpy(buf, listing.all + listing.at, used);
    listing.at += used;
    listing.next = next;
    sys_lseek(fd, next, SEEK_SET);
    return (int64_t)used;
}

/* The kernel hands out the rest of a directory in one piece or refuses with EINVAL (Rust's
 * std lists a directory with one call and doubles its buffer on EINVAL).  newlib's readdir
 * reads through a 512-byte buffer, though, so a directory of more than about 15 entries
 * would read as empty.  Here, as on Linux, a short buffer gets the whole records that fit,
 * and the directory's position moves past them (d_off is the next entry's position); the
 * rest is kept for the next calls (`listing`).
 * Returns the bytes used or a negative ABI errno. */
static int64_t dir_records(int fd, char *buf, size_t count)
{
    ptrdiff_t start = sys_lseek(fd, 0, SEEK_CUR);
    if (start < 0)
        return start;
    if (!__atomic_exchange_n(&listing_busy, 1, __ATOMIC_ACQUIRE)) {
        int kept = listing.fd == fd && listing.next == start && listing.all != NULL;
        int64_t r = 0;
        if (kept && listing.at < listing.len)
            r = listing_serve(fd, buf, count);
        __atomic_store_n(&listing_busy, 0, __ATOMIC_RELEASE);
        if (kept)
            return r;
    }
    int64_t r = sys_getdents64(fd, (struct hermit_dirent64 *)buf, count);
    if (r != -HERMIT_EINVAL)
        return r;
    for (size_t size = 8192; size <= ((size_t)64 << 20); size *= 2) {
        char *all = malloc(size);
        if (all == NULL)
            return -HERMIT_ENOMEM;
        r = sys_getdents64(fd, (struct hermit_dirent64 *)all, size);
        if (r == -HERMIT_EINVAL) {
            free(all);
            continue;
        }
        if (r < 0) {
            free(all);
            return r;
        }
        /* The kernel's position is now past everything: serve from the copy. */
        while (__atomic_exchange_n(&listing_busy, 1, __ATOMIC_ACQUIRE))
            ;
        free(listing.all);
        listing.fd = fd;
        listing.next = start;
        listing.all = all;
        listing.len = (size_t)r;
        listing.at = 0;
        r = listing_serve(fd, buf, count);
        if (r < 0)
            sys_lseek(fd, start, SEEK_SET); /* nothing consumed */
        __atomic_store_n(&listing_busy, 0, __ATOMIC_RELEASE);
        return r;
    }
    return -HERMIT_EINVAL;
}

int getdents(int fd, void *buf, int count)
{
    if (count < 0)
        return __hermit_fail(EINVAL);
    /* struct dirent has the layout of the ABI's dirent64. */
    size_t used = 0;
    if (fd >= 0 && fd < DIRDOTS_FDS && !__atomic_load_n(&dirdots[fd], __ATOMIC_RELAXED) &&
        sys_lseek(fd, 0, SEEK_CUR) == 0) {
        struct hermit_stat st;
        if (sys_fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
            if (count < 48) /* two records of 24 bytes */
                return __hermit_fail(EINVAL);
            used += put_dot((char *)buf, st.st_ino, 1, ".");
            used += put_dot((char *)buf + used, st.st_ino, 2, "..");
            __atomic_store_n(&dirdots[fd], 1, __ATOMIC_RELAXED);
        }
    }
    int64_t r = dir_records(fd, (char *)buf + used, (size_t)count - used);
    if (r == -HERMIT_EINVAL && used > 0)
        return (int)used; /* the rest comes with the next call */
    if (r < 0)
        return (int)__hermit_ret(r);
    return (int)(used + (size_t)r);
}

/* Record locks: the kernel's (sys_lock). On a volume they are the host's locks; other
 * files belong to this one process, so there every lock is granted and none is found. */
static int record_lock(int fd, int cmd, struct flock *fl)
{
    if (fl == NULL)
        return __hermit_fail(EFAULT);
    struct hermit_flock h = {0};
    switch (fl->l_type) {
    case F_RDLCK: h.l_type = HERMIT_F_RDLCK; break;
    case F_WRLCK: h.l_type = HERMIT_F_WRLCK; break;
    case F_UNLCK: h.l_type = HERMIT_F_UNLCK; break;
    default: h.l_type = -1; break; /* the kernel says EINVAL (after EBADF) */
    }
    h.l_whence = fl->l_whence; /* SEEK_* have Linux's values in newlib */
    h.l_start = fl->l_start;
    h.l_len = fl->l_len;
    int hcmd = cmd == F_GETLK ? HERMIT_F_GETLK : cmd == F_SETLK ? HERMIT_F_SETLK : HERMIT_F_SETLKW;
    int r = (int)__hermit_ret(sys_lock(fd, hcmd, &h));
    if (r == 0 && cmd == F_GETLK) {
        fl->l_type = h.l_type == HERMIT_F_RDLCK ? F_RDLCK : h.l_type == HERMIT_F_WRLCK ? F_WRLCK : F_UNLCK;
        if (fl->l_type != F_UNLCK) {
            fl->l_whence = SEEK_SET;
            fl->l_start = h.l_start;
            fl->l_len = h.l_len;
            fl->l_pid = (short)h.l_pid;
        }
    }
    return r;
}

int flock(int fd, int op)
{
    int h = (op & LOCK_SH ? HERMIT_LOCK_SH : 0) | (op & LOCK_EX ? HERMIT_LOCK_EX : 0) |
            (op & LOCK_UN ? HERMIT_LOCK_UN : 0) | (op & LOCK_NB ? HERMIT_LOCK_NB : 0);
    return (int)__hermit_ret(sys_flock(fd, h));
}

int fcntl(int fd, int cmd, ...)
{
    va_list ap;
    va_start(ap, cmd);
    long arg = va_arg(ap, long);
    va_end(ap);

    switch (cmd) {
    case F_DUPFD:
        return (int)__hermit_ret(sys_fcntl(fd, HERMIT_F_DUPFD, (int)arg));
    case F_DUPFD_CLOEXEC:
        return (int)__hermit_ret(sys_fcntl(fd, HERMIT_F_DUPFD_CLOEXEC, (int)arg));
    case F_GETFD:
        return (int)__hermit_ret(sys_fcntl(fd, HERMIT_F_GETFD, 0));
    case F_SETFD:
        return (int)__hermit_ret(
            sys_fcntl(fd, HERMIT_F_SETFD, (arg & FD_CLOEXEC) ? HERMIT_FD_CLOEXEC : 0));
    case F_GETFL: {
        long r = __hermit_ret(sys_fcntl(fd, HERMIT_F_GETFL, 0));
        return r < 0 ? -1 : __hermit_oflags_from_abi((int)r);
    }
    case F_SETFL:
        return (int)__hermit_ret(sys_fcntl(fd, HERMIT_F_SETFL, __hermit_oflags_to_abi((int)arg)));
    case F_GETLK:
    case F_SETLK:
    case F_SETLKW:
        return record_lock(fd, cmd, (struct flock *)arg);
    default:
        return __hermit_fail(EINVAL);
    }
}
ALIAS(fcntl, _fcntl);

int ioctl(int fd, unsigned long request, ...)
{
    va_list ap;
    va_start(ap, request);
    void *argp = va_arg(ap, void *);
    va_end(ap);
    if (request == FIONBIO || request == FIONREAD)
        return __eremit_socket_ioctl(fd, request, argp); /* socket.c */
    if (request == TIOCGWINSZ || request == TIOCSWINSZ)
        return __eremit_tty_ioctl(fd, request, argp); /* termios.c */
    return (int)__hermit_ret(sys_ioctl(fd, (int)request, argp));
}

int fsync(int fd)
{
    return (int)__hermit_ret(sys_fsync(fd));
}

int fdatasync(int fd)
{
    return fsync(fd);
}

static void __eremit_statvfs_from_abi(struct statvfs *s, const struct hermit_statvfs *h)
{
    s->f_bsize = h->f_bsize;
    s->f_frsize = h->f_frsize;
    s->f_blocks = h->f_blocks;
    s->f_bfree = h->f_bfree;
    s->f_bavail = h->f_bavail;
    s->f_files = h->f_files;
    s->f_ffree = h->f_ffree;
    s->f_favail = h->f_favail;
    s->f_fsid = h->f_fsid;
    s->f_flag = h->f_flag & HERMIT_ST_RDONLY ? ST_RDONLY : 0;
    s->f_namemax = h->f_namemax;
}

int statvfs(const char *path, struct statvfs *buf)
{
    struct hermit_statvfs h;
    int r = (int)__hermit_ret(sys_statvfs(path, &h));
    if (r == 0)
        __eremit_statvfs_from_abi(buf, &h);
    return r;
}

int fstatvfs(int fd, struct statvfs *buf)
{
    struct hermit_statvfs h;
    int r = (int)__hermit_ret(sys_fstatvfs(fd, &h));
    if (r == 0)
        __eremit_statvfs_from_abi(buf, &h);
    return r;
}

int ftruncate(int fd, off_t length)
{
    if (length < 0)
        return __hermit_fail(EINVAL);
    int r = (int)__hermit_ret(sys_ftruncate(fd, length));
    if (r == 0 && __atomic_load_n(&__eremit_shared_maps, __ATOMIC_ACQUIRE) > 0)
        __eremit_mapped_truncate(fd, NULL, length); /* mman.c */
    return r;
}

int truncate(const char *path, off_t length)
{
    if (length < 0)
        return __hermit_fail(EINVAL);
    int r = (int)__hermit_ret(sys_truncate(path, length));
    if (r == 0 && __atomic_load_n(&__eremit_shared_maps, __ATOMIC_ACQUIRE) > 0)
        __eremit_mapped_truncate(-1, path, length); /* mman.c */
    return r;
}

int pipe(int fds[2])
{
    (void)fds;
    return __hermit_fail(ENOSYS);
}
