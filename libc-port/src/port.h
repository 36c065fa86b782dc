/* Internal helpers of Eremit's C library layer (libc-port/src). */

#ifndef EREMIT_LIBC_PORT_H
#define EREMIT_LIBC_PORT_H

#include <errno.h>
#include <stdint.h>
#include <sys/stat.h>
#include <time.h>

#include "hermit-abi.h"

/* newlib's errno value for the kernel's (Linux) errno value. */
int __hermit_errno(int linux_errno);

/* A system call's result: negative values are -errno (Linux); they set errno and
 * become -1. */
static inline long __hermit_ret(long r)
{
    if (r < 0) {
        errno = __hermit_errno((int)-r);
        return -1;
    }
    return r;
}

static inline int __hermit_fail(int e)
{
    errno = e;
    return -1;
}

/* Struct conversions between the ABI and newlib. */
void __hermit_stat_from_abi(struct stat *st, const struct hermit_stat *h);
int __hermit_timespec_to_abi(struct hermit_timespec *h, const struct timespec *ts);

/* open(2) flags: newlib's values to the kernel's and back. */
int __hermit_oflags_to_abi(int flags);
int __hermit_oflags_from_abi(int flags);

#define HIDDEN __attribute__((visibility("hidden")))
/* The same function under a second name (newlib calls some system calls as _name). */
#define ALIAS(name, other) __typeof__(name) other __attribute__((alias(#name)))

#endif
