/* Whether SIGTERM sent to `eremit run` reaches a program the way Redis needs it: a
 * handler that only sets a flag, while the main thread waits in select() with a 100 ms
 * timeout (Redis' event loop and its cron). Prints "ready", then exits 42 once the flag
 * is seen; a runner that ends the VM instead gives 143 or a signal death. */

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/select.h>

static volatile sig_atomic_t asked;

static void on_term(int sig)
{
	(void)sig;
	asked = 1;
}

int main(void)
{
	struct sigaction sa = {0};
	sa.sa_handler = on_term;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGTERM, &sa, NULL) != 0)
		return 1;
	printf("ready\n");
	fflush(stdout);
	for (int i = 0; i < 600 && !asked; i++) {
		struct timeval tv = {0, 100 * 1000};
		select(0, NULL, NULL, NULL, &tv);
	}
	if (!asked)
		return 2;
	printf("handled\n");
	return 42;
}
