/* The calls a unikernel can only partly honour, with the results POSIX still requires:
 * thread names, scheduling parameters, signal masks, concurrency level, sched_yield. */

#define _GNU_SOURCE /* pthread_setname_np / pthread_getname_np */
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>

#include "check.h"


static void *read_own_name(void *arg)
{
	char *buf = arg;
	EXPECT(pthread_getname_np(pthread_self(), buf, 16), 0);
	return 0;
}

int main(void)
{
	char name[16], small[4];
	EXPECT(pthread_setname_np(pthread_self(), "main-thread"), 0);
	EXPECT(pthread_getname_np(pthread_self(), name, sizeof name), 0);
	printf("name: %s\n", name);
	EXPECT(pthread_setname_np(pthread_self(), "a-name-that-is-too-long"), ERANGE);
	EXPECT(pthread_getname_np(pthread_self(), small, sizeof small), ERANGE);

	pthread_t t;
	char other[16] = "";
	EXPECT(pthread_create(&t, 0, read_own_name, other), 0);
	EXPECT(pthread_join(t, 0), 0);
	printf("names: too long ERANGE, small buffer ERANGE\n");
	(void)other; /* a new thread's default name differs between systems */

	CHECK(sched_yield() == 0);

	sigset_t set, old, now;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	EXPECT(pthread_sigmask(SIG_BLOCK, &set, &old), 0);
	EXPECT(pthread_sigmask(SIG_SETMASK, 0, &now), 0);
	printf("SIGUSR1 blocked: %d\n", sigismember(&now, SIGUSR1));
	EXPECT(pthread_sigmask(SIG_SETMASK, &old, 0), 0);
	EXPECT(pthread_sigmask(SIG_SETMASK, 0, &now), 0);
	printf("SIGUSR1 blocked after restore: %d\n", sigismember(&now, SIGUSR1));
	EXPECT(pthread_sigmask(12345, &set, 0), EINVAL);
	EXPECT(pthread_kill(pthread_self(), 0), 0);

	int policy, v;
	struct sched_param sp;
	EXPECT(pthread_getschedparam(pthread_self(), &policy, &sp), 0);
	printf("policy SCHED_OTHER: %d, priority %d\n", policy == SCHED_OTHER, sp.sched_priority);

	pthread_attr_t a;
	EXPECT(pthread_attr_init(&a), 0);
	EXPECT(pthread_attr_getschedpolicy(&a, &v), 0);
	CHECK(v == SCHED_OTHER);
	EXPECT(pthread_attr_getinheritsched(&a, &v), 0);
	CHECK(v == PTHREAD_INHERIT_SCHED);
	EXPECT(pthread_attr_getscope(&a, &v), 0);
	CHECK(v == PTHREAD_SCOPE_SYSTEM);
	EXPECT(pthread_attr_setscope(&a, PTHREAD_SCOPE_PROCESS), ENOTSUP);
	EXPECT(pthread_attr_setinheritsched(&a, PTHREAD_EXPLICIT_SCHED), 0);
	EXPECT(pthread_attr_getinheritsched(&a, &v), 0);
	CHECK(v == PTHREAD_EXPLICIT_SCHED);
	EXPECT(pthread_attr_destroy(&a), 0);
	printf("scheduling attributes ok\n");

	printf("concurrency %d\n", pthread_getconcurrency());
	EXPECT(pthread_setconcurrency(3), 0);
	printf("concurrency %d after set\n", pthread_getconcurrency());
	EXPECT(pthread_setconcurrency(-1), EINVAL);
	return 0;
}
