/* Deferred cancellation: of a thread waiting on a condition variable (its cleanup
 * handler runs with the mutex held), on a semaphore, in pthread_join; with cancellation
 * disabled until a pthread_testcancel; of a thread that has already finished. */

#include <pthread.h>
#include <semaphore.h>
#include <stdint.h>

#include "check.h"

static pthread_mutex_t lock;
static pthread_cond_t never = PTHREAD_COND_INITIALIZER;
static int waiting;
static int unlocked_in_cleanup = -1;

static void unlock_it(void *arg)
{
	/* An error-checking mutex: unlock succeeds only if this thread holds it. */
	unlocked_in_cleanup = pthread_mutex_unlock((pthread_mutex_t *)arg);
}

static void *cond_waiter(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&lock);
	waiting = 1;
	pthread_cleanup_push(unlock_it, &lock);
	for (;;)
		pthread_cond_wait(&never, &lock);
	pthread_cleanup_pop(0);
	return 0;
}

static sem_t never_posted, ready, go;
static int reached_testcancel;

static void *sem_waiter(void *arg)
{
	(void)arg;
	sem_post(&ready);
	sem_wait(&never_posted);
	return 0;
}

static void *disabled_then_test(void *arg)
{
	(void)arg;
	int old;
	EXPECT(pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &old), 0);
	CHECK(old == PTHREAD_CANCEL_ENABLE);
	sem_post(&ready);
	sem_wait(&go); /* a cancellation point, but cancellation is disabled */
	reached_testcancel = 1;
	EXPECT(pthread_setcancelstate(PTHREAD_CANCEL_ENABLE, &old), 0);
	CHECK(old == PTHREAD_CANCEL_DISABLE);
	pthread_testcancel();
	reached_testcancel = 2; /* not reached */
	return 0;
}

static pthread_t join_target;

static void *joiner(void *arg)
{
	(void)arg;
	sem_post(&ready);
	pthread_join(join_target, 0);
	return 0;
}

static void *finishes(void *arg)
{
	return arg;
}

int main(void)
{
	pthread_mutexattr_t ma;
	EXPECT(pthread_mutexattr_init(&ma), 0);
	EXPECT(pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_ERRORCHECK), 0);
	EXPECT(pthread_mutex_init(&lock, &ma), 0);
	CHECK(sem_init(&never_posted, 0, 0) == 0);
	CHECK(sem_init(&ready, 0, 0) == 0);
	CHECK(sem_init(&go, 0, 0) == 0);

	pthread_t t;
	void *r;
	EXPECT(pthread_create(&t, 0, cond_waiter, 0), 0);
	for (;;) {
		/* Once we get the mutex with `waiting` set, the thread is inside the wait. */
		pthread_mutex_lock(&lock);
		int w = waiting;
		pthread_mutex_unlock(&lock);
		if (w)
			break;
		sched_yield();
	}
	EXPECT(pthread_cancel(t), 0);
	EXPECT(pthread_join(t, &r), 0);
	CHECK(r == PTHREAD_CANCELED);
	printf("cond_wait cancelled; cleanup unlocked the mutex: %s\n",
	       unlocked_in_cleanup == 0 ? "yes" : "no");

	EXPECT(pthread_create(&t, 0, sem_waiter, 0), 0);
	sem_wait(&ready);
	EXPECT(pthread_cancel(t), 0);
	EXPECT(pthread_join(t, &r), 0);
	CHECK(r == PTHREAD_CANCELED);
	printf("sem_wait cancelled\n");

	EXPECT(pthread_create(&t, 0, disabled_then_test, 0), 0);
	sem_wait(&ready);
	EXPECT(pthread_cancel(t), 0);
	sem_post(&go);
	EXPECT(pthread_join(t, &r), 0);
	CHECK(r == PTHREAD_CANCELED);
	printf("disabled, then enabled: cancelled at pthread_testcancel (step %d)\n",
	       reached_testcancel);

	/* A cancelled joiner leaves its target joinable. */
	EXPECT(pthread_create(&join_target, 0, sem_waiter, 0), 0);
	sem_wait(&ready);
	EXPECT(pthread_create(&t, 0, joiner, 0), 0);
	sem_wait(&ready);
	EXPECT(pthread_cancel(t), 0);
	EXPECT(pthread_join(t, &r), 0);
	CHECK(r == PTHREAD_CANCELED);
	EXPECT(pthread_cancel(join_target), 0);
	EXPECT(pthread_join(join_target, &r), 0);
	CHECK(r == PTHREAD_CANCELED);
	printf("pthread_join cancelled; its target still joinable\n");

	EXPECT(pthread_create(&t, 0, finishes, (void *)5), 0);
	sched_yield();
	EXPECT(pthread_cancel(t), 0); /* finished or not, the request is accepted */
	EXPECT(pthread_join(t, &r), 0);
	CHECK(r == (void *)5 || r == PTHREAD_CANCELED);
	printf("cancel of a finishing thread accepted\n");

	int old;
	EXPECT(pthread_setcanceltype(PTHREAD_CANCEL_DEFERRED, &old), 0);
	CHECK(old == PTHREAD_CANCEL_DEFERRED);
	EXPECT(pthread_setcancelstate(99, &old), EINVAL);
	printf("cancel state and type ok\n");
	return 0;
}
