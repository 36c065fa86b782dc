/* Read-write locks: concurrent readers, exclusive writers, try and timed variants, the
 * error numbers, and consistency of data under a mix of readers and writers. */

#include <pthread.h>
#include <stdint.h>

#include "check.h"

static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static pthread_barrier_t all_reading;

/* Three readers hold the lock at the same time: each takes it, then waits at a barrier
 * that only opens when all three are inside. */
static void *reader_together(void *arg)
{
	(void)arg;
	EXPECT(pthread_rwlock_rdlock(&rw), 0);
	pthread_barrier_wait(&all_reading);
	EXPECT(pthread_rwlock_unlock(&rw), 0);
	return 0;
}

static void *try_write(void *arg)
{
	(void)arg;
	return (void *)(intptr_t)pthread_rwlock_trywrlock(&rw);
}

static void *try_read(void *arg)
{
	(void)arg;
	int rc = pthread_rwlock_tryrdlock(&rw);
	if (rc == 0)
		EXPECT(pthread_rwlock_unlock(&rw), 0);
	return (void *)(intptr_t)rc;
}

static void *timed_write(void *arg)
{
	(void)arg;
	long long start = now_ns(CLOCK_MONOTONIC);
	struct timespec d = deadline_in_ms(CLOCK_REALTIME, 100);
	int rc = pthread_rwlock_timedwrlock(&rw, &d);
	if (rc == ETIMEDOUT)
		CHECK_WAITED(start, 100);
	return (void *)(intptr_t)rc;
}

static void *timed_read(void *arg)
{
	(void)arg;
	long long start = now_ns(CLOCK_MONOTONIC);
	struct timespec d = deadline_in_ms(CLOCK_REALTIME, 100);
	int rc = pthread_rwlock_timedrdlock(&rw, &d);
	if (rc == ETIMEDOUT)
		CHECK_WAITED(start, 100);
	if (rc == 0)
		EXPECT(pthread_rwlock_unlock(&rw), 0);
	return (void *)(intptr_t)rc;
}

static void *timed_write_bad(void *arg)
{
	(void)arg;
	struct timespec bad = {0, 2000000000L};
	return (void *)(intptr_t)pthread_rwlock_timedwrlock(&rw, &bad);
}

static int in_thread(void *(*fn)(void *))
{
	pthread_t t;
	void *r;
	EXPECT(pthread_create(&t, 0, fn, 0), 0);
	EXPECT(pthread_join(t, &r), 0);
	return (int)(intptr_t)r;
}

/* Writers keep a == b; readers check they never see them differ. */
static long a, b;
static unsigned inconsistent;

static void *writer(void *arg)
{
	(void)arg;
	for (int i = 0; i < 20000; i++) {
		EXPECT(pthread_rwlock_wrlock(&rw), 0);
		a++;
		b++;
		EXPECT(pthread_rwlock_unlock(&rw), 0);
	}
	return 0;
}

static void *reader(void *arg)
{
	(void)arg;
	for (int i = 0; i < 20000; i++) {
		EXPECT(pthread_rwlock_rdlock(&rw), 0);
		if (a != b)
			__atomic_fetch_add(&inconsistent, 1, __ATOMIC_SEQ_CST);
		EXPECT(pthread_rwlock_unlock(&rw), 0);
	}
	return 0;
}

int main(void)
{
	pthread_t t[4];
	EXPECT(pthread_barrier_init(&all_reading, 0, 3), 0);
	for (int i = 0; i < 3; i++)
		EXPECT(pthread_create(&t[i], 0, reader_together, 0), 0);
	for (int i = 0; i < 3; i++)
		EXPECT(pthread_join(t[i], 0), 0);
	EXPECT(pthread_barrier_destroy(&all_reading), 0);
	printf("3 readers held the lock at once\n");

	EXPECT(pthread_rwlock_rdlock(&rw), 0);
	EXPECT(pthread_rwlock_rdlock(&rw), 0); /* a reader may read-lock again */
	EXPECT(in_thread(try_write), EBUSY);
	EXPECT(in_thread(timed_write), ETIMEDOUT);
	EXPECT(in_thread(try_read), 0);
	EXPECT(pthread_rwlock_unlock(&rw), 0);
	EXPECT(pthread_rwlock_unlock(&rw), 0);
	printf("read-held: trywrlock EBUSY, timedwrlock ETIMEDOUT, tryrdlock ok\n");

	EXPECT(pthread_rwlock_wrlock(&rw), 0);
	EXPECT(in_thread(try_read), EBUSY);
	EXPECT(in_thread(try_write), EBUSY);
	EXPECT(in_thread(timed_read), ETIMEDOUT);
	EXPECT(pthread_rwlock_wrlock(&rw), EDEADLK);
	EXPECT(pthread_rwlock_rdlock(&rw), EDEADLK);
	EXPECT(pthread_rwlock_unlock(&rw), 0);
	EXPECT(pthread_rwlock_wrlock(&rw), 0);
	EXPECT(in_thread(timed_read), ETIMEDOUT);
	EXPECT(pthread_rwlock_unlock(&rw), 0);
	EXPECT(pthread_rwlock_rdlock(&rw), 0);
	EXPECT(in_thread(timed_write_bad), EINVAL);
	EXPECT(pthread_rwlock_unlock(&rw), 0);
	printf("write-held: tryrdlock/trywrlock EBUSY, timedrdlock ETIMEDOUT, relock EDEADLK; bad deadline EINVAL\n");

	for (int i = 0; i < 2; i++)
		EXPECT(pthread_create(&t[i], 0, writer, 0), 0);
	for (int i = 2; i < 4; i++)
		EXPECT(pthread_create(&t[i], 0, reader, 0), 0);
	for (int i = 0; i < 4; i++)
		EXPECT(pthread_join(t[i], 0), 0);
	printf("mixed: a=%ld b=%ld, inconsistent reads %u\n", a, b, inconsistent);

	pthread_rwlockattr_t ra;
	int v;
	EXPECT(pthread_rwlockattr_init(&ra), 0);
	EXPECT(pthread_rwlockattr_getpshared(&ra, &v), 0);
	CHECK(v == PTHREAD_PROCESS_PRIVATE);
	EXPECT(pthread_rwlockattr_setpshared(&ra, 42), EINVAL);
	pthread_rwlock_t r2;
	EXPECT(pthread_rwlock_init(&r2, &ra), 0);
	EXPECT(pthread_rwlock_destroy(&r2), 0);
	EXPECT(pthread_rwlockattr_destroy(&ra), 0);
	printf("rwlock attributes ok\n");
	return 0;
}
