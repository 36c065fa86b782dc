/* The fuzzer's calls of every function in include/hermit/syscall.h, with adversarial
 * arguments from fuzz.h's pickers. Left out, and why (README.md in this directory):
 * sys_exit and sys_abort end the program. Limited to arguments that cannot block
 * forever or corrupt the program's own state by design (as they would on Linux too):
 * memory calls (sys_dealloc, sys_free, sys_realloc, sys_munmap) get null or what the
 * matching allocation returned, never a made-up pointer (freeing one is the
 * application's bug, not a boundary check); sys_freeaddrinfo gets anything; tasks run a real function;
 * sys_join only ids that are no task (or tasks the fuzzer spawned); waits always have a
 * short or invalid timeout; blocking reads happen on descriptors that cannot block. */

#include <hermit/syscall.h>

#include "fuzz.h"

#define CALL(name) static long call_##name(struct fz *f __attribute__((unused)))

/* A timespec pointer: bad, or a short (or invalid) relative time. */
static const struct timespec *timeout(struct fz *f, struct timespec *ts)
{
    size_t own;
    struct timespec *p = fz_ptr_on(f, sizeof *ts, &own, ts, sizeof *ts);
    /* Readable code or rodata would be a time of centuries, and null means no timeout
     * for futex and semaphore waits: the valid case then. */
    if (own != 0 || !fz_ptr_is_bad(f, 0) || p == NULL) {
        p = ts;
        ts->tv_sec = 0;
        ts->tv_nsec = (int32_t)fz_below(f, 2000000);
        if (fz_chance(f, 20)) {
            f->mask |= 1u << FZ_NEGATIVE;
            ts->tv_sec = fz_chance(f, 50) ? -1 : 0;
            ts->tv_nsec = fz_chance(f, 50) ? -5 : 1000000000;
        }
    }
    return p;
}

/* An absolute CLOCK_REALTIME deadline a few milliseconds ahead, or a bad one. */
static const struct timespec *deadline(struct fz *f, struct timespec *ts)
{
    const struct timespec *p = timeout(f, ts);
    if (p == ts) {
        struct timespec now;
        sys_clock_gettime(CLOCK_REALTIME, &now);
        int64_t ns = now.tv_nsec + ts->tv_nsec;
        ts->tv_sec += now.tv_sec + ns / 1000000000;
        ts->tv_nsec = (int32_t)(ns % 1000000000);
    }
    return p;
}

/* A sockaddr: bad pointer, or the thread's memory holding an IPv4 loopback address
 * (or garbage) with a length that fits. */
static const struct sockaddr *address(struct fz *f, socklen_t *len, uint8_t *stack)
{
    size_t own;
    uint8_t *p = fz_ptr_on(f, 16, &own, stack, 16);
    *len = (socklen_t)fz_len(f, p, own);
    if (own >= 16) {
        uint8_t a[16] = {16, AF_INET, 0x1f, 0x90, 127, 0, 0, 1};
        for (int i = 0; i < 16; i++)
            p[i] = fz_chance(f, 10) ? (uint8_t)fz_rand(f) : a[i];
    }
    return (const struct sockaddr *)p;
}

CALL(accept)
{
    uint8_t addr[16];
    socklen_t len = 16;
    size_t own;
    void *a = fz_ptr_on(f, 16, &own, addr, 16);
    socklen_t *l = fz_ptr_on(f, 4, &own, &len, sizeof len);
    if (own != 0)
        *l = (socklen_t)fz_below(f, 17);
    int fd = sys_accept(fz_fd(f), a, l);
    if (fd >= 0)
        sys_close(fd);
    return fd;
}

CALL(access)
{
    return sys_access(fz_path(f, 0), fz_int(f, F_OK));
}

CALL(add_queue)
{
    return sys_add_queue(fz_rand(f), (int64_t)fz_rand(f));
}

/* An allocation of a hostile size and alignment, used and given back with its layout. */
static uint8_t *alloc_some(struct fz *f, size_t *size, size_t *align, int zeroed)
{
    static const size_t sizes[] = {0, 1, 17, 4096, 1 << 20, (size_t)1 << 40, SIZE_MAX,
                                   SIZE_MAX - 4095};
    static const size_t aligns[] = {0, 1, 3, 16, 4096, 1 << 21, (size_t)1 << 63, 24};
    *size = fz_chance(f, 50) ? sizes[fz_below(f, 8)] : fz_below(f, 70000);
    *align = fz_chance(f, 70) ? 16 : aligns[fz_below(f, 8)];
    if (*size > (1 << 20))
        f->mask |= 1u << FZ_LEN_HUGE;
    if (*size == 0)
        f->mask |= 1u << FZ_LEN0;
    if (*align != 16)
        f->mask |= 1u << FZ_BAD_VALUE;
    uint8_t *p = zeroed ? sys_alloc_zeroed(*size, *align) : sys_alloc(*size, *align);
    if (p != NULL && *size > 0 && *size <= (1 << 20)) {
        p[0] = 1;
        p[*size - 1] = 2;
    }
    return p;
}

