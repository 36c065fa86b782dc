/* The guest side of the network benchmarks (benches/drivers/bench.py): the same source is built
 * with x86_64-hermit-gcc for Eremit and with the host's `gcc -static` for the Linux
 * guest.  Serves one connection at a time on PORT (default 7777); the first byte of a
 * connection says what it wants:
 *
 *   'S'  sink: read until the client shuts down, answer the byte count (8 bytes, little
 *        endian), close (throughput host -> guest);
 *   'G' + 8-byte count: send that many bytes, close (throughput guest -> host);
 *   'E'  echo until the client shuts down (request/response latency: 1-byte ping-pong);
 *   'Q'  exit with status 0.
 *
 *   netserver [PORT]
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "listener.h"

#define BUF (256 * 1024)

static char buf[BUF];

static int send_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t k = send(fd, p, n, MSG_NOSIGNAL);
        if (k < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += k;
        n -= (size_t)k;
    }
    return 0;
}

static int recv_all(int fd, char *p, size_t n)
{
    while (n > 0) {
        ssize_t k = recv(fd, p, n, 0);
        if (k <= 0) {
            if (k < 0 && errno == EINTR)
                continue;
            return -1;
        }
        p += k;
        n -= (size_t)k;
    }
    return 0;
}

static void serve(int fd)
{
    char cmd;
    if (recv_all(fd, &cmd, 1) < 0)
        return;
    if (cmd == 'S') {
        uint64_t total = 0;
        for (;;) {
            ssize_t k = recv(fd, buf, BUF, 0);
            if (k < 0 && errno == EINTR)
                continue;
            if (k <= 0)
                break;
            total += (uint64_t)k;
        }
        unsigned char le[8];
        for (int i = 0; i < 8; i++)
            le[i] = (unsigned char)(total >> (8 * i));
        send_all(fd, (char *)le, 8);
    } else if (cmd == 'G') {
        unsigned char le[8];
        if (recv_all(fd, (char *)le, 8) < 0)
            return;
        uint64_t total = 0;
        for (int i = 0; i < 8; i++)
            total |= (uint64_t)le[i] << (8 * i);
        memset(buf, 'g', BUF);
        while (total > 0) {
            size_t k = total < BUF ? (size_t)total : BUF;
            if (send_all(fd, buf, k) < 0)
                return;
            total -= k;
        }
    } else if (cmd == 'E') {
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        for (;;) {
            ssize_t k = recv(fd, buf, BUF, 0);
            if (k < 0 && errno == EINTR)
                continue;
            if (k <= 0 || send_all(fd, buf, (size_t)k) < 0)
                break;
        }
    } else if (cmd == 'Q') {
        printf("netserver: quit\n");
        exit(0);
    }
}

int main(int argc, char **argv)
{
    int port = argc > 1 ? atoi(argv[1]) : 7777;
    int l = listen_tcp(port, 8, "netserver");
    if (l < 0)
        return 1;
    for (;;) {
        int fd = accept(l, NULL, NULL);
        if (fd < 0) {
            if (errno == EINTR)
                continue;
            perror("netserver: accept");
            return 1;
        }
        serve(fd);
        close(fd);
    }
}
