/* posix-test: shim=skip
 * Address-space reservations, as Wasm runtimes (wasmtime) and JITs make them: an 8 GiB
 * anonymous PROT_NONE mapping (far more than the guest's memory) whose pages mprotect
 * opens piece by piece. Opened pages read as zeros and keep what is written through a
 * PROT_NONE period; the pages still closed fault (SEGV_ACCERR); write() and read() take
 * buffers in opened pages and refuse closed ones (EFAULT); mprotect over a hole munmap
 * made is ENOMEM; several reservations at once; munmap gives everything back (a loop
 * reserving and filling 64 MiB stays within the guest's memory). */

#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "check.h"

static sigjmp_buf jump;
static volatile int last_code;

static void handler(int sig, siginfo_t *si, void *ctx)
{
	(void)ctx;
	last_code = sig == SIGSEGV ? si->si_code : -1;
	siglongjmp(jump, 1);
}

static int faults_on_read(volatile char *p)
{
	last_code = 0;
	if (sigsetjmp(jump, 1) == 0) {
		(void)*p;
		return 0;
	}
	return 1;
}

int main(void)
{
	long page = sysconf(_SC_PAGESIZE);
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = handler;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	CHECK(sigaction(SIGSEGV, &sa, NULL) == 0);

	size_t big = (size_t)8 << 30;
	char *r = mmap(NULL, big, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(r != MAP_FAILED);
	printf("8 GiB PROT_NONE reservation: ok, page aligned %d\n", (uintptr_t)r % (uintptr_t)page == 0);

	/* Open the first 64 KiB, then 1 MiB more, as a Wasm memory grows. */
	CHECK(mprotect(r, 64 << 10, PROT_READ | PROT_WRITE) == 0);
	int zeros = 1;
	for (size_t i = 0; i < (64 << 10); i++)
		zeros &= r[i] == 0;
	memset(r, 'a', 64 << 10);
	CHECK(mprotect(r + (64 << 10), 1 << 20, PROT_READ | PROT_WRITE) == 0);
	for (size_t i = 64 << 10; i < (64 << 10) + (1 << 20); i++)
		zeros &= r[i] == 0;
	printf("opened pages read as zeros: %d, first byte %c\n", zeros, r[0]);

	/* Closed pages: the one past the opened part, and one far inside. */
	int f1 = faults_on_read(r + (64 << 10) + (1 << 20));
	int c1 = last_code;
	int f2 = faults_on_read(r + ((size_t)5 << 30));
	int c2 = last_code;
	printf("closed pages fault: %d %s, %d %s\n", f1, c1 == SEGV_ACCERR ? "SEGV_ACCERR" : "other", f2,
	       c2 == SEGV_ACCERR ? "SEGV_ACCERR" : "other");

	/* PROT_NONE and back: the contents stay. */
	CHECK(mprotect(r, page, PROT_NONE) == 0);
	int f3 = faults_on_read(r);
	CHECK(mprotect(r, page, PROT_READ) == 0);
	printf("PROT_NONE and back: faulted %d, byte %c\n", f3, r[page - 1]);

	/* System calls with buffers in the reservation. */
	int fds[2];
	CHECK(pipe(fds) == 0);
	ssize_t w = write(fds[1], r + 10, 5);
	ssize_t rd = read(fds[0], r + (64 << 10), 5);
	printf("write() from opened pages: %zd, read() into them: %zd, %.5s\n", w, rd, r + (64 << 10));
	errno = 0;
	w = write(fds[1], r + ((size_t)6 << 30), 5);
	printf("write() from a closed page: %zd %s\n", w, errno == EFAULT ? "EFAULT" : strerror(errno));
	CHECK(write(fds[1], "xyz", 3) == 3);
	errno = 0;
	rd = read(fds[0], r, 3); /* r's first page is read-only now */
	printf("read() into a read-only page: %zd %s\n", rd, errno == EFAULT ? "EFAULT" : strerror(errno));
	close(fds[0]);
	close(fds[1]);

	/* A hole in the middle. */
	CHECK(munmap(r + (1 << 20), 1 << 20) == 0);
	errno = 0;
	int m = mprotect(r, 4 << 20, PROT_READ | PROT_WRITE);
	printf("mprotect over a hole: %d %s\n", m, errno == ENOMEM ? "ENOMEM" : strerror(errno));
	CHECK(mprotect(r + (2 << 20), 1 << 20, PROT_READ | PROT_WRITE) == 0);
	printf("after the hole still usable: %d\n", r[(2 << 20) + 5] == 0);

	/* Several at once, and each comes back: 20 rounds of 64 MiB reserved and filled. */
	char *s = mmap(NULL, (size_t)4 << 30, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(s != MAP_FAILED && (s + ((size_t)4 << 30) <= r || s >= r + big));
	CHECK(munmap(s, (size_t)4 << 30) == 0);
	int rounds = 0;
	for (int i = 0; i < 20; i++) {
		char *t = mmap(NULL, (size_t)1 << 30, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		CHECK(t != MAP_FAILED);
		CHECK(mprotect(t, 64 << 20, PROT_READ | PROT_WRITE) == 0);
		memset(t, i, 64 << 20);
		rounds += t[(64 << 20) - 1] == (char)i;
		CHECK(munmap(t, (size_t)1 << 30) == 0);
	}
	printf("20 rounds of 64 MiB filled and unmapped: %d\n", rounds);
	CHECK(munmap(r, big) == 0);
	printf("done\n");
	return 0;
}
