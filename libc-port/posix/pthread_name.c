/* Thread names (GNU extension), kept in the thread's block. Limited to 15 characters
 * as on Linux, so programs that respect that limit behave the same. */

#include <errno.h>
#include <pthread.h>

#include "futex.h"
#include "thread.h"

static size_t length(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

int pthread_setname_np(pthread_t thread, const char *name)
{
	size_t n = length(name);
	if (n >= NAME_MAX_LEN)
		return ERANGE;
	registry_lock();
	struct thread *t = registry_find((uint64_t)thread);
	if (t) {
		for (size_t i = 0; i <= n; i++)
			t->name[i] = name[i];
	}
	registry_unlock();
	return t ? 0 : ESRCH;
}

int pthread_getname_np(pthread_t thread, char *name, size_t len)
{
	int err = 0;
	registry_lock();
	struct thread *t = registry_find((uint64_t)thread);
	if (!t) {
		err = ESRCH;
	} else {
		size_t n = length(t->name);
		if (len <= n)
			err = ERANGE;
		else
			for (size_t i = 0; i <= n; i++)
				name[i] = t->name[i];
	}
	registry_unlock();
	return err;
}
