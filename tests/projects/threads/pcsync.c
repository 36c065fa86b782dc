/* pcsync: POSIX threads, semaphores and clocks as a portable program uses them; its output
 * does not depend on scheduling or on the machine's speed, so tests/projects_tests.py
 * compares it with the native build's.  Timings are printed as booleans with margins
 * that a loaded machine keeps.
 *
 * - producer/consumer over a bounded buffer: counting semaphores (sem_wait, sem_post),
 *   a mutex, consumers polling with sem_timedwait (CLOCK_REALTIME deadlines) until the
 *   producers are done, then timing out;
 * - semaphore errors: sem_trywait EAGAIN, sem_timedwait ETIMEDOUT (past deadline, short
 *   deadline) and EINVAL (bad nanoseconds), sem_getvalue;
 * - clocks: CLOCK_MONOTONIC and CLOCK_REALTIME deltas across a sleep, monotonic across
 *   threads, clock_getres, gettimeofday/time against CLOCK_REALTIME, the raw, coarse,
 *   boot-time and CPU-time clocks;
 * - scheduling: sched_getcpu, sched_getscheduler, priority ranges, sched_yield;
 * - sleeping: nanosleep, usleep, clock_nanosleep (relative, TIMER_ABSTIME): never short,
 *   not much late;
 * - condition variables with CLOCK_MONOTONIC (pthread_condattr_setclock) timing out,
 *   barriers, once, keys with destructors, recursive and error-checking mutexes, rwlocks.
 *
 * Usage: pcsync [ITEMS]   (default 20000).  Exit status 0 when every check held. */

#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static int failures;

static void report(const char *what, int ok)
{
    printf("%-76s %s\n", what, ok ? "true" : "false");
    if (!ok)
        failures++;
}

