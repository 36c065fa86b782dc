/* posix-test: shim=skip
 * alarm and setitimer(ITIMER_REAL) post SIGALRM: alarm(1) then pause() runs the handler;
 * alarm returns the seconds left of the previous one and alarm(0) disarms; a 30 ms
 * periodic itimer wakes sigsuspend three times, getitimer reports it armed, and setting
 * it to zero disarms it (sigtimedwait then times out); the errors. */

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "check.h"

static volatile sig_atomic_t alarms;

static void on_alarm(int sig)
{
	if (sig == SIGALRM)
		alarms++;
}

int main(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_alarm;
	sigemptyset(&sa.sa_mask);
	CHECK(sigaction(SIGALRM, &sa, NULL) == 0);

	printf("alarm(5) first: %u\n", alarm(5));
	printf("alarm(1) replaces 5: %u\n", alarm(1));
	errno = 0;
	int r = pause();
	printf("pause: %d %s, alarms %d\n", r, errno == EINTR ? "EINTR" : strerror(errno), alarms);
	printf("alarm(0) after it fired: %u\n", alarm(0));

	/* Periodic: block SIGALRM, wait for it three times with sigsuspend. */
	sigset_t alrm, none;
	sigemptyset(&alrm);
	sigaddset(&alrm, SIGALRM);
	sigemptyset(&none);
	CHECK(sigprocmask(SIG_BLOCK, &alrm, NULL) == 0);
	struct itimerval v = {{0, 30000}, {0, 30000}}, got;
	CHECK(setitimer(ITIMER_REAL, &v, NULL) == 0);
	CHECK(getitimer(ITIMER_REAL, &got) == 0);
	printf("getitimer: interval %ld us, armed %d\n", (long)got.it_interval.tv_usec,
	       got.it_value.tv_sec > 0 || got.it_value.tv_usec > 0);
	alarms = 0;
	while (alarms < 3)
		CHECK(sigsuspend(&none) == -1 && errno == EINTR);
	printf("periodic: %d alarms\n", alarms);
	struct itimerval zero = {{0, 0}, {0, 0}};
	CHECK(setitimer(ITIMER_REAL, &zero, &got) == 0);
	printf("disarmed; old interval %ld us\n", (long)got.it_interval.tv_usec);
	/* One expiry may have been posted just before disarming: take it, then none. */
	struct timespec t = {0, 100 * 1000 * 1000};
	sigtimedwait(&alrm, NULL, &t);
	errno = 0;
	r = sigtimedwait(&alrm, NULL, &t);
	printf("after disarm: %d %s\n", r, errno == EAGAIN ? "EAGAIN" : strerror(errno));
	CHECK(getitimer(ITIMER_REAL, &got) == 0);
	printf("getitimer: %ld.%06ld\n", (long)got.it_value.tv_sec, (long)got.it_value.tv_usec);

	errno = 0;
	struct itimerval bad = {{0, 0}, {0, 1000000}};
	r = setitimer(ITIMER_REAL, &bad, NULL);
	printf("setitimer bad usec: %d %s\n", r, errno == EINVAL ? "EINVAL" : strerror(errno));
	return 0;
}
