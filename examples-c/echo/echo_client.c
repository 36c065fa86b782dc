/* A TCP echo client with select(): connects to HOST PORT (IPv4 or IPv6, resolved with
 * getaddrinfo, a non-blocking connect finished with select and SO_ERROR), sends BYTES
 * bytes of a pattern while reading the echo, shuts its side down, and checks that
 * everything came back unchanged.  Exit status 0 when it did.  Plain POSIX: builds on Linux as it is.
 *
 *   echo-client HOST PORT [BYTES]
 *
 * In Eremit with QEMU's user network, the host is 10.0.2.2:
 *   eremit run --net user echo-client 10.0.2.2 7777 1048576
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static void die(const char *what)
{
    fprintf(stderr, "echo-client: %s: %s\n", what, strerror(errno));
    exit(1);
}

static unsigned char pattern(size_t i)
{
    return (unsigned char)(i % 251);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: echo-client HOST PORT [BYTES]\n");
        return 2;
    }
    size_t total = argc > 3 ? strtoul(argv[3], NULL, 0) : 1 << 20;

    struct addrinfo hints, *res;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    int e = getaddrinfo(argv[1], argv[2], &hints, &res);
    if (e != 0) {
        fprintf(stderr, "echo-client: getaddrinfo %s %s: %s\n", argv[1], argv[2], gai_strerror(e));
        return 1;
    }
    char addr[INET_ADDRSTRLEN];
    struct sockaddr_in *sin = (struct sockaddr_in *)res->ai_addr;
    inet_ntop(AF_INET, &sin->sin_addr, addr, sizeof addr);

    int fd = socket(res->ai_family, res->ai_socktype | SOCK_NONBLOCK, res->ai_protocol);
    if (fd < 0)
        die("socket");
    double start = now();
    if (connect(fd, res->ai_addr, res->ai_addrlen) < 0) {
        if (errno != EINPROGRESS)
            die("connect");
        fd_set w;
        FD_ZERO(&w);
        FD_SET(fd, &w);
        struct timeval tv = {30, 0};
        int r = select(fd + 1, NULL, &w, NULL, &tv);
        if (r < 0)
            die("select (connect)");
        if (r == 0) {
            fprintf(stderr, "echo-client: connect to %s:%s: timed out\n", addr, argv[2]);
            return 1;
        }
        int err = 0;
        socklen_t len = sizeof err;
        if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
            die("getsockopt(SO_ERROR)");
        if (err != 0) {
            errno = err;
            die("connect");
        }
    }
    freeaddrinfo(res);
    struct sockaddr_in local;
    socklen_t len = sizeof local;
    if (getsockname(fd, (struct sockaddr *)&local, &len) < 0)
        die("getsockname");
    char laddr[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &local.sin_addr, laddr, sizeof laddr);
    printf("connected %s:%u -> %s:%s\n", laddr, ntohs(local.sin_port), addr, argv[2]);
    fflush(stdout);

    unsigned char *out = malloc(65536), *in = malloc(65536);
    if (out == NULL || in == NULL)
        die("malloc");
    size_t sent = 0, received = 0;
    int shut = 0;
    while (received < total || !shut) {
        fd_set r, w;
        FD_ZERO(&r);
        FD_ZERO(&w);
        FD_SET(fd, &r);
        if (sent < total)
            FD_SET(fd, &w);
        struct timeval tv = {60, 0};
        int n = select(fd + 1, &r, &w, NULL, &tv);
        if (n < 0)
            die("select");
        if (n == 0) {
            fprintf(stderr, "echo-client: no progress for 60 s (sent %zu, received %zu)\n",
                    sent, received);
            return 1;
        }
        if (FD_ISSET(fd, &w) && sent < total) {
            size_t k = total - sent < 65536 ? total - sent : 65536;
            for (size_t i = 0; i < k; i++)
                out[i] = pattern(sent + i);
            ssize_t m = send(fd, out, k, MSG_NOSIGNAL);
            if (m < 0 && errno != EAGAIN)
                die("send");
            if (m > 0)
                sent += (size_t)m;
        }
        if (sent == total && !shut) {
            if (shutdown(fd, SHUT_WR) < 0)
                die("shutdown");
            shut = 1;
        }
        if (FD_ISSET(fd, &r)) {
            ssize_t m = recv(fd, in, 65536, 0);
            if (m < 0 && errno != EAGAIN)
                die("recv");
            if (m == 0) {
                fprintf(stderr, "echo-client: the server closed after %zu of %zu bytes\n",
                        received, total);
                return 1;
            }
            for (ssize_t i = 0; i < m; i++)
                if (in[i] != pattern(received + (size_t)i)) {
                    fprintf(stderr, "echo-client: byte %zu differs\n", received + (size_t)i);
                    return 1;
                }
            if (m > 0)
                received += (size_t)m;
        }
    }
    /* The server closes after the echo: end of stream. */
    ssize_t m = recv(fd, in, 1, 0);
    while (m < 0 && errno == EAGAIN) {
        fd_set r;
        FD_ZERO(&r);
        FD_SET(fd, &r);
        struct timeval tv = {30, 0};
        if (select(fd + 1, &r, NULL, NULL, &tv) <= 0)
            break;
        m = recv(fd, in, 1, 0);
    }
    double secs = now() - start;
    close(fd);
    if (m != 0) {
        fprintf(stderr, "echo-client: expected the end of the stream, got %zd\n", m);
        return 1;
    }
    printf("echo ok %zu bytes in %.3f s\n", total, secs);
    return 0;
}
