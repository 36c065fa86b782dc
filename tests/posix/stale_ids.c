/* posix-test: native=skip
 * Eremit's thread ids are never reused, so operations on a thread that has been joined
 * (or reaped after detaching) reliably fail with ESRCH. glibc reuses thread descriptors
 * and treats this as undefined behaviour, so there is no native reference run: the
 * expected output is written by hand. */

#include <pthread.h>
#include <signal.h> /* pthread_kill */
#include <stdint.h>

#include "check.h"

static void *quick(void *arg)
{
	return arg;
}

int main(void)
{
	pthread_t t;
	EXPECT(pthread_create(&t, 0, quick, 0), 0);
	EXPECT(pthread_join(t, 0), 0);
	EXPECT(pthread_join(t, 0), ESRCH);
	EXPECT(pthread_detach(t), ESRCH);
	EXPECT(pthread_kill(t, 0), ESRCH);
	EXPECT(pthread_cancel(t), ESRCH);
	int policy;
	struct sched_param sp;
	EXPECT(pthread_getschedparam(t, &policy, &sp), ESRCH);
	printf("joined thread: join/detach/kill/cancel/getschedparam ESRCH\n");

	/* Detached threads are reaped by later pthread_create calls; after that their ids
	 * are unknown too. */
	pthread_attr_t a;
	pthread_t d[10];
	EXPECT(pthread_attr_init(&a), 0);
	EXPECT(pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED), 0);
	for (int i = 0; i < 10; i++)
		EXPECT(pthread_create(&d[i], &a, quick, 0), 0);
	for (int i = 0; i < 10; i++) {
		int rc = pthread_join(d[i], 0);
		CHECK(rc == EINVAL || rc == ESRCH);
	}
	printf("detached threads: join EINVAL or ESRCH\n");
	EXPECT(pthread_join((pthread_t)123456789, 0), ESRCH);
	printf("unknown id: ESRCH\n");
	EXPECT(pthread_attr_destroy(&a), 0);
	return 0;
}
