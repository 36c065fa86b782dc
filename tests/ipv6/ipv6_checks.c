/* IPv6 checks, built with x86_64-hermit-gcc and with the host's gcc (tests/ipv6_tests.py):
 *
 *   ipv6-checks local            loopback only: text forms (inet_pton/inet_ntop,
 *                                getnameinfo), numeric getaddrinfo, TCP and UDP over ::1,
 *                                a dual-stack listener on [::] taking an IPv4 client as
 *                                ::ffff:127.0.0.1, IPV6_V6ONLY refusing it, bad
 *                                addresses; the output must equal Linux's
 *   ipv6-checks fetch ADDR PORT [LOCAL]
 *                                connects to [ADDR]:PORT (from [LOCAL]:0 if given), sends
 *                                "GET 100000\n", checks the answer (byte i is i % 251),
 *                                prints its own address
 *   ipv6-checks serve PORT       a dual-stack server on [::]:PORT: prints "listening",
 *                                then each client's address, echoes one line, after
 *                                two clients exits
 *
 * Ports vary from run to run: only whether they match is printed. */

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int failures;

/* errno's name (newlib has no strerrorname_np). */
static const char *ename(int e)
{
    switch (e) {
    case 0: return "0";
    case EINVAL: return "EINVAL";
    case EFAULT: return "EFAULT";
    case EAFNOSUPPORT: return "EAFNOSUPPORT";
    case EADDRNOTAVAIL: return "EADDRNOTAVAIL";
    case EADDRINUSE: return "EADDRINUSE";
    case ECONNREFUSED: return "ECONNREFUSED";
    case ENOPROTOOPT: return "ENOPROTOOPT";
    case ENOSPC: return "ENOSPC";
    case ENETUNREACH: return "ENETUNREACH";
    case ENOTCONN: return "ENOTCONN";
    case EBADF: return "EBADF";
    default: return "E?";
    }
}

static void fail(const char *what)
{
    printf("FAIL %s: %s\n", what, strerror(errno));
    failures++;
}

/* "name -> result" for calls that return -1 and errno. */
static void show(const char *name, int r)
{
    if (r < 0)
        printf("%-52s -> -1 %s\n", name, ename(errno));
    else
        printf("%-52s -> %d\n", name, r);
}

static const char *addr_text(const struct sockaddr *sa, char *buf, size_t n)
{
    if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, buf, n);
    else if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, buf, n);
    else
        snprintf(buf, n, "family %d", sa->sa_family);
    return buf;
}

static int port_of(const struct sockaddr_storage *ss)
{
    return ntohs(ss->ss_family == AF_INET6 ? ((const struct sockaddr_in6 *)ss)->sin6_port
                                           : ((const struct sockaddr_in *)ss)->sin_port);
}

/* getsockname/getpeername as "family addr (len N)". */
static void name(const char *label, int fd, int peer, int *port)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    memset(&ss, 0, sizeof ss);
    int r = peer ? getpeername(fd, (struct sockaddr *)&ss, &len)
                 : getsockname(fd, (struct sockaddr *)&ss, &len);
    if (r < 0) {
        printf("%-30s %s: -1 %s\n", label, peer ? "peer" : "local", ename(errno));
        return;
    }
    char buf[INET6_ADDRSTRLEN];
    printf("%-30s %s: %s %s (len %u)\n", label, peer ? "peer" : "local",
           ss.ss_family == AF_INET6 ? "AF_INET6" : "AF_INET",
           addr_text((struct sockaddr *)&ss, buf, sizeof buf), (unsigned)len);
    if (port)
        *port = port_of(&ss);
}

static struct sockaddr_in6 sin6(const char *addr, int port)
{
    struct sockaddr_in6 a;
    memset(&a, 0, sizeof a);
    a.sin6_family = AF_INET6;
    a.sin6_port = htons(port);
    inet_pton(AF_INET6, addr, &a.sin6_addr);
    return a;
}

static struct sockaddr_in sin4(const char *addr, int port)
{
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    inet_pton(AF_INET, addr, &a.sin_addr);
    return a;
}

/* --- text forms ---------------------------------------------------------------------- */

