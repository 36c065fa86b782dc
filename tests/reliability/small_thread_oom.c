/* reliability: memory=24M
 * Thread creation while memory comes back piece by piece: the heap is run dry (malloc
 * until NULL; in Eremit also the kernel's own allocator down to 8 bytes), then the
 * blocks are freed one at a time, smallest first, with a pthread_create (and join)
 * after each. Every attempt must succeed or fail with EAGAIN: the kernel's allocations
 * for a new thread (task, stack, guard record, scheduler slots) fail the call, never
 * the VM. Natively (Linux overcommits) malloc is capped at 1 GiB and nothing fails. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exhaust.h"

static void *body(void *arg)
{
	return arg;
}

int main(void)
{
	/* Blocks in a list, the last taken (smallest) first. */
	struct block *blocks = exhaust_heap();
	take_the_crumbs(0);
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 64 * 1024);
	int ran = 0, other_errors = 0;
	while (blocks) {
		struct block *b = blocks;
		blocks = b->next;
		free(b);
		pthread_t t;
		int r = pthread_create(&t, &attr, body, &ran);
		if (r == 0) {
			void *got = 0;
			pthread_join(t, &got);
			ran += got == &ran;
		} else if (r != EAGAIN) {
			if (other_errors++ == 0)
				printf("pthread_create: %s\n", strerror(r));
		}
	}
	printf("errors other than EAGAIN: %d\n", other_errors);
	printf("threads ran once memory came back: %s\n", ran > 0 ? "yes" : "no");
	return 0;
}
