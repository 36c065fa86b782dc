/* BSD sockets over the kernel's socket calls.  Applications see Linux's (glibc's)
 * values and layouts (libc-port/include/sys/socket.h, netinet/in.h); the kernel has
 * hermit-abi's (<hermit/syscall-prefixed.h>): families, option levels and names, flags and addresses
 * are translated here in both directions, and errors become newlib's errno values.
 * Sockets are descriptors of the kernel's table, so read, write, close, dup, fcntl and
 * poll work on them directly. */

/* ESOCKTNOSUPPORT is one of newlib's Linux extensions. */
#define __LINUX_ERRNO_EXTENSIONS__
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "port.h"

_Static_assert(sizeof(struct sockaddr_in) == 16, "sockaddr_in is 16 bytes");
_Static_assert(sizeof(struct hermit_sockaddr_in) == 16, "the kernel's sockaddr_in");
_Static_assert(sizeof(struct sockaddr_storage) == 128, "sockaddr_storage");
_Static_assert(sizeof(struct sockaddr_in6) == 28, "sockaddr_in6 is 28 bytes");
_Static_assert(sizeof(struct hermit_sockaddr_in6) == 28, "the kernel's sockaddr_in6");

/* Room for either of the kernel's addresses; the family is byte 1 in both. */
union haddr {
    struct hermit_sockaddr_in in;
    struct hermit_sockaddr_in6 in6;
};

/* --- what libc remembers per descriptor: the type, for SO_TYPE; listening, for
 * SO_ACCEPTCONN; AF_INET6, for SO_DOMAIN.  Set by socket, accept and listen (a dup'ed
 * socket reads as an AF_INET SOCK_STREAM one). */
#define KNOWN_FDS 1024
#define KIND_LISTENING 0x80
#define KIND_INET6 0x40
#define KIND_TYPE(k) ((k) & ~(KIND_LISTENING | KIND_INET6))
static unsigned char kinds[KNOWN_FDS];

static void remember(int fd, int type)
{
    if (fd >= 0 && fd < KNOWN_FDS)
        kinds[fd] = (unsigned char)type;
}

/* --- addresses ------------------------------------------------------------------- */

/* An application's address -> the kernel's, and its length; 0 or an errno (newlib's).
 * Linux's minimum lengths: a sockaddr_in, and 24 bytes of a sockaddr_in6 (RFC 2133's,
 * without the scope id). */
static int address_in(const struct sockaddr *a, socklen_t len, union haddr *h, uint32_t *hlen)
{
    if (a == NULL)
        return EFAULT;
    /* As Linux, which copies the address in first: a bad one is EFAULT. */
    if (!__eremit_user_ok(a, len < sizeof(struct sockaddr_in6) ? len : sizeof(struct sockaddr_in6), 0))
        return EFAULT;
    if (len < sizeof(sa_family_t))
        return EINVAL;
    memset(h, 0, sizeof *h);
    if (a->sa_family == AF_INET6) {
        if (len < offsetof(struct sockaddr_in6, sin6_scope_id))
            return EINVAL;
        struct sockaddr_in6 in6;
        memset(&in6, 0, sizeof in6);
        memcpy(&in6, a, len < sizeof in6 ? len : sizeof in6);
        h->in6.sin6_len = sizeof h->in6;
        h->in6.sin6_family = HERMIT_AF_INET6;
        h->in6.sin6_port = in6.sin6_port;
        h->in6.sin6_flowinfo = in6.sin6_flowinfo;
        memcpy(HERMIT_S6(h->in6.sin6_addr), in6.sin6_addr.s6_addr, 16);
        h->in6.sin6_scope_id = in6.sin6_scope_id;
        *hlen = sizeof h->in6;
        return 0;
    }
    if (a->sa_family != AF_INET)
        return EAFNOSUPPORT;
    if (len < sizeof(struct sockaddr_in))
        return EINVAL;
    const struct sockaddr_in *in = (const struct sockaddr_in *)a;
    h->in.sin_len = sizeof h->in;
    h->in.sin_family = HERMIT_AF_INET;
    h->in.sin_port = in->sin_port;
    h->in.sin_addr.s_addr = in->sin_addr.s_addr;
    *hlen = sizeof h->in;
    return 0;
}

