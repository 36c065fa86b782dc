/* posix-test: shim=skip
 * Rebinding a listening port while a connection accepted on it is still open (a server
 * restarting its listener, as Redis' CONFIG SET bind does): with SO_REUSEADDR bind
 * succeeds and the new listener accepts; without it bind fails with EADDRINUSE.
 * Over loopback; expected output from the native build. */

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check.h"

#define PORT 47391

static int bound(int reuse)
{
	int s = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(s >= 0);
	CHECK(setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &reuse, sizeof reuse) == 0);
	struct sockaddr_in a = {0};
	a.sin_family = AF_INET;
	a.sin_port = htons(PORT);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(s, (struct sockaddr *)&a, sizeof a) != 0) {
		printf("bind (SO_REUSEADDR %d): %s\n", reuse, errno == EADDRINUSE ? "EADDRINUSE" : "other error");
		close(s);
		return -1;
	}
	printf("bind (SO_REUSEADDR %d): ok\n", reuse);
	return s;
}

static int connected(void)
{
	int c = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {0};
	a.sin_family = AF_INET;
	a.sin_port = htons(PORT);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	CHECK(connect(c, (struct sockaddr *)&a, sizeof a) == 0);
	return c;
}

int main(void)
{
	int l = bound(1);
	CHECK(l >= 0 && listen(l, 8) == 0);
	int c = connected();
	int a = accept(l, NULL, NULL);
	CHECK(a >= 0);
	CHECK(close(l) == 0);
	/* The accepted connection still has the port. */
	CHECK(bound(0) < 0);
	l = bound(1);
	CHECK(l >= 0 && listen(l, 8) == 0);
	int c2 = connected();
	int a2 = accept(l, NULL, NULL);
	printf("new listener accepts: %d\n", a2 >= 0);
	CHECK(write(c, "x", 1) == 1);
	char ch = 0;
	printf("old connection still works: %d\n", read(a, &ch, 1) == 1 && ch == 'x');
	close(c2);
	close(a2);
	close(c);
	close(a);
	close(l);
	return 0;
}
