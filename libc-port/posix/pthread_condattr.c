/* Condition variable attributes: the clock of pthread_cond_timedwait, and pshared. */

#include <errno.h>
#include <pthread.h>
#include <time.h>

#include "objects.h"

#ifndef CLOCK_MONOTONIC
#error "newlib's <time.h> must see _POSIX_MONOTONIC_CLOCK (libc-port/posix/README.md)"
#endif

int pthread_condattr_init(pthread_condattr_t *attr)
{
	ATTR_WORD(attr) = 0; /* CLOCK_REALTIME, private */
	return 0;
}

int pthread_condattr_destroy(pthread_condattr_t *attr)
{
	(void)attr;
	return 0;
}

int pthread_condattr_setclock(pthread_condattr_t *attr, clockid_t clock)
{
	if (clock == CLOCK_MONOTONIC)
		ATTR_WORD(attr) |= CONDATTR_MONOTONIC;
	else if (clock == CLOCK_REALTIME)
		ATTR_WORD(attr) &= ~CONDATTR_MONOTONIC;
	else
		return EINVAL;
	return 0;
}

int pthread_condattr_getclock(const pthread_condattr_t *attr, clockid_t *clock)
{
	*clock = CATTR_WORD(attr) & CONDATTR_MONOTONIC ? CLOCK_MONOTONIC : CLOCK_REALTIME;
	return 0;
}

/* One process per VM: shared and private behave alike; the flag is only remembered. */
int pthread_condattr_setpshared(pthread_condattr_t *attr, int pshared)
{
	if (pshared == PTHREAD_PROCESS_PRIVATE)
		ATTR_WORD(attr) &= ~CONDATTR_PSHARED;
	else if (pshared == PTHREAD_PROCESS_SHARED)
		ATTR_WORD(attr) |= CONDATTR_PSHARED;
	else
		return EINVAL;
	return 0;
}

int pthread_condattr_getpshared(const pthread_condattr_t *attr, int *pshared)
{
	*pshared = CATTR_WORD(attr) & CONDATTR_PSHARED ? PTHREAD_PROCESS_SHARED
						       : PTHREAD_PROCESS_PRIVATE;
	return 0;
}
