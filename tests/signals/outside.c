/* Signals sent from outside (tests/signal_tests.py sends them to `eremit run`, or to
 * this program built natively): prints "ready" once its handlers are in place, then
 * waits in pause() for what the test sends.
 *
 *   outside handler   SIGTERM and SIGINT: a line, then exit(7) (a service saving its data)
 *   outside default   no handler: the signal ends it (128+n)
 *   outside count     SIGUSR1 and SIGUSR2 counted, SIGHUP ignored, SIGTERM left at its
 *                     default (ends it, 143)
 *   outside sigwait   SIGINT blocked and taken with sigwait
 *   outside slow      SIGTERM's handler says so, then sleeps 60 s before exit(7) */

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t usr1, usr2;

static void say(const char *s)
{
	(void)!write(1, s, strlen(s));
}

static void saving(int sig)
{
	char line[64];
	snprintf(line, sizeof line, "got signal %d, saving\n", sig);
	say(line);
	exit(7);
}

static void counted(int sig)
{
	char line[32];
	if (sig == SIGUSR1)
		snprintf(line, sizeof line, "SIGUSR1 %d\n", ++usr1);
	else
		snprintf(line, sizeof line, "SIGUSR2 %d\n", ++usr2);
	say(line);
}

static void slow(int sig)
{
	(void)sig;
	say("handler sleeping\n");
	sleep(60);
	exit(7);
}

static void on(int sig, void (*handler)(int))
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = handler;
	sigemptyset(&sa.sa_mask);
	if (sigaction(sig, &sa, NULL) != 0) {
		perror("sigaction");
		exit(2);
	}
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "default";
	if (!strcmp(mode, "handler")) {
		on(SIGTERM, saving);
		on(SIGINT, saving);
	} else if (!strcmp(mode, "count")) {
		on(SIGUSR1, counted);
		on(SIGUSR2, counted);
		on(SIGHUP, SIG_IGN);
	} else if (!strcmp(mode, "slow")) {
		on(SIGTERM, slow);
	} else if (!strcmp(mode, "sigwait")) {
		sigset_t set;
		sigemptyset(&set);
		sigaddset(&set, SIGINT);
		sigprocmask(SIG_BLOCK, &set, NULL);
		say("ready\n");
		int sig = 0;
		int e = sigwait(&set, &sig);
		printf("sigwait: %d, signal %d\n", e, sig);
		return 0;
	} else if (strcmp(mode, "default") != 0) {
		fprintf(stderr, "unknown mode %s\n", mode);
		return 2;
	}
	say("ready\n");
	for (;;)
		pause();
}
