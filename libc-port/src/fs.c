/* Paths: stat, directories, links, the working directory, permissions. */

#include <errno.h>
#include <fcntl.h>
#include <reent.h>
#include <stdio.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>
#include <utime.h>

#include "port.h"

void __hermit_stat_from_abi(struct stat *st, const struct hermit_stat *h)
{
    memset(st, 0, sizeof *st);
    st->st_dev = h->st_dev;
    st->st_ino = h->st_ino;
    st->st_mode = h->st_mode;
    st->st_nlink = (nlink_t)h->st_nlink;
    st->st_uid = h->st_uid;
    st->st_gid = h->st_gid;
    st->st_rdev = h->st_rdev;
    st->st_size = h->st_size;
    st->st_atim.tv_sec = h->st_atim.tv_sec;
    st->st_atim.tv_nsec = h->st_atim.tv_nsec;
    st->st_mtim.tv_sec = h->st_mtim.tv_sec;
    st->st_mtim.tv_nsec = h->st_mtim.tv_nsec;
    st->st_ctim.tv_sec = h->st_ctim.tv_sec;
    st->st_ctim.tv_nsec = h->st_ctim.tv_nsec;
    st->st_blksize = h->st_blksize;
    st->st_blocks = h->st_blocks;
}

static int stat_result(int32_t r, struct stat *st, const struct hermit_stat *h)
{
    if (r < 0)
        return (int)__hermit_ret(r);
    /* As Linux: the lookup's error first, then EFAULT for a bad ST. */
    if (!__eremit_user_ok(st, sizeof *st, 1))
        return __hermit_fail(EFAULT);
    __hermit_stat_from_abi(st, h);
    return 0;
}

int stat(const char *path, struct stat *st)
{
    struct hermit_stat h;
    return stat_result(sys_stat(path, &h), st, &h);
}

int lstat(const char *path, struct stat *st)
{
    struct hermit_stat h;
    return stat_result(sys_lstat(path, &h), st, &h);
}

int fstat(int fd, struct stat *st)
{
    struct hermit_stat h;
    return stat_result(sys_fstat(fd, &h), st, &h);
}

int unlink(const char *path)
{
    return (int)__hermit_ret(sys_unlink(path));
}

/* newlib's rename() calls this. */
int _rename(const char *oldpath, const char *newpath)
{
    return (int)__hermit_ret(sys_rename(oldpath, newpath));
}

int mkdir(const char *path, mode_t mode)
{
    return (int)__hermit_ret(sys_mkdir((const int8_t *)path, mode));
}

int rmdir(const char *path)
{
    return (int)__hermit_ret(sys_rmdir(path));
}

/* POSIX remove() deletes empty directories too; newlib's only unlinks, so C++'s
 * std::filesystem::remove and remove_all (which call remove()) failed on directories. */
