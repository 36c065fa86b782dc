/* The socket API of the C library against Linux's: tests/net_c_tests.py builds this
 * with x86_64-hermit-gcc and with the host's gcc (glibc), runs both against the same
 * servers on the host (a TCP echo server, a UDP server answering "pong:" + data, a port
 * nobody listens on) and expects the same output and exit status 0.
 *
 *   net-checks HOST TCP_ECHO_PORT UDP_PORT CLOSED_PORT
 *
 * The last part runs over loopback (127.0.0.1) alone: a connection's calls without
 * waiting, with a timeout, half closes, and two threads on two connections at once.
 *
 * Nothing printed may depend on the host's address or on timing. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static int failures;
static const char *host;
static int echo_port, udp_port, closed_port;

static const char *ename(int e)
{
    switch (e) {
    case 0: return "0";
    case EAGAIN: return "EAGAIN";
    case EBADF: return "EBADF";
    case EINVAL: return "EINVAL";
    case EFAULT: return "EFAULT";
    case EPIPE: return "EPIPE";
    case ENOTSOCK: return "ENOTSOCK";
    case ENOPROTOOPT: return "ENOPROTOOPT";
    case EAFNOSUPPORT: return "EAFNOSUPPORT";
    case EINPROGRESS: return "EINPROGRESS";
    case ECONNREFUSED: return "ECONNREFUSED";
    case ENOTCONN: return "ENOTCONN";
    case EISCONN: return "EISCONN";
    case EADDRINUSE: return "EADDRINUSE";
    case EDESTADDRREQ: return "EDESTADDRREQ";
    case ENOSPC: return "ENOSPC";
    case EOPNOTSUPP: return "EOPNOTSUPP";
    default: return "other";
    }
}

#define CHECK(cond)                                                                          \
    do {                                                                                     \
        if (!(cond)) {                                                                       \
            printf("FAIL line %d: %s (errno %s)\n", __LINE__, #cond, ename(errno));          \
            failures++;                                                                      \
        }                                                                                    \
    } while (0)

/* A call expected to fail with errno `e`. */
#define FAILS(call, e)                                                                       \
    do {                                                                                     \
        errno = 0;                                                                           \
        long r_ = (long)(call);                                                              \
        int e_ = errno;                                                                      \
        printf("%s -> %ld %s\n", #call, r_, ename(e_));                                     \
        if (r_ != -1 || e_ != (e)) {                                                         \
            printf("FAIL line %d: expected -1 %s\n", __LINE__, ename(e));                   \
            failures++;                                                                      \
        }                                                                                    \
    } while (0)

static struct sockaddr_in addr_of(const char *ip, int port)
{
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)port);
    if (inet_pton(AF_INET, ip, &a.sin_addr) != 1) {
        printf("FAIL: bad address %s\n", ip);
        exit(1);
    }
    return a;
}

static int wait_for(int fd, short events, int ms)
{
    struct pollfd p = {fd, events, 0};
    int r = poll(&p, 1, ms);
    return r == 1 ? p.revents : 0;
}

