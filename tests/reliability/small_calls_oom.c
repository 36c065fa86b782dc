/* reliability: memory=24M
 * System calls while memory comes back piece by piece: the heap is run dry (malloc
 * until NULL; in Eremit also the kernel's own allocator down to 8 bytes), then the
 * blocks are freed one at a time, smallest first, and after each a round of calls
 * that may need kernel memory (files and directories in /tmp, dup, timed waits,
 * sleeping, a thread) runs. Each call must succeed or fail with a memory error
 * (ENOMEM, ENOSPC, EAGAIN): the kernel fails the call, never the VM. Natively (Linux
 * overcommits) malloc is capped at 1 GiB and nothing fails. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "exhaust.h"

static int unexpected;
static int failures;

/* A call's result: 0 (or more) worked; -1 with errno. */
static int check(const char *what, long r)
{
	if (r >= 0)
		return 1;
	if (errno == ENOMEM || errno == ENOSPC || errno == EAGAIN) {
		failures++;
		return 0;
	}
	if (unexpected++ < 5)
		printf("%s: %s\n", what, strerror(errno));
	return 0;
}

static void *body(void *arg)
{
	return arg;
}

/* One round of calls; how many of them worked. */
static int round_of_calls(char *dir)
{
	int worked = 0;
	int fd = open("/tmp/oom-file", O_CREAT | O_RDWR | O_TRUNC, 0644);
	if (check("open", fd)) {
		worked++;
		char data[512];
		memset(data, 'x', sizeof data);
		worked += check("write", write(fd, data, sizeof data));
		int d = dup(fd);
		if (check("dup", d)) {
			worked++;
			close(d);
		}
		close(fd);
		worked += check("rename", rename("/tmp/oom-file", "/tmp/oom-renamed"));
		unlink("/tmp/oom-renamed");
		unlink("/tmp/oom-file");
	}
	if (check("mkdir", mkdir("/tmp/oom-dir", 0755))) {
		worked++;
		rmdir("/tmp/oom-dir");
	}
	struct stat st;
	worked += check("stat", stat("/tmp", &st));
	worked += check("getcwd", getcwd(dir, 64) ? 0 : -1);
	DIR *d = opendir("/tmp");
	if (check("opendir", d ? 0 : -1)) {
		worked++;
		while (readdir(d))
			;
		closedir(d);
	}
	struct timespec ms = {0, 1000000};
	worked += check("nanosleep", nanosleep(&ms, 0));
	pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
	pthread_cond_t c = PTHREAD_COND_INITIALIZER;
	struct timespec deadline;
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_nsec += 1000000;
	if (deadline.tv_nsec >= 1000000000) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&m);
	int r = pthread_cond_timedwait(&c, &m, &deadline);
	pthread_mutex_unlock(&m);
	if (r == ETIMEDOUT)
		worked++;
	else if (unexpected++ < 5)
		printf("pthread_cond_timedwait: %s\n", strerror(r));
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 64 * 1024);
	pthread_t t;
	r = pthread_create(&t, &attr, body, 0);
	if (r == 0) {
		pthread_join(t, 0);
		worked++;
	} else {
		errno = r;
		check("pthread_create", -1);
	}
	return worked;
}

int main(void)
{
	char dir[64];
	/* Blocks in a list, the last taken (smallest) first. */
	struct block *blocks = exhaust_heap();
	take_the_crumbs(0);
	int worked = 0;
	while (blocks) {
		struct block *b = blocks;
		blocks = b->next;
		free(b);
		worked = round_of_calls(dir);
	}
	printf("calls failing otherwise than for memory: %d\n", unexpected);
	/* The last round ran with every block back. */
	printf("all 11 calls worked once memory came back: %s\n", worked == 11 ? "yes" : "no");
	return 0;
}
