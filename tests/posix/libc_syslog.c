/* posix-test: shim=skip
 * syslog: with LOG_PERROR glibc copies each message to standard error as
 * "ident[pid]: message"; Eremit, which has no log daemon, writes exactly that.  Checked:
 * the LOG_* values, LOG_PID, the mask (setlogmask, LOG_UPTO), %m, a trailing newline,
 * a long message, closelog.  Standard error is captured in a file and the pid
 * replaced by "PID". */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

static char captured[16384];

/* Runs the logging calls with standard error going into a file, then prints what came
 * out of it with the pid normalised. */
static void show(const char *label, void (*calls)(void))
{
	char path[] = "/tmp/syslog-test-XXXXXX";
	int saved = dup(2), fd = mkstemp(path);
	if (saved < 0 || fd < 0 || dup2(fd, 2) < 0) {
		printf("FAILED: capture set-up\n");
		exit(1);
	}
	calls();
	dup2(saved, 2);
	close(saved);
	size_t n = 0;
	ssize_t r;
	lseek(fd, 0, SEEK_SET);
	while (n < sizeof captured - 1 && (r = read(fd, captured + n, sizeof captured - 1 - n)) > 0)
		n += (size_t)r;
	close(fd);
	unlink(path);
	captured[n] = '\0';
	char pid[32];
	snprintf(pid, sizeof pid, "[%d]", (int)getpid());
	printf("--- %s\n", label);
	for (char *s = captured; *s;) {
		char *hit = strstr(s, pid);
		if (hit == NULL) {
			fputs(s, stdout);
			break;
		}
		fwrite(s, 1, (size_t)(hit - s), stdout);
		fputs("[PID]", stdout);
		s = hit + strlen(pid);
	}
}

static void with_pid(void)
{
	openlog("tester", LOG_PID | LOG_PERROR, LOG_DAEMON);
	syslog(LOG_INFO, "hello %d", 42);
	syslog(LOG_LOCAL3 | LOG_WARNING, "with a facility");
	syslog(LOG_ERR, "ends with a newline\n");
	errno = ENOENT;
	syslog(LOG_ERR, "open failed: %m (100%%)");
	closelog();
}

static void without_pid(void)
{
	openlog("plain", LOG_PERROR, LOG_USER);
	syslog(LOG_NOTICE, "no pid here");
	char big[3000];
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	syslog(LOG_NOTICE, "%s", big);
	closelog();
}

static void masked(void)
{
	openlog("masked", LOG_PERROR, 0);
	int old = setlogmask(LOG_UPTO(LOG_WARNING));
	printf("default mask 0x%x\n", old);
	printf("mask now 0x%x\n", setlogmask(0));
	syslog(LOG_DEBUG, "debug: dropped");
	syslog(LOG_INFO, "info: dropped");
	syslog(LOG_WARNING, "warning: kept");
	syslog(LOG_CRIT, "crit: kept");
	setlogmask(LOG_MASK(LOG_INFO));
	syslog(LOG_INFO, "info: kept");
	syslog(LOG_ERR, "err: dropped");
	setlogmask(old);
	closelog();
}

int main(void)
{
	printf("priorities %d %d %d %d %d %d %d %d\n", LOG_EMERG, LOG_ALERT, LOG_CRIT, LOG_ERR,
	       LOG_WARNING, LOG_NOTICE, LOG_INFO, LOG_DEBUG);
	printf("facilities %d %d %d %d %d %d %d %d %d %d %d %d %d %d\n", LOG_KERN, LOG_USER,
	       LOG_MAIL, LOG_DAEMON, LOG_AUTH, LOG_SYSLOG, LOG_LPR, LOG_NEWS, LOG_UUCP, LOG_CRON,
	       LOG_AUTHPRIV, LOG_FTP, LOG_LOCAL0, LOG_LOCAL7);
	printf("options %d %d %d %d %d %d\n", LOG_PID, LOG_CONS, LOG_ODELAY, LOG_NDELAY,
	       LOG_NOWAIT, LOG_PERROR);
	printf("macros %d %d %d %d %d 0x%x\n", LOG_PRI(LOG_LOCAL1 | LOG_ERR),
	       LOG_FAC(LOG_LOCAL1 | LOG_ERR), LOG_MASK(LOG_ERR), LOG_UPTO(LOG_ERR),
	       LOG_MAKEPRI(LOG_USER, LOG_INFO), LOG_FACMASK);
	show("with LOG_PID", with_pid);
	show("without LOG_PID", without_pid);
	show("mask", masked);
	return 0;
}
