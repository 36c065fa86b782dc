/* alarm, setitimer/getitimer(ITIMER_REAL): one timer per process, kept by a library
 * thread started on first use, which posts SIGALRM (si_code SI_KERNEL, as Linux's
 * itimer does) to the process when the timer expires. The signal is delivered where
 * signal.c delivers (docs/signals.md): in pause/sigsuspend/sigwait and the other signal
 * calls, not yet in a thread busy elsewhere. */

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <sys/time.h>
#include <unistd.h>

#include "../posix/futex.h"

#define NS_PER_SEC 1000000000LL
#define NS_PER_US 1000LL

void __eremit_signal_post(int sig, int code, union sigval value);
int __eremit_signal_free_thread(void *(*fn)(void *));

static uint32_t lock;
static int64_t deadline;  /* monotonic ns; 0: disarmed */
static int64_t interval;  /* ns; 0: one shot */
static uint32_t changed;  /* futex word the timer thread sleeps on */
static pthread_once_t started = PTHREAD_ONCE_INIT;

static int64_t now_ns(void)
{
	struct hermit_timespec t;
	if (sys_clock_gettime(HERMIT_CLOCK_MONOTONIC, &t) != 0)
		return 0;
	return t.tv_sec * NS_PER_SEC + t.tv_nsec;
}

static void *timer_thread(void *arg)
{
	(void)arg;
	for (;;) {
		internal_lock(&lock);
		int64_t due = deadline;
		uint32_t seen = LOAD(&changed);
		internal_unlock(&lock);
		if (due == 0) {
			futex_wait(&changed, seen);
			continue;
		}
		int64_t now = now_ns();
		if (now < due) {
			struct deadline d = {HERMIT_CLOCK_MONOTONIC, due};
			futex_wait_until(&changed, seen, &d);
			continue;
		}
		int fire = 0;
		internal_lock(&lock);
		if (deadline == due) { /* not re-armed meanwhile */
			fire = 1;
			if (interval) {
				/* Expirations missed while late are one signal (Linux: overruns). */
				int64_t next = due + interval;
				if (next <= now)
					next = now + interval - (now - due) % interval;
				deadline = next;
			} else {
				deadline = 0;
			}
		}
		internal_unlock(&lock);
		if (fire)
			__eremit_signal_post(SIGALRM, SI_KERNEL, (union sigval){0});
	}
	return NULL;
}

static void start_thread(void)
{
	__eremit_signal_free_thread(timer_thread);
}

static void to_timeval(int64_t ns, struct timeval *tv)
{
	tv->tv_sec = ns / NS_PER_SEC;
	tv->tv_usec = (ns % NS_PER_SEC) / NS_PER_US;
}

/* Time left and interval, with the lock held. */
static void current(struct itimerval *v)
{
	int64_t left = deadline ? deadline - now_ns() : 0;
	if (deadline && left <= 0)
		left = NS_PER_US; /* due this instant: still armed */
	to_timeval(left, &v->it_value);
	to_timeval(interval, &v->it_interval);
}

int getitimer(int which, struct itimerval *value)
{
	if (which != ITIMER_REAL) {
		errno = which == ITIMER_VIRTUAL || which == ITIMER_PROF ? ENOSYS : EINVAL;
		return -1;
	}
	internal_lock(&lock);
	current(value);
	internal_unlock(&lock);
	return 0;
}

static int valid_tv(const struct timeval *tv)
{
	return tv->tv_sec >= 0 && tv->tv_usec >= 0 && tv->tv_usec < 1000000;
}

int setitimer(int which, const struct itimerval *value, struct itimerval *old)
{
	if (which != ITIMER_REAL) {
		errno = which == ITIMER_VIRTUAL || which == ITIMER_PROF ? ENOSYS : EINVAL;
		return -1;
	}
	if (!valid_tv(&value->it_value) || !valid_tv(&value->it_interval)) {
		errno = EINVAL;
		return -1;
	}
	int64_t v = (int64_t)value->it_value.tv_sec * NS_PER_SEC + value->it_value.tv_usec * NS_PER_US;
	int64_t i = (int64_t)value->it_interval.tv_sec * NS_PER_SEC +
		    value->it_interval.tv_usec * NS_PER_US;
	if (v)
		pthread_once(&started, start_thread);
	internal_lock(&lock);
	if (old)
		current(old);
	deadline = v ? now_ns() + v : 0;
	interval = v ? i : 0;
	FETCH_ADD(&changed, 1);
	internal_unlock(&lock);
	futex_wake(&changed, WAKE_ALL);
	return 0;
}

unsigned alarm(unsigned seconds)
{
	struct itimerval v = {{0, 0}, {(time_t)seconds, 0}}, old;
	setitimer(ITIMER_REAL, &v, &old);
	/* Linux: the seconds left, rounded to the nearest, and at least 1 if armed. */
	unsigned left = (unsigned)old.it_value.tv_sec + (old.it_value.tv_usec >= 500000);
	if (left == 0 && (old.it_value.tv_sec || old.it_value.tv_usec))
		left = 1;
	return left;
}