/* Whether address_out may write A (at most a sockaddr_in6 of it) and *LEN: checked
 * before the call, so a bad buffer is EFAULT instead of a fault after it. */
static int address_out_ok(const struct sockaddr *a, const socklen_t *len)
{
    if (a == NULL)
        return 1;
    if (!__eremit_user_ok(len, sizeof *len, 1))
        return 0;
    size_t n = *len < sizeof(struct sockaddr_in6) ? *len : sizeof(struct sockaddr_in6);
    return __eremit_user_ok(a, n, 1);
}

/* The kernel's address -> the application's buffer of *len bytes (truncated to fit, as
 * POSIX says); *len becomes the full length. */
static void address_out(const union haddr *h, struct sockaddr *a, socklen_t *len)
{
    if (a == NULL || len == NULL)
        return;
    if (h->in.sin_family == HERMIT_AF_INET6) {
        struct sockaddr_in6 in6;
        memset(&in6, 0, sizeof in6);
        in6.sin6_family = AF_INET6;
        in6.sin6_port = h->in6.sin6_port;
        in6.sin6_flowinfo = h->in6.sin6_flowinfo;
        memcpy(in6.sin6_addr.s6_addr, HERMIT_S6(h->in6.sin6_addr), 16);
        in6.sin6_scope_id = h->in6.sin6_scope_id;
        size_t n = *len < sizeof in6 ? *len : sizeof in6;
        memcpy(a, &in6, n);
        *len = sizeof in6;
        return;
    }
    struct sockaddr_in in;
    memset(&in, 0, sizeof in);
    in.sin_family = AF_INET;
    in.sin_port = h->in.sin_port;
    in.sin_addr.s_addr = h->in.sin_addr.s_addr;
    size_t n = *len < sizeof in ? *len : sizeof in;
    memcpy(a, &in, n);
    *len = sizeof in;
}

/* --- creating and connecting ------------------------------------------------------- */

int socket(int domain, int type, int protocol)
{
    int kind = type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (domain != AF_INET && domain != AF_INET6)
        return __hermit_fail(EAFNOSUPPORT);
    switch (kind) {
    case SOCK_STREAM:
    case SOCK_DGRAM:
        break;
    case SOCK_RAW:
    case SOCK_RDM:
    case SOCK_SEQPACKET:
        return __hermit_fail(ESOCKTNOSUPPORT);
    default:
        return __hermit_fail(EINVAL);
    }
    int htype = kind;
    if (type & SOCK_NONBLOCK)
        htype |= HERMIT_SOCK_NONBLOCK;
    if (type & SOCK_CLOEXEC)
        htype |= HERMIT_SOCK_CLOEXEC;
    int hdomain = domain == AF_INET6 ? HERMIT_AF_INET6 : HERMIT_AF_INET;
    int fd = (int)__hermit_ret(sys_socket(hdomain, htype, protocol));
    remember(fd, kind | (domain == AF_INET6 ? KIND_INET6 : 0));
    return fd;
}

int socketpair(int domain, int type, int protocol, int fds[2])
{
    (void)type;
    (void)protocol;
    (void)fds;
    /* Only AF_UNIX has socket pairs, and there are no Unix-domain sockets. */
    return __hermit_fail(domain == AF_UNIX ? EAFNOSUPPORT : EOPNOTSUPP);
}

int bind(int fd, const struct sockaddr *addr, socklen_t len)
{
    union haddr h;
    uint32_t hlen;
    int e = address_in(addr, len, &h, &hlen);
    if (e != 0)
        return __hermit_fail(e);
    return (int)__hermit_ret(sys_bind(fd, (const struct hermit_sockaddr *)&h, hlen));
}

int connect(int fd, const struct sockaddr *addr, socklen_t len)
{
    union haddr h;
    uint32_t hlen;
    int e = address_in(addr, len, &h, &hlen);
    if (e != 0)
        return __hermit_fail(e);
    return (int)__hermit_ret(
        __hermit_interruptible(0, sys_connect(fd, (const struct hermit_sockaddr *)&h, hlen)));
}

