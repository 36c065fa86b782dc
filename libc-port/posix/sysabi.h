/* The few kernel calls the threads library makes, declared here rather than by including
 * <hermit/syscall.h>: that header defines its own struct timespec, errno values and
 * clockid_t, which clash with newlib's, and this library is compiled against newlib's
 * headers. Only the declarations are repeated; the kernel exports the symbols. */

#ifndef POSIX_SYSABI_H
#define POSIX_SYSABI_H

#include <stddef.h>
#include <stdint.h>

/* The kernel's timespec: unlike newlib's (long tv_nsec) its nanoseconds are 32 bits. */
struct kernel_timespec {
	int64_t tv_sec;
	int32_t tv_nsec;
};

/* The kernel reports failures as negative *Linux* errno values, which are not newlib's
 * (newlib's ETIMEDOUT is 116, Linux's 110), so the values the library compares kernel
 * results with are spelled out here and never mixed with <errno.h>. */
#define KERNEL_EAGAIN 11
#define KERNEL_ETIMEDOUT 110

/* Clock ids of the kernel ABI (they happen to equal newlib's). */
#define KERNEL_CLOCK_REALTIME 1
#define KERNEL_CLOCK_MONOTONIC 4

/* sys_futex_wait flag: the timeout is a duration rather than a point in time. */
#define KERNEL_FUTEX_RELATIVE_TIMEOUT 1u

/* Priority of an ordinary task. */
#define KERNEL_PRIO_NORMAL 2

uint32_t sys_spawn2(void (*func)(size_t), size_t arg, uint8_t prio, size_t stack_size,
		    ptrdiff_t core_id);
int32_t sys_join(uint32_t tid);
void sys_yield(void);
int32_t sys_futex_wait(uint32_t *address, uint32_t expected,
		       const struct kernel_timespec *timeout, uint32_t flags);
int32_t sys_futex_wake(uint32_t *address, int32_t count);
int32_t sys_clock_gettime(int32_t clockid, struct kernel_timespec *tp);
uint8_t *sys_alloc_zeroed(size_t size, size_t align);
void sys_dealloc(uint8_t *ptr, size_t size, size_t align);
size_t sys_get_processor_count(void);

#endif
