/* Thread creation and joining: return values, self/equal, attributes (stack size,
 * detach state), 200 threads alive at once, EDEADLK on self-join. */

#include <pthread.h>
#include <stdint.h>

#include "check.h"

#define MANY 200

static pthread_t seen_self[MANY];

static void *twice(void *arg)
{
	uintptr_t i = (uintptr_t)arg;
	seen_self[i] = pthread_self();
	return (void *)(i * 2);
}

/* Uses most of a 256 KiB stack: the stack size attribute must be honoured. */
static void *deep(void *arg)
{
	volatile char big[192 * 1024];
	for (size_t i = 0; i < sizeof big; i += 4096)
		big[i] = (char)i;
	big[sizeof big - 1] = 7;
	return (void *)(uintptr_t)(big[sizeof big - 1] + (uintptr_t)arg);
}

static void *self_join(void *arg)
{
	(void)arg;
	return (void *)(intptr_t)pthread_join(pthread_self(), 0);
}

int main(void)
{
	pthread_t t[MANY];
	for (uintptr_t i = 0; i < MANY; i++)
		EXPECT(pthread_create(&t[i], 0, twice, (void *)i), 0);
	uintptr_t sum = 0;
	for (uintptr_t i = 0; i < MANY; i++) {
		void *r;
		EXPECT(pthread_join(t[i], &r), 0);
		CHECK((uintptr_t)r == i * 2);
		CHECK(pthread_equal(seen_self[i], t[i]));
		sum += (uintptr_t)r;
	}
	printf("joined %d threads, sum %lu\n", MANY, (unsigned long)sum);

	CHECK(pthread_equal(pthread_self(), pthread_self()));
	CHECK(!pthread_equal(pthread_self(), t[0]));
	EXPECT(pthread_join(pthread_self(), 0), EDEADLK);
	pthread_t s;
	void *r;
	EXPECT(pthread_create(&s, 0, self_join, 0), 0);
	EXPECT(pthread_join(s, &r), 0);
	CHECK((intptr_t)r == EDEADLK);
	printf("self-join: EDEADLK\n");

	pthread_attr_t a;
	size_t size;
	int state;
	EXPECT(pthread_attr_init(&a), 0);
	EXPECT(pthread_attr_getdetachstate(&a, &state), 0);
	CHECK(state == PTHREAD_CREATE_JOINABLE);
	EXPECT(pthread_attr_setstacksize(&a, 256 * 1024), 0);
	EXPECT(pthread_attr_getstacksize(&a, &size), 0);
	CHECK(size == 256 * 1024);
	EXPECT(pthread_attr_setstacksize(&a, 1), EINVAL);
	EXPECT(pthread_attr_setdetachstate(&a, 12345), EINVAL);
	EXPECT(pthread_create(&s, &a, deep, (void *)1), 0);
	EXPECT(pthread_join(s, &r), 0);
	CHECK((uintptr_t)r == 8);
	EXPECT(pthread_attr_destroy(&a), 0);
	printf("attributes: stack size and detach state ok\n");

	/* Stack sizes from small to large, with the thread touching its stack. */
	size_t sizes[] = {PTHREAD_STACK_MIN, 64 * 1024, 1024 * 1024, 8 * 1024 * 1024};
	for (unsigned i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		EXPECT(pthread_attr_init(&a), 0);
		EXPECT(pthread_attr_setstacksize(&a, sizes[i]), 0);
		EXPECT(pthread_create(&s, &a, twice, (void *)(uintptr_t)i), 0);
		EXPECT(pthread_join(s, &r), 0);
		CHECK((uintptr_t)r == i * 2);
		EXPECT(pthread_attr_destroy(&a), 0);
	}
	printf("stack sizes from PTHREAD_STACK_MIN to 8 MiB ok\n");
	return 0;
}
