/* Helpers shared by the POSIX thread tests. Each test prints only deterministic lines,
 * so its output can be compared with the expected file whatever the scheduling. */

#ifndef POSIX_TEST_CHECK_H
#define POSIX_TEST_CHECK_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Fails the test with the line number: a mismatch is a bug, not an output difference. */
#define CHECK(cond)                                                                      \
	do {                                                                             \
		if (!(cond)) {                                                           \
			printf("FAILED %s:%d: %s\n", __FILE__, __LINE__, #cond);         \
			fflush(stdout);                                                  \
			exit(1);                                                         \
		}                                                                        \
	} while (0)

/* A pthread call that must return `expected` (0 or an E* name). */
#define EXPECT(call, expected)                                                           \
	do {                                                                             \
		int rc_ = (call);                                                        \
		if (rc_ != (expected)) {                                                 \
			printf("FAILED %s:%d: %s returned %d (%s), wanted %s\n", __FILE__,   \
			       __LINE__, #call, rc_, strerror(rc_), #expected);          \
			fflush(stdout);                                                  \
			exit(1);                                                         \
		}                                                                        \
	} while (0)

static inline long long now_ns(clockid_t clock)
{
	struct timespec ts;
	clock_gettime(clock, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* An absolute time `ms` from now on `clock`. */
static inline struct timespec deadline_in_ms(clockid_t clock, long ms)
{
	struct timespec ts;
	clock_gettime(clock, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	return ts;
}

/* A timed wait must not return before its deadline (1 ms slack for clock reads) and
 * should return within a generous bound (emulated CPUs are slow). */
#define CHECK_WAITED(start_ns, ms)                                                       \
	do {                                                                             \
		long long waited_ = (now_ns(CLOCK_MONOTONIC) - (start_ns)) / 1000000;    \
		if (waited_ < (ms) - 1 || waited_ > (ms) + 3000) {                       \
			printf("FAILED %s:%d: waited %lld ms, wanted %d\n", __FILE__,    \
			       __LINE__, waited_, (int)(ms));                            \
			exit(1);                                                         \
		}                                                                        \
	} while (0)

#endif
