/* The character devices in /dev: null, zero, full, random and urandom, through the
 * descriptor calls, stdio and a directory listing, also from several threads at once.
 * Linux's /dev has more entries, so only these five names are looked for. */

#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"

static const char *const names[] = {"full", "null", "random", "urandom", "zero"};

static int all_zero(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != 0)
			return 0;
	return 1;
}

static void null_device(void)
{
	int fd = open("/dev/null", O_RDWR);
	CHECK(fd >= 0);
	CHECK(write(fd, "discarded", 9) == 9);
	char buf[16];
	CHECK(read(fd, buf, sizeof buf) == 0);
	CHECK(lseek(fd, 100, SEEK_SET) == 0);
	struct stat st;
	CHECK(fstat(fd, &st) == 0);
	CHECK(S_ISCHR(st.st_mode));
	printf("null: write 9, read 0, char device %d, mode %o, size %lld\n", S_ISCHR(st.st_mode),
	       (unsigned)(st.st_mode & 0777), (long long)st.st_size);
	CHECK(close(fd) == 0);

	/* `> /dev/null`: O_CREAT | O_TRUNC on the existing device. */
	fd = open("/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	CHECK(fd >= 0);
	CHECK(write(fd, "x", 1) == 1);
	CHECK(close(fd) == 0);

	FILE *f = fopen("/dev/null", "w");
	CHECK(f != NULL);
	CHECK(fprintf(f, "hello %d\n", 42) == 9);
	CHECK(fclose(f) == 0);
	printf("null: O_CREAT|O_TRUNC opens it, fopen/fprintf/fclose work\n");
}

static void zero_and_full(void)
{
	unsigned char buf[4096];
	memset(buf, 0xaa, sizeof buf);
	int fd = open("/dev/zero", O_RDONLY);
	CHECK(fd >= 0);
	CHECK(read(fd, buf, sizeof buf) == (ssize_t)sizeof buf);
	printf("zero: read %zu bytes, all zero %d\n", sizeof buf, all_zero(buf, sizeof buf));
	CHECK(close(fd) == 0);

	fd = open("/dev/full", O_RDWR);
	CHECK(fd >= 0);
	errno = 0;
	ssize_t r = write(fd, "x", 1);
	printf("full: write %zd, %s\n", r, errno == ENOSPC ? "ENOSPC" : strerror(errno));
	memset(buf, 0xaa, 64);
	CHECK(read(fd, buf, 64) == 64);
	printf("full: read 64, all zero %d\n", all_zero(buf, 64));
	CHECK(close(fd) == 0);

	FILE *f = fopen("/dev/zero", "rb");
	CHECK(f != NULL);
	memset(buf, 0xaa, 100);
	CHECK(fread(buf, 1, 100, f) == 100);
	CHECK(all_zero(buf, 100));
	CHECK(fclose(f) == 0);
}

static void random_devices(void)
{
	for (int i = 0; i < 2; i++) {
		const char *path = i ? "/dev/random" : "/dev/urandom";
		unsigned char a[32], b[32];
		int fd = open(path, O_RDONLY);
		CHECK(fd >= 0);
		CHECK(read(fd, a, sizeof a) == 32);
		CHECK(read(fd, b, sizeof b) == 32);
		struct stat st;
		CHECK(fstat(fd, &st) == 0);
		CHECK(close(fd) == 0);
		printf("%s: two reads of 32 differ %d, not all zero %d, char device %d, mode %o\n",
		       path + 5, memcmp(a, b, 32) != 0, !all_zero(a, 32), S_ISCHR(st.st_mode),
		       (unsigned)(st.st_mode & 0777));
	}
	FILE *f = fopen("/dev/urandom", "rb");
	CHECK(f != NULL);
	unsigned char key[16];
	CHECK(fread(key, 1, sizeof key, f) == sizeof key);
	CHECK(fclose(f) == 0);
	printf("urandom: fopen/fread 16 bytes\n");
}

static void paths(void)
{
	struct stat st;
	CHECK(stat("/dev", &st) == 0);
	printf("/dev: directory %d\n", S_ISDIR(st.st_mode));
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		char path[32];
		snprintf(path, sizeof path, "/dev/%s", names[i]);
		CHECK(stat(path, &st) == 0);
		/* st_rdev as glibc's makedev encodes Linux's numbers: 0x103 is 1:3. */
		printf("stat %s: char device %d, mode %o, size %lld, rdev %#llx\n", path,
		       S_ISCHR(st.st_mode), (unsigned)(st.st_mode & 0777), (long long)st.st_size,
		       (unsigned long long)st.st_rdev);
	}

	/* Only the five names (Linux has more); sorted, since readdir's order varies. */
	DIR *d = opendir("/dev");
	CHECK(d != NULL);
	int found[5] = {0};
	struct dirent *e;
	while ((e = readdir(d)) != NULL)
		for (size_t i = 0; i < 5; i++)
			if (strcmp(e->d_name, names[i]) == 0)
				found[i]++;
	CHECK(closedir(d) == 0);
	printf("readdir /dev:");
	for (size_t i = 0; i < 5; i++)
		printf(" %s=%d", names[i], found[i]);
	printf("\n");
}

#define THREADS 4
#define ROUNDS 200

static void *hammer(void *arg)
{
	(void)arg;
	unsigned char buf[64];
	for (int i = 0; i < ROUNDS; i++) {
		int r = open("/dev/urandom", O_RDONLY);
		int z = open("/dev/zero", O_RDONLY);
		int n = open("/dev/null", O_WRONLY);
		if (r < 0 || z < 0 || n < 0)
			return (void *)1;
		if (read(r, buf, sizeof buf) != (ssize_t)sizeof buf)
			return (void *)2;
		if (write(n, buf, sizeof buf) != (ssize_t)sizeof buf)
			return (void *)3;
		if (read(z, buf, sizeof buf) != (ssize_t)sizeof buf || !all_zero(buf, sizeof buf))
			return (void *)4;
		close(r);
		close(z);
		close(n);
	}
	return 0;
}

static void threads(void)
{
	pthread_t t[THREADS];
	for (int i = 0; i < THREADS; i++)
		EXPECT(pthread_create(&t[i], 0, hammer, 0), 0);
	for (int i = 0; i < THREADS; i++) {
		void *ret;
		EXPECT(pthread_join(t[i], &ret), 0);
		CHECK(ret == 0);
	}
	printf("threads: %d x %d opens, reads and writes\n", THREADS, ROUNDS);
}

int main(void)
{
	null_device();
	zero_and_full();
	random_devices();
	paths();
	threads();
	return 0;
}