int remove(const char *path)
{
    if (unlink(path) == 0)
        return 0;
    int e = errno;
    struct stat st;
    if ((e == EISDIR || e == EPERM) && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return rmdir(path);
    errno = e;
    return -1;
}

int _remove_r(struct _reent *r, const char *path)
{
    int ret = remove(path);
    if (ret < 0)
        r->_errno = errno;
    return ret;
}

int access(const char *path, int mode)
{
    if (mode & ~(R_OK | W_OK | X_OK))
        return __hermit_fail(EINVAL);
    return (int)__hermit_ret(sys_access(path, mode));
}

char *getcwd(char *buf, size_t size)
{
    char local[PATH_MAX];
    char *out = buf;
    if (buf == NULL) {
        out = local;
        size = size == 0 || size > sizeof local ? sizeof local : size;
    } else if (size == 0) {
        errno = EINVAL;
        return NULL;
    }
    int32_t r = sys_getcwd(out, size);
    if (r < 0) {
        __hermit_ret(r);
        return NULL;
    }
    return buf != NULL ? buf : strdup(local);
}

int chdir(const char *path)
{
    return (int)__hermit_ret(sys_chdir(path));
}

/* Symbolic and hard links, on volumes (host directories) and in the in-memory
 * filesystem; never between the two (EXDEV). */
int link(const char *oldpath, const char *newpath)
{
    return (int)__hermit_ret(sys_link(oldpath, newpath));
}

int symlink(const char *target, const char *linkpath)
{
    return (int)__hermit_ret(sys_symlink(target, linkpath));
}

const char *__eremit_program_path;

ssize_t readlink(const char *path, char *buf, size_t size)
{
    /* /proc/self/exe: the one link programs read, to find their own image. */
    if (path != NULL && strcmp(path, "/proc/self/exe") == 0) {
        if (__eremit_program_path == NULL)
            return __hermit_fail(ENOENT);
        if (buf == NULL)
            return __hermit_fail(EFAULT);
        if (size == 0)
            return __hermit_fail(EINVAL);
        size_t n = strlen(__eremit_program_path);
        n = n < size ? n : size; /* readlink truncates and adds no NUL */
        memcpy(buf, __eremit_program_path, n);
        return (ssize_t)n;
    }
    return (ssize_t)__hermit_ret(sys_readlink(path, (uint8_t *)buf, size));
}

/* Modes reach a volume's files on the host; the in-memory filesystem stores them and
 * stat reports them. There are no users: ownership changes are accepted everywhere. */
int chmod(const char *path, mode_t mode)
{
    return (int)__hermit_ret(sys_chmod(path, (uint32_t)mode));
}

int fchmod(int fd, mode_t mode)
{
    return (int)__hermit_ret(sys_fchmod(fd, (uint32_t)mode));
}

int chown(const char *path, uid_t owner, gid_t group)
{
    (void)owner;
    (void)group;
    struct stat st;
    return stat(path, &st);
}

int lchown(const char *path, uid_t owner, gid_t group)
{
    return chown(path, owner, group);
}

int fchown(int fd, uid_t owner, gid_t group)
{
    (void)owner;
    (void)group;
    struct stat st;
    return fstat(fd, &st);
}

/* The kernel keeps the mask and applies it to what the in-memory filesystem creates
 * (Rust programs call it without this library). */
mode_t umask(mode_t mask)
{
    return (mode_t)sys_umask((uint32_t)(mask & 0777));
}

/* File times: set on a volume's files (host directories) and on the in-memory
 * filesystem's. */
static int set_times(const char *path, const struct timespec ts[2], int flags)
{
    if (ts == NULL)
        return (int)__hermit_ret(sys_utimensat(HERMIT_AT_FDCWD, path, NULL, flags));
    struct hermit_timespec h[2];
    for (int i = 0; i < 2; i++) {
        h[i].tv_sec = ts[i].tv_sec;
        h[i].tv_nsec = (int32_t)ts[i].tv_nsec;
    }
    return (int)__hermit_ret(sys_utimensat(HERMIT_AT_FDCWD, path, h, flags));
}

int utimensat(int dirfd, const char *path, const struct timespec *times, int flags)
{
    if (dirfd != AT_FDCWD && (path == NULL || path[0] != '/'))
        return __hermit_fail(ENOSYS);
    return set_times(path, times, (flags & AT_SYMLINK_NOFOLLOW) ? HERMIT_AT_SYMLINK_NOFOLLOW : 0);
}

int futimens(int fd, const struct timespec *times)
{
    if (times == NULL)
        return (int)__hermit_ret(sys_futimens(fd, NULL));
    struct hermit_timespec h[2];
    for (int i = 0; i < 2; i++) {
        h[i].tv_sec = times[i].tv_sec;
        h[i].tv_nsec = (int32_t)times[i].tv_nsec;
    }
    return (int)__hermit_ret(sys_futimens(fd, h));
}

int utime(const char *path, const struct utimbuf *times)
{
    if (times == NULL)
        return set_times(path, NULL, 0);
    struct timespec ts[2] = {{times->actime, 0}, {times->modtime, 0}};
    return set_times(path, ts, 0);
}

int utimes(const char *path, const struct timeval *times)
{
    if (times == NULL)
        return set_times(path, NULL, 0);
    struct timespec ts[2] = {{times[0].tv_sec, times[0].tv_usec * 1000},
                             {times[1].tv_sec, times[1].tv_usec * 1000}};
    return set_times(path, ts, 0);
}

int mknod(const char *path, mode_t mode, dev_t dev)
{
    (void)path;
    (void)mode;
    (void)dev;
    return __hermit_fail(ENOSYS);
}

int mkfifo(const char *path, mode_t mode)
{
    (void)path;
    (void)mode;
    return __hermit_fail(ENOSYS);
}
