/* posix-test: shim=skip
 * POSIX timers and sigsetjmp (docs/signals.md): timer_create with SIGEV_SIGNAL (si_code
 * SI_TIMER, the sigev_value; one shot and periodic), SIGEV_NONE (timer_gettime counts
 * down, no signal), SIGEV_THREAD (the function runs in a thread), no sigevent (SIGALRM),
 * TIMER_ABSTIME on CLOCK_REALTIME, timer_settime's old value, timer_getoverrun,
 * timer_delete and the errors; siglongjmp restores the mask sigsetjmp saved (out of a
 * handler too) and leaves it alone when savemask was 0. */

#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

static volatile sig_atomic_t got_code, got_value, got_signo, alarms;

static void on_info(int sig, siginfo_t *info, void *ctx)
{
	(void)ctx;
	got_signo = sig;
	got_code = info->si_code;
	got_value = info->si_value.sival_int;
}

static void on_alarm(int sig)
{
	(void)sig;
	alarms++;
}

static sem_t notified;
static volatile int thread_value;

static void notify(union sigval v)
{
	thread_value = v.sival_int;
	sem_post(&notified);
}

static sigjmp_buf env;

static void jump_out(int sig)
{
	siglongjmp(env, sig);
}

static int blocked(int sig)
{
	sigset_t now;
	CHECK(sigprocmask(SIG_BLOCK, NULL, &now) == 0);
	return sigismember(&now, sig);
}

