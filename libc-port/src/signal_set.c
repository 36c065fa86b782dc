/* Signal sets (sigemptyset, sigaddset, ...): pure bit operations on a sigset_t, apart
 * from the signal state in signal.c. */

#include <errno.h>
#include <signal.h>

#include "signal_bits.h"

int sigemptyset(sigset_t *set)
{
	*set = 0;
	return 0;
}

int sigfillset(sigset_t *set)
{
	*set = ~(sigset_t)0;
	return 0;
}

int sigaddset(sigset_t *set, int sig)
{
	if (!valid(sig)) {
		errno = EINVAL;
		return -1;
	}
	*set |= bit(sig);
	return 0;
}

int sigdelset(sigset_t *set, int sig)
{
	if (!valid(sig)) {
		errno = EINVAL;
		return -1;
	}
	*set &= ~bit(sig);
	return 0;
}

int sigismember(const sigset_t *set, int sig)
{
	if (!valid(sig)) {
		errno = EINVAL;
		return -1;
	}
	return (*set & bit(sig)) != 0;
}

int sigisemptyset(const sigset_t *set)
{
	return *set == 0;
}

int sigorset(sigset_t *dest, const sigset_t *a, const sigset_t *b)
{
	*dest = *a | *b;
	return 0;
}

int sigandset(sigset_t *dest, const sigset_t *a, const sigset_t *b)
{
	*dest = *a & *b;
	return 0;
}
