/* Barriers (one serial thread per round, several rounds), pthread_once under
 * contention, spin locks. */

#include <pthread.h>
#include <stdint.h>

#include "check.h"

#define THREADS 4
#define ROUNDS 50

static pthread_barrier_t barrier;
static unsigned serial_count, arrived[ROUNDS];

static void *barrier_worker(void *arg)
{
	(void)arg;
	for (int r = 0; r < ROUNDS; r++) {
		__atomic_fetch_add(&arrived[r], 1, __ATOMIC_SEQ_CST);
		int rc = pthread_barrier_wait(&barrier);
		CHECK(rc == 0 || rc == PTHREAD_BARRIER_SERIAL_THREAD);
		/* Nobody passes before everyone arrived. */
		CHECK(__atomic_load_n(&arrived[r], __ATOMIC_SEQ_CST) == THREADS);
		if (rc == PTHREAD_BARRIER_SERIAL_THREAD)
			__atomic_fetch_add(&serial_count, 1, __ATOMIC_SEQ_CST);
	}
	return 0;
}

static pthread_once_t once = PTHREAD_ONCE_INIT;
static unsigned init_runs;

static void init(void)
{
	__atomic_fetch_add(&init_runs, 1, __ATOMIC_SEQ_CST);
	sched_yield(); /* give the others time to pile up behind it */
}

static void *once_worker(void *arg)
{
	(void)arg;
	EXPECT(pthread_once(&once, init), 0);
	CHECK(init_runs == 1);
	return 0;
}

static pthread_spinlock_t spin;
static long spin_counter;

static void *spin_worker(void *arg)
{
	(void)arg;
	for (int i = 0; i < 50000; i++) {
		EXPECT(pthread_spin_lock(&spin), 0);
		spin_counter++;
		EXPECT(pthread_spin_unlock(&spin), 0);
	}
	return 0;
}

int main(void)
{
	pthread_t t[8];
	pthread_barrier_t b0;
	EXPECT(pthread_barrier_init(&b0, 0, 0), EINVAL);
	EXPECT(pthread_barrier_init(&barrier, 0, THREADS), 0);
	for (int i = 0; i < THREADS; i++)
		EXPECT(pthread_create(&t[i], 0, barrier_worker, 0), 0);
	for (int i = 0; i < THREADS; i++)
		EXPECT(pthread_join(t[i], 0), 0);
	EXPECT(pthread_barrier_destroy(&barrier), 0);
	printf("barrier: %d rounds, %u serial threads\n", ROUNDS, serial_count);

	/* A barrier of one: every wait is the serial one. */
	EXPECT(pthread_barrier_init(&barrier, 0, 1), 0);
	EXPECT(pthread_barrier_wait(&barrier), PTHREAD_BARRIER_SERIAL_THREAD);
	EXPECT(pthread_barrier_destroy(&barrier), 0);
	pthread_barrierattr_t ba;
	int v;
	EXPECT(pthread_barrierattr_init(&ba), 0);
	EXPECT(pthread_barrierattr_getpshared(&ba, &v), 0);
	CHECK(v == PTHREAD_PROCESS_PRIVATE);
	EXPECT(pthread_barrierattr_destroy(&ba), 0);
	printf("barrier of one and attributes ok\n");

	for (int i = 0; i < 8; i++)
		EXPECT(pthread_create(&t[i], 0, once_worker, 0), 0);
	for (int i = 0; i < 8; i++)
		EXPECT(pthread_join(t[i], 0), 0);
	EXPECT(pthread_once(&once, init), 0);
	printf("once: init ran %u time(s) for 9 callers\n", init_runs);

	EXPECT(pthread_spin_init(&spin, PTHREAD_PROCESS_PRIVATE), 0);
	for (int i = 0; i < THREADS; i++)
		EXPECT(pthread_create(&t[i], 0, spin_worker, 0), 0);
	for (int i = 0; i < THREADS; i++)
		EXPECT(pthread_join(t[i], 0), 0);
	EXPECT(pthread_spin_trylock(&spin), 0);
	EXPECT(pthread_spin_trylock(&spin), EBUSY);
	EXPECT(pthread_spin_unlock(&spin), 0);
	EXPECT(pthread_spin_destroy(&spin), 0);
	printf("spin lock: counter %ld, trylock EBUSY when held\n", spin_counter);
	return 0;
}
