/* posix-test: shim=skip
 * Signals inside the program (docs/signals.md): Linux's numbers, flags and siginfo_t
 * layout; sigaction with SA_SIGINFO, SA_RESETHAND, SA_NODEFER and sa_mask; raise, kill
 * and sigqueue to the process itself with their si_code; blocking, sigpending and
 * delivery on unblocking; SIG_IGN; sigwait and sigtimedwait; sigsuspend woken by another
 * thread's kill; pthread_kill to a thread waiting in sigwait; the errors. */

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

static volatile sig_atomic_t count, last_sig, last_code, last_value, pid_ok, depth, max_depth;
static volatile sig_atomic_t usr1_blocked_inside, usr2_blocked_inside;

static void info_handler(int sig, siginfo_t *si, void *ctx)
{
	(void)ctx;
	count++;
	last_sig = sig;
	last_code = si->si_code;
	last_value = si->si_value.sival_int;
	pid_ok = si->si_pid == getpid();
}

static void plain_handler(int sig)
{
	count++;
	last_sig = sig;
	sigset_t now;
	sigprocmask(SIG_SETMASK, NULL, &now);
	usr1_blocked_inside = sigismember(&now, SIGUSR1);
	usr2_blocked_inside = sigismember(&now, SIGUSR2);
}

static volatile sig_atomic_t nest_calls;

/* Raises its own signal from inside, twice in all: nested with SA_NODEFER, one after
 * the other without. */
static void nesting_handler(int sig)
{
	depth++;
	if (depth > max_depth)
		max_depth = depth;
	if (++nest_calls < 3)
		raise(sig);
	depth--;
}

static void install(int sig, void (*h)(int), int flags, int also_block)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = h;
	sa.sa_flags = flags;
	sigemptyset(&sa.sa_mask);
	if (also_block)
		sigaddset(&sa.sa_mask, also_block);
	CHECK(sigaction(sig, &sa, NULL) == 0);
}

static void install_info(int sig)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = info_handler;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	CHECK(sigaction(sig, &sa, NULL) == 0);
}

static void *send_later(void *arg)
{
	(void)arg;
	struct timespec ts = {0, 50 * 1000 * 1000};
	nanosleep(&ts, NULL);
	CHECK(kill(getpid(), SIGUSR1) == 0);
	return NULL;
}

static void *wait_usr2(void *arg)
{
	(void)arg;
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	int sig = 0;
	CHECK(sigwait(&set, &sig) == 0);
	return (void *)(long)sig;
}

