/* Memory faults as SIGSEGV (docs/signals.md, "Faults"), compared with the same program
 * built natively: a PROT_NONE page faults on read and on write (SEGV_ACCERR, si_addr the
 * byte touched) and the handler leaves with siglongjmp; a write to a PROT_READ page runs a
 * handler that makes the page writable and returns, and the write then succeeds (the
 * faulting instruction runs again, with every register as it was); an unmapped page and
 * the null pointer fault with SEGV_MAPERR; a call into a page that is not executable
 * faults at its address (an instruction abort on AArch64); generated code in a page made
 * readable and executable runs. Last, a fault whose handler was reset (SA_RESETHAND)
 * ends the program by SIGSEGV: exit code 139 (with the crash report in Eremit). */

#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define CHECK(cond)                                                                      \
	do {                                                                             \
		if (!(cond)) {                                                           \
			printf("FAILED line %d: %s\n", __LINE__, #cond);                 \
			exit(1);                                                         \
		}                                                                        \
	} while (0)

static sigjmp_buf jump;
static volatile sig_atomic_t faults;
static volatile int last_code;
static void *volatile last_addr;
static long page_size;

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
	char *page = (char *)((uintptr_t)si->si_addr & ~(uintptr_t)(page_size - 1));
	if (mprotect(page, page_size, PROT_READ | PROT_WRITE) != 0)
		_exit(3);
}

static void count_handler(int sig, siginfo_t *si, void *ctx)
{
	(void)sig;
	(void)si;
	(void)ctx;
	faults++;
	printf("reset handler ran once (faults %d); the store faults again\n", (int)faults);
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

/* Sums in registers across a faulting store: the handler's return must leave them as
 * they were (the compiler keeps them live in callee- and caller-saved registers). */
static long sum_across_fault(volatile long *slot, long n)
{
	long a = 0, b = 1, c = 2;
	double d = 0.5;
	for (long i = 0; i < n; i++) {
		a += i;
		b ^= i * 3;
		c += a ^ b;
		d = d * 0.5 + (double)i;
		if (i == n / 2)
			*slot = a + b + c; /* faults once: the handler unprotects and returns */
	}
	return a + b + c + (long)d;
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	page_size = sysconf(_SC_PAGESIZE);
	long pg = page_size;
	char *m = mmap(NULL, 3 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(m != MAP_FAILED);
	memset(m, 'a', 3 * pg);

	install(jump_handler, SA_NODEFER);
	CHECK(mprotect(m + pg, pg, PROT_NONE) == 0);
	int r = touch(m + pg + 100, 0);
	printf("PROT_NONE read: faulted %d, %s, at the byte %d\n", r, code_name(last_code),
	       last_addr == m + pg + 100);
	r = touch(m + 2 * pg - 1, 1);
	printf("PROT_NONE write: faulted %d, %s, at the byte %d\n", r, code_name(last_code),
	       last_addr == m + 2 * pg - 1);
	printf("neighbours: faulted %d %d\n", touch(m + pg - 1, 1), touch(m + 2 * pg, 1));

	/* The handler returns: the store runs again and succeeds. */
	install(fix_handler, 0);
	CHECK(mprotect(m, pg, PROT_READ) == 0);
	faults = 0;
	((volatile char *)m)[5] = 'Z';
	printf("write to a PROT_READ page: faults %d, %s, at the byte %d, now %c\n", (int)faults,
	       code_name(last_code), last_addr == m + 5, m[5]);
	long *slots = mmap(NULL, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(slots != MAP_FAILED);
	faults = 0;
	long s = sum_across_fault(slots, 100000);
	printf("registers across a handled fault: sum %ld, faults %d, slot %ld\n", s, (int)faults,
	       slots[0]);

	/* Unmapped memory and the null pointer. */
	install(jump_handler, SA_NODEFER);
	CHECK(munmap(m + pg, pg) == 0);
	r = touch(m + pg + 8, 0);
	printf("unmapped page: faulted %d, %s, at the byte %d\n", r, code_name(last_code),
	       last_addr == m + pg + 8);
	r = touch((volatile char *)(uintptr_t)0, 0);
	printf("null pointer: faulted %d, %s, address 0 %d\n", r, code_name(last_code), last_addr == NULL);

	/* Code: a call into a writable (not executable) page faults at its address; the same
	 * bytes made readable and executable run. */
#if defined(__aarch64__)
	static const unsigned char ret42[] = {0x40, 0x05, 0x80, 0x52, 0xc0, 0x03, 0x5f, 0xd6}; /* mov w0, #42; ret */
#else
	static const unsigned char ret42[] = {0xb8, 0x2a, 0x00, 0x00, 0x00, 0xc3}; /* mov eax, 42; ret */
#endif
	unsigned char *code = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(code != MAP_FAILED);
	memcpy(code, ret42, sizeof ret42);
	int (*fn)(void);
	memcpy(&fn, &code, sizeof fn);
	faults = 0;
	if (sigsetjmp(jump, 1) == 0) {
		int v = fn();
		printf("a call into a writable page returned %d\n", v);
	} else {
		printf("a call into a writable page: faulted, %s, at the code %d\n", code_name(last_code),
		       last_addr == code);
	}
	CHECK(mprotect(code, pg, PROT_READ | PROT_EXEC) == 0);
	__builtin___clear_cache((char *)code, (char *)code + sizeof ret42);
	printf("generated code returns %d\n", fn());

	/* The handler is reset after its first run: the store faults again, without one. */
	install(count_handler, SA_RESETHAND);
	faults = 0;
	CHECK(mprotect(m, pg, PROT_READ) == 0);
	((volatile char *)m)[7] = 'Y';
	printf("not reached: %c\n", m[7]);
	return 0;
}