static long long ns(clockid_t clk)
{
    struct timespec ts;
    clock_gettime(clk, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static struct timespec deadline_in(clockid_t clk, long long delta_ns)
{
    long long t = ns(clk) + delta_ns;
    struct timespec ts = {(time_t)(t / 1000000000LL), (long)(t % 1000000000LL)};
    return ts;
}

/* --- producer/consumer ------------------------------------------------------------- */

#define SLOTS 16
#define PRODUCERS 3
#define CONSUMERS 4

static long buffer[SLOTS];
static int head, tail;
static sem_t empty_slots, full_slots;
static pthread_mutex_t buffer_lock = PTHREAD_MUTEX_INITIALIZER;
static long items_per_producer;
static volatile int producers_done;

struct consumer {
    pthread_t thread;
    long count, sum;
    int timeouts, other_errors;
};

static void *producer(void *arg)
{
    long base = (long)arg * 1000000L;
    for (long i = 1; i <= items_per_producer; i++) {
        while (sem_wait(&empty_slots) != 0 && errno == EINTR) {
        }
        pthread_mutex_lock(&buffer_lock);
        buffer[head] = base + i;
        head = (head + 1) % SLOTS;
        pthread_mutex_unlock(&buffer_lock);
        sem_post(&full_slots);
    }
    return (void *)items_per_producer;
}

static void *consumer(void *arg)
{
    struct consumer *c = arg;
    for (;;) {
        /* Poll with a deadline, as a worker that also checks for shutdown does. */
        struct timespec dl = deadline_in(CLOCK_REALTIME, 20 * 1000000LL);
        if (sem_timedwait(&full_slots, &dl) != 0) {
            if (errno == ETIMEDOUT) {
                c->timeouts++;
                if (__atomic_load_n(&producers_done, __ATOMIC_ACQUIRE)) {
                    /* Done only when nothing is left (another post may be on its way). */
                    if (sem_trywait(&full_slots) != 0)
                        return NULL;
                } else {
                    continue;
                }
            } else if (errno == EINTR) {
                continue;
            } else {
                c->other_errors++;
                return NULL;
            }
        }
        pthread_mutex_lock(&buffer_lock);
        long v = buffer[tail];
        tail = (tail + 1) % SLOTS;
        pthread_mutex_unlock(&buffer_lock);
        sem_post(&empty_slots);
        c->count++;
        c->sum += v;
    }
}

static void producer_consumer(long items)
{
    pthread_t prod[PRODUCERS];
    struct consumer cons[CONSUMERS];
    items_per_producer = items / PRODUCERS;
    sem_init(&empty_slots, 0, SLOTS);
    sem_init(&full_slots, 0, 0);
    memset(cons, 0, sizeof cons);
    for (int i = 0; i < CONSUMERS; i++)
        pthread_create(&cons[i].thread, NULL, consumer, &cons[i]);
    for (long i = 0; i < PRODUCERS; i++)
        pthread_create(&prod[i], NULL, producer, (void *)(i + 1));
    long produced = 0;
    for (int i = 0; i < PRODUCERS; i++) {
        void *r;
        pthread_join(prod[i], &r);
        produced += (long)r;
    }
    __atomic_store_n(&producers_done, 1, __ATOMIC_RELEASE);
    long count = 0, sum = 0;
    int timeouts = 0, errors = 0, busy = 0;
    for (int i = 0; i < CONSUMERS; i++) {
        pthread_join(cons[i].thread, NULL);
        count += cons[i].count;
        sum += cons[i].sum;
        timeouts += cons[i].timeouts;
        errors += cons[i].other_errors;
        busy += cons[i].count > 0;
    }
    long want = 0;
    for (long p = 1; p <= PRODUCERS; p++)
        want += p * 1000000L * items_per_producer + items_per_producer * (items_per_producer + 1) / 2;
    printf("producer/consumer: %d producers, %d consumers, %ld items produced, %ld consumed\n",
           PRODUCERS, CONSUMERS, produced, count);
    report("every item consumed exactly once (count and sum)", count == produced && sum == want);
    report("each consumer ended with a sem_timedwait timeout", timeouts >= CONSUMERS);
    report("no sem_wait/sem_timedwait error but ETIMEDOUT", errors == 0);
    report("some consumer got items", busy >= 1);
    int v = -1;
    sem_getvalue(&empty_slots, &v);
    report("all slots free again (sem_getvalue == 16)", v == SLOTS);
    sem_destroy(&empty_slots);
    sem_destroy(&full_slots);
}

/* --- semaphore errors ------------------------------------------------------------------ */

static void semaphore_errors(void)
{
    sem_t s;
    report("sem_init", sem_init(&s, 0, 0) == 0);
    errno = 0;
    report("sem_trywait on 0: -1 EAGAIN", sem_trywait(&s) == -1 && errno == EAGAIN);
    struct timespec past = deadline_in(CLOCK_REALTIME, -1000000000LL);
    errno = 0;
    long long t0 = ns(CLOCK_MONOTONIC);
    int r = sem_timedwait(&s, &past);
    long long waited = ns(CLOCK_MONOTONIC) - t0;
    report("sem_timedwait, deadline passed: -1 ETIMEDOUT at once", r == -1 && errno == ETIMEDOUT && waited < 500000000LL);
    struct timespec soon = deadline_in(CLOCK_REALTIME, 30 * 1000000LL);
    errno = 0;
    t0 = ns(CLOCK_MONOTONIC);
    r = sem_timedwait(&s, &soon);
    waited = ns(CLOCK_MONOTONIC) - t0;
    report("sem_timedwait, 30 ms deadline: -1 ETIMEDOUT", r == -1 && errno == ETIMEDOUT);
    report("... not before the deadline (>= 29 ms)", waited >= 29 * 1000000LL);
    report("... not much after it (< 1 s)", waited < 1000000000LL);
    struct timespec bad = {time(NULL) + 10, 1000000000L};
    errno = 0;
    r = sem_timedwait(&s, &bad);
    report("sem_timedwait, tv_nsec = 1e9: -1 EINVAL", r == -1 && errno == EINVAL);
    sem_post(&s);
    sem_post(&s);
    int v = -1;
    sem_getvalue(&s, &v);
    report("sem_post twice: sem_getvalue == 2", v == 2);
    report("sem_timedwait on a posted semaphore: 0", sem_timedwait(&s, &bad) == 0 || errno == EINVAL);
    report("sem_trywait: 0", sem_trywait(&s) == 0);
    report("sem_destroy", sem_destroy(&s) == 0);
}

/* --- clocks and sleeping --------------------------------------------------------------- */

static volatile int backwards;

static void *monotonic_reader(void *arg)
{
    (void)arg;
    long long last = ns(CLOCK_MONOTONIC);
    for (int i = 0; i < 200000; i++) {
        long long now = ns(CLOCK_MONOTONIC);
        if (now < last)
            backwards = 1;
        last = now;
    }
    return NULL;
}

static void sleep_check(const char *name, long long req_ns, int (*sleeper)(long long))
{
    long long t0 = ns(CLOCK_MONOTONIC);
    int r = sleeper(req_ns);
    long long took = ns(CLOCK_MONOTONIC) - t0;
    char what[96];
    snprintf(what, sizeof what, "%s %lld ms: returns 0, not early", name, req_ns / 1000000);
    report(what, r == 0 && took >= req_ns);
    snprintf(what, sizeof what, "%s %lld ms: late by less than 200 ms", name, req_ns / 1000000);
    report(what, took < req_ns + 200 * 1000000LL);
}

static int do_nanosleep(long long d)
{
    struct timespec ts = {(time_t)(d / 1000000000LL), (long)(d % 1000000000LL)};
    return nanosleep(&ts, NULL);
}

static int do_usleep(long long d)
{
    return usleep((useconds_t)(d / 1000));
}

static int do_clock_nanosleep(long long d)
{
    struct timespec ts = {(time_t)(d / 1000000000LL), (long)(d % 1000000000LL)};
    return clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, NULL);
}

static int do_abstime(long long d)
{
    struct timespec ts = deadline_in(CLOCK_MONOTONIC, d);
    return clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
}

static void clocks(void)
{
    struct timespec res;
    report("clock_getres(CLOCK_MONOTONIC): 0 < res <= 1 ms",
           clock_getres(CLOCK_MONOTONIC, &res) == 0 && res.tv_sec == 0 && res.tv_nsec > 0 && res.tv_nsec <= 1000000);
    report("clock_getres(CLOCK_REALTIME) succeeds", clock_getres(CLOCK_REALTIME, &res) == 0);
    errno = 0;
    report("clock_gettime(bad clock): -1 EINVAL", clock_gettime((clockid_t)12345, &res) == -1 && errno == EINVAL);

    long long m0 = ns(CLOCK_MONOTONIC), r0 = ns(CLOCK_REALTIME);
    struct timespec ts = {0, 50 * 1000000L};
    nanosleep(&ts, NULL);
    long long dm = ns(CLOCK_MONOTONIC) - m0, dr = ns(CLOCK_REALTIME) - r0;
    report("CLOCK_MONOTONIC delta across a 50 ms sleep >= 50 ms", dm >= 50 * 1000000LL);
    report("CLOCK_MONOTONIC delta < 1 s", dm < 1000000000LL);
    report("CLOCK_REALTIME delta within 10 ms of the monotonic one", llabs(dr - dm) < 10 * 1000000LL);
    report("CLOCK_REALTIME is after 2020", r0 / 1000000000LL > 1577836800LL);

    static const struct {
        const char *name;
        clockid_t id;
    } others[] = {{"CLOCK_MONOTONIC_RAW", CLOCK_MONOTONIC_RAW},
                  {"CLOCK_MONOTONIC_COARSE", CLOCK_MONOTONIC_COARSE},
                  {"CLOCK_BOOTTIME", CLOCK_BOOTTIME},
                  {"CLOCK_REALTIME_COARSE", CLOCK_REALTIME_COARSE}};
    for (size_t i = 0; i < sizeof others / sizeof others[0]; i++) {
        char what[96];
        long long t0 = ns(others[i].id);
        struct timespec nap = {0, 20 * 1000000L};
        nanosleep(&nap, NULL);
        long long d = ns(others[i].id) - t0;
        snprintf(what, sizeof what, "%s advances by 15 ms .. 1 s across a 20 ms sleep", others[i].name);
        report(what, t0 > 0 && d >= 15 * 1000000LL && d < 1000000000LL);
    }
    clockid_t cpu;
    report("clock_getcpuclockid(0) gives a clock clock_gettime reads",
           clock_getcpuclockid(0, &cpu) == 0 && clock_gettime(cpu, &res) == 0);
    long long p0 = ns(CLOCK_PROCESS_CPUTIME_ID), th0 = ns(CLOCK_THREAD_CPUTIME_ID);
    volatile double spin = 0;
    for (int i = 0; i < 2000000; i++)
        spin += i;
    report("CLOCK_PROCESS_CPUTIME_ID and CLOCK_THREAD_CPUTIME_ID advance while computing",
           ns(CLOCK_PROCESS_CPUTIME_ID) > p0 && ns(CLOCK_THREAD_CPUTIME_ID) > th0);

    struct timeval tv;
    gettimeofday(&tv, NULL);
    long long g = (long long)tv.tv_sec * 1000000000LL + tv.tv_usec * 1000LL;
    report("gettimeofday within 1 s of CLOCK_REALTIME", llabs(g - ns(CLOCK_REALTIME)) < 1000000000LL);
    report("time() within 1 s of CLOCK_REALTIME", llabs((long long)time(NULL) - ns(CLOCK_REALTIME) / 1000000000LL) <= 1);

    pthread_t readers[2];
    for (int i = 0; i < 2; i++)
        pthread_create(&readers[i], NULL, monotonic_reader, NULL);
    monotonic_reader(NULL);
    for (int i = 0; i < 2; i++)
        pthread_join(readers[i], NULL);
    report("CLOCK_MONOTONIC never goes backwards (3 threads, 600000 reads)", !backwards);

    clock_t c0 = clock();
    volatile double x = 0;
    for (int i = 0; i < 3000000; i++)
        x += i * 0.5;
    report("clock() is not -1 and does not go backwards", c0 != (clock_t)-1 && clock() >= c0);

    sleep_check("nanosleep", 1000000LL, do_nanosleep);
    sleep_check("nanosleep", 10000000LL, do_nanosleep);
    sleep_check("nanosleep", 100000000LL, do_nanosleep);
    sleep_check("usleep", 20000000LL, do_usleep);
    sleep_check("clock_nanosleep", 20000000LL, do_clock_nanosleep);
    sleep_check("clock_nanosleep TIMER_ABSTIME", 20000000LL, do_abstime);
    struct timespec badts = {0, -1};
    errno = 0;
    report("nanosleep(tv_nsec = -1): -1 EINVAL", nanosleep(&badts, NULL) == -1 && errno == EINVAL);
}

/* --- other pthreads objects --------------------------------------------------------------- */

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int once_runs;
static pthread_key_t key;
static int destructor_runs;
static pthread_barrier_t barrier;
static int serial_threads;
static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static long shared_counter;

static void once_fn(void)
{
    once_runs++;
}

static void destructor(void *p)
{
    __atomic_add_fetch(&destructor_runs, 1, __ATOMIC_RELAXED);
    free(p);
}

static void *worker(void *arg)
{
    pthread_once(&once, once_fn);
    pthread_setspecific(key, malloc(16));
    if (pthread_barrier_wait(&barrier) == PTHREAD_BARRIER_SERIAL_THREAD)
        __atomic_add_fetch(&serial_threads, 1, __ATOMIC_RELAXED);
    for (int i = 0; i < 1000; i++) {
        pthread_rwlock_wrlock(&rw);
        shared_counter++;
        pthread_rwlock_unlock(&rw);
        pthread_rwlock_rdlock(&rw);
        (void)shared_counter;
        pthread_rwlock_unlock(&rw);
    }
    return (void *)((long)arg * 2);
}

static void objects(void)
{
    pthread_key_create(&key, destructor);
    pthread_barrier_init(&barrier, NULL, 4);
    pthread_t t[4];
    for (long i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, worker, (void *)i);
    long sum = 0;
    for (int i = 0; i < 4; i++) {
        void *r;
        pthread_join(t[i], &r);
        sum += (long)r;
    }
    report("pthread_join returns each thread's value", sum == 12);
    report("pthread_once ran once", once_runs == 1);
    report("key destructors ran for 4 threads", destructor_runs == 4);
    report("one PTHREAD_BARRIER_SERIAL_THREAD", serial_threads == 1);
    report("rwlock: 4000 increments", shared_counter == 4000);
    pthread_barrier_destroy(&barrier);
    pthread_key_delete(key);

    pthread_condattr_t ca;
    pthread_cond_t cond;
    pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
    pthread_condattr_init(&ca);
    report("pthread_condattr_setclock(CLOCK_MONOTONIC)", pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) == 0);
    pthread_cond_init(&cond, &ca);
    pthread_mutex_lock(&m);
    struct timespec dl = deadline_in(CLOCK_MONOTONIC, 30 * 1000000LL);
    long long t0 = ns(CLOCK_MONOTONIC);
    int r = pthread_cond_timedwait(&cond, &m, &dl);
    long long took = ns(CLOCK_MONOTONIC) - t0;
    pthread_mutex_unlock(&m);
    report("pthread_cond_timedwait (monotonic, 30 ms): ETIMEDOUT, not early", r == ETIMEDOUT && took >= 29 * 1000000LL);
    pthread_cond_destroy(&cond);

    pthread_mutexattr_t ma;
    pthread_mutex_t rec, chk;
    pthread_mutexattr_init(&ma);
    pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_init(&rec, &ma);
    report("recursive mutex: locked twice, unlocked twice",
           pthread_mutex_lock(&rec) == 0 && pthread_mutex_lock(&rec) == 0 &&
               pthread_mutex_unlock(&rec) == 0 && pthread_mutex_unlock(&rec) == 0);
    pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_ERRORCHECK);
    pthread_mutex_init(&chk, &ma);
    pthread_mutex_lock(&chk);
    report("error-checking mutex: relock EDEADLK", pthread_mutex_lock(&chk) == EDEADLK);
    report("error-checking mutex: trylock EBUSY", pthread_mutex_trylock(&chk) == EBUSY);
    pthread_mutex_unlock(&chk);
    report("error-checking mutex: unlock of unlocked EPERM", pthread_mutex_unlock(&chk) == EPERM);
}

