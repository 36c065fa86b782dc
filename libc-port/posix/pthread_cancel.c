/* Deferred cancellation. A request sets a flag in the target's block; the target acts
 * on it (pthread_exit(PTHREAD_CANCELED)) at the next cancellation point of this library
 * where cancellation is enabled. A target asleep at such a point has published the word
 * it sleeps on, and pthread_cancel wakes it there.
 *
 * Asynchronous cancellation (interrupting arbitrary code) would need signals, which a
 * unikernel without processes does not have: PTHREAD_CANCEL_ASYNCHRONOUS is accepted and
 * behaves as deferred. newlib's stdio calls pthread_setcancelstate around every locked
 * stream operation, so the state lives in TLS and costs no block lookup. */

#include <errno.h>
#include <pthread.h>

#include "futex.h"
#include "thread.h"

static __thread int disabled __attribute__((tls_model("initial-exec")));
static __thread int asynchronous __attribute__((tls_model("initial-exec")));

int cancel_requested(struct thread *self)
{
	return !disabled && LOAD(&self->cancel_pending);
}

void cancel_point(struct thread *self)
{
	if (cancel_requested(self))
		pthread_exit(PTHREAD_CANCELED);
}

void cancel_disable(void)
{
	disabled = 1;
}

/* The sleeper publishes its word first and checks for a request second; pthread_cancel
 * sets the request first and reads the word second. With sequentially consistent
 * accesses one of the two sees the other, so a request is never slept through. */
void cancel_sleep_begin(struct thread *self, uint32_t *word)
{
	if (!disabled)
		STORE(&self->wait_word, word);
}

void cancel_sleep_end(struct thread *self)
{
	if (self->wait_word)
		STORE(&self->wait_word, (uint32_t *)0);
}

int pthread_cancel(pthread_t thread)
{
	registry_lock(); /* keeps the block alive while we look at it */
	struct thread *t = registry_find((uint64_t)thread);
	if (!t) {
		registry_unlock();
		return ESRCH;
	}
	STORE(&t->cancel_pending, 1);
	/* A wake-up sent between the target publishing its word and falling asleep would be
	 * lost, so keep waking until the target has left that sleep (it clears the word
	 * then, and will not sleep at a cancellation point again with the flag set). The
	 * extra wake-ups are spurious for other sleepers on the word, which re-check. */
	uint32_t *w;
	while ((w = LOAD(&t->wait_word)) != 0) {
		futex_wake(w, WAKE_ALL);
		if (LOAD(&t->wait_word) == w)
			sys_yield();
	}
	registry_unlock();
	if (t == thread_self() && asynchronous)
		cancel_point(t);
	return 0;
}

int pthread_setcancelstate(int state, int *oldstate)
{
	if (state != PTHREAD_CANCEL_ENABLE && state != PTHREAD_CANCEL_DISABLE)
		return EINVAL;
	if (oldstate)
		*oldstate = disabled ? PTHREAD_CANCEL_DISABLE : PTHREAD_CANCEL_ENABLE;
	disabled = state == PTHREAD_CANCEL_DISABLE;
	return 0;
}

int pthread_setcanceltype(int type, int *oldtype)
{
	if (type != PTHREAD_CANCEL_DEFERRED && type != PTHREAD_CANCEL_ASYNCHRONOUS)
		return EINVAL;
	if (oldtype)
		*oldtype = asynchronous ? PTHREAD_CANCEL_ASYNCHRONOUS : PTHREAD_CANCEL_DEFERRED;
	asynchronous = type == PTHREAD_CANCEL_ASYNCHRONOUS;
	return 0;
}

void pthread_testcancel(void)
{
	cancel_point(thread_self());
}
