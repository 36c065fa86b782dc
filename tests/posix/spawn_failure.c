/* posix-test: native=skip shim=skip
 * A thread whose stack the kernel cannot allocate: pthread_create fails with EAGAIN and
 * leaves nothing behind (the initial thread's pthread_exit, which waits for every other
 * thread, still ends the process at once). glibc maps stacks lazily and the native
 * harness uses glibc's stacks, so this only runs in Eremit; the expected output is
 * written by hand. */

#include <pthread.h>
#include <stdint.h>

#include "check.h"

static void *never(void *arg)
{
	return arg;
}

int main(void)
{
	pthread_attr_t a;
	pthread_t t;
	EXPECT(pthread_attr_init(&a), 0);
	EXPECT(pthread_attr_setstacksize(&a, (size_t)1 << 40), 0); /* far beyond the VM */
	EXPECT(pthread_create(&t, &a, never, 0), EAGAIN);
	EXPECT(pthread_join(t, 0), ESRCH);
	EXPECT(pthread_attr_destroy(&a), 0);
	printf("1 TiB stack: EAGAIN\n");
	EXPECT(pthread_create(&t, 0, never, (void *)3), 0);
	void *r;
	EXPECT(pthread_join(t, &r), 0);
	CHECK(r == (void *)3);
	printf("next thread ok\n");
	fflush(stdout);
	pthread_exit(0);
}
