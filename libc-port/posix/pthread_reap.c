/* Reaping: joining a finished thread's kernel task (the kernel keeps an exit record for
 * every task until sys_join) and freeing its block. Joinable threads are reaped by their
 * joiner. A detached thread queues itself here as its last act, and the queue is emptied
 * by the next pthread_create, pthread_join or thread exit, in whichever thread. */

#include "futex.h"
#include "thread.h"

/* A lock-free stack: threads push themselves, reapers take the whole list at once, so
 * there is no pop of single nodes and no ABA problem. */
static struct thread *queue;

void reap_later(struct thread *t)
{
	struct thread *head = LOAD(&queue);
	do
		t->reap_next = head;
	while (!CAS(&queue, &head, t));
}

void thread_free(struct thread *t)
{
	/* Adopted blocks (the initial thread's is static) live as long as the process. */
	if (!t->adopted)
		sys_dealloc((uint8_t *)t, sizeof *t, _Alignof(struct thread));
}

/* The task id, once pthread_create has stored it: a thread can end, and be reaped,
 * before sys_spawn2 has returned in its creator. */
static uint32_t wait_for_tid(struct thread *t)
{
	uint32_t tid = LOAD(&t->tid);
	while (tid == 0 || tid == TID_AWAITED) {
		uint32_t zero = 0;
		if (tid == 0 && !CAS(&t->tid, &zero, TID_AWAITED)) {
			tid = zero;
			continue;
		}
		futex_wait(&t->tid, TID_AWAITED);
		tid = LOAD(&t->tid);
	}
	return tid;
}

void thread_reap(struct thread *t)
{
	uint32_t tid = wait_for_tid(t);
	/* Returns once the task has really ended (it may still be on its way out of the
	 * trampoline), after which nothing touches the block any more. */
	if (tid != NO_TASK)
		sys_join(tid);
	registry_remove(t);
	thread_free(t);
}

void reap_detached(void)
{
	if (!LOAD(&queue))
		return;
	struct thread *t = SWAP(&queue, (struct thread *)0);
	while (t) {
		struct thread *next = t->reap_next;
		thread_reap(t);
		t = next;
	}
}
