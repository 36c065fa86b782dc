/* Signals inside the program (docs/signals.md): the action table, per-thread masks and
 * pending sets, the process's pending set, and the points where pending signals are
 * delivered. The signals live here, in the program's own threads; the kernel keeps only
 * a "signal pending" flag per task (sys_signal_notify sets it and ends the task's
 * interruptible wait with EINTR; sys_signal_pending reads and clears it).
 *
 * A signal is delivered (its handler called, or its default action taken) on the thread
 * that calls one of these functions: right after raise/kill/pthread_kill/sigqueue
 * generate it, when sigprocmask/pthread_sigmask unblock it, while the thread waits in
 * sigsuspend/pause/sigwait/sigtimedwait, and when a blocking call (read, accept, poll,
 * nanosleep, pthread_cond_wait...) is interrupted by the kernel because a signal was
 * posted to the thread (__eremit_signal_interrupted, which the call wrappers run on
 * -EINTR and which decides whether the call is made again: SA_RESTART), and at the
 * timer interrupt (or any interrupt) that finds the thread running the program's code
 * (__eremit_signal_async, through the kernel's trampoline).
 *
 * Entry points for the rest of the library:
 *   __eremit_signal_post(sig, code, value)  posts a process-directed signal (alarm.c,
 *       timers, signals from outside the VM) and notifies a thread that takes it;
 *   __eremit_signal_interrupted(restartable)  after a kernel call returned -EINTR;
 *   __eremit_signal_async()  from the timer interrupt (a thread busy in the program);
 *   __eremit_signal_free_thread(fn)  starts one of the library's own threads (timers,
 *       the listener for signals from outside), which take no signal. */

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../posix/futex.h"
#include "../posix/thread.h"
#include "signal_bits.h"

#define NS_PER_SEC 1000000000LL


/* SIGKILL and SIGSTOP cannot be blocked, caught or ignored. */
#define UNBLOCKABLE (bit(SIGKILL) | bit(SIGSTOP))

/* The action table, shared by all threads; actions_lock guards it and process_info. */
static struct sigaction actions[NSIG];
static uint32_t actions_lock;
/* Process-directed pending signals (kill, sigqueue, alarm): any thread that does not
 * block one takes it. process_info holds what the handler's siginfo_t says. */
static uint64_t process_pending;
static siginfo_t process_info[NSIG];
/* Bumped and woken on every signal generated: the futex word that sigsuspend, pause and
 * sigwait sleep on. */
static uint32_t generation;

static void fail(int e)
{
	errno = e;
}

/* Linux's default action "ignore" (the stop signals too: nothing can continue a
 * stopped unikernel, so stopping it would only hang it). */
static int ignored_by_default(int sig)
{
	switch (sig) {
	case SIGCHLD:
	case SIGURG:
	case SIGWINCH:
	case SIGCONT:
	case SIGSTOP:
	case SIGTSTP:
	case SIGTTIN:
	case SIGTTOU:
		return 1;
	default:
		return 0;
	}
}

static void take_default_action(int sig)
{
	if (ignored_by_default(sig))
		return;
	/* Core-dumping signals: the crash report with a backtrace, as abort() gives. */
	if (sig == SIGABRT || sig == SIGQUIT || sig == SIGSEGV || sig == SIGBUS ||
	    sig == SIGILL || sig == SIGFPE || sig == SIGTRAP || sig == SIGSYS)
		sys_abort();
	/* The status a shell shows for a program a signal ended. */
	sys_exit(128 + sig);
}

static void wake_waiters(void)
{
	FETCH_ADD(&generation, 1);
	futex_wake(&generation, WAKE_ALL);
}

/* Runs the action of `sig` on this thread, with `info` for an SA_SIGINFO handler.
 * Returns the handler's sa_flags, or -1 when no handler ran (ignored, default). */
static int run_action(int sig, siginfo_t *info)
{
	internal_lock(&actions_lock);
	struct sigaction act = actions[sig];
	int is_handler = act.sa_handler != SIG_DFL && act.sa_handler != SIG_IGN;
	if (is_handler && (act.sa_flags & SA_RESETHAND)) {
		actions[sig].sa_handler = SIG_DFL;
		actions[sig].sa_flags &= ~SA_SIGINFO;
	}
	internal_unlock(&actions_lock);

	if (act.sa_handler == SIG_IGN)
		return -1;
	if (act.sa_handler == SIG_DFL) {
		take_default_action(sig);
		return -1;
	}
	struct thread *self = thread_self();
	uint64_t saved = self->sig_mask;
	uint64_t during = saved | (act.sa_mask & ~UNBLOCKABLE);
	if (!(act.sa_flags & SA_NODEFER))
		during |= bit(sig);
	self->sig_mask = during;
	if (act.sa_flags & SA_SIGINFO)
		act.sa_sigaction(sig, info, NULL);
	else
		act.sa_handler(sig);
	self->sig_mask = saved;
	return act.sa_flags;
}

