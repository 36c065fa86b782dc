/* reliability: memory=32M
 * After the heap runs out, the console must still work: write() to stdout and stderr
 * and stdio (whose stdout buffer exists from a printf before). Memory is taken with
 * malloc until it returns NULL, from 1 MiB blocks down to 16 bytes; natively (Linux
 * overcommits) the total is capped at 1 GiB, and the amount is never printed. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CAP ((size_t)1 << 30)

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
	/* stdio's stdout buffer holds this line until exit. */
	printf("%s write(%d): %s\n", what, fd, n == len ? "ok" : strerror(errno));
}

int main(void)
{
	/* Makes stdio allocate stdout's buffer now; not written out yet (a pipe is fully
	 * buffered), so the descriptor is first written to after memory ran out. */
	printf("before exhausting memory\n");
	void *chain = 0;
	size_t total = 0;
	for (size_t size = 1 << 20; size >= 16; size /= 2)
		total = take(size, total, &chain);
	report("exhausted", 2);
	report("exhausted", 1);
	fprintf(stderr, "exhausted: fprintf to stderr\n");
	printf("after exhausting memory: printf still works\n");
	fflush(stdout);
	int r = fprintf(stderr, "exhausted: fprintf to stderr again\n");
	printf("fprintf(stderr): %s\n", r > 0 ? "ok" : "failed");
	return 0;
}
