/* reliability: net=none timeout=240
 *
 * A program talking to itself over 127.0.0.1, without a network device (issue 14, item
 * 4; net_loopback_user.c runs the same with `--net user`): a TCP server thread and
 * several clients moving 1 MiB each way with checksums, poll on listener and
 * connections, getsockname/getpeername, a UDP echo, a refused connection to a closed
 * port, a listener on 127.0.0.2 (all of 127/8 is loopback), "localhost" through
 * getaddrinfo, a listener on 0.0.0.0 reached through 127.0.0.1, and a full backlog
 * making further connects wait for accept (blocking ones, and non-blocking ones that
 * complete once a single-threaded server's accept makes room). */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define CONNECTIONS 4
#define BYTES (1024 * 1024)

static void fail(const char *what) {
    printf("FAIL %s: %s\n", what, strerror(errno));
    exit(1);
}

/* Byte i of the stream `seed` sends. */
static unsigned char pattern(unsigned seed, size_t i) {
    return (unsigned char)((i * 31 + seed * 7 + (i >> 12)) & 0xff);
}

static uint32_t checksum_add(uint32_t sum, const unsigned char *p, size_t n) {
    for (size_t i = 0; i < n; i++)
        sum = sum * 33 + p[i];
    return sum;
}

static uint32_t expected_checksum(unsigned seed) {
    uint32_t sum = 5381;
    for (size_t i = 0; i < BYTES; i++) {
        unsigned char b = pattern(seed, i);
        sum = checksum_add(sum, &b, 1);
    }
    return sum;
}

static void send_all(int fd, unsigned seed) {
    static __thread unsigned char buf[16384];
    size_t sent = 0;
    while (sent < BYTES) {
        size_t n = sizeof buf < BYTES - sent ? sizeof buf : BYTES - sent;
        for (size_t i = 0; i < n; i++)
            buf[i] = pattern(seed, sent + i);
        size_t off = 0;
        while (off < n) {
            ssize_t w = send(fd, buf + off, n - off, 0);
            if (w <= 0)
                fail("send");
            off += (size_t)w;
        }
        sent += n;
    }
}

/* Reads to end of file; returns the checksum, and the length in *len. */
static uint32_t recv_all(int fd, size_t *len) {
    static __thread unsigned char buf[20000];
    uint32_t sum = 5381;
    *len = 0;
    for (;;) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (poll(&p, 1, 30000) != 1 || !(p.revents & POLLIN))
            fail("poll for data");
        ssize_t r = recv(fd, buf, sizeof buf, 0);
        if (r < 0)
            fail("recv");
        if (r == 0)
            return sum;
        sum = checksum_add(sum, buf, (size_t)r);
        *len += (size_t)r;
    }
}

static int listener(const char *addr, int backlog, struct sockaddr_in *bound) {
    int s = socket(AF_INET, SOCK_STREAM, 0);
    if (s < 0)
        fail("socket");
    int one = 1;
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = 0};
    inet_pton(AF_INET, addr, &a.sin_addr);
    if (bind(s, (struct sockaddr *)&a, sizeof a) < 0)
        fail("bind");
    if (listen(s, backlog) < 0)
        fail("listen");
    socklen_t len = sizeof *bound;
    if (getsockname(s, (struct sockaddr *)bound, &len) < 0)
        fail("getsockname");
    return s;
}

static int tcp_listener;

/* Serves CONNECTIONS clients one after another: reads 1 MiB, answers its checksum
 * and 1 MiB of its own. */