int listen(int fd, int backlog)
{
    int r = (int)__hermit_ret(sys_listen(fd, backlog));
    if (r == 0 && fd >= 0 && fd < KNOWN_FDS)
        kinds[fd] = SOCK_STREAM | KIND_LISTENING | (kinds[fd] & KIND_INET6);
    return r;
}

int accept4(int fd, struct sockaddr *restrict addr, socklen_t *restrict len, int flags)
{
    if (flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC))
        return __hermit_fail(EINVAL);
    /* Checked first: the connection would be lost after the kernel's accept. */
    if (!address_out_ok(addr, len))
        return __hermit_fail(EFAULT);
    union haddr h;
    uint32_t hlen = sizeof h;
    int conn = (int)__hermit_ret(
        __hermit_restartable(sys_accept(fd, (struct hermit_sockaddr *)&h, &hlen)));
    if (conn < 0)
        return -1;
    remember(conn, SOCK_STREAM | (h.in.sin_family == HERMIT_AF_INET6 ? KIND_INET6 : 0));
    address_out(&h, addr, len);
    if (flags & SOCK_NONBLOCK)
        sys_fcntl(conn, HERMIT_F_SETFL, HERMIT_O_NONBLOCK);
    if (flags & SOCK_CLOEXEC)
        sys_fcntl(conn, HERMIT_F_SETFD, HERMIT_FD_CLOEXEC);
    return conn;
}

int accept(int fd, struct sockaddr *restrict addr, socklen_t *restrict len)
{
    return accept4(fd, addr, len, 0);
}

int shutdown(int fd, int how)
{
    return (int)__hermit_ret(sys_shutdown(fd, how));
}

/* --- data ------------------------------------------------------------------------- */

/* For MSG_DONTWAIT on a blocking socket: 0 when `events` is ready (or the descriptor is
 * bad, which the call itself then reports), else EAGAIN. */
static int not_ready(int fd, short events)
{
    struct hermit_pollfd p = {fd, events, 0};
    int r = sys_poll(&p, 1, 0);
    if (r < 0)
        return __hermit_errno(-r);
    return r == 0 ? EAGAIN : 0;
}

static int is_nonblocking(int fd)
{
    int fl = sys_fcntl(fd, HERMIT_F_GETFL, 0);
    return fl >= 0 && (fl & HERMIT_O_NONBLOCK);
}

ssize_t sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *to,
               socklen_t tolen)
{
    union haddr h;
    uint32_t hlen = 0;
    const struct hermit_sockaddr *hto = NULL;
    if (flags & MSG_OOB)
        return __hermit_fail(EOPNOTSUPP);
    if (to != NULL) {
        int e = address_in(to, tolen, &h, &hlen);
        if (e != 0)
            return __hermit_fail(e);
        hto = (const struct hermit_sockaddr *)&h;
    }
    if (flags & MSG_DONTWAIT) {
        int e = not_ready(fd, POLLOUT);
        if (e != 0)
            return __hermit_fail(e);
    }
    ptrdiff_t n = __hermit_restartable(sys_sendto(fd, buf, len, 0, hto, hlen));
    /* A blocking stream socket sends everything before it returns, as on Linux (the
     * kernel returns after a part when its buffer fills). */
    if (n > 0 && (size_t)n < len && !(flags & MSG_DONTWAIT) && !is_nonblocking(fd)) {
        size_t done = (size_t)n;
        while (done < len) {
            ptrdiff_t m = sys_sendto(fd, (const char *)buf + done, len - done, 0, hto, hlen);
            if (m <= 0)
                break;  /* the error shows at the next call */
            done += (size_t)m;
        }
        return (ssize_t)done;
    }
    return __hermit_ret(n);
}

ssize_t send(int fd, const void *buf, size_t len, int flags)
{
    return sendto(fd, buf, len, flags, NULL, 0);
}

