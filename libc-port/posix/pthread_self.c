/* Which thread is running: pthread_self, pthread_equal, and the blocks of threads that
 * pthread_create did not start (the initial thread, tasks of other runtimes). */

#include <pthread.h>
#include <stdlib.h>

#include "futex.h"
#include "thread.h"

/* The running task's block. The kernel gives every task its own TLS block, so this is
 * per thread. initial-exec: the library is linked into one static image, so the variable
 * is at a fixed offset from the thread pointer and no __tls_get_addr is involved. */
static __thread struct thread *current __attribute__((tls_model("initial-exec")));

/* The initial thread's block is static: it exists before malloc is usable, and the
 * initial thread never ends before the process does. */
static struct thread initial_thread;
static uint32_t initial_thread_taken;

static struct thread *adopt(void)
{
	struct thread *t;
	uint32_t expected = 0;
	/* The first thread to get here is the initial one: the constructor below runs
	 * before main, and before any pthread_create can have started another thread. */
	if (CAS(&initial_thread_taken, &expected, 1)) {
		t = &initial_thread;
		t->is_main = 1;
	} else {
		/* A task some other runtime spawned: give it a block it keeps for good, since
		 * nothing tells this library when such a task ends. */
		t = (struct thread *)sys_alloc_zeroed(sizeof *t, _Alignof(struct thread));
		if (!t)
			abort(); /* no memory for 2 KiB: sharing a block would break every lock */
	}
	t->adopted = 1;
	t->tid = NO_TASK;
	t->ktid = sys_gettid();
	t->id = registry_new_id();
	registry_add(t);
	current = t;
	return t;
}

/* Gives the initial thread the first id (and its block) before main runs. */
__attribute__((constructor)) static void adopt_initial_thread(void)
{
	if (!current)
		adopt();
}

struct thread *thread_self(void)
{
	struct thread *t = current;
	return t ? t : adopt();
}

void thread_set_self(struct thread *t)
{
	t->ktid = sys_gettid();
	current = t;
}

pthread_t pthread_self(void)
{
	return (pthread_t)thread_self()->id;
}

int pthread_equal(pthread_t t1, pthread_t t2)
{
	return t1 == t2;
}
