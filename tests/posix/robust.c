/* Robust mutexes: a thread that ends while holding one hands it to the next locker with
 * EOWNERDEAD; pthread_mutex_consistent repairs it, an unlock without it makes the mutex
 * ENOTRECOVERABLE.  Also the attribute calls and process-shared objects. */

#define _GNU_SOURCE
#include <pthread.h>
#include <semaphore.h>

#include "check.h"

static pthread_mutex_t m;

static void *lock_and_end(void *arg)
{
	EXPECT(pthread_mutex_lock(&m), 0);
	return arg;
}

static void *lock_and_exit(void *arg)
{
	EXPECT(pthread_mutex_lock(&m), 0);
	pthread_exit(arg);
}

static sem_t held, go;
static int waiter_result;

static void *hold_until_go(void *arg)
{
	EXPECT(pthread_mutex_lock(&m), 0);
	CHECK(sem_post(&held) == 0);
	CHECK(sem_wait(&go) == 0);
	return arg;
}

static void *wait_for_it(void *arg)
{
	waiter_result = pthread_mutex_lock(&m);
	if (waiter_result == EOWNERDEAD) {
		EXPECT(pthread_mutex_consistent(&m), 0);
		EXPECT(pthread_mutex_unlock(&m), 0);
	}
	return arg;
}

static void init_robust(int type)
{
	pthread_mutexattr_t a;
	int v;
	EXPECT(pthread_mutexattr_init(&a), 0);
	EXPECT(pthread_mutexattr_getrobust(&a, &v), 0);
	CHECK(v == PTHREAD_MUTEX_STALLED);
	EXPECT(pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST), 0);
	EXPECT(pthread_mutexattr_getrobust(&a, &v), 0);
	CHECK(v == PTHREAD_MUTEX_ROBUST);
	EXPECT(pthread_mutexattr_settype(&a, type), 0);
	EXPECT(pthread_mutex_init(&m, &a), 0);
	EXPECT(pthread_mutexattr_destroy(&a), 0);
}

static void owner_dies(void *(*fn)(void *))
{
	pthread_t t;
	EXPECT(pthread_create(&t, 0, fn, 0), 0);
	EXPECT(pthread_join(t, 0), 0);
}

