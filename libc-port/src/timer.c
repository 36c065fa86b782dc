/* POSIX per-process timers: timer_create (CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_BOOTTIME;
 * SIGEV_SIGNAL, SIGEV_NONE, SIGEV_THREAD), timer_settime/gettime/getoverrun/delete.
 * One library thread, started by the first timer_create with every signal blocked,
 * sleeps until the earliest deadline and then notifies: a process-directed signal with
 * si_code SI_TIMER and the timer's sigev_value (signal.c's __eremit_signal_post, which
 * tells a thread that takes it), or a new detached thread running
 * sigev_notify_function. Deadlines are kept on the monotonic clock; an absolute
 * CLOCK_REALTIME time is converted when it is set. Expirations a late timer thread
 * missed are one notification, and timer_getoverrun reports how many were missed
 * (Linux counts those that came while the signal was still pending). CPU-time clocks:
 * ENOTSUP (the kernel keeps no CPU time per thread). */

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "../posix/futex.h"

#define NS_PER_SEC 1000000000LL

void __eremit_signal_post(int sig, int code, union sigval value);
int __eremit_signal_free_thread(void *(*fn)(void *));

struct timer {
	struct timer *next;
	unsigned long id;
	int clock;      /* the C clock id, for TIMER_ABSTIME */
	struct sigevent ev;
	pthread_attr_t attr; /* SIGEV_THREAD, when the caller gave attributes */
	int has_attr;
	int64_t deadline; /* monotonic ns; 0: disarmed */
	int64_t interval; /* ns; 0: one shot */
	int overrun;      /* expirations missed at the last notification */
};

static uint32_t lock;
static struct timer *timers;   /* all of them, under lock */
static unsigned long next_id;  /* ids are never reused: a deleted one stays invalid */
static uint32_t changed;       /* futex word the timer thread sleeps on */
static pthread_once_t started = PTHREAD_ONCE_INIT;
static int start_error;

static int64_t now_on(int hermit_clock)
{
	struct hermit_timespec t;
	if (sys_clock_gettime(hermit_clock, &t) != 0)
		return 0;
	return t.tv_sec * NS_PER_SEC + t.tv_nsec;
}

static int64_t monotonic_ns(void)
{
	return now_on(HERMIT_CLOCK_MONOTONIC);
}

static struct timer *find(unsigned long id)
{
	for (struct timer *t = timers; t; t = t->next)
		if (t->id == id)
			return t;
	return NULL;
}

static void *run_notify_function(void *arg)
{
	struct sigevent *ev = arg;
	void (*fn)(union sigval) = ev->sigev_notify_function;
	union sigval v = ev->sigev_value;
	free(ev);
	fn(v);
	return NULL;
}

/* SIGEV_THREAD: a new detached thread runs the function, as glibc does. */
static void notify_thread(const struct sigevent *ev, const pthread_attr_t *given)
{
	struct sigevent *copy = malloc(sizeof *copy);
	if (!copy)
		return;
	*copy = *ev;
	pthread_attr_t attr;
	if (given)
		attr = *given;
	else
		pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_t t;
	if (pthread_create(&t, &attr, run_notify_function, copy) != 0)
		free(copy);
	if (!given)
		pthread_attr_destroy(&attr);
}

/* Takes the earliest timer due at `now` (re-arming a periodic one); returns whether
 * one was, with its notification copied out. Lock held. */
static int take_due(int64_t now, struct sigevent *ev, pthread_attr_t *attr, int *has_attr)
{
	for (struct timer *t = timers; t; t = t->next) {
		if (t->deadline == 0 || t->deadline > now)
			continue;
		t->overrun = 0;
		if (t->interval) {
			int64_t late = now - t->deadline;
			t->overrun = (int)(late / t->interval > INT32_MAX ? INT32_MAX : late / t->interval);
			t->deadline += (int64_t)(t->overrun + 1) * t->interval;
		} else {
			t->deadline = 0;
		}
		*ev = t->ev;
		*has_attr = t->has_attr;
		if (t->has_attr)
			*attr = t->attr;
		return 1;
	}
	return 0;
}

static void *timer_thread(void *arg)
{
	(void)arg;
	for (;;) {
		internal_lock(&lock);
		uint32_t seen = LOAD(&changed);
		int64_t now = monotonic_ns();
		struct sigevent ev;
		pthread_attr_t attr;
		int has_attr = 0;
		int due = take_due(now, &ev, &attr, &has_attr);
		int64_t next = 0;
		for (struct timer *t = timers; t; t = t->next)
			if (t->deadline && (next == 0 || t->deadline < next))
				next = t->deadline;
		internal_unlock(&lock);
		if (due) {
			if (ev.sigev_notify == SIGEV_SIGNAL)
				__eremit_signal_post(ev.sigev_signo, SI_TIMER, ev.sigev_value);
			else if (ev.sigev_notify == SIGEV_THREAD)
				notify_thread(&ev, has_attr ? &attr : NULL);
			continue;
		}
		if (next == 0) {
			futex_wait(&changed, seen);
		} else {
			struct deadline d = {HERMIT_CLOCK_MONOTONIC, next};
			futex_wait_until(&changed, seen, &d);
		}
	}
	return NULL;
}

static void start_thread(void)
{
	start_error = __eremit_signal_free_thread(timer_thread);
}

