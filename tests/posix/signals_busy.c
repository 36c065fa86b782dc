/* posix-test: shim=skip
 * Handlers run in threads busy in the program's own code (docs/signals.md, "When
 * handlers run": the timer interrupt): `while (!flag);` ends when alarm(1)'s SIGALRM
 * handler sets the flag, and again with a setitimer(ITIMER_REAL) timer; another thread's
 * pthread_kill ends a spinning thread's loop; the interrupted code's registers survive
 * the handler (integer, flags and SSE values live across the loop, while the handler
 * changes its own). */

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "check.h"

static volatile sig_atomic_t flag;
static volatile double handler_sum;

static void on_signal(int sig)
{
	/* Uses SSE and integer registers and the flags of its own. */
	double x = 1.0;
	for (int i = 0; i < 100; i++)
		x = x * 1.0001 + (double)sig;
	handler_sum = x;
	flag = 1;
}

static void handle(int sig)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	CHECK(sigaction(sig, &sa, NULL) == 0);
}

/* Spins until the flag is set, with values in registers (and the flags of the
 * comparison) live across every iteration: each is checked afterwards. */
static int spin(void)
{
	double a = 0.5, b = 0.25;
	unsigned long n = 0, m = 7;
	while (!flag) {
		a = a * 0.999 + b;
		b = b * 0.5 + 0.125;
		n++;
		m = m * 3 + 1;
	}
	int ok = a > 0.0 && a < 1000.0 && b > 0.2 && b < 0.26 && n > 0;
	/* Replay n iterations: the same values if nothing was lost on the way. */
	double a2 = 0.5, b2 = 0.25;
	unsigned long m2 = 7;
	for (unsigned long i = 0; i < n; i++) {
		a2 = a2 * 0.999 + b2;
		b2 = b2 * 0.5 + 0.125;
		m2 = m2 * 3 + 1;
	}
	return ok && a2 == a && b2 == b && m2 == m;
}

static void *spinner(void *arg)
{
	(void)arg;
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, SIGALRM);
	EXPECT(pthread_sigmask(SIG_BLOCK, &s, NULL), 0);
	return (void *)(long)spin();
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	handle(SIGALRM);
	alarm(1);
	int ok = spin();
	printf("alarm(1), busy loop: registers intact %d, flag %d\n", ok, flag);

	flag = 0;
	struct itimerval v = {{0, 0}, {0, 300000}};
	CHECK(setitimer(ITIMER_REAL, &v, NULL) == 0);
	ok = spin();
	printf("setitimer(0.3 s), busy loop: registers intact %d, flag %d\n", ok, flag);

	handle(SIGUSR1);
	flag = 0;
	pthread_t t;
	EXPECT(pthread_create(&t, NULL, spinner, NULL), 0);
	struct timespec d = {0, 300 * 1000 * 1000};
	nanosleep(&d, NULL);
	EXPECT(pthread_kill(t, SIGUSR1), 0);
	void *r;
	EXPECT(pthread_join(t, &r), 0);
	printf("pthread_kill to a spinning thread: registers intact %ld, flag %d\n", (long)r, flag);
	printf("handler's own result kept apart: %d\n", handler_sum > 10.0);
	return 0;
}