static void *server(void *arg) {
    (void)arg;
    for (int c = 0; c < CONNECTIONS; c++) {
        struct pollfd p = {.fd = tcp_listener, .events = POLLIN};
        if (poll(&p, 1, 30000) != 1 || !(p.revents & POLLIN))
            fail("poll for a connection");
        struct sockaddr_in peer;
        socklen_t len = sizeof peer;
        int fd = accept(tcp_listener, (struct sockaddr *)&peer, &len);
        if (fd < 0)
            fail("accept");
        struct sockaddr_in local, peer2;
        socklen_t l1 = sizeof local, l2 = sizeof peer2;
        if (getsockname(fd, (struct sockaddr *)&local, &l1) < 0 ||
            getpeername(fd, (struct sockaddr *)&peer2, &l2) < 0)
            fail("server names");
        char la[32], pa[32];
        inet_ntop(AF_INET, &local.sin_addr, la, sizeof la);
        inet_ntop(AF_INET, &peer.sin_addr, pa, sizeof pa);
        size_t got;
        uint32_t sum = recv_all(fd, &got);
        printf("server %d: local %s, peer %s, peer port %s, received %zu bytes, checksum %s\n", c,
               la, pa, peer.sin_port == peer2.sin_port ? "same" : "differs", got,
               sum == expected_checksum(100 + c) ? "ok" : "WRONG");
        send_all(fd, 200 + c);
        close(fd);
    }
    return NULL;
}

static void tcp_test(void) {
    struct sockaddr_in addr;
    tcp_listener = listener("127.0.0.1", 8, &addr);
    pthread_t t;
    pthread_create(&t, NULL, server, NULL);
    for (int c = 0; c < CONNECTIONS; c++) {
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        if (c % 2) {
            int one = 1;
            setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        }
        if (connect(fd, (struct sockaddr *)&addr, sizeof addr) < 0)
            fail("connect");
        struct sockaddr_in local, peer;
        socklen_t l1 = sizeof local, l2 = sizeof peer;
        if (getsockname(fd, (struct sockaddr *)&local, &l1) < 0 ||
            getpeername(fd, (struct sockaddr *)&peer, &l2) < 0)
            fail("client names");
        printf("client %d: local 127.0.0.1 %s, port %s, peer is the listener %s\n", c,
               local.sin_addr.s_addr == htonl(INADDR_LOOPBACK) ? "yes" : "no",
               local.sin_port != 0 ? "set" : "zero",
               peer.sin_port == addr.sin_port && peer.sin_addr.s_addr == addr.sin_addr.s_addr ? "yes"
                                                                                             : "no");
        struct pollfd p = {.fd = fd, .events = POLLOUT};
        printf("client %d: poll POLLOUT %s\n", c,
               poll(&p, 1, 1000) == 1 && (p.revents & POLLOUT) ? "yes" : "no");
        send_all(fd, 100 + c);
        shutdown(fd, SHUT_WR);
        size_t got;
        uint32_t sum = recv_all(fd, &got);
        printf("client %d: received %zu bytes, checksum %s\n", c, got,
               sum == expected_checksum(200 + c) ? "ok" : "WRONG");
        close(fd);
    }
    pthread_join(t, NULL);
    close(tcp_listener);
}

static int udp_server;

static void *udp_echo(void *arg) {
    (void)arg;
    char buf[2048];
    for (;;) {
        struct sockaddr_in from;
        socklen_t len = sizeof from;
        ssize_t n = recvfrom(udp_server, buf, sizeof buf, 0, (struct sockaddr *)&from, &len);
        if (n < 0)
            fail("recvfrom (echo)");
        if (sendto(udp_server, buf, (size_t)n, 0, (struct sockaddr *)&from, len) != n)
            fail("sendto (echo)");
        if (n == 4 && memcmp(buf, "quit", 4) == 0)
            return NULL;
    }
}

