/* reliability: memory=32M
 * After the heap runs out, the console must still work: write() to stdout and stderr,
 * and stdio, though no descriptor was used before. Memory is taken with
 * malloc until it returns NULL, from 1 MiB blocks down to 16 bytes; natively (Linux
 * overcommits) the total is capped at 1 GiB, and the amount is never printed. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CAP ((size_t)1 << 30)

#ifdef __hermit__
/* The kernel's own allocator (include/hermit/syscall.h). */
extern unsigned char *sys_malloc(size_t size, size_t align);

/* malloc's failure leaves crumbs in the kernel's heap (the C library asks it for whole
 * slabs, and the kernel's size classes keep partly used chunks): the kernel's allocator
 * takes them too, at every small size, so that nothing is left for the kernel itself.
 * Natively malloc's cap is the end. */
static void take_the_crumbs(void)
{
	for (size_t size = 1 << 20; size > 4096; size /= 2)
		while (sys_malloc(size, 8))
			;
	for (size_t size = 4096; size >= 8; size -= 8)
		while (sys_malloc(size, 8))
			;
}
#else
static void take_the_crumbs(void)
{
}
#endif

/* Takes blocks of `size` until malloc fails or the cap is reached; the blocks are kept
 * (chained through their first word) so the heap stays empty until exit. */
static size_t take(size_t size, size_t total, void **chain)
{
	while (total + size <= CAP) {
		void **p = malloc(size);
		if (!p)
			break;
		*p = *chain;
		*chain = p;
		total += size;
	}
	return total;
}

static void report(const char *what, int fd)
{
	char msg[64];
	int len = snprintf(msg, sizeof msg, "%s: write to fd %d\n", what, fd);
	ssize_t n = write(fd, msg, len);
	/* The answer goes through stdio, the message through the descriptor itself. */
	printf("%s write(%d): %s\n", what, fd, n == len ? "ok" : strerror(errno));
	/* The same order natively, where stdout got a buffer, as unbuffered here. */
	fflush(stdout);
}

int main(void)
{
	/* Nothing touches a descriptor before memory has run out (not even setvbuf: newlib's
	 * looks at the descriptors), so the first write needs whatever the kernel needs
	 * then. stdio allocates stdout's buffer at the first printf; without memory,
	 * newlib's falls back to unbuffered output and glibc's to a buffer of its own. */
	void *chain = 0;
	size_t total = 0;
	for (size_t size = 1 << 20; size >= 16; size /= 2)
		total = take(size, total, &chain);
	take_the_crumbs();
	report("exhausted", 2);
	report("exhausted", 1);
	fprintf(stderr, "exhausted: fprintf to stderr\n");
	printf("after exhausting memory: printf works\n");
	fflush(stdout);
	int r = fprintf(stderr, "exhausted: fprintf to stderr again\n");
	printf("fprintf(stderr): %s\n", r > 0 ? "ok" : "failed");
	return 0;
}