CALL(alloc)
{
    size_t size, align;
    uint8_t *p = alloc_some(f, &size, &align, 0);
    if (p != NULL)
        sys_dealloc(p, size, align);
    return 0;
}

CALL(alloc_zeroed)
{
    size_t size, align;
    uint8_t *p = alloc_some(f, &size, &align, 1);
    if (p != NULL)
        sys_free(p, size, align);
    return 0;
}

CALL(malloc)
{
    size_t size, align;
    uint8_t *p = alloc_some(f, &size, &align, 0);
    if (p != NULL)
        sys_free(p, size, align);
    return 0;
}

CALL(dealloc)
{
    /* Null, or what sys_alloc gave. */
    size_t size, align;
    uint8_t *p = fz_chance(f, 20) ? NULL : alloc_some(f, &size, &align, 0);
    if (p == NULL)
        f->mask |= 1u << FZ_NULL;
    sys_dealloc(p, p == NULL ? 16 : size, p == NULL ? 16 : align);
    return 0;
}

CALL(free)
{
    size_t size, align;
    uint8_t *p = fz_chance(f, 20) ? NULL : alloc_some(f, &size, &align, 0);
    if (p == NULL)
        f->mask |= 1u << FZ_NULL;
    sys_free(p, p == NULL ? 16 : size, p == NULL ? 16 : align);
    return 0;
}

CALL(realloc)
{
    size_t size, align;
    uint8_t *p = fz_chance(f, 20) ? NULL : alloc_some(f, &size, &align, 0);
    if (p == NULL) {
        f->mask |= 1u << FZ_NULL;
        size = 0;
        align = 16;
    }
    size_t new_size = fz_chance(f, 80) ? fz_below(f, 100000) : SIZE_MAX - fz_below(f, 4096);
    uint8_t *q = sys_realloc(p, size, align, new_size);
    if (q != NULL)
        sys_dealloc(q, new_size, align);
    else if (p != NULL)
        sys_dealloc(p, size, align);
    return 0;
}

CALL(available_parallelism)
{
    return (long)sys_available_parallelism();
}

CALL(get_processor_count)
{
    return (long)sys_get_processor_count();
}

CALL(image_start_addr)
{
    return (long)sys_image_start_addr();
}

CALL(bind)
{
    uint8_t stack[16];
    socklen_t len;
    const struct sockaddr *a = address(f, &len, stack);
    return sys_bind(fz_fd(f), a, len);
}

CALL(connect)
{
    uint8_t stack[16];
    socklen_t len;
    const struct sockaddr *a = address(f, &len, stack);
    return sys_connect(fz_fd(f), a, len);
}

/* A task that blocks itself: sys_block_current_task never returns control unless someone
 * calls sys_wakeup_taskt, and the task may leave the CPU (a time slice ends) anywhere
 * after it, so another task must do the waking: the fuzzing thread that spawned it
 * keeps waking it until it says it ran on. The task runs at priority 8, above the
 * fuzzing threads (2), so it must never wait for them by spinning: with the scheduler's
 * strict priorities two such tasks spinning on both vCPUs (an earlier version waited
 * here for its spawner to publish its id) starved every fuzzing thread and the
 * watchdog for good, which is what hung the 10-minute run with seed 7. */
static volatile int blocker_done[64];

static void blocking_task(size_t slot)
{
    if (slot & 1)
        sys_block_current_task();
    else
        sys_block_current_task_with_timeout(1 + slot % 3);
    sys_yield();
    blocker_done[slot] = 1;
}

static int spawn_blocker(struct fz *f)
{
    size_t slot = (size_t)(f->index * 4 + (int)fz_below(f, 4)) % 64;
    blocker_done[slot] = 0;
    Tid t = sys_spawn2(blocking_task, slot, 8, 0, -1);
    if (t == 0)
        return -1;
    while (!blocker_done[slot]) {
        sys_wakeup_taskt(t);
        sys_yield();
    }
    return sys_join(t);
}

CALL(block_current_task)
{
    return spawn_blocker(f);
}

CALL(block_current_task_with_timeout)
{
    return spawn_blocker(f);
}

