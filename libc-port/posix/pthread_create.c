/* pthread_create: a thread is a kernel task (sys_spawn2) that starts in a trampoline,
 * which installs the thread's block, calls the start routine and, when that returns or
 * pthread_exit jumps back, hands the thread over to whoever reaps it. */

#include <errno.h>
#include <pthread.h>

#include "futex.h"
#include "objects.h"
#include "thread.h"

uint32_t live_threads;

/* Kept out of line: __builtin_setjmp saves the frame of this function, and pthread_exit
 * returns into it with __builtin_longjmp, which needs a real frame to land in. */
static __attribute__((noinline)) void trampoline(size_t arg)
{
	struct thread *t = (struct thread *)arg;
	thread_set_self(t);
	if (__builtin_setjmp(t->exit_jump) == 0) {
		/* A start routine that returns exits with its value (no cleanup handlers
		 * can be pending: push and pop pair up lexically). */
		t->retval = t->start(t->arg);
		keys_run_destructors(t);
	}
	/* Read back from TLS rather than trusting `t` across the longjmp. */
	thread_finish(thread_self());
	/* Returning ends the kernel task. */
}

/* Stores the kernel's task id once sys_spawn2 returned it, and wakes a reaper that got
 * to the thread first (the thread may run, exit and be joined before sys_spawn2 even
 * returns here, and the reaper needs the task id for sys_join). */
static void publish_tid(struct thread *t, uint32_t tid)
{
	if (SWAP(&t->tid, tid) == TID_AWAITED)
		futex_wake(&t->tid, WAKE_ALL);
}

/* sys_spawn2 failed after the id was made visible: the thread never ran. Marking it
 * exited under the registry lock leaves no window where a joiner or detacher sees it
 * half-dead; one that already claimed it reaps it (NO_TASK: nothing to sys_join). */
static void abandon(struct thread *t)
{
	publish_tid(t, NO_TASK);
	thread_gone();
	registry_lock();
	uint32_t old = FETCH_OR(&t->state, TS_EXITED);
	int claimed = (old & TS_JOINING) != 0;
	if (!claimed)
		registry_remove_locked(t);
	registry_unlock();
	if (claimed)
		futex_wake(&t->state, WAKE_ALL);
	else
		thread_free(t);
}

int pthread_create(pthread_t *thread, const pthread_attr_t *attr, void *(*start)(void *),
		   void *arg)
{
	/* Finished detached threads are reaped here, so a program that keeps creating
	 * detached threads keeps no more kernel exit records than it has threads. */
	reap_detached();
	thread_self(); /* the initial thread gets its block (and id) before any other */

	size_t stack = DEFAULT_STACK_SIZE;
	int detached = 0;
	if (attr) {
		const struct attr_impl *a = CATTR(attr);
		if (a->stack_size)
			stack = a->stack_size;
		detached = a->detached != 0;
	}

	struct thread *t = (struct thread *)sys_alloc_zeroed(sizeof *t, _Alignof(struct thread));
	if (!t)
		return EAGAIN;
	t->id = registry_new_id();
	t->start = start;
	t->arg = arg;
	t->state = detached ? TS_DETACHED : 0;
	t->sig_mask = thread_self()->sig_mask; /* POSIX: a new thread inherits the mask */
	registry_add(t);
	FETCH_ADD(&live_threads, 1);
	/* Published before the thread starts, as glibc does, so the new thread can find its
	 * own id in the caller's variable. */
	*thread = (pthread_t)t->id;

	uint32_t tid = sys_spawn2(trampoline, (size_t)t, KERNEL_PRIO_NORMAL, stack, -1);
	if (tid == 0) {
		abandon(t);
		return EAGAIN;
	}
	publish_tid(t, tid);
	return 0;
}
