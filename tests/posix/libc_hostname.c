/* posix-test: native=skip shim=skip
 * Eremit's own values, which the host's would not match (and setting the host's name
 * needs privileges): uname's sysname, machine and first host name; sethostname with
 * Linux's limits (HOST_NAME_MAX, EINVAL beyond); getloadavg, which
 * has no load to report (-1, ENOSYS).  Expected output written by hand. */

#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

int main(void)
{
	struct utsname u;
	char name[HOST_NAME_MAX + 1], big[HOST_NAME_MAX + 2];
	uname(&u);
	printf("sysname %s, nodename %s, machine %s, domainname %s, release set %d\n", u.sysname,
	       u.nodename, u.machine, u.domainname, u.release[0] != 0);

	printf("sethostname: %d\n", sethostname("web-1", 5));
	gethostname(name, sizeof name);
	uname(&u);
	printf("hostname %s, nodename %s\n", name, u.nodename);
	memset(big, 'h', sizeof big);
	printf("64 bytes: %d\n", sethostname(big, HOST_NAME_MAX));
	gethostname(name, sizeof name);
	printf("length %zu\n", strlen(name));
	errno = 0;
	int r = sethostname(big, HOST_NAME_MAX + 1);
	printf("65 bytes: %d %s\n", r, errno == EINVAL ? "EINVAL" : "other");
	errno = 0;
	r = gethostname(name, 10);
	printf("small buffer: %d %s\n", r, errno == ENAMETOOLONG ? "ENAMETOOLONG" : "other");

	getdomainname(name, sizeof name);
	printf("domainname %s\n", name);

	double load[3];
	errno = 0;
	r = getloadavg(load, 3);
	printf("getloadavg: %d %s\n", r, errno == ENOSYS ? "ENOSYS" : "other");
	return 0;
}
