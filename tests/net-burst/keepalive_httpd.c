/* A small keep-alive HTTP/1.1 server on poll(), for running short of memory: every
 * request mallocs its response (BODY bytes), so the heap is shared between the
 * application and the kernel's sockets. GET /quit ends it with exit code 0 and a
 * summary. What fails for lack of memory (accept, malloc, a read or write with ENOMEM)
 * is counted and answered (503 or closing that connection), never fatal: a server at
 * the edge of its memory keeps serving the rest.
 *
 * Usage: keepalive-httpd [BODY]   (port 8080, default body 16384 bytes) */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONNS 64
#define REQ_MAX 2048

struct conn {
    int fd;
    size_t len;
    char req[REQ_MAX];
};

static struct conn conns[MAX_CONNS];
static long requests, accepted, no_memory, closed_on_error;

static void sleep_ms(long ms) {
    struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&t, NULL);
}

static int write_all(int fd, const char *p, size_t n) {
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Answers one request; returns 1 for /quit, -1 when the connection must close. */
static int respond(struct conn *c, size_t body_len) {
    int quit = strncmp(c->req, "GET /quit ", 10) == 0;
    char head[160];
    char *body = malloc(body_len);
    int n;
    if (body == NULL) {
        no_memory++;
        n = snprintf(head, sizeof head, "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n");
        return write_all(c->fd, head, (size_t)n) < 0 ? -1 : 0;
    }
    for (size_t i = 0; i < body_len; i++)
        body[i] = (char)('a' + i % 26);
    n = snprintf(head, sizeof head, "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\nConnection: keep-alive\r\n\r\n",
                 body_len);
    int r = write_all(c->fd, head, (size_t)n) < 0 || write_all(c->fd, body, body_len) < 0 ? -1 : 0;
    free(body);
    if (r < 0) {
        if (errno == ENOMEM)
            no_memory++;
        return -1;
    }
    requests++;
    return quit;
}

static void drop(struct conn *c) {
    close(c->fd);
    c->fd = -1;
    c->len = 0;
}

int main(int argc, char **argv) {
    size_t body_len = argc > 1 ? (size_t)atol(argv[1]) : 16384;
    int s = socket(AF_INET, SOCK_STREAM, 0);
    if (s < 0) {
        perror("socket");
        return 1;
    }
    int one = 1;
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(8080)};
    if (bind(s, (struct sockaddr *)&a, sizeof a) < 0) {
        perror("bind");
        return 1;
    }
    while (listen(s, 16) < 0) {
        /* Short of memory: a server tries again rather than give up. */
        perror("listen");
        if (errno != ENOMEM)
            return 1;
        sleep_ms(100);
    }
    printf("listening\n");
    fflush(stdout);
    for (int i = 0; i < MAX_CONNS; i++)
        conns[i].fd = -1;
    int quit = 0;
    while (!quit) {
        struct pollfd p[MAX_CONNS + 1];
        int idx[MAX_CONNS + 1];
        int n = 0;
        p[n].fd = s;
        p[n].events = POLLIN;
        idx[n++] = -1;
        for (int i = 0; i < MAX_CONNS; i++)
            if (conns[i].fd >= 0) {
                p[n].fd = conns[i].fd;
                p[n].events = POLLIN;
                idx[n++] = i;
            }
        if (poll(p, (nfds_t)n, 1000) < 0) {
            if (errno == ENOMEM) {
                no_memory++;
                sleep_ms(10);
                continue;
            }
            perror("poll");
            return 1;
        }
        if (p[0].revents & POLLIN) {
            int c = accept(s, NULL, NULL);
            if (c < 0) {
                if (errno == ENOMEM || errno == ENOBUFS)
                    no_memory++;
                sleep_ms(10);
            } else {
                int slot = -1;
                for (int i = 0; i < MAX_CONNS && slot < 0; i++)
                    if (conns[i].fd < 0)
                        slot = i;
                if (slot < 0) {
                    close(c);
                } else {
                    conns[slot].fd = c;
                    conns[slot].len = 0;
                    accepted++;
                }
            }
        }
        for (int k = 1; k < n && !quit; k++) {
            if (!(p[k].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            struct conn *c = &conns[idx[k]];
            ssize_t r = read(c->fd, c->req + c->len, REQ_MAX - 1 - c->len);
            if (r <= 0) {
                if (r < 0) {
                    closed_on_error++;
                    if (errno == ENOMEM)
                        no_memory++;
                }
                drop(c);
                continue;
            }
            c->len += (size_t)r;
            c->req[c->len] = 0;
            char *end;
            while (c->fd >= 0 && (end = strstr(c->req, "\r\n\r\n")) != NULL) {
                int q = respond(c, body_len);
                if (q < 0) {
                    closed_on_error++;
                    drop(c);
                    break;
                }
                quit |= q;
                size_t used = (size_t)(end + 4 - c->req);
                memmove(c->req, end + 4, c->len - used + 1);
                c->len -= used;
            }
            if (c->fd >= 0 && c->len >= REQ_MAX - 1) {
                closed_on_error++;
                drop(c);
            }
        }
    }
    for (int i = 0; i < MAX_CONNS; i++)
        if (conns[i].fd >= 0)
            drop(&conns[i]);
    close(s);
    printf("served %ld requests on %ld connections (%ld short of memory, %ld closed on errors)\n", requests,
           accepted, no_memory, closed_on_error);
    return 0;
}
