/* A TCP echo server with poll(): one thread serves every connection at once.  Listens
 * on PORT (default 7777) and exits with status 0 once CONNECTIONS connections (default
 * 1; 0: never) have been closed.  Plain POSIX: builds on Linux as it is.
 *
 *   echo-server [CONNECTIONS [PORT]]
 *
 * In Eremit, reachable from the host with QEMU's user network and a forwarded port:
 *   eremit run --net user --forward tcp:7777:7777 echo-server 3
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_CLIENTS 64
#define BUF_SIZE (64 * 1024)

struct client {
    int fd;
    char peer[INET_ADDRSTRLEN + 8];
    char *buf;           /* received, not yet echoed: buf[start..end) */
    size_t start, end;
    int eof;             /* the peer has shut down its side */
    unsigned long long echoed;
};

static struct client clients[MAX_CLIENTS];
static int nclients;

static void die(const char *what)
{
    fprintf(stderr, "echo-server: %s: %s\n", what, strerror(errno));
    exit(1);
}

static void drop(int i, long *closed)
{
    struct client *c = &clients[i];
    printf("closed %s after %llu bytes\n", c->peer, c->echoed);
    fflush(stdout);
    close(c->fd);
    free(c->buf);
    clients[i] = clients[--nclients];
    ++*closed;
}

/* Reads what there is room for; 0 to keep the client, -1 to drop it. */
static int on_readable(struct client *c)
{
    ssize_t n = recv(c->fd, c->buf + c->end, BUF_SIZE - c->end, 0);
    if (n > 0) {
        c->end += (size_t)n;
        return 0;
    }
    if (n == 0) {
        c->eof = 1;
        return 0;
    }
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
        return 0;
    fprintf(stderr, "echo-server: recv from %s: %s\n", c->peer, strerror(errno));
    return -1;
}

static int on_writable(struct client *c)
{
    ssize_t n = send(c->fd, c->buf + c->start, c->end - c->start, MSG_NOSIGNAL);
    if (n >= 0) {
        c->start += (size_t)n;
        c->echoed += (unsigned long long)n;
        if (c->start == c->end)
            c->start = c->end = 0; /* all of the buffer free again */
        return 0;
    }
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
        return 0;
    fprintf(stderr, "echo-server: send to %s: %s\n", c->peer, strerror(errno));
    return -1;
}

static void accept_all(int listener)
{
    for (;;) {
        struct sockaddr_in peer;
        socklen_t len = sizeof peer;
        int fd = accept(listener, (struct sockaddr *)&peer, &len);
        if (fd < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
                return;
            die("accept");
        }
        if (nclients == MAX_CLIENTS) {
            fprintf(stderr, "echo-server: too many connections, refusing one\n");
            close(fd);
            continue;
        }
        /* Non-blocking, with ioctl (fcntl for the listener, below). */
        int on = 1;
        if (ioctl(fd, FIONBIO, &on) < 0)
            die("ioctl(FIONBIO)");
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
        struct client *c = &clients[nclients++];
        memset(c, 0, sizeof *c);
        c->fd = fd;
        c->buf = malloc(BUF_SIZE);
        if (c->buf == NULL)
            die("malloc");
        char addr[INET_ADDRSTRLEN];
        inet_ntop(AF_INET, &peer.sin_addr, addr, sizeof addr);
        snprintf(c->peer, sizeof c->peer, "%s:%u", addr, ntohs(peer.sin_port));
        printf("accepted %s (%d open)\n", c->peer, nclients);
        fflush(stdout);
    }
}

int main(int argc, char **argv)
{
    long want = argc > 1 ? atol(argv[1]) : 1;
    int port = argc > 2 ? atoi(argv[2]) : 7777;

    int listener = socket(AF_INET, SOCK_STREAM, 0);
    if (listener < 0)
        die("socket");
    int on = 1;
    if (setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) < 0)
        die("setsockopt(SO_REUSEADDR)");
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((unsigned short)port);
    addr.sin_addr.s_addr = htonl(INADDR_ANY);
    if (bind(listener, (struct sockaddr *)&addr, sizeof addr) < 0)
        die("bind");
    if (listen(listener, 16) < 0)
        die("listen");
    int fl = fcntl(listener, F_GETFL);
    if (fl < 0 || fcntl(listener, F_SETFL, fl | O_NONBLOCK) < 0)
        die("fcntl(O_NONBLOCK)");
    printf("echo-server: listening on port %d, exiting after %ld connections\n", port, want);
    fflush(stdout);

    long closed = 0;
    struct pollfd fds[MAX_CLIENTS + 1];
    while (want == 0 || closed < want) {
        fds[0].fd = listener;
        fds[0].events = POLLIN;
        for (int i = 0; i < nclients; i++) {
            struct client *c = &clients[i];
            fds[i + 1].fd = c->fd;
            fds[i + 1].events = 0;
            if (!c->eof && c->end < BUF_SIZE)
                fds[i + 1].events |= POLLIN;
            if (c->start < c->end)
                fds[i + 1].events |= POLLOUT;
        }
        int n = nclients;
        if (poll(fds, (nfds_t)n + 1, -1) < 0) {
            if (errno == EINTR)
                continue;
            die("poll");
        }
        /* From the end, so that dropping (which moves the last client) is safe. */
        for (int i = n - 1; i >= 0; i--) {
            struct client *c = &clients[i];
            short r = fds[i + 1].revents;
            int bad = 0;
            if (r & POLLNVAL)
                bad = -1;
            if (!bad && (r & (POLLIN | POLLHUP | POLLERR)) && !c->eof && c->end < BUF_SIZE)
                bad = on_readable(c);
            if (!bad && (r & (POLLOUT | POLLERR)) && c->start < c->end)
                bad = on_writable(c);
            /* Everything echoed and the peer done: close our side too. */
            if (bad || (c->eof && c->start == c->end))
                drop(i, &closed);
        }
        if (fds[0].revents & POLLIN)
            accept_all(listener);
    }
    close(listener);
    printf("echo-server: %ld connections served, exiting\n", closed);
    fflush(stdout);
    /* On Linux, what closed connections still have queued goes out after the process
     * exits; Eremit ends the VM at exit (and its sending may pause for up to a second
     * under load), so give the last echoes time to leave. */
    sleep(2);
    return 0;
}