static const char *err(int r)
{
	return r == 0 ? "ok" : strerror(errno);
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_info;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);

	/* SIGEV_SIGNAL, one shot after 100 ms: pause() returns after the handler. */
	struct sigevent ev;
	memset(&ev, 0, sizeof ev);
	ev.sigev_notify = SIGEV_SIGNAL;
	ev.sigev_signo = SIGUSR1;
	ev.sigev_value.sival_int = 42;
	timer_t t;
	CHECK(timer_create(CLOCK_MONOTONIC, &ev, &t) == 0);
	struct itimerspec once = {{0, 0}, {0, 100 * 1000 * 1000}}, cur;
	CHECK(timer_settime(t, 0, &once, NULL) == 0);
	CHECK(timer_gettime(t, &cur) == 0);
	printf("armed: left in (0, 100 ms] %d, interval %ld\n",
	       cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec > 0 &&
		       cur.it_value.tv_nsec <= 100 * 1000 * 1000,
	       (long)cur.it_interval.tv_nsec);
	pause();
	printf("SIGEV_SIGNAL: signo %d, SI_TIMER %d, value %d\n", got_signo, got_code == SI_TIMER,
	       got_value);
	CHECK(timer_gettime(t, &cur) == 0);
	printf("after it fired: %ld.%09ld\n", (long)cur.it_value.tv_sec, cur.it_value.tv_nsec);

	/* Periodic, 30 ms, taken with sigwaitinfo three times. */
	sigset_t usr1;
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	CHECK(sigprocmask(SIG_BLOCK, &usr1, NULL) == 0);
	struct itimerspec every = {{0, 30 * 1000 * 1000}, {0, 30 * 1000 * 1000}}, old;
	CHECK(timer_settime(t, 0, &every, &old) == 0);
	printf("old value of a disarmed timer: %ld.%09ld\n", (long)old.it_value.tv_sec,
	       old.it_value.tv_nsec);
	int n = 0;
	siginfo_t info;
	while (n < 3) {
		CHECK(sigwaitinfo(&usr1, &info) == SIGUSR1);
		CHECK(info.si_code == SI_TIMER && info.si_value.sival_int == 42);
		n++;
	}
	printf("periodic: %d expirations, overrun >= 0 %d\n", n, timer_getoverrun(t) >= 0);
	struct itimerspec zero = {{0, 0}, {0, 0}};
	CHECK(timer_settime(t, 0, &zero, &old) == 0);
	printf("disarmed; old interval %ld ns\n", old.it_interval.tv_nsec);
	CHECK(timer_delete(t) == 0);
	/* An expiry may have been posted just before: take it. */
	struct timespec brief = {0, 50 * 1000 * 1000};
	sigtimedwait(&usr1, NULL, &brief);
	CHECK(sigprocmask(SIG_UNBLOCK, &usr1, NULL) == 0);

	/* SIGEV_NONE: counts down, no signal. */
	ev.sigev_notify = SIGEV_NONE;
	CHECK(timer_create(CLOCK_REALTIME, &ev, &t) == 0);
	struct itimerspec ten = {{0, 0}, {10, 0}};
	CHECK(timer_settime(t, 0, &ten, NULL) == 0);
	CHECK(timer_gettime(t, &cur) == 0);
	printf("SIGEV_NONE: left in (9, 10] s %d\n",
	       cur.it_value.tv_sec == 9 || (cur.it_value.tv_sec == 10 && cur.it_value.tv_nsec == 0));
	CHECK(timer_delete(t) == 0);

	/* SIGEV_THREAD: the function runs in a thread with the value. */
	CHECK(sem_init(&notified, 0, 0) == 0);
	memset(&ev, 0, sizeof ev);
	ev.sigev_notify = SIGEV_THREAD;
	ev.sigev_notify_function = notify;
	ev.sigev_value.sival_int = 7;
	CHECK(timer_create(CLOCK_MONOTONIC, &ev, &t) == 0);
	CHECK(timer_settime(t, 0, &once, NULL) == 0);
	CHECK(sem_wait(&notified) == 0);
	printf("SIGEV_THREAD: value %d\n", thread_value);
	CHECK(timer_delete(t) == 0);

	/* No sigevent: SIGALRM; an absolute CLOCK_REALTIME time 200 ms ahead. */
	signal(SIGALRM, on_alarm);
	CHECK(timer_create(CLOCK_REALTIME, NULL, &t) == 0);
	struct timespec start, end;
	clock_gettime(CLOCK_REALTIME, &start);
	struct itimerspec at = {{0, 0}, start};
	at.it_value.tv_nsec += 200 * 1000 * 1000;
	if (at.it_value.tv_nsec >= 1000000000L) {
		at.it_value.tv_nsec -= 1000000000L;
		at.it_value.tv_sec++;
	}
	CHECK(timer_settime(t, TIMER_ABSTIME, &at, NULL) == 0);
	while (!alarms)
		pause();
	clock_gettime(CLOCK_REALTIME, &end);
	long ms = (end.tv_sec - start.tv_sec) * 1000 + (end.tv_nsec - start.tv_nsec) / 1000000;
	printf("TIMER_ABSTIME, no sigevent: SIGALRM %d after >= 190 ms %d\n", alarms, ms >= 190);
	CHECK(timer_delete(t) == 0);

	/* Errors. */
	errno = 0;
	int r = timer_settime(t, 0, &once, NULL);
	printf("settime on a deleted timer: %d %s\n", r, err(r));
	errno = 0;
	r = timer_create(12345, NULL, &t);
	printf("bad clock: %d %s\n", r, err(r));
	memset(&ev, 0, sizeof ev);
	ev.sigev_notify = SIGEV_SIGNAL;
	ev.sigev_signo = 0;
	errno = 0;
	r = timer_create(CLOCK_MONOTONIC, &ev, &t);
	printf("signal 0: %d %s\n", r, err(r));
	ev.sigev_signo = SIGUSR1;
	CHECK(timer_create(CLOCK_MONOTONIC, &ev, &t) == 0);
	struct itimerspec bad = {{0, 0}, {0, 1000000000L}};
	errno = 0;
	r = timer_settime(t, 0, &bad, NULL);
	printf("tv_nsec 1e9: %d %s\n", r, err(r));
	CHECK(timer_delete(t) == 0);

	/* sigsetjmp(env, 1) restores the mask: a jump out of a SIGUSR2 handler unblocks it. */
	signal(SIGUSR2, jump_out);
	volatile int jumps = 0;
	int v = sigsetjmp(env, 1);
	if (v == 0) {
		raise(SIGUSR2);
		printf("not reached\n");
	}
	jumps++;
	printf("siglongjmp from a handler, savemask 1: %d, SIGUSR2 blocked %d\n", v,
	       blocked(SIGUSR2));
	/* savemask 0: the handler's mask stays (SIGUSR2 blocked after the jump). */
	v = sigsetjmp(env, 0);
	if (v == 0)
		raise(SIGUSR2);
	printf("siglongjmp from a handler, savemask 0: %d, SIGUSR2 blocked %d\n", v,
	       blocked(SIGUSR2));
	sigset_t usr2;
	sigemptyset(&usr2);
	sigaddset(&usr2, SIGUSR2);
	CHECK(sigprocmask(SIG_UNBLOCK, &usr2, NULL) == 0);
	/* Outside handlers: the mask at sigsetjmp comes back. */
	if (sigsetjmp(env, 1) == 0) {
		CHECK(sigprocmask(SIG_BLOCK, &usr1, NULL) == 0);
		siglongjmp(env, 5);
	}
	printf("siglongjmp, mask changed in between: SIGUSR1 blocked %d, jumps %d\n",
	       blocked(SIGUSR1), jumps);
	return 0;
}