int main(void)
{
	printf("numbers: HUP %d INT %d USR1 %d USR2 %d ALRM %d TERM %d CHLD %d WINCH %d NSIG>=%d\n",
	       SIGHUP, SIGINT, SIGUSR1, SIGUSR2, SIGALRM, SIGTERM, SIGCHLD, SIGWINCH, NSIG >= 65);
	printf("flags: SIGINFO %#x RESTART %#x NODEFER %#x RESETHAND %#x\n", SA_SIGINFO,
	       SA_RESTART, SA_NODEFER, (unsigned)SA_RESETHAND);
	printf("siginfo_t: size %zu, si_code at %zu, si_pid at %zu, si_value at %zu, si_addr at %zu\n",
	       sizeof(siginfo_t), offsetof(siginfo_t, si_code), offsetof(siginfo_t, si_pid),
	       offsetof(siginfo_t, si_value), offsetof(siginfo_t, si_addr));
	printf("codes: SI_USER %d SI_QUEUE %d SI_TIMER %d SI_TKILL %d\n", SI_USER, SI_QUEUE,
	       SI_TIMER, SI_TKILL);

	install_info(SIGUSR1);
	CHECK(raise(SIGUSR1) == 0);
	printf("raise: count %d sig %d code %d pid ok %d\n", count, last_sig, last_code, pid_ok);
	CHECK(kill(getpid(), SIGUSR1) == 0);
	printf("kill: count %d sig %d code %d pid ok %d\n", count, last_sig, last_code, pid_ok);
	union sigval v = {.sival_int = 42};
	CHECK(sigqueue(getpid(), SIGUSR1, v) == 0);
	printf("sigqueue: count %d code %d value %d\n", count, last_code, last_value);

	/* Blocked: pending until unblocked, then delivered once. */
	sigset_t set, pending;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	count = 0;
	CHECK(sigprocmask(SIG_BLOCK, &set, NULL) == 0);
	CHECK(raise(SIGUSR1) == 0);
	CHECK(raise(SIGUSR1) == 0);
	CHECK(sigpending(&pending) == 0);
	printf("blocked: count %d pending %d\n", count, sigismember(&pending, SIGUSR1));
	CHECK(sigprocmask(SIG_UNBLOCK, &set, NULL) == 0);
	CHECK(sigpending(&pending) == 0);
	printf("unblocked: count %d pending %d\n", count, sigismember(&pending, SIGUSR1));

	/* The mask inside a handler: the signal itself and sa_mask, unless SA_NODEFER. */
	install(SIGUSR1, plain_handler, 0, SIGUSR2);
	CHECK(raise(SIGUSR1) == 0);
	printf("inside: USR1 blocked %d USR2 blocked %d\n", usr1_blocked_inside, usr2_blocked_inside);
	install(SIGUSR1, plain_handler, SA_NODEFER, 0);
	CHECK(raise(SIGUSR1) == 0);
	printf("inside NODEFER: USR1 blocked %d USR2 blocked %d\n", usr1_blocked_inside,
	       usr2_blocked_inside);
	install(SIGUSR2, nesting_handler, SA_NODEFER, 0);
	CHECK(raise(SIGUSR2) == 0);
	printf("nested NODEFER depth %d\n", max_depth);
	printf("nested NODEFER calls %d\n", nest_calls);
	max_depth = 0;
	nest_calls = 0;
	install(SIGUSR2, nesting_handler, 0, 0);
	CHECK(raise(SIGUSR2) == 0);
	printf("nested deferred depth %d calls %d\n", max_depth, nest_calls);

	/* SA_RESETHAND: one delivery, then the default action is back. */
	install(SIGUSR1, plain_handler, SA_RESETHAND, 0);
	count = 0;
	CHECK(raise(SIGUSR1) == 0);
	struct sigaction now;
	CHECK(sigaction(SIGUSR1, NULL, &now) == 0);
	printf("resethand: count %d now default %d\n", count, now.sa_handler == SIG_DFL);

	/* signal() returns the previous handler; SIG_IGN discards. */
	CHECK(signal(SIGUSR1, plain_handler) == SIG_DFL);
	CHECK(signal(SIGUSR1, SIG_IGN) == plain_handler);
	count = 0;
	CHECK(raise(SIGUSR1) == 0);
	CHECK(raise(SIGCHLD) == 0); /* default: ignored */
	CHECK(raise(SIGWINCH) == 0);
	printf("ignored: count %d\n", count);

	/* sigwait and sigtimedwait take a blocked pending signal without its handler. */
	install_info(SIGUSR1);
	CHECK(sigprocmask(SIG_BLOCK, &set, NULL) == 0);
	count = 0;
	CHECK(kill(getpid(), SIGUSR1) == 0);
	int sig = 0;
	CHECK(sigwait(&set, &sig) == 0);
	printf("sigwait: %d, handler count %d\n", sig, count);
	struct timespec tiny = {0, 10 * 1000 * 1000};
	siginfo_t si;
	errno = 0;
	int r = sigtimedwait(&set, &si, &tiny);
	printf("sigtimedwait nothing: %d %s\n", r, errno == EAGAIN ? "EAGAIN" : strerror(errno));
	CHECK(sigqueue(getpid(), SIGUSR1, v) == 0);
	r = sigtimedwait(&set, &si, &tiny);
	printf("sigtimedwait: %d code %d value %d\n", r, si.si_code, si.si_value.sival_int);

	/* sigsuspend: woken by another thread's kill (the thread inherits the blocked mask,
	 * so the signal is this thread's to take). */
	pthread_t t;
	count = 0;
	CHECK(pthread_create(&t, NULL, send_later, NULL) == 0);
	sigset_t none;
	sigemptyset(&none);
	errno = 0;
	r = sigsuspend(&none);
	printf("sigsuspend: %d %s count %d\n", r, errno == EINTR ? "EINTR" : strerror(errno), count);
	CHECK(pthread_join(t, NULL) == 0);
	CHECK(sigprocmask(SIG_SETMASK, NULL, &set) == 0);
	printf("mask restored: USR1 blocked %d\n", sigismember(&set, SIGUSR1));

	/* pthread_kill to a thread waiting in sigwait. */
	sigset_t usr2;
	sigemptyset(&usr2);
	sigaddset(&usr2, SIGUSR2);
	CHECK(pthread_sigmask(SIG_BLOCK, &usr2, NULL) == 0);
	CHECK(pthread_create(&t, NULL, wait_usr2, NULL) == 0);
	struct timespec ts = {0, 20 * 1000 * 1000};
	nanosleep(&ts, NULL);
	CHECK(pthread_kill(t, SIGUSR2) == 0);
	void *ret;
	CHECK(pthread_join(t, &ret) == 0);
	printf("pthread_kill to sigwait: %ld\n", (long)ret);

	/* Errors. */
	errno = 0;
	printf("raise(0) %d, pthread_kill(self, 0) %d, pthread_kill(self, 999) %s\n", raise(0),
	       pthread_kill(pthread_self(), 0),
	       pthread_kill(pthread_self(), 999) == EINVAL ? "EINVAL" : "?");
	errno = 0;
	r = kill(getpid(), 999);
	printf("kill bad signal: %d %s\n", r, errno == EINVAL ? "EINVAL" : strerror(errno));
	errno = 0;
	r = kill(INT_MAX, SIGUSR1);
	printf("kill other pid: %d %s\n", r, errno == ESRCH ? "ESRCH" : strerror(errno));
	errno = 0;
	r = sigaction(SIGKILL, &now, NULL);
	printf("sigaction(SIGKILL): %d %s\n", r, errno == EINVAL ? "EINVAL" : strerror(errno));
	errno = 0;
	r = sigaddset(&set, 0);
	printf("sigaddset(0): %d %s\n", r, errno == EINVAL ? "EINVAL" : strerror(errno));
	printf("strsignal: %s / %s / %s\n", strsignal(SIGUSR1), strsignal(SIGTERM), strsignal(SIGALRM));
	return 0;
}
