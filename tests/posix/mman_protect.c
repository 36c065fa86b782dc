/* posix-test: shim=skip
 * Page protections and faults as SIGSEGV (docs/signals.md, "Faults"): a PROT_NONE guard
 * page between two writable ones faults on read and on write (SEGV_ACCERR, si_addr the
 * byte touched) and the handler leaves with siglongjmp; a write to a PROT_READ page runs
 * a handler that makes the page writable and returns, and the write then succeeds; a
 * page munmap took out of the middle of a mapping faults with SEGV_MAPERR; madvise and
 * posix_madvise accept every advice and refuse an unaligned address; code generated into
 * a page made readable and executable runs (a JIT's steps); mprotect's errors.
 *
 * The siglongjmp handlers use SA_NODEFER: sigsetjmp does not save the signal mask in
 * libc-port yet, so SIGSEGV would stay blocked after the jump (and a blocked SIGSEGV
 * ends the program, as on Linux). */

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "check.h"

static sigjmp_buf jump;
static volatile sig_atomic_t faults;
static volatile int last_code;
static void *volatile last_addr;
static volatile long page_size;

static void jump_handler(int sig, siginfo_t *si, void *ctx)
{
	(void)ctx;
	faults++;
	last_code = sig == SIGSEGV ? si->si_code : -1;
	last_addr = si->si_addr;
	siglongjmp(jump, 1);
}

static void fix_handler(int sig, siginfo_t *si, void *ctx)
{
	(void)ctx;
	faults++;
	last_code = sig == SIGSEGV ? si->si_code : -1;
	last_addr = si->si_addr;
	/* Make the page writable and return: the store runs again and succeeds. */
	char *page = (char *)((uintptr_t)si->si_addr & ~(uintptr_t)(page_size - 1));
	if (mprotect(page, page_size, PROT_READ | PROT_WRITE) != 0)
		_exit(3);
}

static void install(void (*h)(int, siginfo_t *, void *), int flags)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = h;
	sa.sa_flags = SA_SIGINFO | flags;
	sigemptyset(&sa.sa_mask);
	CHECK(sigaction(SIGSEGV, &sa, NULL) == 0);
}

/* "RESULT ERRNO-NAME" of a call that sets errno on failure. */
static void report(const char *what, long r)
{
	int e = errno;
	printf("%s: %ld %s\n", what, r,
	       r == 0 ? "" : e == EINVAL ? "EINVAL" : e == ENOMEM ? "ENOMEM" : e == EFAULT ? "EFAULT" : strerror(e));
}

static const char *code_name(int code)
{
	return code == SEGV_ACCERR ? "SEGV_ACCERR" : code == SEGV_MAPERR ? "SEGV_MAPERR" : "other";
}

