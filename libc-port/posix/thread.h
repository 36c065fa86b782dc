/* The per-thread data block and the functions the thread files share. */

#ifndef POSIX_THREAD_H
#define POSIX_THREAD_H

#include <pthread.h>
#include <stdint.h>

#ifndef __PTHREAD_h
/* Compiled against glibc's headers (native test harness): declare the cleanup record
 * that Eremit's <pthread.h> declares, since the library uses it internally. */
struct __pthread_cleanup {
	void (*__routine)(void *);
	void *__arg;
	struct __pthread_cleanup *__next;
};
void __pthread_cleanup_push(struct __pthread_cleanup *__c, void (*__routine)(void *),
			    void *__arg);
void __pthread_cleanup_pop(struct __pthread_cleanup *__c, int __execute);
#endif

/* Number of pthread keys. Kept equal to PTHREAD_KEYS_MAX of include/pthread.h; defined
 * here too because the library is also compiled against glibc's headers for the native
 * test harness, where the public value differs. */
#define KEYS_MAX 128
#define DESTRUCTOR_ITERATIONS 4
#define NAME_MAX_LEN 16 /* including the terminating NUL, as on Linux */

/* Default stack of a new thread; the kernel allocates it (with a guard page below). */
#define DEFAULT_STACK_SIZE (256 * 1024)
/* The kernel rounds smaller stacks up to this. */
#define MIN_STACK_SIZE (16 * 1024)

/* Bits of `struct thread.state`. One word, so that exiting, detaching and joining
 * decide atomically who is left responsible for reaping the thread. */
#define TS_EXITED 1u   /* the return value is stored; the task is ending */
#define TS_DETACHED 2u /* nobody will join: the thread is reaped without a joiner */
#define TS_JOINING 4u  /* a joiner has claimed the thread */

/* One stored key value, tagged with the key's generation so that a value stored under a
 * deleted key is not seen through a new key that reuses the slot. */
struct key_value {
	void *value;
	uint32_t generation;
};

struct thread {
	uint64_t id;       /* the pthread_t; never reused */
	uint32_t tid;      /* kernel task id: 0 until pthread_create stores it, NO_TASK if none */
	uint32_t state;    /* TS_* bits; also the futex joiners sleep on */
	void *retval;
	void *(*start)(void *);
	void *arg;
	int is_main;       /* the program's initial thread (pthread_exit ends the process) */
	int adopted;       /* not started by pthread_create: never freed */
	void *exit_jump[5]; /* __builtin_setjmp buffer of the trampoline, for pthread_exit */
	struct thread *hash_next;  /* registry chain */
	struct thread *reap_next;  /* list of exited detached threads */
	uint32_t cancel_pending;   /* pthread_cancel was called */
	uint32_t *wait_word;       /* futex word slept on at a cancellation point */
	struct mutex_impl **robust_held; /* robust mutexes held (pthread_mutex_robust.c) */
	uint32_t robust_count, robust_cap;
	char name[NAME_MAX_LEN];
	struct key_value keys[KEYS_MAX];
	/* Signals (libc-port/src/signal.c): bit n-1 stands for signal n. The mask is only
	 * written by the thread itself; pending bits are set by any thread (atomics). */
	uint64_t sig_mask;
	uint64_t sig_pending;
	uint32_t ktid; /* kernel task running it (sys_gettid), for sys_signal_notify; 0 until known */
};

/* The calling thread's block; created on first use for threads pthread_create did not
 * start (the initial thread, or tasks spawned by other runtimes). */
struct thread *thread_self(void);

/* Makes `t` the calling task's block (the trampoline of a new thread). */
void thread_set_self(struct thread *t);

/* Registry of live thread blocks by id: lets join/detach reject stale ids with ESRCH.
 * A block found under the registry lock stays valid until the lock is released, so
 * callers claim it (state bits) before unlocking. */
uint64_t registry_new_id(void);
void registry_lock(void);
void registry_unlock(void);
struct thread *registry_find(uint64_t id); /* registry lock held */
void registry_add(struct thread *t);
void registry_remove(struct thread *t);
void registry_remove_locked(struct thread *t);
/* Kernel task id of a live thread other than the caller that does not block the signal
 * `sigbit` (the initial thread first, as Linux prefers it), or 0 if none. */
uint32_t registry_signal_target(uint64_t sigbit);

/* Frees the block of a thread whose task has been joined at the kernel (adopted blocks
 * are kept). */
void thread_free(struct thread *t);
/* Joins the kernel task, then removes and frees the block. */
void thread_reap(struct thread *t);
/* Queues an exited detached thread (the caller is that thread, about to end). */
void reap_later(struct thread *t);
/* Reaps every detached thread queued so far. */
void reap_detached(void);
/* Runs TSD destructors (pthread_key.c). */
void keys_run_destructors(struct thread *t);
/* Runs and pops the cleanup handlers pushed with pthread_cleanup_push (pthread_cleanup.c). */
void cleanup_run_all(void);

/* tid of a block that has no kernel task to join (adopted threads, failed spawns). */
#define NO_TASK 0xffffffffu
/* tid while a reaper waits for pthread_create to publish the real one. */
#define TID_AWAITED 0xfffffffeu

/* The end of a thread pthread_create started, after its start routine returned or
 * pthread_exit jumped back to the trampoline: marks it exited and leaves it to its joiner
 * or, if detached, to the reaper list. The block may be freed as soon as this returns. */
void thread_finish(struct thread *t);

/* Cancellation (pthread_cancel.c): acts on a pending request if enabled (does not return then). */
void cancel_point(struct thread *self);
/* Around a sleep at a cancellation point, so that pthread_cancel can wake the sleeper. */
void cancel_sleep_begin(struct thread *self, uint32_t *word);
void cancel_sleep_end(struct thread *self);
/* Whether a cancellation request would be acted on now. */
int cancel_requested(struct thread *self);
/* Disables cancellation for the calling thread (it is exiting). */
void cancel_disable(void);

/* Number of threads started by pthread_create that have not exited; the initial thread's
 * pthread_exit waits for it to drop to 0. */
extern uint32_t live_threads;
/* Counts one of them out (it ended, or never started), waking the initial thread if it
 * waits for the last. */
void thread_gone(void);

#endif
