/* Signals from outside the VM (docs/signals.md, "Signals from outside"): SIGHUP, SIGINT,
 * SIGTERM, SIGUSR1 and SIGUSR2 sent to `eremit run` reach the kernel over the runner's
 * signal channel. Until this library subscribes, the kernel ends the program on them
 * (exit 128+n, their default action). signal.c subscribes the first time the program
 * handles, ignores or blocks one of them; from then on a listener thread (all signals
 * blocked) takes each with sys_signal_wait_external and posts it to the process
 * (si_code SI_USER), so the program's handler, sigwait or default action runs where
 * signal.c delivers signals. */

#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>

#include "../posix/futex.h"
#include "../posix/thread.h"

void __eremit_signal_post(int sig, int code, union sigval value);
int __eremit_signal_free_thread(void *(*fn)(void *));

/* Set once: the first subscription attempt (creating the listener blocks every signal,
 * which calls back in here). */
static uint32_t started;
/* The initial thread's block (never freed), when it was the one subscribing. */
static struct thread *initial;

static int forwarded(int sig)
{
	return sig == SIGHUP || sig == SIGINT || sig == SIGUSR1 || sig == SIGUSR2 ||
	       sig == SIGTERM;
}

/* Whether the mask `m` (bit n-1 for signal n) blocks a forwarded signal. */
int __eremit_signal_external_masked(uint64_t m)
{
	for (int sig = 1; sig < NSIG; sig++)
		if (forwarded(sig) && (m & (1ull << (sig - 1))))
			return 1;
	return 0;
}

int __eremit_signal_external_is_forwarded(int sig)
{
	return forwarded(sig);
}

/* What the signal's default action comes to now: with SIG_DFL, the five end the
 * program, unless the initial thread blocks the signal (it waits for it with sigwait,
 * or will take it when it unblocks it): then it is posted and waits there. Ending
 * the program here, not in whichever thread next calls into signal.c, ends a program
 * busy elsewhere too, as Linux does. */
static int ends_program_now(int sig)
{
	struct sigaction act;
	if (sigaction(sig, NULL, &act) != 0 || act.sa_handler != SIG_DFL)
		return 0;
	struct thread *t = initial;
	return !t || !(LOAD(&t->sig_mask) & (1ull << (sig - 1)));
}

static int ignored(int sig)
{
	struct sigaction act;
	return sigaction(sig, NULL, &act) == 0 && act.sa_handler == SIG_IGN;
}

static void *listener(void *arg)
{
	(void)arg;
	for (;;) {
		int sig = sys_signal_wait_external();
		if (sig <= 0 || sig >= NSIG)
			return NULL; /* not subscribed: nothing will come */
		if (ignored(sig))
			continue; /* discarded at generation, as Linux does */
		if (ends_program_now(sig))
			sys_exit(128 + sig);
		__eremit_signal_post(sig, SI_USER, (union sigval){0});
	}
	return NULL;
}

/* Called by signal.c when the program handles, ignores or blocks a forwarded signal. */
void __eremit_signal_external_subscribe(void)
{
	if (LOAD(&started) || SWAP(&started, 1))
		return;
	struct thread *self = thread_self();
	if (self->is_main)
		initial = self;
	if (sys_signal_subscribe() != 0)
		return; /* no signal channel (not started by eremit run): nothing to listen to */
	/* The listener takes no signal itself. */
	__eremit_signal_free_thread(listener);
}
