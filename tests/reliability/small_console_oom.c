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

#include "exhaust.h"

/* The blocks taken, kept until exit so the heap stays empty. */
static struct block *volatile kept;

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
	kept = exhaust_heap();
	take_the_crumbs(1);
	report("exhausted", 2);
	report("exhausted", 1);
	fprintf(stderr, "exhausted: fprintf to stderr\n");
	printf("after exhausting memory: printf works\n");
	fflush(stdout);
	int r = fprintf(stderr, "exhausted: fprintf to stderr again\n");
	printf("fprintf(stderr): %s\n", r > 0 ? "ok" : "failed");
	return 0;
}