ssize_t recvfrom(int fd, void *restrict buf, size_t len, int flags,
                 struct sockaddr *restrict from, socklen_t *restrict fromlen)
{
    if (flags & MSG_OOB)
        return __hermit_fail(EINVAL);
    if (!address_out_ok(from, fromlen))
        return __hermit_fail(EFAULT);
    if (flags & MSG_DONTWAIT) {
        int e = not_ready(fd, POLLIN);
        if (e != 0)
            return __hermit_fail(e);
    }
    int hflags = (flags & MSG_PEEK) ? HERMIT_MSG_PEEK : 0;
    union haddr h;
    uint32_t hlen = sizeof h;
    struct hermit_sockaddr *hfrom = from ? (struct hermit_sockaddr *)&h : NULL;
    ptrdiff_t n =
        __hermit_restartable(sys_recvfrom(fd, buf, len, hflags, hfrom, from ? &hlen : NULL));
    if (n < 0)
        return __hermit_ret(n);
    if (from != NULL)
        address_out(&h, from, fromlen);
    /* MSG_WAITALL: until the buffer is full, the stream ends or an error. */
    if ((flags & MSG_WAITALL) && !(flags & MSG_PEEK) && n > 0 && (size_t)n < len) {
        size_t done = (size_t)n;
        while (done < len) {
            ptrdiff_t m = sys_recvfrom(fd, (uint8_t *)buf + done, len - done, 0, NULL, NULL);
            if (m <= 0)
                break;
            done += (size_t)m;
        }
        return (ssize_t)done;
    }
    return n;
}

ssize_t recv(int fd, void *buf, size_t len, int flags)
{
    return recvfrom(fd, buf, len, flags, NULL, NULL);
}

/* sendmsg and recvmsg gather into (scatter from) one buffer; no control messages. */
static size_t iov_total(const struct iovec *iov, size_t n, int *bad)
{
    size_t total = 0;
    *bad = n > IOV_MAX;
    for (size_t i = 0; i < n && !*bad; i++) {
        if (iov[i].iov_len > (size_t)PTRDIFF_MAX - total)
            *bad = 1;
        total += iov[i].iov_len;
    }
    return total;
}

ssize_t sendmsg(int fd, const struct msghdr *msg, int flags)
{
    if (msg == NULL)
        return __hermit_fail(EFAULT);
    if (msg->msg_controllen != 0)
        return __hermit_fail(EOPNOTSUPP);
    int bad;
    size_t total = iov_total(msg->msg_iov, msg->msg_iovlen, &bad);
    if (bad)
        return __hermit_fail(EINVAL);
    const struct sockaddr *to = msg->msg_name;
    if (msg->msg_iovlen == 1)
        return sendto(fd, msg->msg_iov[0].iov_base, total, flags, to, msg->msg_namelen);
    char *buf = malloc(total ? total : 1);
    if (buf == NULL)
        return __hermit_fail(ENOMEM);
    size_t off = 0;
    for (size_t i = 0; i < msg->msg_iovlen; i++) {
        memcpy(buf + off, msg->msg_iov[i].iov_base, msg->msg_iov[i].iov_len);
        off += msg->msg_iov[i].iov_len;
    }
    ssize_t n = sendto(fd, buf, total, flags, to, msg->msg_namelen);
    int saved = errno;
    free(buf);
    errno = saved;
    return n;
}

ssize_t recvmsg(int fd, struct msghdr *msg, int flags)
{
    if (msg == NULL)
        return __hermit_fail(EFAULT);
    int bad;
    size_t total = iov_total(msg->msg_iov, msg->msg_iovlen, &bad);
    if (bad)
        return __hermit_fail(EINVAL);
    socklen_t namelen = msg->msg_namelen;
    struct sockaddr *name = msg->msg_name;
    ssize_t n;
    if (msg->msg_iovlen == 1) {
        n = recvfrom(fd, msg->msg_iov[0].iov_base, total, flags, name, name ? &namelen : NULL);
    } else {
        char *buf = malloc(total ? total : 1);
        if (buf == NULL)
            return __hermit_fail(ENOMEM);
        n = recvfrom(fd, buf, total, flags, name, name ? &namelen : NULL);
        size_t off = 0;
        for (size_t i = 0; n > 0 && i < msg->msg_iovlen && off < (size_t)n; i++) {
            size_t k = msg->msg_iov[i].iov_len;
            if (k > (size_t)n - off)
                k = (size_t)n - off;
            memcpy(msg->msg_iov[i].iov_base, buf + off, k);
            off += k;
        }
        int saved = errno;
        free(buf);
        errno = saved;
    }
    if (n >= 0) {
        if (name != NULL)
            msg->msg_namelen = namelen;
        msg->msg_controllen = 0;
        msg->msg_flags = 0;
    }
    return n;
}