CALL(wakeup_taskt)
{
    /* Ids that are no task, or (wake-live) a task that may be running, blocked anywhere
     * or ended. */
    Tid t = !fz_wake_live || fz_chance(f, 50) ? (Tid)fz_rand(f) | 0x40000000u : fz_below(f, 64);
    f->mask |= 1u << FZ_BAD_VALUE;
    sys_wakeup_taskt(t);
    return 0;
}

CALL(chdir)
{
    long r = sys_chdir(fz_path(f, 0));
    sys_chdir("/");
    return r;
}

CALL(clock_gettime)
{
    struct timespec ts;
    size_t own;
    struct timespec *p = fz_ptr_on(f, sizeof ts, &own, &ts, sizeof ts);
    int bad = fz_ptr_is_bad(f, 1);
    clockid_t id = fz_int(f, fz_chance(f, 50) ? CLOCK_REALTIME : CLOCK_MONOTONIC);
    long r = sys_clock_gettime(id, p);
    if (bad)
        fz_expect_failure(f, "sys_clock_gettime", r);
    return r;
}

CALL(close)
{
    /* Bad descriptors, or a duplicate of the thread's own. */
    int fd = fz_chance(f, 50) ? sys_dup(fz_fd(f)) : fz_int(f, -1);
    if (fd < 0)
        f->mask |= 1u << FZ_BAD_FD;
    return sys_close(fd);
}

CALL(destroy_queue)
{
    return sys_destroy_queue(fz_rand(f));
}

CALL(init_queue)
{
    return sys_init_queue(fz_rand(f));
}

CALL(notify)
{
    return sys_notify(fz_rand(f), fz_int(f, 1));
}

CALL(wait)
{
    return sys_wait(fz_rand(f));
}

CALL(dup)
{
    int fd = sys_dup(fz_fd(f));
    if (fd >= 0)
        sys_close(fd);
    return fd;
}

CALL(dup2)
{
    /* Onto a bad number or a fresh high one: never onto another thread's descriptors. */
    int target = fz_chance(f, 50) ? fz_int(f, 900 + f->index) : 900 + f->index;
    if (target >= 0 && target < 900)
        target = -1;
    int fd = sys_dup2(fz_fd(f), target);
    if (fd >= 0)
        sys_close(fd);
    return fd;
}

CALL(errno)
{
    return sys_errno();
}

CALL(get_errno)
{
    return sys_get_errno();
}

CALL(eventfd)
{
    /* Always non-blocking: another thread's read on it must not block forever. */
    int16_t flags = (int16_t)(fz_int(f, 0) | EFD_NONBLOCK);
    uint64_t init = fz_chance(f, 50) ? fz_below(f, 10) : fz_rand(f);
    int fd = sys_eventfd(init, flags);
    if (fd >= 0)
        sys_close(fd);
    return fd;
}

CALL(pipe2)
{
    int32_t pair[2];
    size_t own;
    int32_t *p = fz_ptr_on(f, sizeof pair, &own, pair, sizeof pair);
    int bad = fz_ptr_is_bad(f, 1);
    /* Always non-blocking (see eventfd); sometimes unknown flags. */
    int32_t flags = O_NONBLOCK;
    if (fz_chance(f, 20)) {
        flags |= (int32_t)fz_rand(f);
        f->mask |= 1u << FZ_BAD_VALUE;
    }
    long r = sys_pipe2(p, flags);
    if (bad)
        fz_expect_failure(f, "sys_pipe2", r);
    if (r == 0 && own) {
        sys_close(p[0]);
        sys_close(p[1]);
    }
    return r;
}

CALL(fcntl)
{
    static const int cmds[] = {F_DUPFD, F_DUPFD_CLOEXEC, F_GETFD, F_SETFD, F_GETFL, F_SETFL, 99, -1};
    int cmd = cmds[fz_below(f, 8)];
    if (cmd == 99 || cmd == -1)
        f->mask |= 1u << FZ_BAD_VALUE;
    int r = sys_fcntl(fz_file_fd(f), cmd, fz_int(f, 0));
    if (r >= 0 && (cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC))
        sys_close(r);
    return r;
}