static void udp_test(void) {
    udp_server = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    if (bind(udp_server, (struct sockaddr *)&addr, sizeof addr) < 0)
        fail("udp bind");
    socklen_t alen = sizeof addr;
    getsockname(udp_server, (struct sockaddr *)&addr, &alen);
    pthread_t t;
    pthread_create(&t, NULL, udp_echo, NULL);
    int c = socket(AF_INET, SOCK_DGRAM, 0);
    int ok = 0;
    for (int i = 0; i < 20; i++) {
        char out[1500], in[1500];
        size_t n = 1 + (size_t)i * 70;
        for (size_t k = 0; k < n; k++)
            out[k] = (char)(i + k);
        if (sendto(c, out, n, 0, (struct sockaddr *)&addr, sizeof addr) != (ssize_t)n)
            fail("sendto");
        struct pollfd p = {.fd = c, .events = POLLIN};
        if (poll(&p, 1, 10000) != 1)
            fail("udp poll");
        struct sockaddr_in from;
        socklen_t len = sizeof from;
        ssize_t r = recvfrom(c, in, sizeof in, 0, (struct sockaddr *)&from, &len);
        if (r == (ssize_t)n && memcmp(in, out, n) == 0 && from.sin_port == addr.sin_port &&
            from.sin_addr.s_addr == addr.sin_addr.s_addr)
            ok++;
    }
    printf("udp: %d of 20 datagrams echoed intact from the server's address\n", ok);
    /* A connected UDP socket: send/recv without addresses. */
    if (connect(c, (struct sockaddr *)&addr, sizeof addr) < 0)
        fail("udp connect");
    struct sockaddr_in peer;
    socklen_t plen = sizeof peer;
    printf("udp: getpeername after connect %s\n",
           getpeername(c, (struct sockaddr *)&peer, &plen) == 0 && peer.sin_port == addr.sin_port
               ? "ok"
               : "wrong");
    if (send(c, "quit", 4, 0) != 4)
        fail("udp send");
    char in[8];
    ssize_t r = recv(c, in, sizeof in, 0);
    printf("udp: connected echo %s\n", r == 4 && memcmp(in, "quit", 4) == 0 ? "ok" : "wrong");
    pthread_join(t, NULL);
    close(c);
    close(udp_server);
}

/* A port nothing listens on: refused. */
static void refused_test(void) {
    struct sockaddr_in addr;
    int l = listener("127.0.0.1", 1, &addr);
    close(l);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    int r = connect(fd, (struct sockaddr *)&addr, sizeof addr);
    printf("closed port: connect %s\n", r < 0 && errno == ECONNREFUSED ? "ECONNREFUSED" : "other");
    close(fd);
}

/* 127.0.0.2 is loopback too; a listener there is not reached through 127.0.0.1. */
static void other_address_test(void) {
    struct sockaddr_in addr;
    int l = listener("127.0.0.2", 4, &addr);
    char a[32];
    inet_ntop(AF_INET, &addr.sin_addr, a, sizeof a);
    printf("listener bound to %s\n", a);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) < 0)
        fail("connect 127.0.0.2");
    int s = accept(l, NULL, NULL);
    if (s < 0)
        fail("accept 127.0.0.2");
    struct sockaddr_in local;
    socklen_t len = sizeof local;
    getsockname(s, (struct sockaddr *)&local, &len);
    inet_ntop(AF_INET, &local.sin_addr, a, sizeof a);
    write(fd, "ping", 4);
    char buf[4];
    printf("accepted on %s, read %zd\n", a, read(s, buf, sizeof buf));
    close(s);
    close(fd);
    struct sockaddr_in via1 = addr;
    via1.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    fd = socket(AF_INET, SOCK_STREAM, 0);
    int r = connect(fd, (struct sockaddr *)&via1, sizeof via1);
    printf("same port on 127.0.0.1: %s\n", r < 0 && errno == ECONNREFUSED ? "ECONNREFUSED" : "other");
    close(fd);
    close(l);
}

/* A listener on 0.0.0.0, reached through "localhost". */
static void any_address_test(void) {
    struct sockaddr_in addr;
    int l = listener("0.0.0.0", 4, &addr);
    char port[8];
    snprintf(port, sizeof port, "%d", ntohs(addr.sin_port));
    struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = SOCK_STREAM}, *res;
    int e = getaddrinfo("localhost", port, &hints, &res);
    if (e != 0) {
        printf("FAIL getaddrinfo localhost: %d\n", e);
        exit(1);
    }
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (connect(fd, res->ai_addr, res->ai_addrlen) < 0)
        fail("connect localhost");
    freeaddrinfo(res);
    int s = accept(l, NULL, NULL);
    write(s, "hello", 5);
    close(s);
    char buf[16];
    ssize_t n = read(fd, buf, sizeof buf);
    ssize_t eof = read(fd, buf + 5, sizeof buf - 5);
    printf("0.0.0.0 via localhost: read %zd (%.5s), then %zd\n", n, buf, eof);
    close(fd);
    close(l);
}

