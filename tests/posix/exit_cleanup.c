/* pthread_exit from nested calls, cleanup handlers (LIFO on exit, pop with and without
 * execution), and a thread's return value through pthread_exit. */

#include <pthread.h>
#include <stdint.h>

#include "check.h"

static char trace[64];

static void note(void *arg)
{
	strcat(trace, (const char *)arg);
}

static void deep_exit(int depth)
{
	if (depth < 0)
		return; /* never: keeps GCC from calling the recursion infinite */
	if (depth > 0)
		deep_exit(depth - 1);
	pthread_exit((void *)42);
}

static void *exits_deep(void *arg)
{
	(void)arg;
	pthread_cleanup_push(note, "A");
	pthread_cleanup_push(note, "B");
	deep_exit(10);
	pthread_cleanup_pop(0);
	pthread_cleanup_pop(0);
	return 0;
}

static void *pops(void *arg)
{
	(void)arg;
	pthread_cleanup_push(note, "x");
	pthread_cleanup_push(note, "y");
	pthread_cleanup_pop(1); /* runs y */
	pthread_cleanup_pop(0); /* drops x */
	return (void *)7;
}

int main(void)
{
	pthread_t t;
	void *r;
	EXPECT(pthread_create(&t, 0, exits_deep, 0), 0);
	EXPECT(pthread_join(t, &r), 0);
	printf("pthread_exit value %ld, cleanup order %s\n", (long)(intptr_t)r, trace);

	trace[0] = 0;
	EXPECT(pthread_create(&t, 0, pops, 0), 0);
	EXPECT(pthread_join(t, &r), 0);
	printf("returned %ld, pop(1)/pop(0) ran: %s\n", (long)(intptr_t)r, trace);
	return 0;
}
