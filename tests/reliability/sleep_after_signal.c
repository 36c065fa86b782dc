/* reliability: native=skip
 * A sleep that ends at once must say why it ended now, not why the task last woke up.
 * The kernel once answered a zero-length (or already expired) sleep with the previous
 * wake-up's reason: after one sleep interrupted by a signal, every later one failed with
 * EINTR, and the C library's nanosleep, which sleeps the rest after a signal no handler
 * took, looped for good (the fuzzer's main thread hung so). Eremit only: these are the
 * kernel's own entry points (include/hermit/syscall.h); the signal is the kernel's flag,
 * posted with sys_signal_notify. */

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

struct hermit_timespec {
    int64_t tv_sec;
    int32_t tv_nsec;
};
typedef uint32_t Tid;
int32_t sys_nanosleep(const struct hermit_timespec *req);
int32_t sys_signal_notify(Tid tid);
int32_t sys_signal_pending(void);
Tid sys_gettid(void);
void sys_usleep(uint64_t usecs);

static volatile Tid sleeper;

static void *notifier(void *arg)
{
    (void)arg;
    sys_usleep(50000); /* the sleeper is blocked by then */
    sys_signal_notify(sleeper);
    return NULL;
}

int main(void)
{
    sleeper = sys_gettid();
    pthread_t t;
    pthread_create(&t, NULL, notifier, NULL);
    struct hermit_timespec long_sleep = {5, 0}, none = {0, 0}, short_sleep = {0, 1000000};
    int32_t r = sys_nanosleep(&long_sleep);
    printf("sleep interrupted by the notification: %s\n", r == -EINTR ? "EINTR" : "not EINTR");
    pthread_join(t, NULL);
    printf("flag taken: %d\n", sys_signal_pending());
    int fails = 0;
    for (int i = 0; i < 100; i++)
        fails += sys_nanosleep(&none) != 0;
    printf("zero-length sleeps afterwards that failed: %d of 100\n", fails);
    fails = 0;
    for (int i = 0; i < 10; i++)
        fails += sys_nanosleep(&short_sleep) != 0;
    printf("1 ms sleeps afterwards that failed: %d of 10\n", fails);
    struct timespec ts = {0, 0};
    printf("nanosleep(0) from the C library: %d\n", nanosleep(&ts, NULL));
    return 0;
}