int main(void)
{
	pthread_mutexattr_t a;
	EXPECT(pthread_mutexattr_init(&a), 0);
	EXPECT(pthread_mutexattr_setrobust(&a, 7), EINVAL);
	EXPECT(pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED), 0);
	int v;
	EXPECT(pthread_mutexattr_getpshared(&a, &v), 0);
	printf("mutex pshared: %d\n", v == PTHREAD_PROCESS_SHARED);
	pthread_condattr_t ca;
	EXPECT(pthread_condattr_init(&ca), 0);
	EXPECT(pthread_condattr_setpshared(&ca, PTHREAD_PROCESS_SHARED), 0);
	EXPECT(pthread_condattr_getpshared(&ca, &v), 0);
	printf("cond pshared: %d\n", v == PTHREAD_PROCESS_SHARED);
	pthread_mutex_t shared;
	pthread_cond_t cond;
	EXPECT(pthread_mutex_init(&shared, &a), 0);
	EXPECT(pthread_cond_init(&cond, &ca), 0);
	EXPECT(pthread_mutex_lock(&shared), 0);
	EXPECT(pthread_mutex_unlock(&shared), 0);
	EXPECT(pthread_cond_destroy(&cond), 0);
	EXPECT(pthread_mutex_destroy(&shared), 0);

	/* A robust mutex that nobody abandons behaves as usual. */
	init_robust(PTHREAD_MUTEX_NORMAL);
	EXPECT(pthread_mutex_lock(&m), 0);
	EXPECT(pthread_mutex_consistent(&m), EINVAL); /* not inconsistent */
	EXPECT(pthread_mutex_unlock(&m), 0);
	EXPECT(pthread_mutex_unlock(&m), EPERM);

	/* The owner returns from its start routine holding it: repaired. */
	owner_dies(lock_and_end);
	EXPECT(pthread_mutex_lock(&m), EOWNERDEAD);
	printf("after owner returned: EOWNERDEAD\n");
	EXPECT(pthread_mutex_consistent(&m), 0);
	EXPECT(pthread_mutex_unlock(&m), 0);
	EXPECT(pthread_mutex_lock(&m), 0);
	EXPECT(pthread_mutex_unlock(&m), 0);
	printf("consistent: usable again\n");

	/* The owner calls pthread_exit holding it; trylock sees it; not repaired. */
	owner_dies(lock_and_exit);
	EXPECT(pthread_mutex_trylock(&m), EOWNERDEAD);
	printf("after owner exited: trylock EOWNERDEAD\n");
	EXPECT(pthread_mutex_unlock(&m), 0);
	EXPECT(pthread_mutex_lock(&m), ENOTRECOVERABLE);
	EXPECT(pthread_mutex_trylock(&m), ENOTRECOVERABLE);
	printf("unlocked without consistent: ENOTRECOVERABLE\n");
	EXPECT(pthread_mutex_destroy(&m), 0);

	/* Recursive and error-checking robust mutexes keep their kind's rules. */
	init_robust(PTHREAD_MUTEX_RECURSIVE);
	EXPECT(pthread_mutex_lock(&m), 0);
	EXPECT(pthread_mutex_lock(&m), 0);
	EXPECT(pthread_mutex_unlock(&m), 0);
	EXPECT(pthread_mutex_unlock(&m), 0);
	owner_dies(lock_and_end);
	EXPECT(pthread_mutex_lock(&m), EOWNERDEAD);
	EXPECT(pthread_mutex_consistent(&m), 0);
	EXPECT(pthread_mutex_lock(&m), 0);
	EXPECT(pthread_mutex_unlock(&m), 0);
	EXPECT(pthread_mutex_unlock(&m), 0);
	EXPECT(pthread_mutex_destroy(&m), 0);
	printf("recursive robust ok\n");

	init_robust(PTHREAD_MUTEX_ERRORCHECK);
	EXPECT(pthread_mutex_lock(&m), 0);
	EXPECT(pthread_mutex_lock(&m), EDEADLK);
	EXPECT(pthread_mutex_unlock(&m), 0);
	EXPECT(pthread_mutex_unlock(&m), EPERM);
	owner_dies(lock_and_exit);
	EXPECT(pthread_mutex_lock(&m), EOWNERDEAD);
	EXPECT(pthread_mutex_consistent(&m), 0);
	EXPECT(pthread_mutex_unlock(&m), 0);
	EXPECT(pthread_mutex_destroy(&m), 0);
	printf("errorcheck robust ok\n");

	/* A thread already waiting for the mutex when its owner ends gets EOWNERDEAD. */
	init_robust(PTHREAD_MUTEX_NORMAL);
	pthread_t owner, waiter;
	EXPECT(sem_init(&held, 0, 0), 0);
	EXPECT(sem_init(&go, 0, 0), 0);
	EXPECT(pthread_create(&owner, 0, hold_until_go, 0), 0);
	CHECK(sem_wait(&held) == 0);
	EXPECT(pthread_create(&waiter, 0, wait_for_it, 0), 0);
	struct timespec pause = {0, 100 * 1000 * 1000};
	nanosleep(&pause, 0);
	CHECK(sem_post(&go) == 0);
	EXPECT(pthread_join(owner, 0), 0);
	EXPECT(pthread_join(waiter, 0), 0);
	printf("waiter: %s\n", waiter_result == EOWNERDEAD ? "EOWNERDEAD" : "other");
	EXPECT(pthread_mutex_lock(&m), 0);
	EXPECT(pthread_mutex_unlock(&m), 0);
	EXPECT(pthread_mutex_destroy(&m), 0);
	return 0;
}