/* Takes one pending signal this thread does not block (its own first, then the
 * process's; lowest number first, as Linux does for standard signals) and fills `info`.
 * `only` restricts the choice (sigwait's set, or everything). Returns 0 if none. */
static int take_pending(uint64_t allowed, siginfo_t *info)
{
	struct thread *self = thread_self();
	for (;;) {
		uint64_t mine = LOAD(&self->sig_pending) & allowed;
		if (mine) {
			int sig = __builtin_ctzll(mine) + 1;
			__atomic_fetch_and(&self->sig_pending, ~bit(sig), __ATOMIC_SEQ_CST);
			memset(info, 0, sizeof *info);
			info->si_signo = sig;
			info->si_code = SI_TKILL;
			info->si_pid = sys_getpid();
			info->si_uid = 0;
			return sig;
		}
		uint64_t shared = LOAD(&process_pending) & allowed;
		if (!shared)
			return 0;
		int sig = __builtin_ctzll(shared) + 1;
		internal_lock(&actions_lock);
		int won = (LOAD(&process_pending) & bit(sig)) != 0;
		if (won) {
			__atomic_fetch_and(&process_pending, ~bit(sig), __ATOMIC_SEQ_CST);
			*info = process_info[sig];
		}
		internal_unlock(&actions_lock);
		if (won)
			return sig;
		/* Another thread took it first: look again. */
	}
}

/* Delivers every pending signal this thread does not block. Returns how many handlers
 * ran (ignored signals are discarded and not counted: sigsuspend keeps waiting); sets
 * *all_restart to 0 if one of them lacked SA_RESTART. The kernel's flag is cleared
 * first, so a signal posted while this runs sets it again and is not missed. */
static int deliver_pending_restart(int *all_restart)
{
	int handled = 0;
	siginfo_t info;
	int sig;
	sys_signal_pending();
	while ((sig = take_pending(~thread_self()->sig_mask, &info)) != 0) {
		int flags = run_action(sig, &info);
		if (flags >= 0) {
			handled++;
			if (!(flags & SA_RESTART))
				*all_restart = 0;
		}
	}
	return handled;
}

static int deliver_pending(void)
{
	int all_restart = 1;
	return deliver_pending_restart(&all_restart);
}

int __eremit_signal_interrupted(int restartable)
{
	int all_restart = 1;
	if (deliver_pending_restart(&all_restart) == 0)
		return 1; /* nothing ran (ignored, or taken by another thread): as if no signal */
	return restartable && all_restart;
}

/* The timer interrupt's entry (kernel/src/arch/x86_64/signal_entry.rs): the thread was
 * interrupted in the program's code with a signal posted to it; all its registers are
 * saved and restored around this call. Inside one of the library's own locks nothing
 * runs now: the kernel's flag stays set, and a later interrupt comes back here. */
void __eremit_signal_async(void)
{
	if (__eremit_signal_defer > 0)
		return;
	deliver_pending();
}

/* The kernel task to tell about a signal `sig` posted to the process: the calling
 * thread if it does not block it (it delivers right away), else another thread that
 * does not (Linux picks any), or none (0): then it stays pending until one unblocks
 * it. */
static uint32_t process_target(int sig)
{
	struct thread *self = thread_self();
	if (!(self->sig_mask & bit(sig)))
		return 0;
	return registry_signal_target(bit(sig));
}

static void notify(uint32_t ktid)
{
	if (ktid != 0)
		sys_signal_notify(ktid);
}

/* Generation of a process-directed signal with what its siginfo_t says. A standard
 * signal already pending is not queued twice (Linux's rule). A thread that does not
 * block it is told (its blocking call returns EINTR and runs the handler). */
static void post_process(int sig, int code, union sigval value)
{
	internal_lock(&actions_lock);
	if (!(LOAD(&process_pending) & bit(sig))) {
		siginfo_t *info = &process_info[sig];
		memset(info, 0, sizeof *info);
		info->si_signo = sig;
		info->si_code = code;
		info->si_pid = sys_getpid();
		info->si_uid = 0;
		info->si_value = value;
		FETCH_OR(&process_pending, bit(sig));
	}
	internal_unlock(&actions_lock);
	wake_waiters();
	notify(process_target(sig));
}

