/* The fuzzer's calls of the system calls of sockets: creation, addresses, options, listen/connect/accept, name lookups
 * (the list of calls and what is left out: fuzz_sys.c). */

#include "fuzz_sys.h"

/* A sockaddr: bad pointer, or the thread's memory holding an IPv4 loopback address
 * (or garbage) with a length that fits. */
const struct sockaddr *fz_address(struct fz *f, socklen_t *len, uint8_t *stack)
{
    size_t own;
    uint8_t *p = fz_ptr_on(f, 16, &own, stack, 16);
    *len = (socklen_t)fz_len(f, p, own);
    if (own >= 16) {
        uint8_t a[16] = {16, AF_INET, 0x1f, 0x90, 127, 0, 0, 1};
        for (int i = 0; i < 16; i++)
            p[i] = fz_chance(f, 10) ? (uint8_t)fz_rand(f) : a[i];
    }
    return (const struct sockaddr *)p;
}

CALL(accept)
{
    uint8_t addr[16];
    socklen_t len = 16;
    size_t own;
    void *a = fz_ptr_on(f, 16, &own, addr, 16);
    socklen_t *l = fz_ptr_on(f, 4, &own, &len, sizeof len);
    if (own != 0)
        *l = (socklen_t)fz_below(f, 17);
    int fd = sys_accept(fz_fd(f), a, l);
    if (fd >= 0)
        sys_close(fd);
    return fd;
}

CALL(bind)
{
    uint8_t stack[16];
    socklen_t len;
    const struct sockaddr *a = fz_address(f, &len, stack);
    return sys_bind(fz_fd(f), a, len);
}

CALL(connect)
{
    uint8_t stack[16];
    socklen_t len;
    const struct sockaddr *a = fz_address(f, &len, stack);
    return sys_connect(fz_fd(f), a, len);
}

CALL(freeaddrinfo)
{
    /* A list it gave, or any pointer: the kernel frees only lists it handed out. */
    struct addrinfo *res = NULL;
    size_t own;
    if (fz_chance(f, 60)) {
        sys_getaddrinfo("127.0.0.1", "80", NULL, &res);
        f->mask |= 1u << FZ_VALID;
    } else {
        res = fz_ptr(f, sizeof *res, &own);
    }
    sys_freeaddrinfo(res);
    if (res != NULL && fz_chance(f, 30))
        sys_freeaddrinfo(res); /* twice: ignored the second time */
    return 0;
}

CALL(getaddrbyname)
{
    uint8_t out[16];
    size_t own;
    const char *name = fz_chance(f, 40) ? "127.0.0.1" : fz_path(f, 0);
    uint8_t *p = fz_ptr_on(f, 4, &own, out, sizeof out);
    size_t len = fz_len(f, p, own);
    return sys_getaddrbyname(name, p, len);
}

CALL(getaddrinfo)
{
    static const char *names[] = {"127.0.0.1", "localhost", "1.2.3.4", "", "no.such.name.invalid"};
    struct addrinfo hints = {0}, *res = NULL;
    size_t own;
    const char *node = fz_chance(f, 50) ? names[fz_below(f, 5)] : fz_ptr(f, 1, &own);
    if (node == (const char *)f->heap || node == (const char *)f->data)
        f->heap[FZ_BUF - 1] = f->data[FZ_BUF - 1] = 0;
    const char *service = fz_chance(f, 60) ? "80" : fz_ptr(f, 1, &own);
    if (service == (const char *)f->heap || service == (const char *)f->data)
        f->heap[FZ_BUF - 1] = f->data[FZ_BUF - 1] = 0;
    hints.ai_family = fz_int(f, AF_INET);
    hints.ai_socktype = fz_int(f, SOCK_STREAM);
    const struct addrinfo *h = fz_chance(f, 60) ? &hints : fz_ptr(f, sizeof hints, &own);
    struct addrinfo **r = fz_chance(f, 60) ? &res : fz_ptr(f, sizeof res, &own);
    int bad = fz_ptr_is_bad(f, 1);
    long ret = sys_getaddrinfo(node, service, h, r);
    if (r == &res && res != NULL)
        sys_freeaddrinfo(res);
    else if (ret == 0 && !bad && r != &res && r != NULL)
        sys_freeaddrinfo(*r);
    return ret;
}

static long name_call(struct fz *f, int peer)
{
    uint8_t addr[16];
    socklen_t len = 16;
    size_t own;
    struct sockaddr *a = fz_ptr_on(f, 16, &own, addr, 16);
    socklen_t *l = fz_ptr_on(f, 4, &own, &len, sizeof len);
    if (own != 0)
        *l = (socklen_t)fz_below(f, 17);
    return peer ? sys_getpeername(fz_fd(f), a, l) : sys_getsockname(fz_fd(f), a, l);
}

CALL(getpeername)
{
    return name_call(f, 1);
}

CALL(getsockname)
{
    return name_call(f, 0);
}

static const int levels[] = {SOL_SOCKET, IPPROTO_TCP, IPPROTO_IP, IPPROTO_IPV6, -1, 12345};

static const int options[] = {SO_REUSEADDR, SO_KEEPALIVE, SO_RCVTIMEO, SO_SNDTIMEO, SO_ERROR,
                              SO_LINGER, SO_SNDBUF, SO_RCVBUF, 1, 2, -1, 99999};

CALL(getsockopt)
{
    uint8_t val[32];
    socklen_t len = 32;
    size_t own;
    void *v = fz_ptr_on(f, 32, &own, val, sizeof val);
    size_t vown = own;
    socklen_t *l = fz_ptr_on(f, 4, &own, &len, sizeof len);
    if (own != 0)
        *l = (socklen_t)fz_below(f, (unsigned)(vown < 32 ? vown + 1 : 33));
    return sys_getsockopt(fz_fd(f), levels[fz_below(f, 6)], options[fz_below(f, 12)], v, l);
}

CALL(setsockopt)
{
    uint8_t val[32] = {0};
    size_t own;
    void *v = fz_ptr_on(f, 32, &own, val, sizeof val);
    socklen_t len = (socklen_t)fz_len(f, v, own);
    /* Never on the thread's socket (a timeout or buffer size would stay): a copy. */
    int fd = sys_dup(fz_fd(f));
    long r = sys_setsockopt(fd, levels[fz_below(f, 6)], options[fz_below(f, 12)], v, len);
    sys_close(fd);
    return r;
}

CALL(listen)
{
    int fd = sys_dup(fz_fd(f));
    long r = sys_listen(fd, fz_int(f, 16));
    sys_close(fd);
    return r;
}

CALL(network_init)
{
    return sys_network_init();
}

CALL(shutdown)
{
    int fd = sys_dup(fz_fd(f));
    long r = sys_shutdown(fd, fz_int(f, 2));
    sys_close(fd);
    return r;
}

CALL(shutdown_socket)
{
    int fd = sys_dup(fz_fd(f));
    long r = sys_shutdown_socket(fd, fz_int(f, 2));
    sys_close(fd);
    return r;
}

CALL(socket)
{
    /* Always non-blocking (see eventfd). */
    int type = fz_int(f, SOCK_STREAM) | SOCK_NONBLOCK;
    int fd = sys_socket(fz_int(f, AF_INET), type, fz_int(f, 0));
    if (fd >= 0)
        sys_close(fd);
    return fd;
}