static void scheduling(void)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    report("sysconf(_SC_NPROCESSORS_ONLN) >= 1", cpus >= 1);
    int cpu = sched_getcpu();
    report("sched_getcpu() is one of them", cpu >= 0 && cpu < cpus);
    report("sched_getscheduler(0) == SCHED_OTHER", sched_getscheduler(0) == SCHED_OTHER);
    report("SCHED_OTHER priorities: 0 .. 0",
           sched_get_priority_min(SCHED_OTHER) == 0 && sched_get_priority_max(SCHED_OTHER) == 0);
    report("SCHED_FIFO priorities: 1 .. 99",
           sched_get_priority_min(SCHED_FIFO) == 1 && sched_get_priority_max(SCHED_FIFO) == 99);
    struct sched_param sp = {.sched_priority = 5};
    report("sched_getparam(0): priority 0", sched_getparam(0, &sp) == 0 && sp.sched_priority == 0);
    errno = 0;
    report("sched_get_priority_max(12345): -1 EINVAL", sched_get_priority_max(12345) == -1 && errno == EINVAL);
    report("sched_yield", sched_yield() == 0);
}

int main(int argc, char **argv)
{
    long items = argc > 1 ? atol(argv[1]) : 20000;
    setvbuf(stdout, NULL, _IOLBF, 0);
    scheduling();
    producer_consumer(items);
    semaphore_errors();
    clocks();
    objects();
    printf("pcsync: %s\n", failures ? "FAILED" : "all checks held");
    return failures ? 1 : 0;
}