static void kick(void)
{
	FETCH_ADD(&changed, 1);
	futex_wake(&changed, WAKE_ALL);
}

int timer_create(clockid_t clock, struct sigevent *restrict ev, timer_t *restrict id)
{
	switch (clock) {
	case CLOCK_REALTIME:
	case CLOCK_MONOTONIC:
	case CLOCK_BOOTTIME:
		break;
	case CLOCK_PROCESS_CPUTIME_ID:
	case CLOCK_THREAD_CPUTIME_ID:
		errno = ENOTSUP;
		return -1;
	default:
		errno = EINVAL;
		return -1;
	}
	struct timer *t = calloc(1, sizeof *t);
	if (!t) {
		errno = EAGAIN;
		return -1;
	}
	t->clock = clock;
	if (ev) {
		t->ev = *ev;
		int ok = 0;
		switch (ev->sigev_notify) {
		case SIGEV_SIGNAL:
			ok = ev->sigev_signo >= 1 && ev->sigev_signo < NSIG;
			break;
		case SIGEV_NONE:
			ok = 1;
			break;
		case SIGEV_THREAD:
			ok = ev->sigev_notify_function != NULL;
			if (ok && ev->sigev_notify_attributes) {
				t->attr = *(pthread_attr_t *)ev->sigev_notify_attributes;
				t->has_attr = 1;
			}
			break;
		default: /* SIGEV_THREAD_ID: Linux's own, not here */
			break;
		}
		if (!ok) {
			free(t);
			errno = EINVAL;
			return -1;
		}
	} else {
		t->ev.sigev_notify = SIGEV_SIGNAL;
		t->ev.sigev_signo = SIGALRM;
	}
	pthread_once(&started, start_thread);
	if (start_error) {
		free(t);
		errno = EAGAIN;
		return -1;
	}
	internal_lock(&lock);
	t->id = next_id++;
	if (!ev)
		t->ev.sigev_value.sival_int = (int)t->id; /* Linux: the timer's id */
	t->next = timers;
	timers = t;
	internal_unlock(&lock);
	*id = (timer_t)t->id;
	return 0;
}

int timer_delete(timer_t id)
{
	internal_lock(&lock);
	struct timer **link = &timers;
	while (*link && (*link)->id != (unsigned long)id)
		link = &(*link)->next;
	struct timer *t = *link;
	if (t)
		*link = t->next;
	internal_unlock(&lock);
	if (!t) {
		errno = EINVAL;
		return -1;
	}
	free(t);
	kick();
	return 0;
}

static int valid(const struct timespec *ts)
{
	return ts->tv_sec >= 0 && ts->tv_nsec >= 0 && ts->tv_nsec < NS_PER_SEC;
}

static int64_t to_ns(const struct timespec *ts)
{
	if (ts->tv_sec > INT64_MAX / NS_PER_SEC - 1)
		return INT64_MAX / 2; /* centuries away: never, in practice */
	return (int64_t)ts->tv_sec * NS_PER_SEC + ts->tv_nsec;
}

static void to_timespec(int64_t ns, struct timespec *ts)
{
	ts->tv_sec = (time_t)(ns / NS_PER_SEC);
	ts->tv_nsec = (long)(ns % NS_PER_SEC);
}

/* Time left and interval, lock held. */
static void current(const struct timer *t, struct itimerspec *v)
{
	int64_t left = 0;
	if (t->deadline) {
		left = t->deadline - monotonic_ns();
		if (left <= 0)
			left = 1; /* due this instant: still armed */
	}
	to_timespec(left, &v->it_value);
	to_timespec(t->interval, &v->it_interval);
}

int timer_settime(timer_t id, int flags, const struct itimerspec *restrict value,
		  struct itimerspec *restrict old)
{
	if (!valid(&value->it_value) || !valid(&value->it_interval)) {
		errno = EINVAL;
		return -1;
	}
	int64_t v = to_ns(&value->it_value);
	int64_t interval = to_ns(&value->it_interval);
	internal_lock(&lock);
	struct timer *t = find((unsigned long)id);
	if (!t) {
		internal_unlock(&lock);
		errno = EINVAL;
		return -1;
	}
	if (old)
		current(t, old);
	int64_t now = monotonic_ns();
	if (v == 0) {
		t->deadline = 0;
	} else if (flags & TIMER_ABSTIME) {
		/* An absolute time on the timer's clock, as a monotonic deadline. */
		int64_t on_clock = t->clock == CLOCK_REALTIME ? now_on(HERMIT_CLOCK_REALTIME) : now;
		int64_t d = now + (v - on_clock);
		t->deadline = d > 0 ? d : 1; /* past: due at once */
	} else {
		t->deadline = now + v;
	}
	t->interval = t->deadline ? interval : 0;
	t->overrun = 0;
	internal_unlock(&lock);
	kick();
	return 0;
}

int timer_gettime(timer_t id, struct itimerspec *value)
{
	internal_lock(&lock);
	struct timer *t = find((unsigned long)id);
	if (t)
		current(t, value);
	internal_unlock(&lock);
	if (!t) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

int timer_getoverrun(timer_t id)
{
	internal_lock(&lock);
	struct timer *t = find((unsigned long)id);
	int n = t ? t->overrun : -1;
	internal_unlock(&lock);
	if (!t)
		errno = EINVAL;
	return n;
}
