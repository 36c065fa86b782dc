/* select and pselect on top of poll, with Linux's rules: readable = POLLIN, POLLHUP or
 * POLLERR; writable = POLLOUT or POLLERR; exceptional = POLLPRI; a descriptor that is
 * not open fails the call with EBADF; the result counts the bits set; select leaves the
 * time not slept in *timeout. */

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/time.h>
#include <time.h>

#include "port.h"

int __eremit_timeout_ms(const struct timespec *ts); /* poll.c */

static int select_ms(int n, fd_set *rd, fd_set *wr, fd_set *ex, int ms)
{
    if (n < 0 || n > FD_SETSIZE)
        return __hermit_fail(EINVAL);
    struct pollfd local[64];
    struct pollfd *p = local;
    int count = 0;
    for (int fd = 0; fd < n; fd++)
        if ((rd && FD_ISSET(fd, rd)) || (wr && FD_ISSET(fd, wr)) || (ex && FD_ISSET(fd, ex)))
            count++;
    if (count > (int)(sizeof local / sizeof local[0])) {
        p = malloc(count * sizeof *p);
        if (p == NULL)
            return __hermit_fail(ENOMEM);
    }
    int k = 0;
    for (int fd = 0; fd < n; fd++) {
        short ev = 0;
        if (rd && FD_ISSET(fd, rd))
            ev |= POLLIN;
        if (wr && FD_ISSET(fd, wr))
            ev |= POLLOUT;
        if (ex && FD_ISSET(fd, ex))
            ev |= POLLPRI;
        if (ev) {
            p[k].fd = fd;
            p[k].events = ev;
            p[k].revents = 0;
            k++;
        }
    }
    int r = poll(p, (nfds_t)count, ms);
    int result = r;
    if (r >= 0) {
        for (int i = 0; i < count; i++)
            if (p[i].revents & POLLNVAL) {
                result = __hermit_fail(EBADF);
                break;
            }
    }
    if (result >= 0) {
        /* Only the N bits asked about (whole longs, as Linux writes them back): the
         * sets may be smaller than an fd_set. */
        size_t bytes = ((size_t)n + 63) / 64 * 8;
        if (rd)
            memset(rd, 0, bytes);
        if (wr)
            memset(wr, 0, bytes);
        if (ex)
            memset(ex, 0, bytes);
        result = 0;
        for (int i = 0; i < count; i++) {
            short got = p[i].revents, want = p[i].events;
            if ((want & POLLIN) && (got & (POLLIN | POLLHUP | POLLERR))) {
                FD_SET(p[i].fd, rd);
                result++;
            }
            if ((want & POLLOUT) && (got & (POLLOUT | POLLERR))) {
                FD_SET(p[i].fd, wr);
                result++;
            }
            if ((want & POLLPRI) && (got & POLLPRI)) {
                FD_SET(p[i].fd, ex);
                result++;
            }
        }
    }
    if (p != local) {
        int saved = errno;
        free(p);
        errno = saved;
    }
    return result;
}

/* Whether the N-bit sets (those not null) are the program's memory: as Linux, which
 * copies them in and out, a bad one is EFAULT. */
static int sets_ok(int n, fd_set *rd, fd_set *wr, fd_set *ex)
{
    if (n <= 0 || n > FD_SETSIZE)
        return 1; /* select_ms answers EINVAL, or reads nothing */
    size_t bytes = ((size_t)n + 63) / 64 * 8;
    return (rd == NULL || __eremit_user_ok(rd, bytes, 1)) &&
           (wr == NULL || __eremit_user_ok(wr, bytes, 1)) &&
           (ex == NULL || __eremit_user_ok(ex, bytes, 1));
}

int select(int n, fd_set *rd, fd_set *wr, fd_set *ex, struct timeval *timeout)
{
    int ms = -1;
    struct timespec start;
    if (!sets_ok(n, rd, wr, ex) || (timeout != NULL && !__eremit_user_ok(timeout, sizeof *timeout, 1)))
        return __hermit_fail(EFAULT);
    if (timeout != NULL) {
        if (timeout->tv_sec < 0 || timeout->tv_usec < 0)
            return __hermit_fail(EINVAL);
        /* Linux accepts tv_usec >= 1000000 by carrying into the seconds. */
        struct timespec ts = {timeout->tv_sec + timeout->tv_usec / 1000000,
                              (timeout->tv_usec % 1000000) * 1000};
        ms = __eremit_timeout_ms(&ts);
        clock_gettime(CLOCK_MONOTONIC, &start);
    }
    int r = select_ms(n, rd, wr, ex, ms);
    if (timeout != NULL && r >= 0) {
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        long long total = (long long)timeout->tv_sec * 1000000 + timeout->tv_usec;
        long long spent = (long long)(now.tv_sec - start.tv_sec) * 1000000 +
                          (now.tv_nsec - start.tv_nsec) / 1000;
        long long left = r == 0 || spent >= total ? 0 : total - spent;
        timeout->tv_sec = left / 1000000;
        timeout->tv_usec = left % 1000000;
    }
    return r;
}

int pselect(int n, fd_set *rd, fd_set *wr, fd_set *ex, const struct timespec *timeout,
            const sigset_t *sigmask)
{
    (void)sigmask; /* no signal interrupts a wait yet (docs/signals.md) */
    if (!sets_ok(n, rd, wr, ex))
        return __hermit_fail(EFAULT);
    int ms = __eremit_timeout_ms(timeout);
    if (ms == -2 || ms == -3)
        return __hermit_fail(ms == -2 ? EINVAL : EFAULT);
    return select_ms(n, rd, wr, ex, ms);
}