int sockatmark(int fd)
{
    /* No out-of-band data: never at the mark (but the descriptor must be a socket). */
    union haddr h;
    uint32_t hlen = sizeof h;
    int r = (int)__hermit_ret(sys_getsockname(fd, (struct hermit_sockaddr *)&h, &hlen));
    return r < 0 ? -1 : 0;
}

/* --- names ------------------------------------------------------------------------ */

static int name_of(int fd, struct sockaddr *restrict addr, socklen_t *restrict len, int peer)
{
    if (addr == NULL || !address_out_ok(addr, len))
        return __hermit_fail(EFAULT);
    union haddr h;
    uint32_t hlen = sizeof h;
    int r = peer ? sys_getpeername(fd, (struct hermit_sockaddr *)&h, &hlen)
                 : sys_getsockname(fd, (struct hermit_sockaddr *)&h, &hlen);
    if (r < 0)
        return (int)__hermit_ret(r);
    address_out(&h, addr, len);
    return 0;
}

int getsockname(int fd, struct sockaddr *restrict addr, socklen_t *restrict len)
{
    return name_of(fd, addr, len, 0);
}

int getpeername(int fd, struct sockaddr *restrict addr, socklen_t *restrict len)
{
    return name_of(fd, addr, len, 1);
}

/* --- options ---------------------------------------------------------------------- */

enum value { V_INT, V_TIMEVAL, V_LINGER, V_ERRNO };

/* Linux's (level, name) -> the kernel's; 0 when the kernel has no such option. */
static int option_to_abi(int level, int name, int *hlevel, int *hname, enum value *v)
{
    *v = V_INT;
    switch (level) {
    case SOL_SOCKET:
        *hlevel = HERMIT_SOL_SOCKET;
        switch (name) {
        case SO_REUSEADDR: *hname = HERMIT_SO_REUSEADDR; return 1;
        case SO_KEEPALIVE: *hname = HERMIT_SO_KEEPALIVE; return 1;
        case SO_BROADCAST: *hname = HERMIT_SO_BROADCAST; return 1;
        case SO_SNDBUF: *hname = HERMIT_SO_SNDBUF; return 1;
        case SO_RCVBUF: *hname = HERMIT_SO_RCVBUF; return 1;
        case SO_LINGER: *hname = HERMIT_SO_LINGER; *v = V_LINGER; return 1;
        case SO_SNDTIMEO: *hname = HERMIT_SO_SNDTIMEO; *v = V_TIMEVAL; return 1;
        case SO_RCVTIMEO: *hname = HERMIT_SO_RCVTIMEO; *v = V_TIMEVAL; return 1;
        case SO_ERROR: *hname = HERMIT_SO_ERROR; *v = V_ERRNO; return 1;
        }
        return 0;
    case IPPROTO_TCP:
        *hlevel = HERMIT_IPPROTO_TCP;
        if (name == TCP_NODELAY) {
            *hname = HERMIT_TCP_NODELAY;
            return 1;
        }
        return 0;
    case IPPROTO_IP:
        *hlevel = HERMIT_IPPROTO_IP;
        if (name == IP_TTL) {
            *hname = HERMIT_IP_TTL;
            return 1;
        }
        return 0;
    case IPPROTO_IPV6:
        *hlevel = HERMIT_IPPROTO_IPV6;
        if (name == IPV6_V6ONLY) {
            *hname = HERMIT_IPV6_V6ONLY;
            return 1;
        }
        return 0;
    }
    return 0;
}

/* Options the kernel lacks that programs set routinely: accepted and ignored (the
 * descriptor must still be a socket).  Reading them gives Linux's defaults. */
static int ignored_option(int level, int name, int *value)
{
    if (level == SOL_SOCKET && name == SO_REUSEPORT)
        return *value = 0, 1;
    if (level == IPPROTO_TCP && name == TCP_KEEPIDLE)
        return *value = 7200, 1;
    if (level == IPPROTO_TCP && name == TCP_KEEPINTVL)
        return *value = 75, 1;
    if (level == IPPROTO_TCP && name == TCP_KEEPCNT)
        return *value = 9, 1;
    return 0;
}

