/* Read-write lock and barrier attributes: only the process-shared flag, which is
 * remembered but changes nothing (one process per VM). */

#include <errno.h>
#include <pthread.h>

#include "objects.h"

static int set_pshared(uint32_t *word, int pshared)
{
	if (pshared == PTHREAD_PROCESS_PRIVATE)
		*word &= ~PSHARED_ATTR;
	else if (pshared == PTHREAD_PROCESS_SHARED)
		*word |= PSHARED_ATTR;
	else
		return EINVAL;
	return 0;
}

static int get_pshared(uint32_t word)
{
	return word & PSHARED_ATTR ? PTHREAD_PROCESS_SHARED : PTHREAD_PROCESS_PRIVATE;
}

int pthread_rwlockattr_init(pthread_rwlockattr_t *attr)
{
	ATTR_WORD(attr) = 0;
	return 0;
}

int pthread_rwlockattr_destroy(pthread_rwlockattr_t *attr)
{
	(void)attr;
	return 0;
}

int pthread_rwlockattr_setpshared(pthread_rwlockattr_t *attr, int pshared)
{
	return set_pshared(&ATTR_WORD(attr), pshared);
}

int pthread_rwlockattr_getpshared(const pthread_rwlockattr_t *attr, int *pshared)
{
	*pshared = get_pshared(CATTR_WORD(attr));
	return 0;
}

int pthread_barrierattr_init(pthread_barrierattr_t *attr)
{
	ATTR_WORD(attr) = 0;
	return 0;
}

int pthread_barrierattr_destroy(pthread_barrierattr_t *attr)
{
	(void)attr;
	return 0;
}

int pthread_barrierattr_setpshared(pthread_barrierattr_t *attr, int pshared)
{
	return set_pshared(&ATTR_WORD(attr), pshared);
}

int pthread_barrierattr_getpshared(const pthread_barrierattr_t *attr, int *pshared)
{
	*pshared = get_pshared(CATTR_WORD(attr));
	return 0;
}
