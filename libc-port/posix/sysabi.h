/* The kernel calls the threads library makes: <hermit/syscall-prefixed.h>, generated from
 * the kernel (scripts/gen-header.sh), with the kernel's structures as struct hermit_* and
 * its constants as HERMIT_*, so that it is included together with newlib's headers (the
 * kernel's timespec has 32-bit nanoseconds, newlib's a long; the kernel reports Linux's
 * errno values, newlib numbers them otherwise: ETIMEDOUT is 110 and 116). The library
 * compares kernel results with HERMIT_E* only, never with <errno.h>'s. */

#ifndef POSIX_SYSABI_H
#define POSIX_SYSABI_H

#include "../../include/hermit/syscall-prefixed.h"

/* The priority sys_spawn2 gives an ordinary task: hermit-abi's NORMAL_PRIO (the kernel's
 * scheduler defines it too, outside the ABI header). */
#define KERNEL_PRIO_NORMAL 2

#endif