static void text_forms(void)
{
    static const char *inputs[] = {
        "::", "::1", "fec0::2", "FEC0:0:0:0:0:0:0:2", "2001:db8::8:800:200c:417a",
        "1:0:0:1:0:0:0:1", "1:0:0:0:1:0:0:1", "::ffff:10.0.2.2", "::10.0.2.2",
        "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7::", "::2:3:4:5:6:7:8", "fe80::1", "64:ff9b::1.2.3.4",
        "1::2::3", ":::", "1:2:3:4:5:6:7:8:9", "12345::", "::1.2.3", "g::", "", "1.2.3.4",
        "::ffff:1.2.3.4.5", "fe80::1%1",
    };
    for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
        unsigned char a[16];
        char out[INET6_ADDRSTRLEN];
        int r = inet_pton(AF_INET6, inputs[i], a);
        printf("inet_pton(AF_INET6, \"%s\") = %d", inputs[i], r);
        if (r == 1)
            printf(" -> inet_ntop \"%s\"", inet_ntop(AF_INET6, a, out, sizeof out));
        printf("\n");
    }
    unsigned char a[16];
    char small[8];
    inet_pton(AF_INET6, "fec0::2", a);
    const char *r = inet_ntop(AF_INET6, a, small, sizeof small);
    printf("inet_ntop into 8 bytes: %s %s\n", r ? r : "NULL", r ? "" : ename(errno));
    r = inet_ntop(12345, a, small, sizeof small);
    printf("inet_ntop(bad family): %s %s\n", r ? r : "NULL", r ? "" : ename(errno));
    errno = 0;
    printf("inet_pton(bad family) = %d %s\n", inet_pton(12345, "::1", a), ename(errno));

    struct {
        const char *addr;
        int port;
        unsigned scope;
        int flags;
    } ni[] = {
        {"::1", 80, 0, NI_NUMERICHOST | NI_NUMERICSERV},
        {"::ffff:10.0.2.2", 8080, 0, NI_NUMERICHOST | NI_NUMERICSERV},
        {"fec0::2", 22, 0, NI_NUMERICHOST},
        /* No interface has index 99: the scope id stays a number. */
        {"fe80::1", 1, 99, NI_NUMERICHOST | NI_NUMERICSERV},
        {"2001:db8::1", 53, 0, NI_NUMERICHOST | NI_NUMERICSERV | NI_DGRAM},
    };
    for (size_t i = 0; i < sizeof ni / sizeof ni[0]; i++) {
        struct sockaddr_in6 sa = sin6(ni[i].addr, ni[i].port);
        sa.sin6_scope_id = ni[i].scope;
        char host[NI_MAXHOST], serv[NI_MAXSERV];
        int e = getnameinfo((struct sockaddr *)&sa, sizeof sa, host, sizeof host, serv,
                            sizeof serv, ni[i].flags);
        printf("getnameinfo(%s port %d scope %u) = %d", ni[i].addr, ni[i].port, ni[i].scope, e);
        if (e == 0)
            printf(" \"%s\" \"%s\"", host, serv);
        printf("\n");
    }
    struct sockaddr_in6 sa = sin6("::1", 80);
    char host[NI_MAXHOST];
    printf("getnameinfo(sockaddr_in6, 24 bytes) = %s\n",
           gai_strerror(getnameinfo((struct sockaddr *)&sa, 24, host, sizeof host, NULL, 0,
                                    NI_NUMERICHOST)));
    char tiny[4];
    printf("getnameinfo(::1 into 4 bytes) = %s\n",
           gai_strerror(getnameinfo((struct sockaddr *)&sa, sizeof sa, tiny, sizeof tiny, NULL,
                                    0, NI_NUMERICHOST)));
}

/* --- getaddrinfo ------------------------------------------------------------------- */

static void gai(const char *node, const char *service, int family, int flags)
{
    struct addrinfo hints, *res;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = family;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = flags;
    int e = getaddrinfo(node, service, &hints, &res);
    printf("getaddrinfo(%s, %s, %s%s) =", node ? node : "NULL", service ? service : "NULL",
           family == AF_INET6 ? "AF_INET6" : family == AF_INET ? "AF_INET" : "AF_UNSPEC",
           flags & AI_PASSIVE ? ", AI_PASSIVE" : "");
    if (e != 0) {
        printf(" %s\n", gai_strerror(e));
        return;
    }
    for (struct addrinfo *p = res; p != NULL; p = p->ai_next) {
        char buf[INET6_ADDRSTRLEN];
        printf(" [%s %s port %d len %u]", p->ai_family == AF_INET6 ? "AF_INET6" : "AF_INET",
               addr_text(p->ai_addr, buf, sizeof buf),
               port_of((struct sockaddr_storage *)p->ai_addr), (unsigned)p->ai_addrlen);
    }
    printf("\n");
    freeaddrinfo(res);
}

