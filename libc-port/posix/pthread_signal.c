/* Signals: a unikernel has no signal delivery (no processes, no kill(), hardware faults
 * end the VM with a crash report). pthread_sigmask therefore succeeds and only keeps the
 * per-thread mask, so that programs which block signals around thread creation and
 * restore them later see consistent values; no signal is ever delivered either way.
 * pthread_kill can only probe whether a thread exists (signal 0). */

#include <errno.h>
#include <pthread.h>
#include <signal.h>

#include "thread.h"

static __thread sigset_t mask __attribute__((tls_model("initial-exec")));

int pthread_sigmask(int how, const sigset_t *set, sigset_t *oldset)
{
	sigset_t old = mask;
	if (set && how != SIG_BLOCK && how != SIG_UNBLOCK && how != SIG_SETMASK)
		return EINVAL;
	if (set) {
		/* sigset_t is an integer in newlib and a struct in glibc: combine bytewise. */
		unsigned char *m = (unsigned char *)&mask;
		const unsigned char *s = (const unsigned char *)set;
		for (size_t i = 0; i < sizeof mask; i++) {
			if (how == SIG_BLOCK)
				m[i] |= s[i];
			else if (how == SIG_UNBLOCK)
				m[i] &= (unsigned char)~s[i];
			else
				m[i] = s[i];
		}
	}
	if (oldset)
		*oldset = old;
	return 0;
}

int pthread_kill(pthread_t thread, int sig)
{
	registry_lock();
	int found = registry_find((uint64_t)thread) != 0;
	registry_unlock();
	if (!found)
		return ESRCH;
	return sig == 0 ? 0 : ENOSYS;
}
