/* pthread_once on a futex word: 0 not run, 1 running, 2 running with waiters, 3 done. */

#include <pthread.h>

#include "futex.h"
#include "thread.h"

enum { NOT_RUN = 0, RUNNING = 1, RUNNING_WAITED = 2, DONE = 3 };

/* If the routine is cancelled (it exits through a cancellation point), the once object
 * goes back to "not run" so that another caller runs it, as POSIX requires. */
static void reset(void *word)
{
	if (SWAP((uint32_t *)word, NOT_RUN) == RUNNING_WAITED)
		futex_wake((uint32_t *)word, WAKE_ALL);
}

int pthread_once(pthread_once_t *once, void (*init)(void))
{
	uint32_t *word = (uint32_t *)once;
	uint32_t s = LOAD(word);
	if (s == DONE)
		return 0;
	for (;;) {
		if (s == NOT_RUN) {
			if (!CAS(word, &s, RUNNING))
				continue;
			/* The record is pushed by hand: in the native test harness the public
			 * macros are glibc's, which this library does not implement. */
			struct __pthread_cleanup rec;
			__pthread_cleanup_push(&rec, reset, word);
			init();
			__pthread_cleanup_pop(&rec, 0);
			if (SWAP(word, DONE) == RUNNING_WAITED)
				futex_wake(word, WAKE_ALL);
			return 0;
		}
		if (s == DONE)
			return 0;
		/* Running elsewhere: announce that someone waits, then sleep. */
		if (s == RUNNING && !CAS(word, &s, RUNNING_WAITED))
			continue;
		futex_wait(word, RUNNING_WAITED);
		s = LOAD(word);
	}
}