static struct sockaddr_in backlog_addr;
static atomic_int connected;

static void *backlog_client(void *arg) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (connect(fd, (struct sockaddr *)&backlog_addr, sizeof backlog_addr) < 0)
        fail("connect (backlog)");
    atomic_fetch_add(&connected, 1);
    /* Held open until the server has accepted everyone. */
    char c;
    read(fd, &c, 1);
    close(fd);
    return arg;
}

/* listen(s, 1): the backlog holds 1 connection here, 2 on Linux (backlog + 1); the
 * third client's connect waits until accept makes room, on both. */
static void backlog_test(void) {
    int l = listener("127.0.0.1", 1, &backlog_addr);
    pthread_t t[3];
    /* One client at a time, each given up to 2 s (a loaded TCG host is slow to start
     * threads) to get through: three SYNs at once could all be answered before the
     * backlog fills (Linux answers SYNs while the accept queue has room and checks again
     * only at the final ACK), so the third would look connected there. */
    for (int i = 0; i < 3; i++) {
        pthread_create(&t[i], NULL, backlog_client, NULL);
        for (int waited = 0; atomic_load(&connected) <= i && waited < 200; waited++)
            usleep(10000);
    }
    /* Ample time for the third to get through if it wrongly could. */
    usleep(500000);
    int before = atomic_load(&connected);
    int fds[3], accepted = 0;
    for (int i = 0; i < 3; i++) {
        fds[i] = accept(l, NULL, NULL);
        accepted += fds[i] >= 0;
    }
    for (int i = 0; i < 3; i++)
        close(fds[i]);
    for (int i = 0; i < 3; i++)
        pthread_join(t[i], NULL);
    printf("backlog 1: connects waiting for accept: %s; %d of 3 accepted\n",
           before >= 1 && before < 3 ? "yes" : "no", accepted);
    close(l);
}

/* Non-blocking connects to listen(s, 1) from the thread that then accepts them: those
 * beyond the backlog get EINPROGRESS and complete as accept makes room, without
 * another call of their own. */
static void nonblocking_backlog_test(void) {
    struct sockaddr_in addr;
    int l = listener("127.0.0.1", 1, &addr);
    int c[3], bad = 0;
    for (int i = 0; i < 3; i++) {
        c[i] = socket(AF_INET, SOCK_STREAM, 0);
        fcntl(c[i], F_SETFL, O_NONBLOCK);
        if (connect(c[i], (struct sockaddr *)&addr, sizeof addr) < 0 && errno != EINPROGRESS)
            bad++;
    }
    int s[3];
    for (int i = 0; i < 3; i++)
        s[i] = accept(l, NULL, NULL);
    int ok = 0;
    for (int i = 0; i < 3; i++) {
        struct pollfd p = {.fd = c[i], .events = POLLOUT};
        int err = -1;
        socklen_t len = sizeof err;
        if (poll(&p, 1, 10000) == 1 && getsockopt(c[i], SOL_SOCKET, SO_ERROR, &err, &len) == 0 &&
            err == 0 && s[i] >= 0)
            ok++;
    }
    /* Each accepted socket is one of the clients: a byte from each server end comes out
     * at exactly one client. */
    int delivered = 0;
    for (int i = 0; i < 3; i++)
        write(s[i], "x", 1);
    for (int i = 0; i < 3; i++) {
        struct pollfd p = {.fd = c[i], .events = POLLIN};
        char b;
        if (poll(&p, 1, 10000) == 1 && read(c[i], &b, 1) == 1 && b == 'x')
            delivered++;
    }
    printf("non-blocking connects beyond the backlog: %d errors, %d of 3 connected, %d of 3 "
           "reached\n",
           bad, ok, delivered);
    for (int i = 0; i < 3; i++) {
        close(c[i]);
        close(s[i]);
    }
    close(l);
}

int main(void) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    tcp_test();
    udp_test();
    refused_test();
    other_address_test();
    any_address_test();
    backlog_test();
    nonblocking_backlog_test();
    printf("done\n");
    return 0;
}