/* Public: SIGALRM and timer signals from the library's timer thread (alarm.c), and
 * signals from outside the program. Callable from any thread. */
void __eremit_signal_post(int sig, int code, union sigval value)
{
	post_process(sig, code, value);
}

/* signal_external.c: signals sent to `eremit run` come to the library from the first
 * time the program handles, ignores or blocks one of them. */
void __eremit_signal_external_subscribe(void);
int __eremit_signal_external_masked(uint64_t mask);
int __eremit_signal_external_is_forwarded(int sig);

/* ---- actions ----------------------------------------------------------------------- */

void __eremit_fault_action_changed(int sig, const struct sigaction *act);

/* A fault of this thread (fault.c): runs the handler of `sig` now, or returns -1 when
 * it cannot (blocked, ignored or default), as Linux then ends the process. */
int __eremit_signal_fault(int sig, siginfo_t *info)
{
	internal_lock(&actions_lock);
	struct sigaction act = actions[sig];
	internal_unlock(&actions_lock);
	if (act.sa_handler == SIG_DFL || act.sa_handler == SIG_IGN ||
	    (thread_self()->sig_mask & bit(sig)))
		return -1;
	run_action(sig, info);
	return 0;
}

int sigaction(int sig, const struct sigaction *act, struct sigaction *old)
{
	if (!valid(sig) || (act && (sig == SIGKILL || sig == SIGSTOP))) {
		fail(EINVAL);
		return -1;
	}
	internal_lock(&actions_lock);
	struct sigaction prev = actions[sig];
	if (act)
		actions[sig] = *act;
	internal_unlock(&actions_lock);
	if (old)
		*old = prev;
	if (act && act->sa_handler != SIG_DFL && __eremit_signal_external_is_forwarded(sig))
		__eremit_signal_external_subscribe();
	if (act)
		__eremit_fault_action_changed(sig, act); /* fault.c */
	/* A signal left pending while blocked and now ignored is discarded (POSIX). */
	if (act && (act->sa_handler == SIG_IGN ||
		    (act->sa_handler == SIG_DFL && ignored_by_default(sig))))
		__atomic_fetch_and(&process_pending, ~bit(sig), __ATOMIC_SEQ_CST);
	return 0;
}

/* signal(): BSD semantics, as glibc's: the handler stays installed and system calls
 * restart. */
_sig_func_ptr signal(int sig, _sig_func_ptr handler)
{
	struct sigaction act, old;
	memset(&act, 0, sizeof act);
	act.sa_handler = handler;
	act.sa_flags = SA_RESTART;
	if (sigaction(sig, &act, &old) != 0)
		return SIG_ERR;
	return old.sa_handler;
}

_sig_func_ptr _signal_r(struct _reent *r, int sig, _sig_func_ptr handler)
{
	(void)r;
	return signal(sig, handler);
}

int siginterrupt(int sig, int flag)
{
	struct sigaction act;
	if (sigaction(sig, NULL, &act) != 0)
		return -1;
	if (flag)
		act.sa_flags &= ~SA_RESTART;
	else
		act.sa_flags |= SA_RESTART;
	return sigaction(sig, &act, NULL);
}

int sigignore(int sig)
{
	return signal(sig, SIG_IGN) == SIG_ERR ? -1 : 0;
}

/* newlib's signal.o also defines these (its own handler table); nothing calls them. */
int _init_signal_r(struct _reent *r)
{
	(void)r;
	return 0;
}

int _init_signal(void)
{
	return 0;
}

int __sigtramp_r(struct _reent *r, int sig)
{
	(void)r;
	return raise(sig) == 0 ? 0 : 1;
}

int __sigtramp(int sig)
{
	return __sigtramp_r(NULL, sig);
}

/* ---- masks ------------------------------------------------------------------------ */

int pthread_sigmask(int how, const sigset_t *set, sigset_t *oldset)
{
	struct thread *self = thread_self();
	uint64_t old = self->sig_mask;
	if (set) {
		uint64_t s = *set & ~UNBLOCKABLE;
		if (how == SIG_BLOCK)
			self->sig_mask = old | s;
		else if (how == SIG_UNBLOCK)
			self->sig_mask = old & ~s;
		else if (how == SIG_SETMASK)
			self->sig_mask = s;
		else
			return EINVAL;
	}
	if (oldset)
		*oldset = old;
	if (__eremit_signal_external_masked(self->sig_mask))
		__eremit_signal_external_subscribe();
	deliver_pending();
	return 0;
}