static void lookups(void)
{
    gai("::1", "80", AF_INET6, 0);
    gai("::1", "80", AF_UNSPEC, 0);
    gai("fec0::2", "http", AF_UNSPEC, 0);
    gai("::ffff:10.0.2.2", "80", AF_INET6, 0);
    gai("::1", "80", AF_INET, 0);
    gai("127.0.0.1", "80", AF_INET6, 0);
    gai("1::2::3", "80", AF_INET6, AI_NUMERICHOST);
    gai(NULL, "80", AF_INET6, AI_PASSIVE);
    gai(NULL, "80", AF_INET6, 0);
    gai(NULL, "80", AF_UNSPEC, AI_PASSIVE);
    gai(NULL, "80", AF_UNSPEC, 0);
}

/* --- sockets over ::1 ---------------------------------------------------------------- */

static int listener6(const char *addr, int v6only, int *port)
{
    int l = socket(AF_INET6, SOCK_STREAM, 0);
    if (l < 0) {
        fail("socket(AF_INET6)");
        return -1;
    }
    int one = 1;
    setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (v6only >= 0 && setsockopt(l, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof v6only) < 0)
        fail("setsockopt(IPV6_V6ONLY)");
    struct sockaddr_in6 a = sin6(addr, 0);
    if (bind(l, (struct sockaddr *)&a, sizeof a) < 0 || listen(l, 8) < 0) {
        fail("bind/listen");
        close(l);
        return -1;
    }
    struct sockaddr_in6 got;
    socklen_t len = sizeof got;
    getsockname(l, (struct sockaddr *)&got, &len);
    *port = ntohs(got.sin6_port);
    return l;
}

static void tcp_loopback(void)
{
    int port;
    int l = listener6("::1", -1, &port);
    if (l < 0)
        return;
    int lport = 0;
    name("tcp ::1 listener", l, 0, &lport);
    int c = socket(AF_INET6, SOCK_STREAM, 0);
    struct sockaddr_in6 to = sin6("::1", port);
    show("connect([::1]:port)", connect(c, (struct sockaddr *)&to, sizeof to));
    struct sockaddr_in6 peer;
    socklen_t plen = sizeof peer;
    int s = accept(l, (struct sockaddr *)&peer, &plen);
    if (s < 0) {
        fail("accept");
        close(c);
        close(l);
        return;
    }
    char buf[INET6_ADDRSTRLEN];
    printf("accept: AF_INET6=%d %s (len %u)\n", peer.sin6_family == AF_INET6,
           inet_ntop(AF_INET6, &peer.sin6_addr, buf, sizeof buf), (unsigned)plen);
    int cport = 0, sport = 0, cpeer = 0;
    name("tcp ::1 client", c, 0, &cport);
    name("tcp ::1 client", c, 1, &cpeer);
    name("tcp ::1 accepted", s, 0, &sport);
    printf("ports: client's peer is the listener's %d, accepted's peer is the client's %d\n",
           cpeer == port, ntohs(peer.sin6_port) == cport);
    show("send(client, hello6)", (int)send(c, "hello6", 6, 0));
    char in[16] = {0};
    show("recv(accepted)", (int)recv(s, in, sizeof in, 0));
    printf("received \"%s\"\n", in);
    show("send(accepted, back)", (int)send(s, "back", 4, 0));
    memset(in, 0, sizeof in);
    show("recv(client)", (int)recv(c, in, sizeof in, 0));
    printf("received \"%s\"\n", in);
    int domain = 0;
    socklen_t dlen = sizeof domain;
    getsockopt(s, SOL_SOCKET, SO_DOMAIN, &domain, &dlen);
    printf("SO_DOMAIN of the accepted socket: %s\n", domain == AF_INET6 ? "AF_INET6" : "other");
    close(c);
    close(s);
    close(l);
    /* Nothing listens there any more. */
    c = socket(AF_INET6, SOCK_STREAM, 0);
    show("connect([::1]:closed port)", connect(c, (struct sockaddr *)&to, sizeof to));
    close(c);
}