/* Touches p (reading, or writing when `write`): whether it faulted. */
static int touch(volatile char *p, int write)
{
	faults = 0;
	if (sigsetjmp(jump, 1) == 0) {
		if (write)
			*p = 'w';
		else
			(void)*p;
		return 0;
	}
	return 1;
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	long pg = sysconf(_SC_PAGESIZE);
	page_size = pg;
	char *m = mmap(NULL, 3 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(m != MAP_FAILED);
	memset(m, 'a', 3 * pg);

	/* A guard page in the middle. */
	install(jump_handler, SA_NODEFER);
	CHECK(mprotect(m + pg, pg, PROT_NONE) == 0);
	CHECK(touch(m + pg - 1, 1) == 0 && touch(m + 2 * pg, 1) == 0);
	int r = touch(m + pg + 100, 0);
	printf("guard read: faulted %d, %s, at the byte %d\n", r, code_name(last_code),
	       last_addr == m + pg + 100);
	r = touch(m + 2 * pg - 1, 1);
	printf("guard write: faulted %d, %s, at the byte %d\n", r, code_name(last_code),
	       last_addr == m + 2 * pg - 1);
	/* The kernel refuses the page as a buffer too. */
	int fd = open("/tmp/mman_protect.dat", O_RDWR | O_CREAT | O_TRUNC, 0644);
	CHECK(fd >= 0);
	report("write() from the guard page", write(fd, m + pg, 8));
	CHECK(pwrite(fd, "xyz", 3, 0) == 3);
	CHECK(mprotect(m + 2 * pg, pg, PROT_READ) == 0);
	report("read() into a read-only page", pread(fd, m + 2 * pg, 3, 0));
	CHECK(close(fd) == 0 && unlink("/tmp/mman_protect.dat") == 0);
	CHECK(mprotect(m + pg, 2 * pg, PROT_READ | PROT_WRITE) == 0);
	r = touch(m + pg, 1);
	printf("after PROT_READ|PROT_WRITE again: faulted %d, bytes %c%c\n", r, m[pg], m[2 * pg]);

	/* A read-only page: the handler makes it writable, the program goes on. */
	install(fix_handler, 0);
	CHECK(mprotect(m, pg, PROT_READ) == 0);
	printf("read of a PROT_READ page: %c, faults %d\n", ((volatile char *)m)[5], (int)faults);
	faults = 0;
	((volatile char *)m)[5] = 'Z';
	printf("write to a PROT_READ page: faults %d, %s, at the byte %d, now %c\n", (int)faults,
	       code_name(last_code), last_addr == m + 5, m[5]);
	/* Many pages at once, each fixed by its own fault. */
	char *big = mmap(NULL, 8 * pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(big != MAP_FAILED);
	faults = 0;
	for (int i = 0; i < 8; i++)
		((volatile char *)big)[i * pg] = (char)('0' + i);
	printf("8 read-only pages written: faults %d, %c%c\n", (int)faults, big[0], big[7 * pg]);

	/* munmap of the middle page: it is gone (SEGV_MAPERR), its neighbours stay. */
	install(jump_handler, SA_NODEFER);
	CHECK(munmap(m + pg, pg) == 0);
	r = touch(m + pg + 8, 0);
	printf("unmapped middle page: faulted %d, %s, at the byte %d\n", r, code_name(last_code),
	       last_addr == m + pg + 8);
	r = touch(m, 0);
	int r2 = touch(m + 2 * pg, 0);
	printf("neighbours: faulted %d %d, bytes %c %c\n", r, r2, m[5], m[2 * pg]);
	report("mprotect of the hole", mprotect(m + pg, pg, PROT_READ));
	/* munmap of the first page too; the last stays usable. */
	CHECK(munmap(m, pg) == 0);
	r = touch(m + 1, 0);
	r2 = touch(m + 2 * pg + 1, 1);
	printf("unmapped first page: faulted %d; last page: faulted %d\n", r, r2);
	CHECK(munmap(m + 2 * pg, pg) == 0);
	CHECK(munmap(big, 8 * pg) == 0);

	/* A JIT's steps: code written into a writable page, made readable and executable
	 * (never both writable and executable), called, then a store into it faults. */
	unsigned char *code = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(code != MAP_FAILED);
	static const unsigned char ret42[] = {0xb8, 0x2a, 0x00, 0x00, 0x00, 0xc3}; /* mov eax, 42; ret */
	memcpy(code, ret42, sizeof ret42);
	CHECK(mprotect(code, pg, PROT_READ | PROT_EXEC) == 0);
	int (*fn)(void);
	memcpy(&fn, &code, sizeof fn);
	printf("generated code returns %d\n", fn());
	r = touch((volatile char *)code + 8, 1);
	printf("store into the code page: faulted %d, %s\n", r, code_name(last_code));
	CHECK(munmap(code, pg) == 0);

	/* The errors. */
	char *n = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(n != MAP_FAILED);
	report("mprotect unaligned", mprotect(n + 1, pg, PROT_READ));
	report("mprotect unknown bits", mprotect(n, pg, 0x100000));
	printf("mprotect length 0: %d\n", mprotect(n, 0, PROT_NONE));
	printf("mprotect of a partial page rounds up: %d\n", mprotect(n, 1, PROT_READ));
	printf("... the second page stays writable: faulted %d\n", touch(n + pg, 1));

	/* Advice is accepted. */
	int advices[] = {MADV_NORMAL, MADV_RANDOM, MADV_SEQUENTIAL, MADV_WILLNEED};
	for (unsigned i = 0; i < sizeof advices / sizeof advices[0]; i++)
		printf("madvise %d: %d, posix_madvise: %d\n", advices[i],
		       madvise(n, 2 * pg, advices[i]), posix_madvise(n, 2 * pg, advices[i]));
	printf("posix_madvise POSIX_MADV_DONTNEED: %d\n", posix_madvise(n, 2 * pg, POSIX_MADV_DONTNEED));
	report("madvise unaligned", madvise(n + 1, pg, MADV_NORMAL));
	printf("posix_madvise unaligned: %s\n",
	       posix_madvise(n + 1, pg, POSIX_MADV_NORMAL) == EINVAL ? "EINVAL" : "?");
	CHECK(munmap(n, 2 * pg) == 0);

	/* A null pointer with a handler installed: SEGV_MAPERR at address 0. */
	r = touch((volatile char *)(uintptr_t)0, 0);
	printf("null pointer: faulted %d, %s, address 0 %d\n", r, code_name(last_code),
	       last_addr == NULL);
	printf("done\n");
	return 0;
}
