/* How threads end: pthread_exit, the last steps of every created thread, and the initial
 * thread's pthread_exit, which ends the process once the other threads are done. */

#include <pthread.h>
#include <stdlib.h>

#include "futex.h"
#include "mutex.h"
#include "thread.h"

/* Set when the initial thread waits for the others, so that exiting threads only make
 * the wake-up call when someone listens. */
static uint32_t initial_waiting;

/* Optional hook for the rest of the C library, run by every created thread just before
 * it ends (e.g. to free its newlib reentrancy structure). Weak: it is linked only if the
 * object defining it is linked for other reasons. */
extern void __posix_thread_exit_hook(void) __attribute__((weak));

void thread_gone(void)
{
	if (FETCH_SUB(&live_threads, 1) == 1 && LOAD(&initial_waiting))
		futex_wake(&live_threads, WAKE_ALL);
}

void thread_finish(struct thread *t)
{
	/* Not yet on the reaper list itself, this thread cannot end up joining itself. */
	reap_detached();
	/* Robust mutexes it still holds pass to their next locker with EOWNERDEAD. */
	robust_owner_exited(t);
	if (__posix_thread_exit_hook)
		__posix_thread_exit_hook();

	thread_gone();

	/* From here on a joiner may free the block once this task has ended (it joins the
	 * task first), so only the exiting-side bookkeeping below touches it. */
	uint32_t old = FETCH_OR(&t->state, TS_EXITED);
	if (old & TS_DETACHED)
		reap_later(t);
	else if (old & TS_JOINING)
		futex_wake(&t->state, WAKE_ALL);
}

/* POSIX: the process exits (status 0, atexit handlers run) after its last thread has
 * terminated. So the initial thread publishes its value for joiners, waits for every
 * thread pthread_create started, then calls exit(0). */
static __attribute__((noreturn)) void initial_thread_exit(struct thread *t)
{
	uint32_t old = FETCH_OR(&t->state, TS_EXITED);
	if (old & TS_JOINING)
		futex_wake(&t->state, WAKE_ALL);
	STORE(&initial_waiting, 1);
	uint32_t n;
	while ((n = LOAD(&live_threads)) != 0)
		futex_wait(&live_threads, n);
	exit(0);
}

/* A task of another runtime cannot be ended from here (the kernel ends a task only when
 * its entry function returns), so after publishing its value it sleeps for good. */
static __attribute__((noreturn)) void foreign_thread_exit(struct thread *t)
{
	uint32_t old = FETCH_OR(&t->state, TS_EXITED);
	if (old & TS_JOINING)
		futex_wake(&t->state, WAKE_ALL);
	uint32_t never = 0;
	for (;;)
		futex_wait(&never, 0);
}

void pthread_exit(void *retval)
{
	struct thread *self = thread_self();
	self->retval = retval;
	/* Cleanup handlers and destructors may call cancellation points; a pending request
	 * must not restart the exit from inside them. */
	cancel_disable();
	cleanup_run_all();
	keys_run_destructors(self);
	if (self->is_main)
		initial_thread_exit(self);
	if (self->adopted)
		foreign_thread_exit(self);
	/* Unwinds the thread's stack to its trampoline, which finishes it. */
	__builtin_longjmp(self->exit_jump, 1);
}
