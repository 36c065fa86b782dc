/* posix-test: shim=skip
 * File mappings (libc-port/src/mman.c): MAP_PRIVATE copies with offsets and the tail of
 * the last page reading zeros past the end of the file; MAP_SHARED mappings coherent with
 * read() and write() both ways, written back by msync and munmap, never extending the
 * file; a second mapping of the same range sees the first's stores; a read-only shared
 * mapping still follows write(); munmap of part of a private file mapping (the rest
 * stays); the errors. The file lives in /tmp (in Eremit's in-memory file system). */

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"

#define SIZE 10000 /* two pages and a part of a third */

static sigjmp_buf jump;
static volatile int last_code;

static void jump_handler(int sig, siginfo_t *si, void *ctx)
{
	(void)ctx;
	last_code = sig == SIGSEGV ? si->si_code : -1;
	siglongjmp(jump, 1);
}

static int faults_reading(volatile char *p)
{
	if (sigsetjmp(jump, 1) == 0) {
		(void)*p;
		return 0;
	}
	return 1;
}

static char byte_at(int i)
{
	return (char)('A' + i % 26);
}

static char file_byte(int fd, off_t off)
{
	char c = '?';
	CHECK(pread(fd, &c, 1, off) == 1);
	return c;
}

static void report(const char *what, void *r)
{
	int e = errno;
	printf("%s: %s\n", what,
	       r != MAP_FAILED ? "mapped" : e == EACCES ? "EACCES" : e == EINVAL ? "EINVAL" : strerror(e));
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	long pg = sysconf(_SC_PAGESIZE);
	const char *path = "/tmp/mman_files.dat";
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	CHECK(fd >= 0);
	char buf[SIZE];
	for (int i = 0; i < SIZE; i++)
		buf[i] = byte_at(i);
	CHECK(write(fd, buf, SIZE) == SIZE);

	/* Private, the whole file: the rest of the last page reads zeros. */
	char *p = mmap(NULL, 3 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	CHECK(p != MAP_FAILED);
	int zeros = 1;
	for (long i = SIZE; i < 3 * pg; i++)
		zeros &= p[i] == 0;
	printf("private: %c%c%c ... %c, tail of the last page zero %d\n", p[0], p[1], p[25],
	       p[SIZE - 1], zeros);
	p[0] = 'x';
	printf("private store stays private: file %c, mapping %c\n", file_byte(fd, 0), p[0]);
	/* munmap of the middle page: the others stay. */
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = jump_handler;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	CHECK(sigaction(SIGSEGV, &sa, NULL) == 0);
	CHECK(munmap(p + pg, pg) == 0);
	int f1 = faults_reading(p + pg);
	int code = last_code;
	int f0 = faults_reading(p);
	int f2 = faults_reading(p + 2 * pg);
	printf("private, middle page unmapped: faults %d (%s), neighbours %d %d: %c %c\n", f1,
	       code == SEGV_MAPERR ? "SEGV_MAPERR" : "other", f0, f2, p[0], p[2 * pg]);
	CHECK(munmap(p, 3 * pg) == 0);

	/* Private at an offset. */
	p = mmap(NULL, pg, PROT_READ, MAP_PRIVATE, fd, pg);
	CHECK(p != MAP_FAILED);
	printf("private at offset %ld: %c (file %c)\n", pg, p[0], file_byte(fd, pg));
	CHECK(munmap(p, pg) == 0);

	/* Shared: stores reach the file at msync; write() reaches the mapping. */
	char *s = mmap(NULL, 3 * pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(s != MAP_FAILED);
	s[1] = '1';
	CHECK(msync(s, 3 * pg, MS_SYNC) == 0);
	printf("shared store after msync: file %c\n", file_byte(fd, 1));
	CHECK(pwrite(fd, "2", 1, 2) == 1);
	printf("pwrite seen through the mapping: %c\n", s[2]);
	s[SIZE + 5] = 'T'; /* past the end of the file: not written back */
	CHECK(msync(s, 3 * pg, MS_SYNC) == 0);
	struct stat st;
	CHECK(fstat(fd, &st) == 0);
	printf("store past the end: file size %lld\n", (long long)st.st_size);
	/* A second mapping of a range inside: the same bytes. */
	char *s2 = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, pg);
	CHECK(s2 != MAP_FAILED);
	s2[3] = '3';
	printf("second mapping at offset %ld: sees %c, its store seen by the first: %c\n", pg,
	       s2[0], s[pg + 3]);
	CHECK(munmap(s2, pg) == 0);
	/* Read-only protection does not stop write() from reaching the mapping. */
	CHECK(mprotect(s, 3 * pg, PROT_READ) == 0);
	CHECK(pwrite(fd, "4", 1, 4) == 1);
	printf("pwrite into a read-only shared mapping: %c\n", s[4]);
	CHECK(mprotect(s, 3 * pg, PROT_READ | PROT_WRITE) == 0);
	s[5] = '5';
	CHECK(munmap(s, 3 * pg) == 0);
	printf("munmap writes back: %c\n", file_byte(fd, 5));

	/* Shared at an offset, closing the descriptor first. */
	int fd2 = open(path, O_RDWR);
	CHECK(fd2 >= 0);
	s = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd2, 2 * pg);
	CHECK(s != MAP_FAILED);
	CHECK(close(fd2) == 0);
	printf("shared at offset %ld: %c (file %c)\n", 2 * pg, s[0], file_byte(fd, 2 * pg));
	s[0] = '6';
	CHECK(msync(s, pg, MS_ASYNC) == 0);
	CHECK(munmap(s, pg) == 0);
	printf("after close, msync and munmap: file %c\n", file_byte(fd, 2 * pg));
	/* Mapped read-only, made writable: its stores are written back too. */
	s = mmap(NULL, pg, PROT_READ, MAP_SHARED, fd, 0);
	CHECK(s != MAP_FAILED);
	CHECK(mprotect(s, pg, PROT_READ | PROT_WRITE) == 0);
	s[6] = '7';
	CHECK(munmap(s, pg) == 0);
	printf("mapped read-only, made writable, munmap: file %c\n", file_byte(fd, 6));
	char all[SIZE];
	CHECK(pread(fd, all, SIZE, 0) == SIZE);
	printf("file: %.8s\n", all);

	/* Errors. */
	int ro = open(path, O_RDONLY);
	CHECK(ro >= 0);
	errno = 0;
	report("shared writable on a read-only descriptor",
	       mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0));
	void *r = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE, ro, 0);
	report("private writable on a read-only descriptor", r);
	if (r != MAP_FAILED)
		CHECK(munmap(r, pg) == 0);
	char *rs = mmap(NULL, pg, PROT_READ, MAP_SHARED, ro, 0);
	CHECK(rs != MAP_FAILED);
	errno = 0;
	int rc0 = mprotect(rs, pg, PROT_READ | PROT_WRITE);
	printf("mprotect writable, shared, read-only descriptor: %d %s\n", rc0,
	       errno == EACCES ? "EACCES" : "?");
	CHECK(munmap(rs, pg) == 0);
	report("unaligned offset", mmap(NULL, pg, PROT_READ, MAP_PRIVATE, ro, 100));
	report("neither shared nor private", mmap(NULL, pg, PROT_READ, 0, ro, 0));
	errno = 0;
	int rc = msync((char *)&st + 1, 1, MS_SYNC);
	printf("msync unaligned: %d %s\n", rc, errno == EINVAL ? "EINVAL" : "?");
	CHECK(close(ro) == 0);
	CHECK(close(fd) == 0);
	CHECK(unlink(path) == 0);
	printf("done\n");
	return 0;
}