static void text_forms(void)
{
    printf("-- text forms\n");
    static const char *v4[] = {"0.0.0.0", "127.0.0.1", "255.255.255.255", "10.0.2.2",
                               "1.2.3", "256.0.0.1", "01.2.3.4", "1.2.3.4.5", "1..2.3",
                               " 1.2.3.4", "1.2.3.4 ", "", "1.2.3.04", "0x1.2.3.4"};
    for (size_t i = 0; i < sizeof v4 / sizeof v4[0]; i++) {
        unsigned char b[4] = {0};
        char out[INET_ADDRSTRLEN] = "";
        int r = inet_pton(AF_INET, v4[i], b);
        if (r == 1)
            inet_ntop(AF_INET, b, out, sizeof out);
        printf("inet_pton4 '%s' -> %d %s\n", v4[i], r, out);
    }
    static const char *v6[] = {"::", "::1", "1::", "1::2", "fe80::1:2", "2001:db8::ff00:42:8329",
                               "2001:0db8:0000:0000:0000:ff00:0042:8329", "::ffff:1.2.3.4",
                               "::1.2.3.4", "1:2:3:4:5:6:7:8", "1:0:0:2:0:0:0:3",
                               "1:0:0:0:2:0:0:3", "0:0:1::", "1:2:3:4:5:6:7::", "::2:3:4:5:6:7:8",
                               ":::", "1:::2", "1::2::3", "12345::", "1:2:3:4:5:6:7:8:9", ":1",
                               "1:", "g::", "::ffff:1.2.3", "1.2.3.4", "ABCD::EF"};
    for (size_t i = 0; i < sizeof v6 / sizeof v6[0]; i++) {
        unsigned char b[16] = {0};
        char out[INET6_ADDRSTRLEN] = "";
        int r = inet_pton(AF_INET6, v6[i], b);
        if (r == 1)
            inet_ntop(AF_INET6, b, out, sizeof out);
        printf("inet_pton6 '%s' -> %d %s\n", v6[i], r, out);
    }
    unsigned char b[4] = {1, 2, 3, 4};
    char small[7];
    errno = 0;
    const char *p = inet_ntop(AF_INET, b, small, sizeof small);
    printf("inet_ntop into 7 bytes -> %s %s\n", p ? p : "NULL", ename(errno));
    errno = 0;
    printf("inet_pton(AF_UNIX) -> %d %s\n", inet_pton(AF_UNIX, "x", b), ename(errno));

    static const char *aton[] = {"127.1", "0x7f.1", "10.1.2", "0x7f000001", "017700000001",
                                 "1.2.3.4 junk", "1.2.3.4junk", "256.1", "1.2.3.256", "",
                                 "4294967295", "4294967296", "0xff.0xff.0xff.0xff"};
    for (size_t i = 0; i < sizeof aton / sizeof aton[0]; i++) {
        struct in_addr a = {0};
        int r = inet_aton(aton[i], &a);
        printf("inet_aton '%s' -> %d %s; inet_addr %08x\n", aton[i], r, r ? inet_ntoa(a) : "-",
               (unsigned)ntohl(inet_addr(aton[i])));
    }
    printf("htons(0x1234) %04x htonl(0x12345678) %08x ntohs %04x ntohl %08x\n",
           htons(0x1234), (unsigned)htonl(0x12345678), ntohs(0x3412), (unsigned)ntohl(0x78563412));
    printf("inet_network('10.1') %08x inet_netof(10.1.2.3) %x inet_lnaof %x\n",
           (unsigned)inet_network("10.1"), (unsigned)inet_netof((struct in_addr){htonl(0x0a010203)}),
           (unsigned)inet_lnaof((struct in_addr){htonl(0x0a010203)}));
}

static void print_ai(const char *what, struct addrinfo *res)
{
    for (struct addrinfo *p = res; p != NULL; p = p->ai_next) {
        struct sockaddr_in *s = (struct sockaddr_in *)p->ai_addr;
        char a[INET_ADDRSTRLEN];
        inet_ntop(AF_INET, &s->sin_addr, a, sizeof a);
        printf("  %s: family %s socktype %d protocol %d addrlen %u %s:%u canon %s\n", what,
               p->ai_family == AF_INET ? "AF_INET" : "?", p->ai_socktype, p->ai_protocol,
               (unsigned)p->ai_addrlen, a, ntohs(s->sin_port),
               p->ai_canonname ? p->ai_canonname : "-");
    }
}

static void gai(const char *node, const char *service, int family, int socktype, int flags)
{
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = family;
    hints.ai_socktype = socktype;
    hints.ai_flags = flags;
    int e = getaddrinfo(node, service, &hints, &res);
    printf("getaddrinfo(%s, %s, family %d, socktype %d, flags %#x) -> %d (%s)\n",
           node ? node : "NULL", service ? service : "NULL", family, socktype, flags, e,
           gai_strerror(e));
    if (e == 0) {
        print_ai("ai", res);
        freeaddrinfo(res);
    }
}

