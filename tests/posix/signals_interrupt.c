/* posix-test: shim=skip
 * Signals interrupt blocking calls (docs/signals.md, "When handlers run"): alarm(1)
 * ends sleep(3), which returns the seconds left, and a blocking accept and read on TCP
 * sockets (EINTR without SA_RESTART; with SA_RESTART the call goes on and returns what
 * a thread sends later); pthread_kill ends another thread's nanosleep (EINTR, the time
 * left) and runs the handler of a thread blocked in pthread_cond_wait, which goes on
 * waiting and never returns EINTR. */

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

static volatile sig_atomic_t alarms, usr1;
static struct sockaddr_in server;

static void on_alarm(int sig)
{
	if (sig == SIGALRM)
		alarms++;
}

static void on_usr1(int sig)
{
	if (sig == SIGUSR1)
		usr1++;
}

static void handle(int sig, void (*fn)(int), int flags)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = fn;
	sa.sa_flags = flags;
	sigemptyset(&sa.sa_mask);
	CHECK(sigaction(sig, &sa, NULL) == 0);
}

static void block_alarm(void)
{
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, SIGALRM);
	EXPECT(pthread_sigmask(SIG_BLOCK, &s, NULL), 0);
}

static void sleep_ms(long ms)
{
	struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};
	while (nanosleep(&t, &t) != 0)
		;
}

static const char *err(int r)
{
	if (r >= 0)
		return "ok";
	return errno == EINTR ? "EINTR" : strerror(errno);
}

static int connect_to_server(void)
{
	int c = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(c >= 0);
	CHECK(connect(c, (struct sockaddr *)&server, sizeof server) == 0);
	return c;
}

/* After 1.5 s (the alarm comes at 1 s): connects to the server. */
static void *late_connect(void *arg)
{
	block_alarm();
	sleep_ms(1500);
	*(int *)arg = connect_to_server();
	return NULL;
}

/* After 1.5 s: sends one byte on the socket. */
static void *late_send(void *arg)
{
	block_alarm();
	sleep_ms(1500);
	CHECK(write(*(int *)arg, "x", 1) == 1);
	return NULL;
}

static volatile int slept_result, slept_errno;
static struct timespec slept_rem;

static void *long_sleep(void *arg)
{
	(void)arg;
	block_alarm();
	struct timespec t = {5, 0};
	slept_result = nanosleep(&t, &slept_rem);
	slept_errno = errno;
	return NULL;
}

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int ready, waiting;
static volatile int cond_eintr;

static void *cond_waiter(void *arg)
{
	(void)arg;
	block_alarm();
	pthread_mutex_lock(&m);
	waiting = 1;
	while (!ready) {
		int r = pthread_cond_wait(&cv, &m);
		if (r == EINTR)
			cond_eintr = 1;
	}
	pthread_mutex_unlock(&m);
	return NULL;
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	handle(SIGALRM, on_alarm, 0);

	/* sleep(3) cut short after about 1 s returns the whole seconds left: glibc truncates
	 * the time left, and Linux's alarm comes a few microseconds either side of 1 s, so
	 * 1 or 2. */
	alarm(1);
	unsigned left = sleep(3);
	printf("sleep(3) with alarm(1): left 1 or 2: %d, alarms %d\n", left == 1 || left == 2,
	       alarms);

	int l = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(l >= 0);
	memset(&server, 0, sizeof server);
	server.sin_family = AF_INET;
	server.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	CHECK(bind(l, (struct sockaddr *)&server, sizeof server) == 0);
	socklen_t len = sizeof server;
	CHECK(getsockname(l, (struct sockaddr *)&server, &len) == 0);
	CHECK(listen(l, 4) == 0);

	/* No SA_RESTART: accept and read fail with EINTR. */
	alarms = 0;
	alarm(1);
	errno = 0;
	int r = accept(l, NULL, NULL);
	printf("accept, no SA_RESTART: %d %s, alarms %d\n", r, err(r), alarms);
	int c = connect_to_server();
	int a = accept(l, NULL, NULL);
	CHECK(a >= 0);
	char buf[8];
	alarm(1);
	errno = 0;
	ssize_t n = read(a, buf, sizeof buf);
	printf("read, no SA_RESTART: %zd %s, alarms %d\n", n, err((int)n), alarms);

	/* SA_RESTART: the handler runs and the call goes on. */
	handle(SIGALRM, on_alarm, SA_RESTART);
	alarms = 0;
	pthread_t t;
	int late = -1;
	EXPECT(pthread_create(&t, NULL, late_connect, &late), 0);
	alarm(1);
	int a2 = accept(l, NULL, NULL);
	printf("accept, SA_RESTART: %s, alarms %d\n", a2 >= 0 ? "a connection" : err(a2), alarms);
	EXPECT(pthread_join(t, NULL), 0);
	EXPECT(pthread_create(&t, NULL, late_send, &c), 0);
	alarm(1);
	n = read(a, buf, sizeof buf);
	printf("read, SA_RESTART: %zd '%c', alarms %d\n", n, n > 0 ? buf[0] : '?', alarms);
	EXPECT(pthread_join(t, NULL), 0);
	close(a2);
	close(late);
	close(a);
	close(c);
	close(l);

	/* pthread_kill ends another thread's nanosleep. */
	handle(SIGUSR1, on_usr1, 0);
	EXPECT(pthread_create(&t, NULL, long_sleep, NULL), 0);
	sleep_ms(300);
	EXPECT(pthread_kill(t, SIGUSR1), 0);
	EXPECT(pthread_join(t, NULL), 0);
	printf("nanosleep(5 s), pthread_kill after 0.3 s: %d %s, rem 4..5 s %d, usr1 %d\n",
	       slept_result, slept_errno == EINTR ? "EINTR" : strerror(slept_errno),
	       slept_rem.tv_sec == 4 || (slept_rem.tv_sec == 5 && slept_rem.tv_nsec == 0), usr1);

	/* pthread_kill to a thread in pthread_cond_wait: its handler runs while it waits. */
	usr1 = 0;
	EXPECT(pthread_create(&t, NULL, cond_waiter, NULL), 0);
	for (;;) {
		pthread_mutex_lock(&m);
		int w = waiting;
		pthread_mutex_unlock(&m);
		if (w)
			break;
		sleep_ms(10);
	}
	sleep_ms(200);
	EXPECT(pthread_kill(t, SIGUSR1), 0);
	int waited = 0;
	while (!usr1 && waited < 10000) {
		sleep_ms(10);
		waited += 10;
	}
	printf("cond_wait: handler ran while the thread waited: %d\n", usr1);
	pthread_mutex_lock(&m);
	ready = 1;
	pthread_cond_signal(&cv);
	pthread_mutex_unlock(&m);
	EXPECT(pthread_join(t, NULL), 0);
	printf("cond_wait returned EINTR: %d\n", cond_eintr);
	return 0;
}
