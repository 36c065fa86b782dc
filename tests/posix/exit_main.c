/* pthread_exit in the initial thread: the process lives on until the last thread has
 * ended, then exits with status 0 and runs atexit handlers. A thread can join the
 * initial thread and get its exit value. */

#include <pthread.h>
#include <semaphore.h>
#include <stdint.h>

#include "check.h"

#define THREADS 3

static pthread_t initial;
static sem_t turn[THREADS];

static void at_exit(void)
{
	printf("atexit handler ran\n");
}

static void *worker(void *arg)
{
	intptr_t i = (intptr_t)arg;
	if (i == 0) {
		void *r;
		EXPECT(pthread_join(initial, &r), 0);
		printf("thread 0 joined the initial thread: %ld\n", (long)(intptr_t)r);
	}
	sem_wait(&turn[i]);
	sched_yield();
	printf("thread %ld done\n", (long)i);
	if (i + 1 < THREADS)
		sem_post(&turn[i + 1]);
	return 0;
}

int main(void)
{
	atexit(at_exit);
	initial = pthread_self();
	for (int i = 0; i < THREADS; i++)
		CHECK(sem_init(&turn[i], 0, 0) == 0);
	for (intptr_t i = 0; i < THREADS; i++) {
		pthread_t t;
		EXPECT(pthread_create(&t, 0, worker, (void *)i), 0);
		EXPECT(pthread_detach(t), 0);
	}
	printf("initial thread exits\n");
	fflush(stdout);
	sem_post(&turn[0]);
	pthread_exit((void *)7);
}