/* A detached library thread (64 KiB of stack) running `fn`, with every signal blocked
 * so that it never takes one meant for the program: a new thread inherits its creator's
 * mask, so the creator's is set to all around the creation, directly, so that blocking
 * does not count as the program blocking signals (which would subscribe to signals from
 * outside). pthread_create's result. */
int __eremit_signal_free_thread(void *(*fn)(void *))
{
	pthread_t t;
	pthread_attr_t a;
	pthread_attr_init(&a);
	pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&a, 64 * 1024);
	struct thread *self = thread_self();
	sigset_t old = self->sig_mask;
	self->sig_mask = ~(sigset_t)0 & ~UNBLOCKABLE;
	int r = pthread_create(&t, &a, fn, NULL);
	/* Back through pthread_sigmask: what became pending meanwhile is delivered. */
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_attr_destroy(&a);
	return r;
}

/* For sigsetjmp (setjmp.c): the calling thread's mask. */
uint64_t __eremit_signal_mask(void)
{
	return thread_self()->sig_mask;
}

int sigprocmask(int how, const sigset_t *set, sigset_t *old)
{
	int e = pthread_sigmask(how, set, old);
	if (e) {
		fail(e);
		return -1;
	}
	return 0;
}

int sighold(int sig)
{
	sigset_t s = 0;
	if (sigaddset(&s, sig) != 0)
		return -1;
	return sigprocmask(SIG_BLOCK, &s, NULL);
}

int sigrelse(int sig)
{
	sigset_t s = 0;
	if (sigaddset(&s, sig) != 0)
		return -1;
	return sigprocmask(SIG_UNBLOCK, &s, NULL);
}

int sigpending(sigset_t *set)
{
	struct thread *self = thread_self();
	*set = (LOAD(&self->sig_pending) | LOAD(&process_pending)) & self->sig_mask;
	return 0;
}

/* ---- sending ------------------------------------------------------------------------ */

int pthread_kill(pthread_t thread, int sig)
{
	if (sig != 0 && !valid(sig))
		return EINVAL;
	struct thread *self = thread_self();
	int to_self = (uint64_t)thread == self->id;
	if (!to_self) {
		uint32_t ktid = 0;
		registry_lock();
		struct thread *t = registry_find((uint64_t)thread);
		if (t && sig != 0) {
			FETCH_OR(&t->sig_pending, bit(sig));
			if (!(LOAD(&t->sig_mask) & bit(sig)))
				ktid = t->ktid;
		}
		registry_unlock();
		if (!t)
			return ESRCH;
		notify(ktid);
	} else if (sig != 0) {
		FETCH_OR(&self->sig_pending, bit(sig));
	}
	if (sig == 0)
		return 0;
	wake_waiters();
	deliver_pending();
	return 0;
}

int raise(int sig)
{
	int e = pthread_kill(pthread_self(), sig);
	if (e) {
		fail(e);
		return -1;
	}
	return 0;
}

int _raise_r(struct _reent *r, int sig)
{
	(void)r;
	return raise(sig);
}

static int to_this_process(pid_t pid)
{
	return pid == 0 || pid == -1 || pid == sys_getpid();
}

int kill(pid_t pid, int sig)
{
	if (sig != 0 && !valid(sig)) {
		fail(EINVAL);
		return -1;
	}
	if (!to_this_process(pid)) {
		fail(ESRCH); /* the only process there is, is this one */
		return -1;
	}
	if (sig == 0)
		return 0;
	post_process(sig, SI_USER, (union sigval){0});
	deliver_pending();
	return 0;
}

int killpg(pid_t pgrp, int sig)
{
	return kill(pgrp == 0 ? 0 : (pgrp == sys_getpid() ? pgrp : -2), sig);
}

int sigqueue(pid_t pid, int sig, const union sigval value)
{
	if (sig != 0 && !valid(sig)) {
		fail(EINVAL);
		return -1;
	}
	if (!to_this_process(pid) || pid == 0 || pid == -1) {
		fail(ESRCH);
		return -1;
	}
	if (sig == 0)
		return 0;
	post_process(sig, SI_QUEUE, value);
	deliver_pending();
	return 0;
}

/* ---- waiting ------------------------------------------------------------------------ */

int sigsuspend(const sigset_t *mask)
{
	struct thread *self = thread_self();
	uint64_t saved = self->sig_mask;
	self->sig_mask = *mask & ~UNBLOCKABLE;
	for (;;) {
		uint32_t seen = LOAD(&generation);
		if (deliver_pending() > 0)
			break;
		futex_wait(&generation, seen);
	}
	self->sig_mask = saved;
	deliver_pending();
	fail(EINTR);
	return -1;
}

