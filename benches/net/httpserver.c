#define _GNU_SOURCE /* memmem */
/* The keep-alive HTTP server of the network benchmark (benches/drivers/netbench.py): one
 * thread, poll() over the listener and every connection, the same source built with
 * x86_64-hermit-gcc for Eremit and with the host's `gcc -static` for the Linux guest.
 *
 * Every request (a head ending in an empty line; no body is read) gets the same small
 * answer; the connection stays open unless the request says `Connection: close` or is
 * HTTP/1.0 without `Connection: keep-alive`. `GET /quit` answers, then exits with 0.
 *
 *   httpserver [PORT]      (default 8080)
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "listener.h"

#define MAX_CONNS 256
#define REQ_MAX 4096

static const char BODY[] = "Hello from the benchmark server.\n";

struct conn {
    int fd;
    size_t used;          /* bytes of an unfinished request head in req */
    char req[REQ_MAX];
};

static struct conn conns[MAX_CONNS];
static struct pollfd fds[MAX_CONNS + 1];

static int send_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t k = send(fd, p, n, MSG_NOSIGNAL);
        if (k < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                /* The socket buffer is full (a large pipelined batch): wait for room. */
                struct pollfd w = {.fd = fd, .events = POLLOUT};
                poll(&w, 1, 1000);
                continue;
            }
            return -1;
        }
        p += k;
        n -= (size_t)k;
    }
    return 0;
}

/* Whether the request head in [p, p+n) leaves the connection open. */
static int keeps_alive(const char *p, size_t n)
{
    int keep = n >= 8 && memmem(p, n, "HTTP/1.1", 8) != NULL;
    const char *h = p;
    const char *end = p + n;
    while (h < end) {
        const char *eol = memchr(h, '\n', (size_t)(end - h));
        if (!eol)
            break;
        if ((size_t)(eol - h) > 11 && strncasecmp(h, "connection:", 11) == 0) {
            const char *v = h + 11;
            while (v < eol && (*v == ' ' || *v == '\t'))
                v++;
            if ((size_t)(eol - v) >= 5 && strncasecmp(v, "close", 5) == 0)
                keep = 0;
            else if ((size_t)(eol - v) >= 10 && strncasecmp(v, "keep-alive", 10) == 0)
                keep = 1;
        }
        h = eol + 1;
    }
    return keep;
}

/* Answers every complete request in c's buffer; -1: close the connection. */
static int serve(struct conn *c)
{
    char *start = c->req;
    size_t left = c->used;
    char out[512];
    for (;;) {
        char *end = memmem(start, left, "\r\n\r\n", 4);
        if (!end)
            break;
        size_t len = (size_t)(end - start) + 4;
        int keep = keeps_alive(start, len);
        int quit = left >= 10 && strncmp(start, "GET /quit ", 10) == 0;
        int n = snprintf(out, sizeof out,
                         "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %zu\r\n"
                         "Connection: %s\r\n\r\n%s",
                         sizeof BODY - 1, keep && !quit ? "keep-alive" : "close", BODY);
        if (send_all(c->fd, out, (size_t)n) < 0)
            return -1;
        if (quit) {
            shutdown(c->fd, SHUT_WR);
            printf("httpserver: quit\n");
            fflush(stdout);
            exit(0);
        }
        if (!keep)
            return -1;
        start += len;
        left -= len;
    }
    if (left == REQ_MAX)
        return -1; /* a head larger than the buffer: not ours to serve */
    memmove(c->req, start, left);
    c->used = left;
    return 0;
}

int main(int argc, char **argv)
{
    int port = argc > 1 ? atoi(argv[1]) : 8080;
    int one = 1;
    int l = listen_tcp(port, 128, "httpserver");
    if (l < 0)
        return 1;
    size_t n = 0;
    for (;;) {
        fds[0].fd = l;
        fds[0].events = POLLIN;
        for (size_t i = 0; i < n; i++) {
            fds[i + 1].fd = conns[i].fd;
            fds[i + 1].events = POLLIN;
            fds[i + 1].revents = 0;
        }
        if (poll(fds, n + 1, -1) < 0) {
            if (errno == EINTR)
                continue;
            perror("httpserver: poll");
            return 1;
        }
        /* Connections first (backwards, so that closing one moves only those done). */
        for (size_t i = n; i-- > 0;) {
            if (!fds[i + 1].revents)
                continue;
            struct conn *c = &conns[i];
            ssize_t k = recv(c->fd, c->req + c->used, REQ_MAX - c->used, 0);
            if (k < 0 && (errno == EINTR || errno == EAGAIN))
                continue;
            int done = k <= 0;
            if (!done) {
                c->used += (size_t)k;
                done = serve(c) < 0;
            }
            if (done) {
                close(c->fd);
                conns[i].fd = conns[n - 1].fd;
                conns[i].used = conns[n - 1].used;
                memcpy(conns[i].req, conns[n - 1].req, conns[n - 1].used);
                n--;
            }
        }
        if (fds[0].revents & POLLIN) {
            int fd = accept(l, NULL, NULL);
            if (fd < 0)
                continue;
            if (n == MAX_CONNS) {
                close(fd);
                continue;
            }
            setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            conns[n].fd = fd;
            conns[n].used = 0;
            n++;
        }
    }
}