/* ENOTSOCK, EBADF or 0. */
static int check_socket(int fd)
{
    union haddr h;
    uint32_t hlen = sizeof h;
    int r = sys_getsockname(fd, (struct hermit_sockaddr *)&h, &hlen);
    return r == -HERMIT_ENOTSOCK || r == -HERMIT_EBADF ? __hermit_errno(-r) : 0;
}

/* The usual end of a non-blocking connect is poll/select for writing, then
 * getsockopt(SO_ERROR) == 0.  The kernel keeps such a socket in its "connecting" state
 * until connect is called again, and until then poll never reports it readable (a
 * kernel bug, reported).  So when SO_ERROR reads 0 and the socket is writable (the
 * handshake is over), connect once more to the peer: that completes it (or says
 * EISCONN), without blocking. */
static void finish_connect(int fd)
{
    if (fd >= 0 && fd < KNOWN_FDS && KIND_TYPE(kinds[fd]) == SOCK_DGRAM)
        return;
    struct hermit_pollfd p = {fd, POLLOUT, 0};
    if (sys_poll(&p, 1, 0) != 1 || (p.revents & (POLLERR | POLLHUP | POLLNVAL)) ||
        !(p.revents & POLLOUT))
        return;
    union haddr peer;
    uint32_t len = sizeof peer;
    if (sys_getpeername(fd, (struct hermit_sockaddr *)&peer, &len) == 0)
        sys_connect(fd, (const struct hermit_sockaddr *)&peer, len);
}

/* Writes an int option value into the caller's buffer (truncated as Linux does). */
static int int_out(int value, void *restrict val, socklen_t *restrict len)
{
    if (val == NULL || !__eremit_user_ok(len, sizeof *len, 1))
        return __hermit_fail(EFAULT);
    if ((int)*len < 0)
        return __hermit_fail(EINVAL);
    size_t n = *len < sizeof value ? *len : sizeof value;
    if (!__eremit_user_ok(val, n, 1))
        return __hermit_fail(EFAULT);
    memcpy(val, &value, n);
    *len = (socklen_t)n;
    return 0;
}

int getsockopt(int fd, int level, int name, void *restrict val, socklen_t *restrict len)
{
    int hlevel, hname, fixed;
    enum value v;
    if (val == NULL || !__eremit_user_ok(len, sizeof *len, 1))
        return __hermit_fail(EFAULT);
    if (level == SOL_SOCKET && (name == SO_TYPE || name == SO_DOMAIN || name == SO_PROTOCOL ||
                                name == SO_ACCEPTCONN)) {
        int e = check_socket(fd);
        if (e != 0)
            return __hermit_fail(e);
        int kind = fd < KNOWN_FDS && kinds[fd] ? kinds[fd] : SOCK_STREAM;
        int type = KIND_TYPE(kind);
        int value = name == SO_TYPE ? type
                    : name == SO_DOMAIN ? ((kind & KIND_INET6) ? AF_INET6 : AF_INET)
                    : name == SO_PROTOCOL ? (type == SOCK_DGRAM ? IPPROTO_UDP : IPPROTO_TCP)
                    : (kind & KIND_LISTENING) != 0;
        return int_out(value, val, len);
    }
    if (ignored_option(level, name, &fixed)) {
        int e = check_socket(fd);
        if (e != 0)
            return __hermit_fail(e);
        return int_out(fixed, val, len);
    }
    if (!option_to_abi(level, name, &hlevel, &hname, &v)) {
        int e = check_socket(fd);
        return __hermit_fail(e != 0 ? e : ENOPROTOOPT);
    }
    if (v == V_TIMEVAL) {
        struct hermit_timeval h[2]; /* 16 bytes with padding; room to spare */
        uint32_t hlen = 16;
        memset(h, 0, sizeof h);
        int r = sys_getsockopt(fd, hlevel, hname, h, &hlen);
        if (r < 0)
            return (int)__hermit_ret(r);
        struct timeval tv = {h[0].tv_sec, h[0].tv_usec};
        size_t n = *len < sizeof tv ? *len : sizeof tv;
        if (!__eremit_user_ok(val, n, 1))
            return __hermit_fail(EFAULT);
        memcpy(val, &tv, n);
        *len = (socklen_t)n;
        return 0;
    }
    /* int, errno and linger values: the same layout as Linux's. */
    uint32_t hlen = *len;
    int r = sys_getsockopt(fd, hlevel, hname, val, &hlen);
    if (r < 0)
        return (int)__hermit_ret(r);
    *len = hlen;
    if (v == V_ERRNO && hlen >= sizeof(int)) {
        int e;
        memcpy(&e, val, sizeof e);
        if (e > 0)
            e = __hermit_errno(e);
        else if (e == 0)
            finish_connect(fd);
        memcpy(val, &e, sizeof e);
    }
    return 0;
}

