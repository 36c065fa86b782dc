/* c11threads: C11's <threads.h> as a portable program uses it (threads, mutexes,
 * condition variables, thread-specific storage, call_once, sleeping, timeouts);
 * tests/projects_tests.py compares its output with the native (glibc) build's.
 * Exit status 0 when every check held. */

#include <stdio.h>
#include <threads.h>
#include <time.h>

static int failures;

static void report(const char *what, int ok)
{
    printf("%-64s %s\n", what, ok ? "true" : "false");
    failures += !ok;
}

static mtx_t lock;
static cnd_t changed;
static long counter;
static int ready;
static once_flag once = ONCE_FLAG_INIT;
static int once_runs;
static tss_t key;
static int dtor_runs;
static thread_local int local_value;

static void once_fn(void)
{
    once_runs++;
}

static void dtor(void *p)
{
    (void)p;
    mtx_lock(&lock);
    dtor_runs++;
    mtx_unlock(&lock);
}

static int worker(void *arg)
{
    int id = (int)(long)arg;
    call_once(&once, once_fn);
    tss_set(key, &local_value);
    local_value = id;
    for (int i = 0; i < 10000; i++) {
        mtx_lock(&lock);
        counter++;
        mtx_unlock(&lock);
    }
    mtx_lock(&lock);
    while (!ready)
        cnd_wait(&changed, &lock);
    mtx_unlock(&lock);
    return tss_get(key) == &local_value && local_value == id ? id * 10 : -1;
}

static int holder(void *arg)
{
    (void)arg;
    mtx_lock(&lock);
    struct timespec t = {0, 150 * 1000000L};
    thrd_sleep(&t, NULL);
    mtx_unlock(&lock);
    return 0;
}

static long long now_ns(void)
{
    struct timespec ts;
    timespec_get(&ts, TIME_UTC);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static struct timespec in_ms(long ms)
{
    long long t = now_ns() + ms * 1000000LL;
    struct timespec ts = {(time_t)(t / 1000000000LL), (long)(t % 1000000000LL)};
    return ts;
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    report("mtx_init(mtx_timed)", mtx_init(&lock, mtx_timed) == thrd_success);
    report("cnd_init", cnd_init(&changed) == thrd_success);
    report("tss_create with a destructor", tss_create(&key, dtor) == thrd_success);

    thrd_t t[4];
    int created = 0;
    for (long i = 0; i < 4; i++)
        created += thrd_create(&t[i], worker, (void *)(i + 1)) == thrd_success;
    report("thrd_create x4", created == 4);
    struct timespec nap = {0, 30 * 1000000L};
    long long t0 = now_ns();
    report("thrd_sleep 30 ms: 0, not early", thrd_sleep(&nap, NULL) == 0 && now_ns() - t0 >= 30 * 1000000LL);
    mtx_lock(&lock);
    ready = 1;
    cnd_broadcast(&changed);
    mtx_unlock(&lock);
    int sum = 0, res;
    for (int i = 0; i < 4; i++)
        if (thrd_join(t[i], &res) == thrd_success)
            sum += res;
    report("thrd_join: every result (tss_get and thread_local per thread)", sum == 100);
    report("40000 increments under mtx_lock", counter == 40000);
    report("call_once ran once", once_runs == 1);
    report("tss destructors ran for 4 threads", dtor_runs == 4);
    report("thrd_equal(thrd_current(), thrd_current())", thrd_equal(thrd_current(), thrd_current()));

    thrd_t h;
    thrd_create(&h, holder, NULL);
    nap.tv_nsec = 30 * 1000000L;
    thrd_sleep(&nap, NULL);
    report("mtx_trylock of a held mutex: thrd_busy", mtx_trylock(&lock) == thrd_busy);
    struct timespec dl = in_ms(20);
    t0 = now_ns();
    report("mtx_timedlock, 20 ms: thrd_timedout", mtx_timedlock(&lock, &dl) == thrd_timedout);
    report("... not before the deadline", now_ns() - t0 >= 19 * 1000000LL);
    dl = in_ms(2000);
    report("mtx_timedlock, 2 s: acquired when released", mtx_timedlock(&lock, &dl) == thrd_success);
    dl = in_ms(25);
    t0 = now_ns();
    report("cnd_timedwait, 25 ms: thrd_timedout", cnd_timedwait(&changed, &lock, &dl) == thrd_timedout);
    report("... not before the deadline", now_ns() - t0 >= 24 * 1000000LL);
    mtx_unlock(&lock);
    report("thrd_join of the holder", thrd_join(h, NULL) == thrd_success);

    mtx_t rec;
    report("mtx_init(mtx_plain | mtx_recursive)", mtx_init(&rec, mtx_plain | mtx_recursive) == thrd_success);
    report("recursive: lock, lock, unlock, unlock",
           mtx_lock(&rec) == thrd_success && mtx_lock(&rec) == thrd_success &&
               mtx_unlock(&rec) == thrd_success && mtx_unlock(&rec) == thrd_success);
    mtx_destroy(&rec);
    thrd_t d;
    report("thrd_detach", thrd_create(&d, holder, NULL) == thrd_success && thrd_detach(d) == thrd_success);
    nap.tv_sec = 0;
    nap.tv_nsec = 200 * 1000000L;
    thrd_sleep(&nap, NULL);
    tss_delete(key);
    cnd_destroy(&changed);
    mtx_destroy(&lock);
    printf("c11threads: %s\n", failures ? "FAILED" : "all checks held");
    return failures ? 1 : 0;
}