static void names(void)
{
    printf("-- names\n");
    gai("127.0.0.1", "80", AF_INET, SOCK_STREAM, 0);
    gai("127.0.0.1", "http", AF_UNSPEC, SOCK_STREAM, 0);
    gai("localhost", "7", AF_INET, SOCK_DGRAM, 0);
    gai(NULL, "8080", AF_INET, SOCK_STREAM, AI_PASSIVE);
    gai(NULL, "8080", AF_INET, SOCK_STREAM, 0);
    gai("127.1", NULL, AF_INET, SOCK_STREAM, AI_NUMERICHOST);
    gai("10.0.2.2", "443", AF_INET, SOCK_STREAM, AI_CANONNAME | AI_NUMERICHOST);
    gai(NULL, NULL, AF_INET, SOCK_STREAM, 0);
    gai("no.such.host", "80", AF_INET, SOCK_STREAM, AI_NUMERICHOST);
    gai("127.0.0.1", "no-such-service", AF_INET, SOCK_STREAM, 0);
    gai("127.0.0.1", "http", AF_INET, SOCK_STREAM, AI_NUMERICSERV);
    gai("127.0.0.1", "80", AF_INET, SOCK_STREAM, 0x10000);
    gai("127.0.0.1", "80", AF_INET, SOCK_STREAM, AI_CANONNAME);
    gai("", "80", AF_INET, SOCK_STREAM, 0);
    gai("127.0.0.1", "80", AF_INET, 99, 0);
    gai("127.0.0.1", "80", 12345, SOCK_STREAM, 0);

    struct sockaddr_in a = addr_of("127.0.0.1", 80);
    char h[NI_MAXHOST], s[NI_MAXSERV];
    int e = getnameinfo((struct sockaddr *)&a, sizeof a, h, sizeof h, s, sizeof s,
                        NI_NUMERICHOST | NI_NUMERICSERV);
    printf("getnameinfo numeric -> %d %s %s\n", e, h, s);
    e = getnameinfo((struct sockaddr *)&a, sizeof a, h, sizeof h, s, sizeof s, NI_NUMERICHOST);
    printf("getnameinfo service name -> %d %s %s\n", e, h, s);
    e = getnameinfo((struct sockaddr *)&a, sizeof a, h, 4, NULL, 0, NI_NUMERICHOST);
    printf("getnameinfo host buffer too small -> %d\n", e);

    struct hostent *he = gethostbyname("127.0.0.1");
    CHECK(he != NULL);
    if (he) {
        struct in_addr *in = (struct in_addr *)he->h_addr_list[0];
        printf("gethostbyname(127.0.0.1): name %s type %s length %d addr %s, one address %d\n",
               he->h_name, he->h_addrtype == AF_INET ? "AF_INET" : "?", he->h_length,
               inet_ntoa(*in), he->h_addr_list[1] == NULL);
    }
    he = gethostbyname("localhost");
    CHECK(he != NULL && ((struct in_addr *)he->h_addr)->s_addr == htonl(INADDR_LOOPBACK));
    struct servent *se = getservbyname("https", "tcp");
    printf("getservbyname(https) -> %s %d %s\n", se ? se->s_name : "NULL",
           se ? ntohs(se->s_port) : -1, se ? se->s_proto : "-");
    se = getservbyport(htons(22), "tcp");
    printf("getservbyport(22) -> %s\n", se ? se->s_name : "NULL");
    struct protoent *pe = getprotobyname("udp");
    printf("getprotobyname(udp) -> %d\n", pe ? pe->p_proto : -1);
    pe = getprotobynumber(6);
    printf("getprotobynumber(6) -> %s\n", pe ? pe->p_name : "NULL");
}

