/* Scheduling: the kernel runs all tasks under one round-robin policy at one priority,
 * which POSIX calls SCHED_OTHER with priority 0. The calls accept exactly that and
 * report ENOTSUP for the real-time policies. */

#include <errno.h>
#include <pthread.h>
#include <sched.h>

#include "futex.h"
#include "thread.h"

static int concurrency;

/* sched_yield itself is libc-port/src/time.c's (next to nanosleep), so that it exists
 * even without this library. */

/* Returns int as on Linux (newlib's own header said void; Linux programs are the ones
 * being ported). glibc's header, used by the native test harness, makes pthread_yield
 * an assembler alias of sched_yield, so it is left out there. */
#ifndef __GLIBC__
int pthread_yield(void)
{
	sys_yield();
	return 0;
}
#endif

static int exists(pthread_t thread)
{
	registry_lock();
	int found = registry_find((uint64_t)thread) != 0;
	registry_unlock();
	return found;
}

int pthread_getschedparam(pthread_t thread, int *policy, struct sched_param *param)
{
	if (!exists(thread))
		return ESRCH;
	*policy = SCHED_OTHER;
	param->sched_priority = 0;
	return 0;
}

int pthread_setschedparam(pthread_t thread, int policy, const struct sched_param *param)
{
	if (!exists(thread))
		return ESRCH;
	if (policy == SCHED_FIFO || policy == SCHED_RR)
		return ENOTSUP;
	if (policy != SCHED_OTHER || param->sched_priority != 0)
		return EINVAL;
	return 0;
}

int pthread_setschedprio(pthread_t thread, int prio)
{
	if (!exists(thread))
		return ESRCH;
	return prio == 0 ? 0 : EINVAL;
}

/* A hint for M:N thread libraries; every thread here is a kernel task. Remembered so
 * that getconcurrency returns what was set, as POSIX asks. */
int pthread_setconcurrency(int level)
{
	if (level < 0)
		return EINVAL;
	STORE(&concurrency, level);
	return 0;
}

int pthread_getconcurrency(void)
{
	return LOAD(&concurrency);
}

/* The kernel does not account CPU time per task. */
int pthread_getcpuclockid(pthread_t thread, clockid_t *clock)
{
	(void)clock;
	return exists(thread) ? ENOENT : ESRCH;
}

/* There is no fork() in a unikernel, so the handlers could never run: registering them
 * succeeds and does nothing. */
int pthread_atfork(void (*prepare)(void), void (*parent)(void), void (*child)(void))
{
	(void)prepare;
	(void)parent;
	(void)child;
	return 0;
}
