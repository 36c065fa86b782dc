/* Cleanup handlers (pthread_cleanup_push/pop). The records live in the pushing
 * function's frame; each thread keeps the chain in TLS, innermost first, and
 * pthread_exit runs whatever is still on it. */

#include <pthread.h>

#include "thread.h"

static __thread struct __pthread_cleanup *top __attribute__((tls_model("initial-exec")));

void __pthread_cleanup_push(struct __pthread_cleanup *c, void (*routine)(void *), void *arg)
{
	c->__routine = routine;
	c->__arg = arg;
	c->__next = top;
	top = c;
}

void __pthread_cleanup_pop(struct __pthread_cleanup *c, int execute)
{
	top = c->__next;
	if (execute)
		c->__routine(c->__arg);
}

void cleanup_run_all(void)
{
	/* Unlinked before it runs, so a handler that exits again does not rerun itself. */
	while (top) {
		struct __pthread_cleanup *c = top;
		top = c->__next;
		c->__routine(c->__arg);
	}
}
