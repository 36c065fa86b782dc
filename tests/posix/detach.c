/* Detached threads: created detached, detached while running, detached after they
 * finished; joining a detached thread fails with EINVAL. Thousands of short detached
 * threads must not exhaust anything (they are reaped without a joiner). */

#include <pthread.h>
#include <semaphore.h>
#include <stdint.h>

#include "check.h"

static sem_t done;
static sem_t release;
static unsigned counter;

static void *count(void *arg)
{
	(void)arg;
	__atomic_fetch_add(&counter, 1, __ATOMIC_SEQ_CST);
	sem_post(&done);
	return 0;
}

static void *wait_release(void *arg)
{
	(void)arg;
	sem_wait(&release);
	sem_post(&done);
	return 0;
}

static void *quick(void *arg)
{
	return arg;
}

int main(void)
{
	CHECK(sem_init(&done, 0, 0) == 0);
	CHECK(sem_init(&release, 0, 0) == 0);

	pthread_attr_t a;
	EXPECT(pthread_attr_init(&a), 0);
	EXPECT(pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED), 0);
	int state;
	EXPECT(pthread_attr_getdetachstate(&a, &state), 0);
	CHECK(state == PTHREAD_CREATE_DETACHED);
	for (int round = 0; round < 20; round++) {
		for (int i = 0; i < 100; i++) {
			pthread_t t;
			EXPECT(pthread_create(&t, &a, count, 0), 0);
		}
		for (int i = 0; i < 100; i++)
			CHECK(sem_wait(&done) == 0);
	}
	printf("2000 detached threads ran, counter %u\n", counter);

	/* A detached thread that is still running cannot be joined. */
	pthread_t t;
	EXPECT(pthread_create(&t, &a, wait_release, 0), 0);
	EXPECT(pthread_join(t, 0), EINVAL);
	CHECK(sem_post(&release) == 0);
	CHECK(sem_wait(&done) == 0);
	printf("join of a detached thread: EINVAL\n");

	/* Detach while running, then again. */
	EXPECT(pthread_attr_setdetachstate(&a, PTHREAD_CREATE_JOINABLE), 0);
	EXPECT(pthread_create(&t, &a, wait_release, 0), 0);
	EXPECT(pthread_detach(t), 0);
	EXPECT(pthread_detach(t), EINVAL);
	CHECK(sem_post(&release) == 0);
	CHECK(sem_wait(&done) == 0);
	printf("detach of a running thread ok\n");

	/* Detach after the thread has (very likely) finished. */
	for (int i = 0; i < 200; i++) {
		EXPECT(pthread_create(&t, 0, quick, 0), 0);
		if (i % 2)
			sched_yield();
		EXPECT(pthread_detach(t), 0);
	}
	printf("detach of finished threads ok\n");
	EXPECT(pthread_attr_destroy(&a), 0);
	return 0;
}
