/* Thread attributes. Only the detach state and the stack size change what
 * pthread_create does; the scheduling attributes are validated and remembered so that
 * portable programs which set them keep working, but the kernel runs every thread at the
 * same priority under one policy (SCHED_OTHER). */

#include <errno.h>
#include <pthread.h>
#include <sched.h>

#include "objects.h"
#include "thread.h"

/* The kernel places one unmapped page below every task stack. */
#define GUARD_SIZE 4096

int pthread_attr_init(pthread_attr_t *attr)
{
	struct attr_impl *a = ATTR(attr);
	*a = (struct attr_impl){
		.stack_size = DEFAULT_STACK_SIZE,
		.guard_size = GUARD_SIZE,
		.sched_policy = SCHED_OTHER,
		.inherit_sched = PTHREAD_INHERIT_SCHED,
		.scope = PTHREAD_SCOPE_SYSTEM,
	};
	return 0;
}

int pthread_attr_destroy(pthread_attr_t *attr)
{
	(void)attr; /* nothing was allocated */
	return 0;
}

int pthread_attr_getdetachstate(const pthread_attr_t *attr, int *state)
{
	*state = CATTR(attr)->detached ? PTHREAD_CREATE_DETACHED : PTHREAD_CREATE_JOINABLE;
	return 0;
}

int pthread_attr_setdetachstate(pthread_attr_t *attr, int state)
{
	if (state != PTHREAD_CREATE_DETACHED && state != PTHREAD_CREATE_JOINABLE)
		return EINVAL;
	ATTR(attr)->detached = state == PTHREAD_CREATE_DETACHED;
	return 0;
}

int pthread_attr_getstacksize(const pthread_attr_t *attr, size_t *size)
{
	*size = CATTR(attr)->stack_size;
	return 0;
}

int pthread_attr_setstacksize(pthread_attr_t *attr, size_t size)
{
	if (size < MIN_STACK_SIZE)
		return EINVAL;
	ATTR(attr)->stack_size = size;
	return 0;
}

/* The kernel allocates every task's stack itself (with a guard page), so a stack the
 * program provides cannot be used: pthread_create takes only its size from here. The
 * address is remembered for pthread_attr_getstack. */
int pthread_attr_setstack(pthread_attr_t *attr, void *addr, size_t size)
{
	if (size < MIN_STACK_SIZE)
		return EINVAL;
	struct attr_impl *a = ATTR(attr);
	a->stack_addr = addr;
	a->stack_size = size;
	a->flags |= ATTR_STACK_ADDR;
	return 0;
}

int pthread_attr_getstack(const pthread_attr_t *attr, void **addr, size_t *size)
{
	*addr = CATTR(attr)->stack_addr;
	*size = CATTR(attr)->stack_size;
	return 0;
}

int pthread_attr_getguardsize(const pthread_attr_t *attr, size_t *size)
{
	*size = CATTR(attr)->guard_size;
	return 0;
}

/* Remembered only: the kernel's guard is always one page. */
int pthread_attr_setguardsize(pthread_attr_t *attr, size_t size)
{
	ATTR(attr)->guard_size = size;
	return 0;
}

int pthread_attr_getschedparam(const pthread_attr_t *attr, struct sched_param *param)
{
	param->sched_priority = CATTR(attr)->sched_priority;
	return 0;
}

int pthread_attr_setschedparam(pthread_attr_t *attr, const struct sched_param *param)
{
	/* SCHED_OTHER has the single priority 0 (as on Linux). */
	if (param->sched_priority != 0)
		return EINVAL;
	ATTR(attr)->sched_priority = param->sched_priority;
	return 0;
}

int pthread_attr_getschedpolicy(const pthread_attr_t *attr, int *policy)
{
	*policy = CATTR(attr)->sched_policy;
	return 0;
}

int pthread_attr_setschedpolicy(pthread_attr_t *attr, int policy)
{
	if (policy == SCHED_OTHER) {
		ATTR(attr)->sched_policy = policy;
		return 0;
	}
	if (policy == SCHED_FIFO || policy == SCHED_RR)
		return ENOTSUP; /* no real-time scheduling in the kernel */
	return EINVAL;
}

int pthread_attr_getinheritsched(const pthread_attr_t *attr, int *inherit)
{
	*inherit = CATTR(attr)->inherit_sched;
	return 0;
}

int pthread_attr_setinheritsched(pthread_attr_t *attr, int inherit)
{
	if (inherit != PTHREAD_INHERIT_SCHED && inherit != PTHREAD_EXPLICIT_SCHED)
		return EINVAL;
	ATTR(attr)->inherit_sched = inherit;
	return 0;
}

int pthread_attr_getscope(const pthread_attr_t *attr, int *scope)
{
	*scope = CATTR(attr)->scope;
	return 0;
}

int pthread_attr_setscope(pthread_attr_t *attr, int scope)
{
	if (scope == PTHREAD_SCOPE_SYSTEM) {
		ATTR(attr)->scope = scope;
		return 0;
	}
	/* Every thread is a kernel task competing with all others, as on Linux. */
	return scope == PTHREAD_SCOPE_PROCESS ? ENOTSUP : EINVAL;
}