int pause(void)
{
	sigset_t now = thread_self()->sig_mask;
	return sigsuspend(&now);
}

int __xpg_sigpause(int sig)
{
	sigset_t m = thread_self()->sig_mask;
	if (sigdelset(&m, sig) != 0)
		return -1;
	return sigsuspend(&m);
}

static int64_t monotonic_ns(void)
{
	struct hermit_timespec now;
	if (sys_clock_gettime(HERMIT_CLOCK_MONOTONIC, &now) != 0)
		return 0;
	return now.tv_sec * NS_PER_SEC + now.tv_nsec;
}

int sigtimedwait(const sigset_t *set, siginfo_t *info, const struct timespec *timeout)
{
	struct deadline d, *dp = NULL;
	if (timeout) {
		if (timeout->tv_nsec < 0 || timeout->tv_nsec >= NS_PER_SEC || timeout->tv_sec < 0) {
			fail(EINVAL);
			return -1;
		}
		d.clock = HERMIT_CLOCK_MONOTONIC;
		d.ns = monotonic_ns() + (int64_t)timeout->tv_sec * NS_PER_SEC + timeout->tv_nsec;
		dp = &d;
	}
	uint64_t wanted = *set & ~UNBLOCKABLE;
	siginfo_t got;
	for (;;) {
		uint32_t seen = LOAD(&generation);
		int sig = take_pending(wanted, &got);
		if (sig) {
			if (info)
				*info = got;
			return sig;
		}
		if (futex_wait_until(&generation, seen, dp) == ETIMEDOUT) {
			fail(EAGAIN);
			return -1;
		}
	}
}

int sigwaitinfo(const sigset_t *set, siginfo_t *info)
{
	return sigtimedwait(set, info, NULL);
}

int sigwait(const sigset_t *set, int *sig)
{
	int r = sigtimedwait(set, NULL, NULL);
	if (r < 0)
		return errno;
	*sig = r;
	return 0;
}

int sigaltstack(const stack_t *ss, stack_t *old)
{
	/* Handlers run on the thread's own stack; an alternate stack is accepted and
	 * reported as disabled, since nothing would ever switch to it. */
	(void)ss;
	if (old) {
		memset(old, 0, sizeof *old);
		old->ss_flags = SS_DISABLE;
	}
	return 0;
}

/* ---- names ------------------------------------------------------------------------- */

static const char *const names[NSIG] = {
	[SIGHUP] = "Hangup", [SIGINT] = "Interrupt", [SIGQUIT] = "Quit",
	[SIGILL] = "Illegal instruction", [SIGTRAP] = "Trace/breakpoint trap",
	[SIGABRT] = "Aborted", [SIGBUS] = "Bus error",
	[SIGFPE] = "Floating point exception", [SIGKILL] = "Killed",
	[SIGUSR1] = "User defined signal 1", [SIGSEGV] = "Segmentation fault",
	[SIGUSR2] = "User defined signal 2", [SIGPIPE] = "Broken pipe",
	[SIGALRM] = "Alarm clock", [SIGTERM] = "Terminated", [SIGSTKFLT] = "Stack fault",
	[SIGCHLD] = "Child exited", [SIGCONT] = "Continued",
	[SIGSTOP] = "Stopped (signal)", [SIGTSTP] = "Stopped", [SIGTTIN] = "Stopped (tty input)",
	[SIGTTOU] = "Stopped (tty output)", [SIGURG] = "Urgent I/O condition",
	[SIGXCPU] = "CPU time limit exceeded", [SIGXFSZ] = "File size limit exceeded",
	[SIGVTALRM] = "Virtual timer expired", [SIGPROF] = "Profiling timer expired",
	[SIGWINCH] = "Window changed", [SIGIO] = "I/O possible", [SIGPWR] = "Power failure",
	[SIGSYS] = "Bad system call",
};

char *strsignal(int sig)
{
	static __thread char buf[32];
	if (sig >= 1 && sig < NSIG && names[sig])
		return (char *)names[sig];
	if (sig >= SIGRTMIN && sig <= SIGRTMAX)
		snprintf(buf, sizeof buf, "Real-time signal %d", sig - SIGRTMIN);
	else
		snprintf(buf, sizeof buf, "Unknown signal %d", sig);
	return buf;
}

void psignal(int sig, const char *s)
{
	if (s && *s)
		fprintf(stderr, "%s: %s\n", s, strsignal(sig));
	else
		fprintf(stderr, "%s\n", strsignal(sig));
}
