/* The kernel's socket ABI (hermit-abi) as the C library uses it: types renamed
 * (struct hermit_sockaddr_in, ...) and constants prefixed (HERMIT_*) so that this can be
 * included with libc-port's <sys/socket.h> & co., which have Linux's (glibc's) values:
 * AF_INET is 2 here and 3 in the kernel, SOL_SOCKET 1 and 4095, a sockaddr starts with a
 * 16-bit family here and with a length byte and an 8-bit family in the kernel.
 *
 * tests/net_c_tests.py compiles this header against include/hermit/syscall.h (with
 * HERMIT_NET_CHECK): same layouts, same function types, same constant values. */

#ifndef EREMIT_LIBC_HERMIT_NET_H
#define EREMIT_LIBC_HERMIT_NET_H

#include <stddef.h>
#include <stdint.h>

#ifndef HERMIT_NET_CHECK
struct hermit_sockaddr {
    uint8_t sa_len;
    uint8_t sa_family;
    char sa_data[14];
};

struct hermit_addrinfo {
    int32_t ai_flags;
    int32_t ai_family;
    int32_t ai_socktype;
    int32_t ai_protocol;
    uint32_t ai_addrlen;
    char *ai_canonname;
    struct hermit_sockaddr *ai_addr;
    struct hermit_addrinfo *ai_next;
};

struct hermit_pollfd {
    int32_t fd;
    int16_t events;
    int16_t revents;
};
#endif

/* The kernel's sockaddr_in (not in the generated header; see kernel/src/abi/net.rs). */
struct hermit_sockaddr_in {
    uint8_t sin_len;
    uint8_t sin_family;
    uint16_t sin_port;  /* network byte order */
    uint32_t sin_addr;  /* network byte order */
    uint8_t sin_zero[8];
};

/* SO_RCVTIMEO/SO_SNDTIMEO values: 32-bit microseconds, 16 bytes with padding. */
struct hermit_timeval {
    int64_t tv_sec;
    int32_t tv_usec;
};

#ifndef HERMIT_NET_ONLY_TYPES
#ifdef __cplusplus
extern "C" {
#endif
int32_t sys_socket(int32_t domain, int32_t type_, int32_t protocol);
int32_t sys_bind(int32_t s, const struct hermit_sockaddr *name, uint32_t namelen);
int32_t sys_listen(int32_t s, int32_t backlog);
int32_t sys_accept(int32_t s, struct hermit_sockaddr *addr, uint32_t *addrlen);
int32_t sys_connect(int32_t s, const struct hermit_sockaddr *name, uint32_t namelen);
ptrdiff_t sys_send(int32_t s, const void *mem, size_t len, int32_t flags);
ptrdiff_t sys_sendto(int32_t s, const void *mem, size_t len, int32_t flags,
                     const struct hermit_sockaddr *to, uint32_t tolen);
ptrdiff_t sys_recv(int32_t socket, uint8_t *buf, size_t len, int32_t flags);
ptrdiff_t sys_recvfrom(int32_t socket, uint8_t *buf, size_t len, int32_t flags,
                       struct hermit_sockaddr *addr, uint32_t *addrlen);
int32_t sys_shutdown(int32_t sockfd, int32_t how);
int32_t sys_getpeername(int32_t s, struct hermit_sockaddr *name, uint32_t *namelen);
int32_t sys_getsockname(int32_t s, struct hermit_sockaddr *name, uint32_t *namelen);
int32_t sys_getsockopt(int32_t s, int32_t level, int32_t optname, void *optval,
                       uint32_t *optlen);
int32_t sys_setsockopt(int32_t s, int32_t level, int32_t optname, const void *optval,
                       uint32_t optlen);
int32_t sys_poll(struct hermit_pollfd *fds, size_t nfds, int32_t timeout);
int32_t sys_getaddrinfo(const char *nodename, const char *servname,
                        const struct hermit_addrinfo *hints, struct hermit_addrinfo **res);
void sys_freeaddrinfo(struct hermit_addrinfo *ai);
#ifdef __cplusplus
}
#endif
#endif /* HERMIT_NET_ONLY_TYPES */

#define HERMIT_AF_UNSPEC 0
#define HERMIT_AF_INET6 1
#define HERMIT_AF_INET 3
#define HERMIT_SOCK_STREAM 1
#define HERMIT_SOCK_DGRAM 2
#define HERMIT_SOCK_NONBLOCK 2048
#define HERMIT_SOCK_CLOEXEC 16384
#define HERMIT_IPPROTO_IP 0
#define HERMIT_IPPROTO_TCP 6
#define HERMIT_IPPROTO_UDP 17
#define HERMIT_SOL_SOCKET 4095
#define HERMIT_SO_REUSEADDR 4
#define HERMIT_SO_KEEPALIVE 8
#define HERMIT_SO_BROADCAST 32
#define HERMIT_SO_LINGER 128
#define HERMIT_SO_SNDBUF 4097
#define HERMIT_SO_RCVBUF 4098
#define HERMIT_SO_SNDTIMEO 4101
#define HERMIT_SO_RCVTIMEO 4102
#define HERMIT_SO_ERROR 4103
#define HERMIT_TCP_NODELAY 1
#define HERMIT_IP_TTL 2
#define HERMIT_MSG_PEEK 1
#define HERMIT_SHUT_RD 0
#define HERMIT_SHUT_WR 1
#define HERMIT_SHUT_RDWR 2
#define HERMIT_POLLIN 1
#define HERMIT_POLLPRI 2
#define HERMIT_POLLOUT 4
#define HERMIT_POLLERR 8
#define HERMIT_POLLHUP 16
#define HERMIT_POLLNVAL 32
#define HERMIT_POLLRDNORM 64
#define HERMIT_POLLWRNORM 256
#define HERMIT_POLLRDHUP 8192
#define HERMIT_FIONBIO ((int32_t)2148034174u)
#define HERMIT_EAI_AGAIN 2
#define HERMIT_EAI_BADFLAGS 3
#define HERMIT_EAI_FAIL 4
#define HERMIT_EAI_FAMILY 5
#define HERMIT_EAI_MEMORY 6
#define HERMIT_EAI_NONAME 8
#define HERMIT_EAI_SERVICE 9
#define HERMIT_EAI_SOCKTYPE 10

/* ioctl(FIONBIO) and ioctl(FIONREAD), Linux's request numbers (io.c's ioctl calls this
 * for them). */
int __eremit_socket_ioctl(int fd, unsigned long request, void *argp);

#endif /* EREMIT_LIBC_HERMIT_NET_H */
