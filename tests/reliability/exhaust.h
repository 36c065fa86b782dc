/* Running the heap dry, for the out-of-memory tests (small_*_oom.c): malloc until it
 * returns NULL, from 1 MiB blocks down to 16 bytes (natively, where Linux overcommits,
 * the total is capped at 1 GiB), then the kernel's own allocator takes what malloc
 * could not reach. */
#ifndef EREMIT_TEST_EXHAUST_H
#define EREMIT_TEST_EXHAUST_H

#include <stdlib.h>

#define CAP ((size_t)1 << 30)

/* A block taken, chained through its first word. */
struct block {
	struct block *next;
};

/* Takes blocks until malloc fails or the cap is reached, largest first; the list
 * starts with the last (smallest) block taken. */
static struct block *exhaust_heap(void)
{
	struct block *blocks = 0;
	size_t total = 0;
	for (size_t size = 1 << 20; size >= 16; size /= 2) {
		while (total + size <= CAP) {
			struct block *b = malloc(size);
			if (!b)
				break;
			b->next = blocks;
			blocks = b;
			total += size;
		}
	}
	return blocks;
}

#ifdef __hermit__
/* The kernel's own allocator (include/hermit/syscall.h). */
extern unsigned char *sys_malloc(size_t size, size_t align);

/* malloc's failure leaves crumbs in the kernel's heap (the C library asks it for whole
 * slabs, and the kernel's size classes keep partly used chunks): the kernel's allocator
 * takes them at every small size, and with `large` also from 1 MiB down, so that
 * nothing is left for the kernel itself. Natively malloc's cap is the end. */
static void take_the_crumbs(int large)
{
	if (large)
		for (size_t size = 1 << 20; size > 4096; size /= 2)
			while (sys_malloc(size, 8))
				;
	for (size_t size = 4096; size >= 8; size -= 8)
		while (sys_malloc(size, 8))
			;
}
#else
static void take_the_crumbs(int large)
{
	(void)large;
}
#endif

#endif