static void udp_loopback(void)
{
    int a = socket(AF_INET6, SOCK_DGRAM, 0), b = socket(AF_INET6, SOCK_DGRAM, 0);
    struct sockaddr_in6 any = sin6("::1", 0);
    show("bind(udp, [::1]:0)", bind(a, (struct sockaddr *)&any, sizeof any));
    struct sockaddr_in6 where;
    socklen_t len = sizeof where;
    getsockname(a, (struct sockaddr *)&where, &len);
    show("sendto(udp, [::1]:port)", (int)sendto(b, "dgram6", 6, 0, (struct sockaddr *)&where,
                                                 sizeof where));
    struct sockaddr_in6 from;
    socklen_t flen = sizeof from;
    char in[16] = {0};
    show("recvfrom(udp)", (int)recvfrom(a, in, sizeof in, 0, (struct sockaddr *)&from, &flen));
    char buf[INET6_ADDRSTRLEN];
    int bport = 0;
    name("udp sender", b, 0, &bport);
    printf("udp from %s (len %u), \"%s\", sender's port %d\n",
           inet_ntop(AF_INET6, &from.sin6_addr, buf, sizeof buf), (unsigned)flen, in,
           ntohs(from.sin6_port) == bport);
    /* An IPv4 datagram to a dual-stack UDP socket on [::]. */
    int d = socket(AF_INET6, SOCK_DGRAM, 0), v4 = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in6 wild = sin6("::", 0);
    show("bind(udp, [::]:0)", bind(d, (struct sockaddr *)&wild, sizeof wild));
    len = sizeof where;
    getsockname(d, (struct sockaddr *)&where, &len);
    struct sockaddr_in to4 = sin4("127.0.0.1", ntohs(where.sin6_port));
    show("sendto(udp v4, 127.0.0.1:port)", (int)sendto(v4, "four", 4, 0, (struct sockaddr *)&to4,
                                                        sizeof to4));
    flen = sizeof from;
    memset(in, 0, sizeof in);
    show("recvfrom(udp [::])", (int)recvfrom(d, in, sizeof in, 0, (struct sockaddr *)&from, &flen));
    printf("udp from %s (len %u), \"%s\"\n",
           inet_ntop(AF_INET6, &from.sin6_addr, buf, sizeof buf), (unsigned)flen, in);
    close(a);
    close(b);
    close(d);
    close(v4);
}

/* A dual-stack listener on [::]: an IPv4 client appears as ::ffff:127.0.0.1; with
 * IPV6_V6ONLY it is refused and an IPv6 client still gets in. */
