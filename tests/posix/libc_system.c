/* posix-test: shim=skip
 * What a program learns about its system: uname (Linux's layout; the values differ and
 * are checked loosely), gethostname, the root user and group (getpw*, getgr*, with the
 * _r variants' ERANGE), umask, getrusage, times, flock, CPU affinity and the CPU_*
 * macros. */

#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/times.h>
#include <sys/utsname.h>
#include <unistd.h>

static const char *ename(int e)
{
	switch (e) {
	case 0: return "0";
	case EINVAL: return "EINVAL";
	case ERANGE: return "ERANGE";
	case ESRCH: return "ESRCH";
	case ENAMETOOLONG: return "ENAMETOOLONG";
	case EBADF: return "EBADF";
	default: return "other";
	}
}

#define TRY(call) do { errno = 0; long r_ = (long)(call); printf("%s -> %ld %s\n", #call, r_, ename(errno)); } while (0)

static void system_names(void)
{
	struct utsname u;
	TRY(uname(&u));
	printf("utsname %zu bytes, fields of %zu; machine %s; sysname set %d; domainname set %d\n",
	       sizeof u, sizeof u.sysname, u.machine, u.sysname[0] != 0, u.domainname[0] != 0);
	char host[HOST_NAME_MAX + 1];
	TRY(gethostname(host, sizeof host));
	printf("hostname = nodename: %d\n", strcmp(host, u.nodename) == 0);
	TRY(gethostname(host, strlen(u.nodename)));
	TRY(gethostname(host, strlen(u.nodename) + 1));
}

static void users(void)
{
	struct passwd *pw = getpwuid(0);
	printf("getpwuid(0): %s uid %d gid %d dir %s shell in /bin %d\n", pw->pw_name,
	       (int)pw->pw_uid, (int)pw->pw_gid, pw->pw_dir, strncmp(pw->pw_shell, "/bin/", 5) == 0);
	pw = getpwnam("root");
	printf("getpwnam(root): uid %d\n", (int)pw->pw_uid);
	printf("unknown user: %d\n", getpwnam("no-such-user-here") == NULL);
	struct group *gr = getgrgid(0);
	printf("getgrgid(0): %s gid %d\n", gr->gr_name, (int)gr->gr_gid);
	gr = getgrnam("root");
	printf("getgrnam(root): gid %d\n", (int)gr->gr_gid);
	printf("unknown group: %d\n", getgrnam("no-such-group-here") == NULL);

	struct passwd pwbuf, *pr;
	char buf[1024], tiny[4];
	printf("getpwuid_r: %s\n", ename(getpwuid_r(0, &pwbuf, buf, sizeof buf, &pr)));
	printf("  %s %s, result set %d\n", pr->pw_name, pr->pw_dir, pr == &pwbuf);
	printf("getpwnam_r small buffer: %s\n", ename(getpwnam_r("root", &pwbuf, tiny, sizeof tiny, &pr)));
	printf("getpwnam_r unknown: %s, result NULL %d\n",
	       ename(getpwnam_r("no-such-user-here", &pwbuf, buf, sizeof buf, &pr)), pr == NULL);
	struct group grbuf, *grr;
	printf("getgrgid_r: %s\n", ename(getgrgid_r(0, &grbuf, buf, sizeof buf, &grr)));
	printf("  %s, result set %d\n", grr->gr_name, grr == &grbuf);
	printf("getgrnam_r small buffer: %s\n", ename(getgrnam_r("root", &grbuf, tiny, sizeof tiny, &grr)));
	printf("uid %d euid %d gid %d egid %d\n", (int)getuid(), (int)geteuid(), (int)getgid(),
	       (int)getegid());
}

