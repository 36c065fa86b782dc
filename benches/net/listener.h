/* The benchmark servers' listening socket (netserver.c, httpserver.c): TCP on every IPv4
 * address at PORT, SO_REUSEADDR so a rerun binds at once. Prints NAME's error and
 * returns -1 when it cannot listen. */
#ifndef EREMIT_BENCH_LISTENER_H
#define EREMIT_BENCH_LISTENER_H

#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int listen_tcp(int port, int backlog, const char *name)
{
    int l = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)port);
    a.sin_addr.s_addr = htonl(INADDR_ANY);
    if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof a) < 0 || listen(l, backlog) < 0) {
        fprintf(stderr, "%s: socket/bind/listen: %s\n", name, strerror(errno));
        if (l >= 0)
            close(l);
        return -1;
    }
    printf("%s: listening on port %d\n", name, port);
    fflush(stdout);
    return l;
}

#endif
