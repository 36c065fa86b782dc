/* Mutex attributes: one word holding the kind and the process-shared flag. */

#include <errno.h>
#include <pthread.h>

#include "objects.h"

int pthread_mutexattr_init(pthread_mutexattr_t *attr)
{
	ATTR_WORD(attr) = MUTEX_KIND_NORMAL;
	return 0;
}

int pthread_mutexattr_destroy(pthread_mutexattr_t *attr)
{
	(void)attr;
	return 0;
}

int pthread_mutexattr_settype(pthread_mutexattr_t *attr, int type)
{
	uint32_t kind;
	/* PTHREAD_MUTEX_DEFAULT is the normal kind. */
	if (type == PTHREAD_MUTEX_NORMAL || type == PTHREAD_MUTEX_DEFAULT)
		kind = MUTEX_KIND_NORMAL;
	else if (type == PTHREAD_MUTEX_RECURSIVE)
		kind = MUTEX_KIND_RECURSIVE;
	else if (type == PTHREAD_MUTEX_ERRORCHECK)
		kind = MUTEX_KIND_ERRORCHECK;
	else
		return EINVAL;
	ATTR_WORD(attr) = (ATTR_WORD(attr) & ~MUTEXATTR_KIND_MASK) | kind;
	return 0;
}

int pthread_mutexattr_gettype(const pthread_mutexattr_t *attr, int *type)
{
	switch (CATTR_WORD(attr) & MUTEXATTR_KIND_MASK) {
	case MUTEX_KIND_RECURSIVE:
		*type = PTHREAD_MUTEX_RECURSIVE;
		break;
	case MUTEX_KIND_ERRORCHECK:
		*type = PTHREAD_MUTEX_ERRORCHECK;
		break;
	default:
		*type = PTHREAD_MUTEX_NORMAL;
	}
	return 0;
}

/* One process per VM: a shared mutex is simply a mutex. The flag is kept for getpshared. */
int pthread_mutexattr_setpshared(pthread_mutexattr_t *attr, int pshared)
{
	if (pshared == PTHREAD_PROCESS_PRIVATE)
		ATTR_WORD(attr) &= ~MUTEXATTR_PSHARED;
	else if (pshared == PTHREAD_PROCESS_SHARED)
		ATTR_WORD(attr) |= MUTEXATTR_PSHARED;
	else
		return EINVAL;
	return 0;
}

int pthread_mutexattr_getpshared(const pthread_mutexattr_t *attr, int *pshared)
{
	*pshared = CATTR_WORD(attr) & MUTEXATTR_PSHARED ? PTHREAD_PROCESS_SHARED
							 : PTHREAD_PROCESS_PRIVATE;
	return 0;
}

/* No priority scheduling, hence no priority inheritance or ceilings. */
int pthread_mutexattr_setprotocol(pthread_mutexattr_t *attr, int protocol)
{
	(void)attr;
	return protocol == PTHREAD_PRIO_NONE ? 0 : ENOTSUP;
}

int pthread_mutexattr_getprotocol(const pthread_mutexattr_t *attr, int *protocol)
{
	(void)attr;
	*protocol = PTHREAD_PRIO_NONE;
	return 0;
}
