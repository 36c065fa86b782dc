/* The fuzzer's calls of the system calls of the file system by path and by descriptor: stat, directories, links, modes, times, locks
 * (the list of calls and what is left out: fuzz_sys.c). */

#include "fuzz_sys.h"

CALL(access)
{
    return sys_access(fz_path(f, 0), fz_int(f, F_OK));
}

CALL(chdir)
{
    long r = sys_chdir(fz_path(f, 0));
    sys_chdir("/");
    return r;
}

CALL(fstat)
{
    struct stat st;
    size_t own;
    struct stat *p = fz_ptr_on(f, sizeof st, &own, &st, sizeof st);
    int bad = fz_ptr_is_bad(f, 1);
    int fd = fz_fd(f);
    long r = sys_fstat(fd, p);
    if (bad)
        fz_expect_failure(f, "sys_fstat", r);
    return r;
}

CALL(fsync)
{
    return sys_fsync(fz_fd(f));
}

CALL(ftruncate)
{
    int64_t len = fz_off(f);
    return sys_ftruncate(fz_fd(f), len > (1 << 20) ? len | ((int64_t)1 << 62) : len);
}

CALL(getcwd)
{
    char buf[64];
    size_t own;
    char *p = fz_ptr_on(f, 1, &own, buf, sizeof buf);
    int bad = fz_ptr_is_bad(f, 1);
    size_t len = fz_len(f, p, own);
    long r = sys_getcwd(p, len);
    if (bad && len > 0)
        fz_expect_failure(f, "sys_getcwd", r);
    return r;
}

CALL(getdents64)
{
    size_t own;
    void *p = fz_ptr(f, 1, &own);
    int bad = fz_ptr_is_bad(f, 1);
    size_t len = fz_len(f, p, own);
    int fd = fz_fd(f);
    long r = (long)sys_getdents64(fd, p, len);
    if (bad && len >= 280 && fd == f->fds[0])
        fz_expect_failure(f, "sys_getdents64", r > 0 ? r : -1);
    sys_lseek(fd, 0, 0);
    return r;
}

static long stat_call(struct fz *f, int l)
{
    struct stat st;
    size_t own;
    const char *path = fz_path(f, 0);
    struct stat *p = fz_ptr_on(f, sizeof st, &own, &st, sizeof st);
    int bad = fz_ptr_is_bad(f, 1);
    long r = l ? sys_lstat(path, p) : sys_stat(path, p);
    if (bad)
        fz_expect_failure(f, "sys_stat", r);
    return r;
}

CALL(stat)
{
    return stat_call(f, 0);
}

CALL(lstat)
{
    return stat_call(f, 1);
}

CALL(mkdir)
{
    return sys_mkdir((const int8_t *)fz_path(f, 1), (uint32_t)fz_int(f, 0755));
}

CALL(rmdir)
{
    return sys_rmdir(fz_path(f, 1));
}

CALL(unlink)
{
    return sys_unlink(fz_path(f, 1));
}

CALL(rename)
{
    const char *a = fz_path(f, 1);
    char copy[64];
    int i = 0;
    if (a == f->path) {
        for (; a[i] && i < 63; i++)
            copy[i] = a[i];
        copy[i] = 0;
        a = copy;
    }
    return sys_rename(a, fz_path(f, 1));
}

CALL(truncate)
{
    int64_t len = fz_off(f);
    return sys_truncate(fz_path(f, 1), len > (1 << 20) ? len | ((int64_t)1 << 62) : len);
}

/* The calls host directories brought (issue 16). With no volume mounted here they reach
 * the in-memory filesystem, whose answers (ENOSYS for symlink, EMLINK for link, locks
 * always granted to the one process) matter less than the pointers: paths, buffers,
 * times and lock records. Locks are only asked for without waiting. */
CALL(chmod)
{
    return sys_chmod(fz_path(f, 1), (uint32_t)fz_int(f, 0644));
}

CALL(fchmod)
{
    return sys_fchmod(fz_fd(f), (uint32_t)fz_int(f, 0644));
}

CALL(flock)
{
    /* LOCK_SH 1, LOCK_EX 2 (with LOCK_NB 4: never waits), LOCK_UN 8; 0 and 99 invalid. */
    static const int ops[] = {1 | 4, 2 | 4, 8, 0, 99};
    int op = ops[fz_below(f, 5)];
    if (op == 0 || op == 99)
        f->mask |= 1u << FZ_BAD_VALUE;
    return sys_flock(fz_fd(f), op);
}

