/* posix-test: shim=skip
 * pipe and pipe2: bytes in order, end-of-file once the write end is closed, EPIPE once
 * the read end is (SIGPIPE ignored, so Linux too returns EPIPE), O_NONBLOCK's EAGAIN
 * on an empty and on a full pipe (64 KiB, Linux's default), poll's POLLIN/POLLOUT/
 * POLLHUP, fstat's S_IFIFO, a reader thread woken by a writer (what event loops use a
 * pipe for), and EINVAL for unknown flags. Expected output from the native build. */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"

static int wake[2];

/* errno's name: the message texts of glibc and newlib differ. */
static const char *ename(int e)
{
	switch (e) {
	case 0: return "0";
	case EAGAIN: return "EAGAIN";
	case EBADF: return "EBADF";
	case EPIPE: return "EPIPE";
	case EINVAL: return "EINVAL";
	default: return "other";
	}
}

/* The result of a call that should fail, and its errno. */
#define FAILS(what, call)                                                                \
	do {                                                                             \
		errno = 0;                                                               \
		long r_ = (long)(call);                                                  \
		printf("%s: %ld %s\n", what, r_, ename(errno));                          \
	} while (0)

static void *reader(void *arg)
{
	(void)arg;
	char c = 0;
	struct pollfd p = {.fd = wake[0], .events = POLLIN};
	CHECK(poll(&p, 1, 10000) == 1 && (p.revents & POLLIN));
	CHECK(read(wake[0], &c, 1) == 1);
	printf("thread woken by '%c'\n", c);
	return NULL;
}

int main(void)
{
	int fds[2];
	char buf[128];
	struct stat st;
	signal(SIGPIPE, SIG_IGN);

	CHECK(pipe(fds) == 0);
	CHECK(fds[0] > 2 && fds[1] > 2 && fds[0] != fds[1]);
	CHECK(fstat(fds[0], &st) == 0);
	printf("fifo: %d\n", S_ISFIFO(st.st_mode));
	CHECK(write(fds[1], "hello ", 6) == 6);
	CHECK(write(fds[1], "pipe", 4) == 4);
	ssize_t n = read(fds[0], buf, sizeof buf);
	printf("read %zd: %.*s\n", n, (int)n, buf);
	FAILS("write to read end", write(fds[0], "x", 1));
	CHECK(write(fds[1], "tail", 4) == 4);
	CHECK(close(fds[1]) == 0);
	struct pollfd p = {.fd = fds[0], .events = POLLIN};
	CHECK(poll(&p, 1, 0) == 1);
	printf("poll after close of writer: in=%d hup=%d\n", !!(p.revents & POLLIN),
	       !!(p.revents & POLLHUP));
	n = read(fds[0], buf, sizeof buf);
	printf("read %zd: %.*s\n", n, (int)n, buf);
	printf("read at eof: %zd\n", read(fds[0], buf, sizeof buf));
	CHECK(close(fds[0]) == 0);

	CHECK(pipe(fds) == 0);
	CHECK(close(fds[0]) == 0);
	FAILS("write without reader", write(fds[1], "x", 1));
	CHECK(close(fds[1]) == 0);

	CHECK(pipe2(fds, O_NONBLOCK | O_CLOEXEC) == 0);
	printf("flags: nonblock=%d cloexec=%d\n", !!(fcntl(fds[0], F_GETFL) & O_NONBLOCK),
	       !!(fcntl(fds[1], F_GETFD) & FD_CLOEXEC));
	FAILS("empty non-blocking read", read(fds[0], buf, 1));
	static char big[70000];
	memset(big, 'z', sizeof big);
	n = write(fds[1], big, sizeof big);
	printf("non-blocking write of %zu: %zd\n", sizeof big, n);
	FAILS("full pipe", write(fds[1], "x", 1));
	p = (struct pollfd){.fd = fds[1], .events = POLLOUT};
	printf("poll full writer: %d\n", poll(&p, 1, 0));
	size_t total = 0;
	while ((n = read(fds[0], big, sizeof big)) > 0)
		total += (size_t)n;
	printf("drained %zu, then %s\n", total, ename(errno));
	CHECK(close(fds[0]) == 0 && close(fds[1]) == 0);

	FAILS("pipe2 bad flags", pipe2(fds, O_APPEND));

	CHECK(pipe(wake) == 0);
	pthread_t t;
	CHECK(pthread_create(&t, NULL, reader, NULL) == 0);
	struct timespec ts = {0, 50 * 1000 * 1000};
	nanosleep(&ts, NULL);
	CHECK(write(wake[1], "w", 1) == 1);
	CHECK(pthread_join(t, NULL) == 0);
	printf("done\n");
	return 0;
}
