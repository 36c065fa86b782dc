/* The fuzzer's calls of the system calls of tasks and time: spawn/join, blocking and waking, futexes, semaphores, priorities, clocks, sleeps, signals
 * (the list of calls and what is left out: fuzz_sys.c). */

#include "fuzz_sys.h"

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

CALL(add_queue)
{
    return sys_add_queue(fz_rand(f), (int64_t)fz_rand(f));
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

CALL(errno)
{
    return sys_errno();
}

CALL(get_errno)
{
    return sys_get_errno();
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

CALL(getpid)
{
    return sys_getpid();
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