static int so_int(int fd, int level, int name)
{
    int v = -1;
    socklen_t len = sizeof v;
    if (getsockopt(fd, level, name, &v, &len) < 0)
        return -100 - errno;
    return len == sizeof v ? v : -99;
}

static void options(void)
{
    printf("-- options and errors\n");
    int t = socket(AF_INET, SOCK_STREAM, 0), u = socket(AF_INET, SOCK_DGRAM, 0);
    CHECK(t >= 0 && u >= 0);
    printf("SO_TYPE tcp %d udp %d\n", so_int(t, SOL_SOCKET, SO_TYPE), so_int(u, SOL_SOCKET, SO_TYPE));
    printf("SO_ERROR fresh %d\n", so_int(t, SOL_SOCKET, SO_ERROR));
    int one = 1, zero = 0;
    CHECK(setsockopt(t, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) == 0);
    CHECK(setsockopt(t, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one) == 0);
    CHECK(setsockopt(t, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) == 0);
    printf("after set: SO_REUSEADDR %d SO_KEEPALIVE %d TCP_NODELAY %d\n",
           so_int(t, SOL_SOCKET, SO_REUSEADDR) != 0, so_int(t, SOL_SOCKET, SO_KEEPALIVE) != 0,
           so_int(t, IPPROTO_TCP, TCP_NODELAY) != 0);
    CHECK(setsockopt(t, SOL_SOCKET, SO_KEEPALIVE, &zero, sizeof zero) == 0);
    printf("SO_KEEPALIVE cleared %d\n", so_int(t, SOL_SOCKET, SO_KEEPALIVE));
    CHECK(setsockopt(t, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) == 0);
    int idle = 60;
    CHECK(setsockopt(t, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle) == 0);
    struct timeval tv = {1, 500000}, got = {0, 0};
    socklen_t len = sizeof got;
    CHECK(setsockopt(t, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) == 0);
    CHECK(getsockopt(t, SOL_SOCKET, SO_RCVTIMEO, &got, &len) == 0);
    printf("SO_RCVTIMEO %ld.%06ld (len %u)\n", (long)got.tv_sec, (long)got.tv_usec, (unsigned)len);
    struct linger lg = {1, 5}, lg2 = {0, 0};
    len = sizeof lg2;
    CHECK(setsockopt(t, SOL_SOCKET, SO_LINGER, &lg, sizeof lg) == 0);
    CHECK(getsockopt(t, SOL_SOCKET, SO_LINGER, &lg2, &len) == 0);
    printf("SO_LINGER %d %d\n", lg2.l_onoff != 0, lg2.l_linger);
    int ttl = 33;
    CHECK(setsockopt(u, IPPROTO_IP, IP_TTL, &ttl, sizeof ttl) == 0);
    printf("IP_TTL %d\n", so_int(u, IPPROTO_IP, IP_TTL));
    printf("SO_SNDBUF positive %d\n", so_int(t, SOL_SOCKET, SO_SNDBUF) > 0);
    FAILS(setsockopt(t, SOL_SOCKET, SO_REUSEADDR, &one, 1), EINVAL);
    FAILS(getsockopt(t, SOL_SOCKET, 9999, &one, &len), ENOPROTOOPT);
    FAILS(setsockopt(t, 9999, 1, &one, sizeof one), ENOPROTOOPT);
    len = sizeof one;
    FAILS(getsockopt(1, SOL_SOCKET, SO_TYPE, &one, &len), ENOTSOCK);
    FAILS(getsockopt(999, SOL_SOCKET, SO_TYPE, &one, &len), EBADF);

    FAILS(socket(AF_INET, 99, 0), EINVAL);
    FAILS(socket(12345, SOCK_STREAM, 0), EAFNOSUPPORT);
    struct sockaddr_in a = addr_of("0.0.0.0", 0);
    FAILS(bind(t, (struct sockaddr *)&a, 4), EINVAL);
    a.sin_family = AF_UNIX;
    FAILS(bind(t, (struct sockaddr *)&a, sizeof a), EAFNOSUPPORT);
    a.sin_family = AF_INET;
    FAILS(listen(1, 1), ENOTSOCK);
    FAILS(recv(1, &one, 1, 0), ENOTSOCK);
    FAILS(send(999, &one, 1, 0), EBADF);
    struct sockaddr_in peer;
    len = sizeof peer;
    FAILS(getpeername(t, (struct sockaddr *)&peer, &len), ENOTCONN);
    FAILS(send(u, "x", 1, 0), EDESTADDRREQ);

    /* bind to port 0, listen: a port is chosen; the listener reports SO_ACCEPTCONN. */
    CHECK(bind(t, (struct sockaddr *)&a, sizeof a) == 0);
    CHECK(listen(t, 4) == 0);
    struct sockaddr_in me;
    len = sizeof me;
    CHECK(getsockname(t, (struct sockaddr *)&me, &len) == 0);
    printf("listening: family %s port chosen %d len %u SO_ACCEPTCONN %d\n",
           me.sin_family == AF_INET ? "AF_INET" : "?", ntohs(me.sin_port) != 0, (unsigned)len,
           so_int(t, SOL_SOCKET, SO_ACCEPTCONN));
    /* A short buffer: truncated, the full length reported. */
    struct sockaddr_in shortbuf;
    memset(&shortbuf, 0xff, sizeof shortbuf);
    len = 4;
    CHECK(getsockname(t, (struct sockaddr *)&shortbuf, &len) == 0);
    printf("getsockname into 4 bytes: len %u family %s, address untouched %d\n", (unsigned)len,
           shortbuf.sin_family == AF_INET ? "AF_INET" : "?", shortbuf.sin_addr.s_addr == 0xffffffff);
    printf("poll listener, nothing pending: %d\n", wait_for(t, POLLIN, 0));
    fd_set r;
    FD_ZERO(&r);
    FD_SET(t, &r);
    struct timeval zero_tv = {0, 0};
    printf("select listener, nothing pending: %d\n", select(t + 1, &r, NULL, NULL, &zero_tv));
    /* accept with MSG_DONTWAIT-like behaviour: non-blocking listener. */
    int fl = fcntl(t, F_GETFL);
    CHECK(fcntl(t, F_SETFL, fl | O_NONBLOCK) == 0);
    printf("O_NONBLOCK set: %d\n", (fcntl(t, F_GETFL) & O_NONBLOCK) != 0);
    FAILS(accept(t, NULL, NULL), EAGAIN);
    close(t);
    close(u);

    /* select: a bad descriptor, a timeout. */
    int gone = socket(AF_INET, SOCK_STREAM, 0);
    close(gone);
    FD_ZERO(&r);
    FD_SET(gone, &r);
    FAILS(select(gone + 1, &r, NULL, NULL, &zero_tv), EBADF);
    struct timeval wait = {0, 50000};
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int n = select(0, NULL, NULL, NULL, &wait);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double ms = (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6;
    printf("select with no descriptors, 50 ms: %d, waited >= 45 ms %d\n", n, ms >= 45);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    n = poll(NULL, 0, 30);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    ms = (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6;
    printf("poll with no descriptors, 30 ms: %d, waited >= 25 ms %d\n", n, ms >= 25);
}

static void tcp(void)
{
    printf("-- tcp\n");
    /* Refused. */
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in closed = addr_of(host, closed_port);
    FAILS(connect(fd, (struct sockaddr *)&closed, sizeof closed), ECONNREFUSED);
    close(fd);
    /* Refused, non-blocking: SO_ERROR says so. */
    fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    int r = connect(fd, (struct sockaddr *)&closed, sizeof closed);
    if (r < 0 && errno == EINPROGRESS)
        wait_for(fd, POLLOUT, 10000);
    printf("non-blocking connect to a closed port: SO_ERROR %s\n",
           ename(r == 0 ? 0 : so_int(fd, SOL_SOCKET, SO_ERROR)));
    close(fd);

    /* Non-blocking connect to the echo server. */
    fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    struct sockaddr_in echo = addr_of(host, echo_port);
    r = connect(fd, (struct sockaddr *)&echo, sizeof echo);
    CHECK(r == 0 || errno == EINPROGRESS);
    if (r < 0) {
        short ev = (short)wait_for(fd, POLLOUT, 10000);
        CHECK(ev & POLLOUT);
    }
    printf("non-blocking connect: SO_ERROR %s\n", ename(so_int(fd, SOL_SOCKET, SO_ERROR)));
    /* Linux: the connect after EINPROGRESS returns 0 once connected, later ones EISCONN. */
    connect(fd, (struct sockaddr *)&echo, sizeof echo);
    FAILS(connect(fd, (struct sockaddr *)&echo, sizeof echo), EISCONN);
    struct sockaddr_in peer;
    socklen_t len = sizeof peer;
    CHECK(getpeername(fd, (struct sockaddr *)&peer, &len) == 0);
    printf("getpeername: port is the server's %d\n", ntohs(peer.sin_port) == echo_port);
    char buf[4096];
    /* Non-blocking, nothing there. */
    FAILS(recv(fd, buf, sizeof buf, 0), EAGAIN);
    /* Back to blocking with FIONBIO; MSG_DONTWAIT still does not wait. */
    int off = 0;
    CHECK(ioctl(fd, FIONBIO, &off) == 0);
    printf("after FIONBIO 0: O_NONBLOCK %d\n", (fcntl(fd, F_GETFL) & O_NONBLOCK) != 0);
    FAILS(recv(fd, buf, sizeof buf, MSG_DONTWAIT), EAGAIN);
    int nread = -1;
    CHECK(ioctl(fd, FIONREAD, &nread) == 0);
    printf("FIONREAD with nothing: %d\n", nread);

    CHECK(send(fd, "hello", 5, 0) == 5);
    short ev = (short)wait_for(fd, POLLIN, 10000);
    printf("poll after echo: POLLIN %d\n", (ev & POLLIN) != 0);
    usleep(100000); /* all five bytes, wherever they are split */
    CHECK(ioctl(fd, FIONREAD, &nread) == 0);
    printf("FIONREAD: %d\n", nread);
    ssize_t n = recv(fd, buf, sizeof buf, MSG_PEEK);
    printf("MSG_PEEK: %zd '%.*s'\n", n, (int)(n > 0 ? n : 0), buf);
    n = recv(fd, buf, 3, 0);
    printf("recv 3: %zd '%.*s'\n", n, (int)(n > 0 ? n : 0), buf);
    n = read(fd, buf, sizeof buf);
    printf("read: %zd '%.*s'\n", n, (int)(n > 0 ? n : 0), buf);

    /* sendmsg/recvmsg with two buffers each; MSG_WAITALL. */
    struct iovec out[2] = {{"abc", 3}, {"defgh", 5}};
    struct msghdr m;
    memset(&m, 0, sizeof m);
    m.msg_iov = out;
    m.msg_iovlen = 2;
    printf("sendmsg: %zd\n", sendmsg(fd, &m, 0));
    char in1[2], in2[6];
    struct iovec inv[2] = {{in1, 2}, {in2, 6}};
    memset(&m, 0, sizeof m);
    m.msg_iov = inv;
    m.msg_iovlen = 2;
    n = recvmsg(fd, &m, MSG_WAITALL);
    printf("recvmsg MSG_WAITALL: %zd '%.2s' '%.6s'\n", n, in1, in2);

    /* 64 KiB in one send (blocking: all of it), back with MSG_WAITALL. */
    size_t big = 65536;
    char *data = malloc(big), *back = malloc(big);
    for (size_t i = 0; i < big; i++)
        data[i] = (char)(i * 7);
    printf("send 64 KiB: %zd\n", send(fd, data, big, 0));
    n = recv(fd, back, big, MSG_WAITALL);
    printf("recv MSG_WAITALL 64 KiB: %zd, same %d\n", n, n == (ssize_t)big && memcmp(data, back, big) == 0);
    free(data);
    free(back);

    /* Half close: the server echoes, then closes; we see the end of the stream. */
    CHECK(write(fd, "bye", 3) == 3);
    CHECK(shutdown(fd, SHUT_WR) == 0);
    FAILS(send(fd, "x", 1, MSG_NOSIGNAL), EPIPE);
    n = recv(fd, buf, sizeof buf, MSG_WAITALL);
    printf("after shutdown: %zd '%.*s'\n", n, (int)(n > 0 ? n : 0), buf);
    n = recv(fd, buf, sizeof buf, 0);
    printf("end of stream: %zd\n", n);
    ev = (short)wait_for(fd, POLLIN, 0);
    printf("poll at end of stream: POLLIN %d\n", (ev & POLLIN) != 0);
    CHECK(close(fd) == 0);
    FAILS(close(fd), EBADF);
}

static void udp(void)
{
    printf("-- udp\n");
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    CHECK(fd >= 0);
    printf("FD_CLOEXEC %d\n", (fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0);
    struct sockaddr_in to = addr_of(host, udp_port);
    printf("sendto: %zd\n", sendto(fd, "ping", 4, 0, (struct sockaddr *)&to, sizeof to));
    char buf[100];
    struct sockaddr_in from;
    socklen_t len = sizeof from;
    short ev = (short)wait_for(fd, POLLIN, 10000);
    CHECK(ev & POLLIN);
    ssize_t n = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&from, &len);
    printf("recvfrom: %zd '%.*s' from the server's port %d, len %u\n", n, (int)(n > 0 ? n : 0),
           buf, ntohs(from.sin_port) == udp_port, (unsigned)len);
    /* Connected UDP: send and recv without addresses. */
    CHECK(connect(fd, (struct sockaddr *)&to, sizeof to) == 0);
    printf("send: %zd\n", send(fd, "second", 6, 0));
    wait_for(fd, POLLIN, 10000);
    n = recv(fd, buf, sizeof buf, 0);
    printf("recv: %zd '%.*s'\n", n, (int)(n > 0 ? n : 0), buf);
    FAILS(recv(fd, buf, sizeof buf, MSG_DONTWAIT), EAGAIN);
    close(fd);
}

/* A connected loopback pair: *client and *server (accepted). */
static void loop_pair(int *client, int *server)
{
    int l = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = addr_of("127.0.0.1", 0);
    socklen_t len = sizeof a;
    CHECK(bind(l, (struct sockaddr *)&a, sizeof a) == 0);
    CHECK(listen(l, 2) == 0);
    CHECK(getsockname(l, (struct sockaddr *)&a, &len) == 0);
    *client = socket(AF_INET, SOCK_STREAM, 0);
    CHECK(connect(*client, (struct sockaddr *)&a, sizeof a) == 0);
    *server = accept(l, NULL, NULL);
    CHECK(*server >= 0);
    close(l);
}

/* One thread's connection of the parallel check: 8 MiB in 16 KiB writes, each read back
 * at the other end and compared. */
struct loop_job {
    int tx, rx, seed, ok;
};

static void *loop_transfer(void *arg)
{
    struct loop_job *j = arg;
    static __thread char out[16384], in[16384];
    j->ok = 1;
    for (int k = 0; k < 512 && j->ok; k++) {
        for (size_t i = 0; i < sizeof out; i++)
            out[i] = (char)(i * 31 + (size_t)k * 7 + (size_t)j->seed);
        if (write(j->tx, out, sizeof out) != (ssize_t)sizeof out) {
            j->ok = 0;
            break;
        }
        size_t got = 0;
        while (got < sizeof in) {
            ssize_t n = read(j->rx, in + got, sizeof in - got);
            if (n <= 0)
                break;
            got += (size_t)n;
        }
        j->ok = got == sizeof in && memcmp(in, out, sizeof in) == 0;
    }
    return NULL;
}

static void loopback(void)
{
    printf("-- loopback\n");
    int c, s;
    loop_pair(&c, &s);
    char buf[64];
    FAILS(recv(s, buf, sizeof buf, MSG_DONTWAIT), EAGAIN);
    printf("poll, nothing sent: POLLIN %d POLLOUT %d\n", (wait_for(s, POLLIN, 0) & POLLIN) != 0,
           (wait_for(c, POLLOUT, 0) & POLLOUT) != 0);
    /* SO_RCVTIMEO: EAGAIN once it has passed. */
    struct timeval tv = {0, 100000};
    CHECK(setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) == 0);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    FAILS(recv(s, buf, sizeof buf, 0), EAGAIN);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double waited = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    printf("SO_RCVTIMEO waited at least 0.09 s: %d\n", waited >= 0.09);
    CHECK(send(c, "ping", 4, 0) == 4);
    printf("poll after send: POLLIN %d\n", (wait_for(s, POLLIN, 1000) & POLLIN) != 0);
    ssize_t n = recv(s, buf, sizeof buf, MSG_PEEK);
    printf("MSG_PEEK: %zd '%.*s'\n", n, (int)(n > 0 ? n : 0), buf);
    n = recv(s, buf, 2, 0);
    printf("recv 2: %zd '%.*s'\n", n, (int)(n > 0 ? n : 0), buf);
    n = read(s, buf, sizeof buf);
    printf("read: %zd '%.*s'\n", n, (int)(n > 0 ? n : 0), buf);
    /* The server shuts reading: its reads are the end of the stream, and it can still
     * send. */
    CHECK(shutdown(s, SHUT_RD) == 0);
    printf("after SHUT_RD: recv %zd, POLLIN %d\n", recv(s, buf, sizeof buf, 0),
           (wait_for(s, POLLIN, 0) & POLLIN) != 0);
    CHECK(send(s, "pong", 4, 0) == 4);
    n = recv(c, buf, sizeof buf, 0);
    printf("client reads: %zd '%.*s'\n", n, (int)(n > 0 ? n : 0), buf);
    /* The client shuts writing: EPIPE for it, the end of the stream for the server. */
    CHECK(shutdown(c, SHUT_WR) == 0);
    FAILS(send(c, "x", 1, MSG_NOSIGNAL), EPIPE);
    /* The server closes: the client reads the end of the stream. */
    CHECK(close(s) == 0);
    printf("after the peer's close: recv %zd, POLLIN %d\n", recv(c, buf, sizeof buf, 0),
           (wait_for(c, POLLIN, 1000) & POLLIN) != 0);
    CHECK(close(c) == 0);

    /* Two connections, two threads at once. */
    struct loop_job j[2];
    for (int i = 0; i < 2; i++) {
        loop_pair(&j[i].tx, &j[i].rx);
        j[i].seed = i;
    }
    pthread_t th;
    CHECK(pthread_create(&th, NULL, loop_transfer, &j[1]) == 0);
    loop_transfer(&j[0]);
    CHECK(pthread_join(th, NULL) == 0);
    printf("two threads, 8 MiB each over two connections: %d %d\n", j[0].ok, j[1].ok);
    for (int i = 0; i < 2; i++) {
        close(j[i].tx);
        close(j[i].rx);
    }
}

int main(int argc, char **argv)
{
    if (argc < 5) {
        fprintf(stderr, "usage: net-checks HOST TCP_ECHO_PORT UDP_PORT CLOSED_PORT\n");
        return 2;
    }
    host = argv[1];
    echo_port = atoi(argv[2]);
    udp_port = atoi(argv[3]);
    closed_port = atoi(argv[4]);
    setvbuf(stdout, NULL, _IOLBF, 0);
    text_forms();
    names();
    options();
    tcp();
    udp();
    loopback();
    printf("%s: %d failures\n", failures ? "FAILED" : "done", failures);
    return failures ? 1 : 0;
}