static void dual_stack(void)
{
    for (int v6only = 0; v6only <= 1; v6only++) {
        int port;
        int l = listener6("::", v6only, &port);
        if (l < 0)
            return;
        int value = -1;
        socklen_t vlen = sizeof value;
        getsockopt(l, IPPROTO_IPV6, IPV6_V6ONLY, &value, &vlen);
        printf("listener on [::], IPV6_V6ONLY %d (getsockopt: %d, len %u)\n", v6only, value,
               (unsigned)vlen);
        int c = socket(AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in to = sin4("127.0.0.1", port);
        show("  connect(AF_INET, 127.0.0.1:port)", connect(c, (struct sockaddr *)&to, sizeof to));
        if (!v6only) {
            struct sockaddr_in6 peer;
            socklen_t plen = sizeof peer;
            int s = accept(l, (struct sockaddr *)&peer, &plen);
            char buf[INET6_ADDRSTRLEN];
            if (s < 0) {
                fail("accept of the IPv4 client");
            } else {
                printf("  accepted the IPv4 client as %s (len %u)\n",
                       inet_ntop(AF_INET6, &peer.sin6_addr, buf, sizeof buf), (unsigned)plen);
                name("  accepted", s, 0, NULL);
                name("  IPv4 client", c, 1, NULL);
                show("  send(IPv4 client)", (int)send(c, "v4", 2, 0));
                char in[4] = {0};
                show("  recv(accepted)", (int)recv(s, in, sizeof in - 1, 0));
                printf("  received \"%s\"\n", in);
                close(s);
            }
        }
        close(c);
        c = socket(AF_INET6, SOCK_STREAM, 0);
        struct sockaddr_in6 to6 = sin6("::1", port);
        show("  connect(AF_INET6, [::1]:port)", connect(c, (struct sockaddr *)&to6, sizeof to6));
        int s = accept(l, NULL, NULL);
        name("  accepted", s, 1, NULL);
        close(s);
        close(c);
        close(l);
    }
    int v4 = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    show("setsockopt(AF_INET socket, IPV6_V6ONLY)",
         setsockopt(v4, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one));
    close(v4);
    int s6 = socket(AF_INET6, SOCK_STREAM, 0);
    struct sockaddr_in6 a = sin6("::1", 0);
    bind(s6, (struct sockaddr *)&a, sizeof a);
    show("setsockopt(IPV6_V6ONLY) after bind", setsockopt(s6, IPPROTO_IPV6, IPV6_V6ONLY, &one,
                                                           sizeof one));
    close(s6);
}

/* 0.0.0.0:P and a v6-only [::]:P are separate sockets (servers bind both); a
 * dual-stack [::]:P clashes with 0.0.0.0:P. No SO_REUSEADDR anywhere. */
static void both_families_on_one_port(void)
{
    int l4 = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a4 = sin4("0.0.0.0", 0);
    bind(l4, (struct sockaddr *)&a4, sizeof a4);
    socklen_t len = sizeof a4;
    getsockname(l4, (struct sockaddr *)&a4, &len);
    int port = ntohs(a4.sin_port);
    listen(l4, 4);
    int dual = socket(AF_INET6, SOCK_STREAM, 0);
    struct sockaddr_in6 a6 = sin6("::", port);
    show("bind(dual-stack [::]:P beside 0.0.0.0:P)", bind(dual, (struct sockaddr *)&a6, sizeof a6));
    close(dual);
    int l6 = socket(AF_INET6, SOCK_STREAM, 0), one = 1;
    setsockopt(l6, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    show("bind(v6-only [::]:P beside 0.0.0.0:P)", bind(l6, (struct sockaddr *)&a6, sizeof a6));
    show("listen(v6-only [::]:P)", listen(l6, 4));
    int c4 = socket(AF_INET, SOCK_STREAM, 0), c6 = socket(AF_INET6, SOCK_STREAM, 0);
    struct sockaddr_in to4 = sin4("127.0.0.1", port);
    struct sockaddr_in6 to6 = sin6("::1", port);
    show("  connect(127.0.0.1:P)", connect(c4, (struct sockaddr *)&to4, sizeof to4));
    show("  connect([::1]:P)", connect(c6, (struct sockaddr *)&to6, sizeof to6));
    int s4 = accept(l4, NULL, NULL), s6 = accept(l6, NULL, NULL);
    name("  0.0.0.0:P accepted", s4, 1, NULL);
    name("  [::]:P accepted", s6, 1, NULL);
    close(s4);
    close(s6);
    close(c4);
    close(c6);
    close(l4);
    close(l6);
}

/* Wrong families and lengths fail with Linux's errors, never fault. */
static void bad_addresses(void)
{
    int s6 = socket(AF_INET6, SOCK_STREAM, 0), s4 = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in6 a6 = sin6("::1", 0);
    struct sockaddr_in a4 = sin4("127.0.0.1", 0);
    show("bind(AF_INET6 socket, sockaddr_in6, 16 bytes)", bind(s6, (struct sockaddr *)&a6, 16));
    show("bind(AF_INET6 socket, sockaddr_in6, 0 bytes)", bind(s6, (struct sockaddr *)&a6, 0));
    show("bind(AF_INET6 socket, sockaddr_in)", bind(s6, (struct sockaddr *)&a4, sizeof a4));
    show("connect(AF_INET socket, sockaddr_in6)", connect(s4, (struct sockaddr *)&a6, sizeof a6));
    show("bind(AF_INET socket, sockaddr_in6)", bind(s4, (struct sockaddr *)&a6, sizeof a6));
    show("bind(AF_INET6 socket, NULL)", bind(s6, NULL, sizeof a6));
    struct sockaddr_in6 far = sin6("2001:db8::1", 0);
    show("bind(AF_INET6 socket, not our address)", bind(s6, (struct sockaddr *)&far, sizeof far));
    show("bind(AF_INET6 socket, [::1]:0, 24 bytes)", bind(s6, (struct sockaddr *)&a6, 24));
    struct sockaddr_in6 out;
    socklen_t len = 8;
    memset(&out, 0xaa, sizeof out);
    show("getsockname(AF_INET6 socket, 8 bytes)", getsockname(s6, (struct sockaddr *)&out, &len));
    printf("  length says %u, byte 8 untouched: %d\n", (unsigned)len,
           ((unsigned char *)&out)[8] == 0xaa);
    int u6 = socket(AF_INET6, SOCK_DGRAM, 0);
    show("sendto(AF_INET6 udp, sockaddr_in6, 20 bytes)",
         (int)sendto(u6, "x", 1, 0, (struct sockaddr *)&a6, 20));
    close(u6);
    close(s6);
    close(s4);
}

/* --- with a network ------------------------------------------------------------------- */

static int fetch(const char *addr, int port, const char *local)
{
    int s = socket(AF_INET6, SOCK_STREAM, 0);
    struct sockaddr_in6 from = sin6(local ? local : "::", 0);
    if (local != NULL && bind(s, (struct sockaddr *)&from, sizeof from) < 0) {
        fail("bind");
        return 1;
    }
    struct sockaddr_in6 to = sin6(addr, port);
    if (connect(s, (struct sockaddr *)&to, sizeof to) < 0) {
        fail("connect");
        return 1;
    }
    struct sockaddr_in6 me;
    socklen_t len = sizeof me;
    getsockname(s, (struct sockaddr *)&me, &len);
    char buf[INET6_ADDRSTRLEN];
    printf("local address %s\n", inet_ntop(AF_INET6, &me.sin6_addr, buf, sizeof buf));
    const char *req = "GET 100000\n";
    send(s, req, strlen(req), 0);
    static unsigned char data[100001];
    size_t got = 0;
    ssize_t n;
    while ((n = recv(s, data + got, sizeof data - got, 0)) > 0)
        got += (size_t)n;
    size_t bad = got;
    for (size_t i = 0; i < got; i++)
        if (data[i] != i % 251) {
            bad = i;
            break;
        }
    printf("fetched %zu bytes, %s\n", got, bad == got && got == 100000 ? "intact" : "WRONG");
    close(s);
    return got == 100000 && bad == got ? 0 : 1;
}

static int serve(int port)
{
    int l = socket(AF_INET6, SOCK_STREAM, 0), one = 1;
    setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in6 a = sin6("::", port);
    if (bind(l, (struct sockaddr *)&a, sizeof a) < 0 || listen(l, 4) < 0) {
        fail("bind/listen");
        return 1;
    }
    printf("listening on [::]:%d\n", port);
    fflush(stdout);
    for (int i = 0; i < 2; i++) {
        struct sockaddr_in6 peer;
        socklen_t len = sizeof peer;
        int s = accept(l, (struct sockaddr *)&peer, &len);
        if (s < 0) {
            fail("accept");
            return 1;
        }
        char buf[INET6_ADDRSTRLEN], line[128];
        printf("client %s\n", inet_ntop(AF_INET6, &peer.sin6_addr, buf, sizeof buf));
        fflush(stdout);
        ssize_t n = recv(s, line, sizeof line, 0);
        if (n > 0)
            send(s, line, (size_t)n, 0);
        close(s);
    }
    close(l);
    return 0;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    if ((argc == 4 || argc == 5) && strcmp(argv[1], "fetch") == 0)
        return fetch(argv[2], atoi(argv[3]), argc == 5 ? argv[4] : NULL);
    if (argc == 3 && strcmp(argv[1], "serve") == 0)
        return serve(atoi(argv[2]));
    if (argc != 2 || strcmp(argv[1], "local") != 0) {
        fprintf(stderr, "usage: ipv6-checks local | fetch ADDR PORT [LOCAL] | serve PORT\n");
        return 2;
    }
    text_forms();
    lookups();
    tcp_loopback();
    udp_loopback();
    dual_stack();
    both_families_on_one_port();
    bad_addresses();
    printf("%d failures\n", failures);
    return failures != 0;
}