CALL(lock)
{
    /* F_GETLK 5, F_SETLK 6 (never F_SETLKW: it may wait); 99 and -1 invalid. */
    static const int cmds[] = {5, 6, 99, -1};
    int cmd = cmds[fz_below(f, 4)];
    if (cmd == 99 || cmd == -1)
        f->mask |= 1u << FZ_BAD_VALUE;
    struct flock fl = {0};
    fl.l_type = (int16_t)fz_below(f, 4); /* F_RDLCK, F_WRLCK, F_UNLCK, or invalid */
    fl.l_whence = (int16_t)fz_below(f, 4);
    fl.l_start = fz_off(f);
    fl.l_len = fz_off(f);
    size_t own;
    struct flock *p = fz_ptr_on(f, sizeof fl, &own, &fl, sizeof fl);
    int bad = fz_ptr_is_bad(f, cmd == 5);
    long r = sys_lock(fz_fd(f), cmd, p);
    if (bad && (cmd == 5 || cmd == 6))
        fz_expect_failure(f, "sys_lock", r);
    return r;
}

CALL(link)
{
    return sys_link(fz_path(f, 0), fz_path(f, 1));
}

CALL(symlink)
{
    return sys_symlink(fz_path(f, 0), fz_path(f, 1));
}

CALL(readlink)
{
    size_t own;
    uint8_t *p = fz_ptr(f, 1, &own);
    size_t len = fz_len(f, p, own);
    return (long)sys_readlink(fz_path(f, 0), p, len);
}

static long statvfs_call(struct fz *f, int by_fd)
{
    struct statvfs sv;
    size_t own;
    struct statvfs *p = fz_ptr_on(f, sizeof sv, &own, &sv, sizeof sv);
    int bad = fz_ptr_is_bad(f, 1);
    long r = by_fd ? sys_fstatvfs(fz_fd(f), p) : sys_statvfs(fz_path(f, 0), p);
    if (bad)
        fz_expect_failure(f, by_fd ? "sys_fstatvfs" : "sys_statvfs", r);
    return r;
}

CALL(statvfs)
{
    return statvfs_call(f, 0);
}

CALL(fstatvfs)
{
    return statvfs_call(f, 1);
}

/* Two timespecs (now, omit or a time, some invalid), null, or a bad pointer. */
static const struct timespec *file_times(struct fz *f, struct timespec ts[2])
{
    for (int i = 0; i < 2; i++) {
        ts[i].tv_sec = fz_off(f);
        /* UTIME_NOW ((1 << 30) - 1), UTIME_OMIT ((1 << 30) - 2), or any value. */
        long pick = (long)fz_below(f, 4);
        ts[i].tv_nsec = pick == 0 ? (1l << 30) - 1 : pick == 1 ? (1l << 30) - 2 : (long)fz_int(f, 5);
    }
    size_t own;
    return fz_ptr_on(f, 2 * sizeof ts[0], &own, ts, 2 * sizeof ts[0]);
}

CALL(utimensat)
{
    struct timespec ts[2];
    const struct timespec *t = file_times(f, ts);
    int bad = fz_ptr_is_bad(f, 0) && t != NULL;
    /* AT_FDCWD -100, else a bad directory descriptor; flags 0, AT_SYMLINK_NOFOLLOW 0x100
     * or invalid. */
    int dirfd = fz_chance(f, 80) ? -100 : fz_int(f, -100);
    int flags = fz_chance(f, 80) ? (fz_chance(f, 50) ? 0 : 0x100) : fz_int(f, 0);
    long r = sys_utimensat(dirfd, fz_path(f, 1), t, flags);
    if (bad)
        fz_expect_failure(f, "sys_utimensat", r);
    return r;
}

CALL(futimens)
{
    struct timespec ts[2];
    const struct timespec *t = file_times(f, ts);
    int bad = fz_ptr_is_bad(f, 0) && t != NULL;
    long r = sys_futimens(fz_fd(f), t);
    if (bad)
        fz_expect_failure(f, "sys_futimens", r);
    return r;
}

CALL(open)
{
    /* Never O_TRUNC|O_CREAT outside the thread's directory: fz_path(f, 1). */
    int flags = fz_int(f, O_RDONLY);
    const char *path = (flags & (O_CREAT | O_TRUNC | O_WRONLY | O_RDWR)) ? fz_path(f, 1) : fz_path(f, 0);
    int fd = sys_open(path, flags, fz_int(f, 0644));
    if (fd >= 0)
        sys_close(fd);
    return fd;
}

CALL(opendir)
{
    int fd = sys_opendir(fz_path(f, 0));
    if (fd >= 0)
        sys_close(fd);
    return fd;
}

CALL(umask)
{
    /* Any mask, then the one before back (other threads may create with the odd one). */
    int32_t old = sys_umask((uint32_t)fz_rand(f));
    sys_umask((uint32_t)old);
    return old;
}
