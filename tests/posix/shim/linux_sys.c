/* The part of Eremit's system-call ABI that libc-port/posix uses, implemented on Linux,
 * so the threads library can be run and debugged natively (tests/posix_tests.py --mode
 * shim) before or besides running it in the unikernel.
 *
 * The test program links libc-port/posix's pthread_* and sem_* functions, which take
 * precedence over glibc's. This file therefore never calls those names directly: it
 * reaches glibc's own pthread_create/pthread_join through dlsym(RTLD_NEXT) and uses raw
 * system calls for futexes, yield and clocks. */

#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "../../../libc-port/posix/sysabi.h"

typedef int (*create_fn)(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *);
typedef int (*join_fn)(pthread_t, void **);

static create_fn real_create;
static join_fn real_join;

/* Task id -> glibc thread. Ids are handed out in sequence; the table is large enough for
 * the number of threads alive at once in the tests. */
#define SLOTS 65536
static pthread_t threads[SLOTS];
static uint32_t next_tid = 1;

struct start {
	void (*func)(size_t);
	size_t arg;
};

static void *run(void *p)
{
	struct start s = *(struct start *)p;
	free(p);
	s.func(s.arg);
	return 0;
}

static void resolve(void)
{
	if (!real_create) {
		real_join = (join_fn)dlsym(RTLD_NEXT, "pthread_join");
		real_create = (create_fn)dlsym(RTLD_NEXT, "pthread_create");
	}
}

uint32_t sys_spawn2(void (*func)(size_t), size_t arg, uint8_t prio, size_t stack_size,
		    ptrdiff_t core_id)
{
	(void)prio;
	(void)stack_size; /* glibc's default (8 MiB, lazily mapped) is always enough */
	(void)core_id;
	resolve();
	struct start *s = malloc(sizeof *s);
	if (!s)
		return 0;
	s->func = func;
	s->arg = arg;
	uint32_t tid = __atomic_fetch_add(&next_tid, 1, __ATOMIC_SEQ_CST);
	if (real_create(&threads[tid % SLOTS], 0, run, s) != 0) {
		free(s);
		return 0;
	}
	return tid;
}

int32_t sys_join(uint32_t tid)
{
	resolve();
	return real_join(threads[tid % SLOTS], 0) ? -3 /* ESRCH */ : 0;
}

void sys_yield(void)
{
	syscall(SYS_sched_yield);
}

int32_t sys_futex_wait(uint32_t *address, uint32_t expected,
		       const struct hermit_timespec *timeout, uint32_t flags)
{
	struct timespec ts, *tp = 0;
	int op = FUTEX_WAIT_PRIVATE;
	if (timeout) {
		ts.tv_sec = timeout->tv_sec;
		ts.tv_nsec = timeout->tv_nsec;
		tp = &ts;
		if (!(flags & HERMIT_FUTEX_RELATIVE_TIMEOUT))
			op = FUTEX_WAIT_BITSET_PRIVATE; /* absolute, CLOCK_MONOTONIC */
	}
	long r = syscall(SYS_futex, address, op, expected, tp, 0, FUTEX_BITSET_MATCH_ANY);
	if (r == 0 || errno == EINTR)
		return 0;
	return -errno; /* Linux values, as the kernel's */
}

int32_t sys_futex_wake(uint32_t *address, int32_t count)
{
	return (int32_t)syscall(SYS_futex, address, FUTEX_WAKE_PRIVATE, count, 0, 0, 0);
}

int32_t sys_clock_gettime(int32_t clockid, struct hermit_timespec *tp)
{
	struct timespec ts;
	clockid_t c = clockid == HERMIT_CLOCK_MONOTONIC ? CLOCK_MONOTONIC : CLOCK_REALTIME;
	if (clock_gettime(c, &ts) != 0)
		return -22;
	tp->tv_sec = ts.tv_sec;
	tp->tv_nsec = (int32_t)ts.tv_nsec;
	return 0;
}

uint8_t *sys_alloc_zeroed(size_t size, size_t align)
{
	size_t rounded = (size + align - 1) / align * align;
	void *p = aligned_alloc(align, rounded);
	if (p)
		memset(p, 0, rounded);
	return p;
}

void sys_dealloc(uint8_t *ptr, size_t size, size_t align)
{
	(void)size;
	(void)align;
	free(ptr);
}

size_t sys_get_processor_count(void)
{
	return (size_t)sysconf(_SC_NPROCESSORS_ONLN);
}

/* Signals: the shim runs the threads library alone (no signal.c), and nothing posts
 * signals to it, so a task never has one pending. */
uint32_t sys_gettid(void)
{
	return (uint32_t)syscall(SYS_gettid);
}

int32_t sys_signal_notify(uint32_t tid)
{
	(void)tid;
	return 0;
}

int32_t sys_signal_pending(void)
{
	return 0;
}

int __eremit_signal_interrupted(int restartable)
{
	(void)restartable;
	return 1;
}