int setsockopt(int fd, int level, int name, const void *val, socklen_t len)
{
    int hlevel, hname, fixed;
    enum value v;
    if (ignored_option(level, name, &fixed)) {
        int e = check_socket(fd);
        if (e != 0)
            return __hermit_fail(e);
        if (val == NULL)
            return __hermit_fail(EFAULT);
        return len < sizeof(int) ? __hermit_fail(EINVAL) : 0;
    }
    if (!option_to_abi(level, name, &hlevel, &hname, &v) || v == V_ERRNO) {
        int e = check_socket(fd);
        return __hermit_fail(e != 0 ? e : ENOPROTOOPT);
    }
    if (val == NULL)
        return __hermit_fail(EFAULT);
    if (v == V_TIMEVAL) {
        if (len < sizeof(struct timeval))
            return __hermit_fail(EINVAL);
        if (!__eremit_user_ok(val, sizeof(struct timeval), 0))
            return __hermit_fail(EFAULT);
        struct timeval tv;
        memcpy(&tv, val, sizeof tv);
        if (tv.tv_usec < 0 || tv.tv_usec >= 1000000)
            return __hermit_fail(EDOM);
        if (tv.tv_sec < 0) /* Linux: a negative timeout means none (wait forever) */
            tv.tv_sec = tv.tv_usec = 0;
        struct hermit_timeval h[2];
        memset(h, 0, sizeof h);
        h[0].tv_sec = tv.tv_sec;
        h[0].tv_usec = (int32_t)tv.tv_usec;
        return (int)__hermit_ret(sys_setsockopt(fd, hlevel, hname, h, 16));
    }
    if (len < sizeof(int))
        return __hermit_fail(EINVAL);
    return (int)__hermit_ret(sys_setsockopt(fd, hlevel, hname, val, len));
}

/* --- ioctl(FIONBIO), ioctl(FIONREAD) ----------------------------------------------- */

int __eremit_socket_ioctl(int fd, unsigned long request, void *argp)
{
    if (argp == NULL)
        return __hermit_fail(EFAULT);
    if (request == FIONBIO)
        return (int)__hermit_ret(sys_ioctl(fd, HERMIT_FIONBIO, argp));
    if (request != FIONREAD)
        return __hermit_fail(ENOTTY);
    /* FIONREAD: bytes left in a regular file; bytes queued on a socket (found by
     * peeking; the next datagram's size for UDP). */
    struct hermit_stat st;
    if (sys_fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
        ptrdiff_t pos = sys_lseek(fd, 0, HERMIT_SEEK_CUR);
        if (pos < 0)
            return (int)__hermit_ret(pos);
        *(int *)argp = st.st_size > pos ? (int)(st.st_size - pos) : 0;
        return 0;
    }
    int e = check_socket(fd);
    if (e != 0)
        return __hermit_fail(e == ENOTSOCK ? ENOTTY : e);
    if (fd >= 0 && fd < KNOWN_FDS && (kinds[fd] & KIND_LISTENING))
        return __hermit_fail(EINVAL);
    if (not_ready(fd, POLLIN) != 0) {
        *(int *)argp = 0;
        return 0;
    }
    size_t cap = 256 * 1024;
    uint8_t *buf = malloc(cap);
    if (buf == NULL)
        return __hermit_fail(ENOMEM);
    ptrdiff_t n = sys_recvfrom(fd, buf, cap, HERMIT_MSG_PEEK, NULL, NULL);
    free(buf);
    if (n < 0)
        return (int)__hermit_ret(n);
    *(int *)argp = (int)n;
    return 0;
}
