/* Signal numbers as bits of a sigset_t (Linux's layout: signal n is bit n-1), shared by
 * the signal code's files (signal.c, signal_set.c). */
#ifndef EREMIT_SIGNAL_BITS_H
#define EREMIT_SIGNAL_BITS_H

#include <signal.h>
#include <stdint.h>

static inline uint64_t bit(int sig)
{
	return 1ull << (sig - 1);
}

static inline int valid(int sig)
{
	return sig >= 1 && sig < NSIG;
}

#endif
