/* pthread_rwlock_tryrdlock/trywrlock while the caller holds the write lock: glibc says
 * EBUSY (the blocking forms say EDEADLK). Also the try forms against a read lock. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static const char *name(int e)
{
	switch (e) {
	case 0: return "0";
	case EBUSY: return "EBUSY";
	case EDEADLK: return "EDEADLK";
	case EPERM: return "EPERM";
	case ETIMEDOUT: return "ETIMEDOUT";
	default: return strerror(e);
	}
}

static pthread_rwlock_t lock = PTHREAD_RWLOCK_INITIALIZER;

static void *other_thread(void *arg)
{
	(void)arg;
	printf("other tryrdlock: %s\n", name(pthread_rwlock_tryrdlock(&lock)));
	printf("other trywrlock: %s\n", name(pthread_rwlock_trywrlock(&lock)));
	return 0;
}

int main(void)
{
	printf("wrlock: %s\n", name(pthread_rwlock_wrlock(&lock)));
	printf("tryrdlock holding write: %s\n", name(pthread_rwlock_tryrdlock(&lock)));
	printf("trywrlock holding write: %s\n", name(pthread_rwlock_trywrlock(&lock)));
	printf("rdlock holding write: %s\n", name(pthread_rwlock_rdlock(&lock)));
	printf("wrlock holding write: %s\n", name(pthread_rwlock_wrlock(&lock)));
	struct timespec past = {0, 0};
	printf("timedwrlock holding write: %s\n", name(pthread_rwlock_timedwrlock(&lock, &past)));
	pthread_t t;
	pthread_create(&t, 0, other_thread, 0);
	pthread_join(t, 0);
	printf("unlock: %s\n", name(pthread_rwlock_unlock(&lock)));

	printf("rdlock: %s\n", name(pthread_rwlock_rdlock(&lock)));
	printf("tryrdlock holding read: %s\n", name(pthread_rwlock_tryrdlock(&lock)));
	printf("trywrlock holding read: %s\n", name(pthread_rwlock_trywrlock(&lock)));
	printf("unlock: %s\n", name(pthread_rwlock_unlock(&lock)));
	printf("unlock: %s\n", name(pthread_rwlock_unlock(&lock)));
	printf("trywrlock free: %s\n", name(pthread_rwlock_trywrlock(&lock)));
	printf("unlock: %s\n", name(pthread_rwlock_unlock(&lock)));
	printf("destroy: %s\n", name(pthread_rwlock_destroy(&lock)));
	return 0;
}