static void process(void)
{
	mode_t old = umask(027);
	printf("umask returns the previous mask: %d\n", umask(old) == 027);
	printf("umask restored: %d\n", umask(old) == old);

	struct rusage ru;
	TRY(getrusage(RUSAGE_SELF, &ru));
	TRY(getrusage(RUSAGE_THREAD, &ru));
	TRY(getrusage(RUSAGE_CHILDREN, &ru));
	printf("children used nothing: %d\n", ru.ru_utime.tv_sec == 0 && ru.ru_utime.tv_usec == 0);
	TRY(getrusage(42, &ru));
	struct tms t;
	clock_t c = times(&t);
	printf("times: %d\n", c != (clock_t)-1);

	char path[] = "/tmp/libc-system-XXXXXX";
	int fd = mkstemp(path);
	TRY(flock(fd, LOCK_EX));
	TRY(flock(fd, LOCK_SH | LOCK_NB));
	TRY(flock(fd, LOCK_UN));
	TRY(flock(fd, 0));
	TRY(flock(fd, LOCK_SH | LOCK_EX));
	TRY(flock(99, LOCK_EX));
	close(fd);
	unlink(path);
}

static void affinity(void)
{
	long n = sysconf(_SC_NPROCESSORS_CONF);
	cpu_set_t set, other, result;
	CPU_ZERO(&set);
	TRY(sched_getaffinity(0, sizeof set, &set));
	printf("affinity covers the CPUs: %d\n", CPU_COUNT(&set) == n && CPU_ISSET(0, &set) &&
						       CPU_ISSET(n - 1, &set) && !CPU_ISSET(n, &set));
	TRY(sched_getaffinity(getpid(), sizeof set, &set));
	TRY(sched_getaffinity(0, 3, &set));
	TRY(sched_getaffinity(0, 0, &set));

	CPU_ZERO(&other);
	CPU_SET(0, &other);
	TRY(sched_setaffinity(0, sizeof other, &other));
	CPU_ZERO(&set);
	TRY(sched_getaffinity(0, sizeof set, &set));
	printf("after setting CPU 0 only: count %d, CPU 0 %d\n", CPU_COUNT(&set), CPU_ISSET(0, &set));
	CPU_ZERO(&other);
	CPU_SET(1000, &other);
	TRY(sched_setaffinity(0, sizeof other, &other));
	CPU_ZERO(&other);
	for (long i = 0; i < n; i++)
		CPU_SET(i, &other);
	TRY(sched_setaffinity(0, sizeof other, &other));

	/* The macros alone. */
	CPU_ZERO(&set);
	CPU_SET(1, &set);
	CPU_SET(70, &set);
	CPU_SET(1023, &set);
	CPU_SET(5000, &set); /* beyond the set: ignored */
	printf("count %d, isset 1 %d 2 %d 70 %d 1023 %d\n", CPU_COUNT(&set), CPU_ISSET(1, &set),
	       CPU_ISSET(2, &set), CPU_ISSET(70, &set), CPU_ISSET(1023, &set));
	CPU_CLR(70, &set);
	printf("after clear: count %d, 70 %d\n", CPU_COUNT(&set), CPU_ISSET(70, &set));
	CPU_ZERO(&other);
	CPU_SET(1, &other);
	CPU_SET(2, &other);
	CPU_AND(&result, &set, &other);
	printf("and %d, ", CPU_COUNT(&result));
	CPU_OR(&result, &set, &other);
	printf("or %d, ", CPU_COUNT(&result));
	CPU_XOR(&result, &set, &other);
	printf("xor %d, equal %d %d\n", CPU_COUNT(&result), CPU_EQUAL(&set, &set),
	       CPU_EQUAL(&set, &other));
	cpu_set_t *big = CPU_ALLOC(2048);
	size_t size = CPU_ALLOC_SIZE(2048);
	CPU_ZERO_S(size, big);
	CPU_SET_S(2000, size, big);
	printf("alloc size %zu, count %d, isset 2000 %d\n", size, CPU_COUNT_S(size, big),
	       CPU_ISSET_S(2000, size, big));
	CPU_FREE(big);
	printf("CPU_SETSIZE %d, sizeof cpu_set_t %zu\n", CPU_SETSIZE, sizeof(cpu_set_t));
}

int main(void)
{
	system_names();
	users();
	process();
	affinity();
	return 0;
}
