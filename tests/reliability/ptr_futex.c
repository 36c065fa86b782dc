/* The calls whose C library wrapper would fault in user space on Linux too (glibc's
 * vDSO clock_gettime, pthread objects), made as raw system calls: futex waits on bad,
 * non-canonical and misaligned words and with bad timeouts, clock_gettime into bad
 * memory, and getrandom. Linux's syscall() on one side, the kernel's sys_* on the
 * other; both print the same errno names. */

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#ifdef __hermit__
struct hermit_timespec {
    int64_t tv_sec;
    int32_t tv_nsec;
};
int32_t sys_futex_wait(uint32_t *address, uint32_t expected, const struct hermit_timespec *t,
                       uint32_t flags);
int32_t sys_futex_wake(uint32_t *address, int32_t count);
int32_t sys_clock_gettime(int32_t clock, struct hermit_timespec *tp);
long sys_read_entropy(uint8_t *buf, size_t len, uint32_t flags);

static long futex_wait(void *addr, uint32_t val, void *timeout)
{
    return sys_futex_wait(addr, val, timeout, 1);
}
static long futex_wake(void *addr)
{
    return sys_futex_wake(addr, 1);
}
static long clock_now(void *tp)
{
    return sys_clock_gettime(1, tp); /* hermit's CLOCK_REALTIME */
}
static long random_bytes(void *buf, size_t len)
{
    return sys_read_entropy(buf, len, 0);
}
/* The kernel's errno values are Linux's; newlib's ETIMEDOUT is not. */
#define RESULT(r) ((r) == -110 ? -ETIMEDOUT : (r))
#else
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

static long futex_wait(void *addr, uint32_t val, void *timeout)
{
    return syscall(SYS_futex, addr, FUTEX_WAIT_PRIVATE, val, timeout, NULL, 0);
}
static long futex_wake(void *addr)
{
    return syscall(SYS_futex, addr, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}
static long clock_now(void *tp)
{
    return syscall(SYS_clock_gettime, CLOCK_REALTIME, tp);
}
static long random_bytes(void *buf, size_t len)
{
    return syscall(SYS_getrandom, buf, len, 0);
}
/* -errno, as the hermit calls return it. */
#define RESULT(r) ((r) < 0 ? -errno : (r))
#endif

static void show(const char *what, long r)
{
    const char *e = r == -EFAULT   ? "EFAULT"
                    : r == -EINVAL ? "EINVAL"
                    : r == -EAGAIN ? "EAGAIN"
                    : r == -ETIMEDOUT ? "ETIMEDOUT"
                    : NULL;
    if (e != NULL)
        printf("%-34s -> %s\n", what, e);
    else if (r < 0)
        printf("%-34s -> error %s\n", what, strerror((int)-r));
    else
        printf("%-34s -> %ld\n", what, r);
}

static uint32_t word = 7;
static char aligned_bytes[16] __attribute__((aligned(16)));

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
        {"non-canonical", (void *)0x8000000000000000ull},
        {"0x00007ffffffffff0", (void *)0x00007ffffffffff0ull},
    };
    char what[80];
    struct timespec tiny = {0, 1000};

    for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(what, sizeof what, "futex_wait(%s)", bad[i].label);
        show(what, RESULT(futex_wait(bad[i].p, 0, &tiny)));
        snprintf(what, sizeof what, "clock_gettime(%s)", bad[i].label);
        show(what, RESULT(clock_now(bad[i].p)));
        snprintf(what, sizeof what, "getrandom(%s, 16)", bad[i].label);
        show(what, RESULT(random_bytes(bad[i].p, 16)));
    }
    show("futex_wait(misaligned)", RESULT(futex_wait(aligned_bytes + 1, 0, &tiny)));
    show("futex_wait(value differs)", RESULT(futex_wait(&word, 8, &tiny)));
    show("futex_wait(bad timeout)", RESULT(futex_wait(&word, 7, (void *)0x9000)));
    show("futex_wait(timeout)", RESULT(futex_wait(&word, 7, &tiny)));
    show("futex_wait(code, differs)", RESULT(futex_wait((void *)main, 0, &tiny)));
    show("futex_wake(no waiter)", RESULT(futex_wake(&word)));
    show("clock_gettime(code)", RESULT(clock_now((void *)main)));
    show("clock_gettime(literal)", RESULT(clock_now((void *)"0123456789abcdef")));
    show("getrandom(code, 16)", RESULT(random_bytes((void *)main, 16)));
    printf("done\n");
    return 0;
}
