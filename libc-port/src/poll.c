/* poll and ppoll: the kernel's sys_poll, whose struct pollfd and POLL* values are
 * Linux's. */

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <time.h>

#include "port.h"

_Static_assert(sizeof(struct pollfd) == sizeof(struct hermit_pollfd), "pollfd");
_Static_assert(__builtin_offsetof(struct pollfd, revents) ==
               __builtin_offsetof(struct hermit_pollfd, revents), "pollfd.revents");
_Static_assert(POLLIN == HERMIT_POLLIN && POLLPRI == HERMIT_POLLPRI &&
               POLLOUT == HERMIT_POLLOUT && POLLERR == HERMIT_POLLERR &&
               POLLHUP == HERMIT_POLLHUP && POLLNVAL == HERMIT_POLLNVAL &&
               POLLRDNORM == HERMIT_POLLRDNORM && POLLWRNORM == HERMIT_POLLWRNORM &&
               POLLRDHUP == HERMIT_POLLRDHUP, "POLL* values are the kernel's");

int poll(struct pollfd *fds, nfds_t nfds, int timeout)
{
    return (int)__hermit_ret(
        __hermit_interruptible(0, sys_poll((struct hermit_pollfd *)fds, nfds, timeout)));
}

/* A timeout in milliseconds, rounded up; -1 for none; -2 when invalid; -3 when TS is
 * not the program's memory. */
int __eremit_timeout_ms(const struct timespec *ts)
{
    if (ts == NULL)
        return -1;
    if (!__eremit_user_ok(ts, sizeof *ts, 0))
        return -3;
    if (ts->tv_sec < 0 || ts->tv_nsec < 0 || ts->tv_nsec >= 1000000000L)
        return -2;
    if (ts->tv_sec >= INT_MAX / 1000 - 1)
        return INT_MAX;
    return (int)(ts->tv_sec * 1000 + (ts->tv_nsec + 999999) / 1000000);
}

int ppoll(struct pollfd *fds, nfds_t nfds, const struct timespec *timeout,
          const sigset_t *sigmask)
{
    (void)sigmask; /* no signal interrupts a wait yet (docs/signals.md) */
    int ms = __eremit_timeout_ms(timeout);
    if (ms == -2 || ms == -3)
        return __hermit_fail(ms == -2 ? EINVAL : EFAULT);
    return poll(fds, nfds, ms);
}