CALL(freeaddrinfo)
{
    /* A list it gave, or any pointer: the kernel frees only lists it handed out. */
    struct addrinfo *res = NULL;
    size_t own;
    if (fz_chance(f, 60)) {
        sys_getaddrinfo("127.0.0.1", "80", NULL, &res);
        f->mask |= 1u << FZ_VALID;
    } else {
        res = fz_ptr(f, sizeof *res, &own);
    }
    sys_freeaddrinfo(res);
    if (res != NULL && fz_chance(f, 30))
        sys_freeaddrinfo(res); /* twice: ignored the second time */
    return 0;
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

CALL(futex_wait)
{
    static uint32_t words[16];
    struct timespec ts;
    size_t own;
    uint32_t *w = fz_ptr(f, 4, &own);
    if (own != 0 && fz_chance(f, 50))
        w = &words[f->index % 16];
    uint32_t expected = fz_chance(f, 50) ? 0 : (uint32_t)fz_rand(f);
    /* A word that may hold the expected value gets a short or bad timeout, never none. */
    const struct timespec *t = timeout(f, &ts);
    return sys_futex_wait(w, expected, t, fz_chance(f, 80) ? 1 : (uint32_t)fz_int(f, 1));
}

CALL(futex_wake)
{
    size_t own;
    uint32_t *w = fz_ptr(f, 4, &own);
    return sys_futex_wake(w, fz_int(f, 1));
}

CALL(get_priority)
{
    return sys_get_priority();
}

CALL(set_priority)
{
    /* Ids that are no task, with any priority. */
    Tid t = (Tid)fz_rand(f) | 0x40000000u;
    f->mask |= 1u << FZ_BAD_VALUE;
    sys_set_priority(t, (uint8_t)fz_rand(f));
    return 0;
}

CALL(getaddrbyname)
{
    uint8_t out[16];
    size_t own;
    const char *name = fz_chance(f, 40) ? "127.0.0.1" : fz_path(f, 0);
    uint8_t *p = fz_ptr_on(f, 4, &own, out, sizeof out);
    size_t len = fz_len(f, p, own);
    return sys_getaddrbyname(name, p, len);
}

CALL(getaddrinfo)
{
    static const char *names[] = {"127.0.0.1", "localhost", "1.2.3.4", "", "no.such.name.invalid"};
    struct addrinfo hints = {0}, *res = NULL;
    size_t own;
    const char *node = fz_chance(f, 50) ? names[fz_below(f, 5)] : fz_ptr(f, 1, &own);
    if (node == (const char *)f->heap || node == (const char *)f->data)
        f->heap[FZ_BUF - 1] = f->data[FZ_BUF - 1] = 0;
    const char *service = fz_chance(f, 60) ? "80" : fz_ptr(f, 1, &own);
    if (service == (const char *)f->heap || service == (const char *)f->data)
        f->heap[FZ_BUF - 1] = f->data[FZ_BUF - 1] = 0;
    hints.ai_family = fz_int(f, AF_INET);
    hints.ai_socktype = fz_int(f, SOCK_STREAM);
    const struct addrinfo *h = fz_chance(f, 60) ? &hints : fz_ptr(f, sizeof hints, &own);
    struct addrinfo **r = fz_chance(f, 60) ? &res : fz_ptr(f, sizeof res, &own);
    int bad = fz_ptr_is_bad(f, 1);
    long ret = sys_getaddrinfo(node, service, h, r);
    if (r == &res && res != NULL)
        sys_freeaddrinfo(res);
    else if (ret == 0 && !bad && r != &res && r != NULL)
        sys_freeaddrinfo(*r);
    return ret;
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

CALL(getpagesize)
{
    return sys_getpagesize();
}

CALL(getpid)
{
    return sys_getpid();
}

static long name_call(struct fz *f, int peer)
{
    uint8_t addr[16];
    socklen_t len = 16;
    size_t own;
    struct sockaddr *a = fz_ptr_on(f, 16, &own, addr, 16);
    socklen_t *l = fz_ptr_on(f, 4, &own, &len, sizeof len);
    if (own != 0)
        *l = (socklen_t)fz_below(f, 17);
    return peer ? sys_getpeername(fz_fd(f), a, l) : sys_getsockname(fz_fd(f), a, l);
}

CALL(getpeername)
{
    return name_call(f, 1);
}

CALL(getsockname)
{
    return name_call(f, 0);
}

static const int levels[] = {SOL_SOCKET, IPPROTO_TCP, IPPROTO_IP, IPPROTO_IPV6, -1, 12345};
static const int options[] = {SO_REUSEADDR, SO_KEEPALIVE, SO_RCVTIMEO, SO_SNDTIMEO, SO_ERROR,
                              SO_LINGER, SO_SNDBUF, SO_RCVBUF, 1, 2, -1, 99999};

CALL(getsockopt)
{
    uint8_t val[32];
    socklen_t len = 32;
    size_t own;
    void *v = fz_ptr_on(f, 32, &own, val, sizeof val);
    size_t vown = own;
    socklen_t *l = fz_ptr_on(f, 4, &own, &len, sizeof len);
    if (own != 0)
        *l = (socklen_t)fz_below(f, (unsigned)(vown < 32 ? vown + 1 : 33));
    return sys_getsockopt(fz_fd(f), levels[fz_below(f, 6)], options[fz_below(f, 12)], v, l);
}

CALL(setsockopt)
{
    uint8_t val[32] = {0};
    size_t own;
    void *v = fz_ptr_on(f, 32, &own, val, sizeof val);
    socklen_t len = (socklen_t)fz_len(f, v, own);
    /* Never on the thread's socket (a timeout or buffer size would stay): a copy. */
    int fd = sys_dup(fz_fd(f));
    long r = sys_setsockopt(fd, levels[fz_below(f, 6)], options[fz_below(f, 12)], v, len);
    sys_close(fd);
    return r;
}

CALL(ioctl)
{
    int32_t on = 0;
    size_t own;
    void *p = fz_ptr_on(f, 4, &own, &on, sizeof on);
    if (own != 0)
        *(int32_t *)p = (int32_t)fz_below(f, 2);
    int cmd = fz_chance(f, 60) ? 0x5421 : fz_int(f, 0x8008667e);
    return sys_ioctl(fz_file_fd(f), cmd, p);
}

CALL(isatty)
{
    return sys_isatty(fz_fd(f));
}

CALL(join)
{
    /* Ids that are no task, or a task spawned here. */
    if (fz_chance(f, 50)) {
        Tid t = sys_spawn2(fz_task, 0, 8, 0, -1);
        return t ? sys_join(t) : -1;
    }
    f->mask |= 1u << FZ_BAD_VALUE;
    return sys_join((Tid)fz_rand(f) | 0x40000000u);
}

CALL(listen)
{
    int fd = sys_dup(fz_fd(f));
    long r = sys_listen(fd, fz_int(f, 16));
    sys_close(fd);
    return r;
}

CALL(lseek)
{
    return sys_lseek(fz_fd(f), (ptrdiff_t)fz_off(f), fz_int(f, (int)fz_below(f, 3)));
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

CALL(mmap)
{
    static const size_t sizes[] = {0, 1, 4096, 100000, SIZE_MAX, SIZE_MAX - 4095, (size_t)1 << 40};
    uint8_t *out = NULL;
    size_t own = 0;
    uint8_t **ret = fz_chance(f, 60) ? &out : fz_ptr(f, 8, &own);
    size_t size = sizes[fz_below(f, 7)];
    if (size > 100000)
        f->mask |= 1u << FZ_LEN_HUGE;
    /* SIZE_MAX rounds up to 0 and wraps (issue 13, item 1): left to the memory work. */
    if (size >= SIZE_MAX - 4095)
        size = (size_t)1 << 40;
    long r = sys_mmap(size, (uint32_t)fz_int(f, 3), ret);
    if (r == 0 && ret != &out && own != 0)
        __builtin_memcpy(&out, ret, sizeof out); /* written to the thread's memory */
    if (r == 0 && out != NULL && (ret == &out || own != 0))
        sys_munmap(out, size);
    return r;
}

CALL(munmap)
{
    /* Null, misaligned or zero-length (EINVAL), or a mapping sys_mmap made. */
    switch (fz_below(f, 4)) {
    case 0:
        f->mask |= 1u << FZ_NULL;
        return sys_munmap(NULL, 4096);
    case 1:
        f->mask |= 1u << FZ_MISALIGNED;
        return sys_munmap(f->heap + 1, 4096);
    case 2:
        f->mask |= 1u << FZ_LEN0;
        return sys_munmap(f->heap, 0);
    default: {
        uint8_t *p = NULL;
        size_t size = 4096 * (1 + fz_below(f, 8));
        f->mask |= 1u << FZ_VALID;
        if (sys_mmap(size, 3, &p) != 0)
            return -1;
        return sys_munmap(p, size);
    }
    }
}

CALL(fault_entry)
{
    /* Nothing, a made-up address (EFAULT unless it lies in code) or a real function;
     * never left registered: a fault of the fuzzer must end in the crash report. */
    long r;
    switch (fz_below(f, 3)) {
    case 0:
        r = sys_fault_entry(0);
        break;
    case 1:
        r = sys_fault_entry((size_t)(uintptr_t)fz_task);
        break;
    default:
        r = sys_fault_entry((size_t)fz_rand(f));
        break;
    }
    sys_fault_entry(0);
    return r;
}

CALL(mprotect)
{
    size_t own;
    uint8_t *p = fz_ptr(f, 4096, &own);
    return sys_mprotect(p, fz_len(f, p, own), (uint32_t)fz_int(f, 1));
}

CALL(nanosleep)
{
    struct timespec ts;
    return sys_nanosleep(timeout(f, &ts));
}

CALL(usleep)
{
    sys_usleep(fz_below(f, 3000));
    return 0;
}

CALL(network_init)
{
    return sys_network_init();
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

CALL(poll)
{
    struct pollfd fds[4];
    size_t own;
    struct pollfd *p = fz_ptr_on(f, sizeof fds, &own, fds, sizeof fds);
    size_t n = fz_len(f, p, own / sizeof *p);
    if (own != 0) {
        for (size_t i = 0; i < own / sizeof *p && i < 64; i++) {
            p[i].fd = fz_fd(f);
            p[i].events = (int16_t)fz_int(f, POLLIN | POLLOUT);
        }
        if (n > own / sizeof *p && n < 1024)
            n = own / sizeof *p;
    }
    return sys_poll(p, n, fz_chance(f, 80) ? 0 : (int32_t)fz_below(f, 3));
}

/* Read-type calls: the buffer is the thread's own bytes or a bad pointer; writes into
 * it never go past the thread's bytes. */
static long read_call(struct fz *f, int kind)
{
    uint8_t stack[128];
    size_t own;
    uint8_t *p = fz_ptr_on(f, 1, &own, stack, sizeof stack);
    int bad = fz_ptr_is_bad(f, 1);
    size_t len = fz_len(f, p, own);
    int fd = fz_fd(f);
    long r;
    switch (kind) {
    case 0:
        r = sys_read(fd, p, len);
        break;
    case 1:
        r = sys_pread(fd, p, len, fz_off(f));
        break;
    case 2:
        r = sys_recv(fd, p, len, fz_int(f, 0));
        break;
    case 3: {
        uint8_t addr[16];
        socklen_t alen = 16;
        size_t aown;
        struct sockaddr *a = fz_chance(f, 50) ? NULL : fz_ptr_on(f, 16, &aown, addr, 16);
        socklen_t *l = fz_chance(f, 70) ? &alen : fz_ptr(f, 4, &aown);
        if (l != &alen && aown != 0)
            *l = 0;
        r = sys_recvfrom(fd, p, len, fz_int(f, 0), a, l);
        break;
    }
    default:
        r = sys_read_entropy(p, len, (uint32_t)fz_int(f, 0));
        fd = f->fds[2];
        break;
    }
    /* /dev/zero (fds[2]) and the entropy source always have bytes to give. */
    if (bad && len > 0 && len < ((size_t)1 << 40) && fd == f->fds[2] && fd >= 0)
        fz_expect_failure(f, "read-type call", r);
    return r;
}

CALL(read)
{
    return read_call(f, 0);
}

CALL(pread)
{
    return read_call(f, 1);
}

CALL(recv)
{
    return read_call(f, 2);
}

CALL(recvfrom)
{
    return read_call(f, 3);
}

CALL(read_entropy)
{
    return read_call(f, 4);
}

static long write_call(struct fz *f, int kind)
{
    uint8_t stack[128] = {0};
    size_t own;
    const uint8_t *p = fz_ptr_on(f, 1, &own, stack, sizeof stack);
    int bad = fz_ptr_is_bad(f, 0);
    size_t len = fz_len(f, p, own);
    int fd = fz_fd(f);
    long r;
    switch (kind) {
    case 0:
        r = sys_write(fd, p, len);
        break;
    case 1:
        r = sys_pwrite(fd, p, len, fz_off(f));
        break;
    case 2:
        r = sys_send(fd, p, len, fz_int(f, 0));
        break;
    default: {
        uint8_t addr[16];
        socklen_t alen;
        const struct sockaddr *a = fz_chance(f, 30) ? NULL : address(f, &alen, addr);
        r = sys_sendto(fd, p, len, fz_int(f, 0), a, a == NULL ? 0 : alen);
        break;
    }
    }
    if (bad && len > 0 && kind == 0 && fd == f->fds[3] && fd >= 0)
        fz_expect_failure(f, "write-type call", r);
    return r;
}

CALL(write)
{
    return write_call(f, 0);
}

CALL(pwrite)
{
    return write_call(f, 1);
}

CALL(send)
{
    return write_call(f, 2);
}

CALL(sendto)
{
    return write_call(f, 3);
}

/* One of the thread's buffers that does not hold P. */
static void *other_buffer(struct fz *f, const void *p)
{
    const uint8_t *b = p;
    return b >= f->heap && b < f->heap + FZ_BUF + 64 ? f->data : f->heap;
}

/* An iovec array of the thread's own memory, or a bad one; entries point at the
 * thread's bytes or anywhere bad, with lengths that never exceed the thread's bytes. */
static long vector_call(struct fz *f, int write)
{
    struct iovec v[4];
    size_t own;
    struct iovec *p = fz_ptr_on(f, sizeof v, &own, v, sizeof v);
    size_t n = fz_chance(f, 70) ? fz_below(f, 5) : fz_len(f, p, own / sizeof *p);
    if (own != 0) {
        size_t cap = own / sizeof *p;
        for (size_t i = 0; i < cap && i < 4; i++) {
            size_t bown;
            /* Not the thread's buffers holding the array itself. */
            p[i].iov_base = fz_ptr(f, 1, &bown);
            if (bown != 0)
                p[i].iov_base = other_buffer(f, p);
            p[i].iov_len = fz_len(f, p[i].iov_base, bown != 0 ? FZ_BUF / 2 : 0);
        }
        if (n > 4 && n <= 1024)
            n = 4;
    }
    int fd = fz_fd(f);
    return write ? sys_writev(fd, p, n) : sys_readv(fd, p, n);
}

CALL(readv)
{
    return vector_call(f, 0);
}

CALL(writev)
{
    return vector_call(f, 1);
}

/* A sem_t: bad pointer, one holding garbage, or a semaphore of this call. */
CALL(sem_init)
{
    sem_t s;
    size_t own;
    sem_t *p = fz_ptr_on(f, sizeof s, &own, &s, sizeof s);
    long r = sys_sem_init(p, 0, (uint32_t)fz_int(f, 1));
    if (r == 0)
        sys_sem_destroy(p);
    return r;
}

static long sem_call(struct fz *f, int kind)
{
    sem_t s = NULL, garbage;
    struct timespec ts;
    size_t own;
    sem_t *p;
    if (fz_chance(f, 40)) {
        sys_sem_init(&s, 0, fz_below(f, 2));
        p = &s;
        f->mask |= 1u << FZ_VALID;
    } else if (fz_chance(f, 30)) {
        /* A sem_t never initialised: it holds some pointer. */
        garbage = fz_ptr(f, 8, &own);
        p = &garbage;
    } else {
        p = fz_ptr(f, sizeof s, &own);
    }
    long r;
    switch (kind) {
    case 0:
        r = sys_sem_post(p);
        break;
    case 1:
        r = sys_sem_trywait(p);
        break;
    case 2:
        r = sys_sem_timedwait(p, deadline(f, &ts));
        break;
    default:
        r = sys_sem_destroy(p);
        break;
    }
    if (s != NULL)
        sys_sem_destroy(&s);
    return r;
}

CALL(sem_post)
{
    return sem_call(f, 0);
}

CALL(sem_trywait)
{
    return sem_call(f, 1);
}

CALL(sem_timedwait)
{
    return sem_call(f, 2);
}

CALL(sem_destroy)
{
    return sem_call(f, 3);
}

CALL(shutdown)
{
    int fd = sys_dup(fz_fd(f));
    long r = sys_shutdown(fd, fz_int(f, 2));
    sys_close(fd);
    return r;
}

CALL(shutdown_socket)
{
    int fd = sys_dup(fz_fd(f));
    long r = sys_shutdown_socket(fd, fz_int(f, 2));
    sys_close(fd);
    return r;
}

CALL(socket)
{
    /* Always non-blocking (see eventfd). */
    int type = fz_int(f, SOCK_STREAM) | SOCK_NONBLOCK;
    int fd = sys_socket(fz_int(f, AF_INET), type, fz_int(f, 0));
    if (fd >= 0)
        sys_close(fd);
    return fd;
}

CALL(spawn)
{
    Tid id;
    size_t own;
    Tid *p = fz_ptr_on(f, sizeof id, &own, &id, sizeof id);
    if (own == 0)
        p = fz_chance(f, 50) ? NULL : &id; /* a bad pointer would lose the id to join */
    id = 0;
    long r = sys_spawn(p, fz_task, fz_rand(f), (uint8_t)fz_int(f, 8), (ptrdiff_t)fz_int(f, -1));
    if (r == 0 && p == &id)
        sys_join(id);
    /* Without the id the task ends on its own. */
    return r;
}

CALL(spawn2)
{
    static const size_t stacks[] = {0, 1, 4096, 1 << 16, SIZE_MAX, SIZE_MAX - 4095, (size_t)1 << 40};
    size_t stack = stacks[fz_below(f, 7)];
    if (stack > (1 << 16))
        f->mask |= 1u << FZ_LEN_HUGE;
    Tid t = sys_spawn2(fz_task, 0, (uint8_t)fz_int(f, 8), stack, (ptrdiff_t)fz_int(f, -1));
    if (t != 0)
        sys_join(t);
    return t;
}

CALL(gettid)
{
    return sys_gettid();
}

CALL(umask)
{
    /* Any mask, then the one before back (other threads may create with the odd one). */
    int32_t old = sys_umask((uint32_t)fz_rand(f));
    sys_umask((uint32_t)old);
    return old;
}

CALL(signal_notify)
{
    /* Its own task, a made-up one (ESRCH), or task 1: a notified task's interruptible
     * wait returns EINTR, which every call the fuzzer makes may see anyway. */
    Tid tid;
    switch (fz_below(f, 3)) {
    case 0:
        tid = (Tid)sys_gettid();
        break;
    case 1:
        tid = 1;
        break;
    default:
        tid = (Tid)fz_rand(f);
        break;
    }
    return sys_signal_notify(tid);
}

CALL(signal_pending)
{
    return sys_signal_pending();
}

/* sys_signal_wait_external blocks for good once the kernel takes signals from outside
 * (no signal comes in a fuzz run): it is called only before sys_signal_subscribe, under
 * one lock with it, and subscribe only after one wait (so both run in every run). */
static volatile int external_lock;
static int external_subscribed, external_waited;

static void external_acquire(void)
{
    while (__atomic_exchange_n(&external_lock, 1, __ATOMIC_ACQUIRE))
        sys_yield();
}

static void external_release(void)
{
    __atomic_store_n(&external_lock, 0, __ATOMIC_RELEASE);
}

CALL(signal_wait_external)
{
    long r = 0;
    external_acquire();
    if (!external_subscribed) {
        r = sys_signal_wait_external(); /* -EINVAL: nothing subscribed */
        external_waited = 1;
    }
    external_release();
    return r;
}

CALL(signal_subscribe)
{
    long r = 0;
    external_acquire();
    if (external_waited && !external_subscribed) {
        external_subscribed = 1;
        r = sys_signal_subscribe();
    }
    external_release();
    return r;
}

CALL(yield)
{
    sys_yield();
    return 0;
}

const struct fz_call fz_sys_calls[] = {
#define C(name) {"sys_" #name, call_##name}
    C(accept), C(access), C(add_queue), C(alloc), C(alloc_zeroed), C(available_parallelism),
    C(bind), C(block_current_task), C(block_current_task_with_timeout), C(chdir),
    C(clock_gettime), C(close), C(connect), C(dealloc), C(destroy_queue), C(dup), C(dup2),
    C(errno), C(eventfd), C(fault_entry), C(fcntl), C(free), C(freeaddrinfo), C(fstat), C(fsync), C(ftruncate),
    C(futex_wait), C(futex_wake), C(get_errno), C(get_priority), C(get_processor_count), C(image_start_addr),
    C(getaddrbyname), C(getaddrinfo), C(getcwd), C(getdents64), C(getpagesize),
    C(getpeername), C(getpid), C(gettid), C(getsockname), C(getsockopt), C(init_queue), C(ioctl),
    C(isatty), C(join), C(listen), C(lseek), C(lstat), C(malloc), C(mkdir), C(mmap),
    C(chmod), C(fchmod), C(flock), C(lock), C(link), C(symlink), C(readlink), C(statvfs),
    C(fstatvfs), C(utimensat), C(futimens),
    C(mprotect), C(munmap), C(nanosleep), C(network_init), C(notify), C(open), C(opendir), C(pipe2),
    C(poll), C(pread), C(pwrite), C(read), C(read_entropy), C(readv), C(realloc), C(recv),
    C(recvfrom), C(rename), C(rmdir), C(sem_destroy), C(sem_init), C(sem_post),
    C(sem_timedwait), C(sem_trywait), C(send), C(sendto), C(set_priority), C(setsockopt),
    C(shutdown), C(shutdown_socket), C(signal_notify), C(signal_pending),
    C(signal_subscribe), C(signal_wait_external), C(socket), C(spawn), C(spawn2), C(stat), C(truncate),
    C(umask), C(unlink), C(usleep), C(wait), C(wakeup_taskt), C(write), C(writev), C(yield),
#undef C
};
const int fz_sys_count = sizeof fz_sys_calls / sizeof fz_sys_calls[0];
