/* Eremit (libc-port/include): BSD sockets with Linux's (glibc's) values and layouts.
   The C library translates them to the kernel's (hermit-abi: AF_INET is 3, SOL_SOCKET
   4095, addresses start with a length byte) in libc-port/src/socket.c.  AF_INET and
   AF_INET6; AF_UNIX sockets fail with EAFNOSUPPORT.  */

#ifndef _SYS_SOCKET_H
#define _SYS_SOCKET_H

#include <sys/cdefs.h>
#include <sys/types.h>
#include <sys/uio.h>

#ifndef _SOCKLEN_T_DECLARED
typedef __uint32_t socklen_t;
#define _SOCKLEN_T_DECLARED
#endif

#ifndef _SA_FAMILY_T_DECLARED
typedef unsigned short sa_family_t;
#define _SA_FAMILY_T_DECLARED
#endif

struct sockaddr {
	sa_family_t	sa_family;
	char		sa_data[14];
};

/* Large and aligned enough for any address (128 bytes, as glibc's). */
struct sockaddr_storage {
	sa_family_t	ss_family;
	char		__ss_padding[128 - sizeof(sa_family_t) - sizeof(unsigned long)];
	unsigned long	__ss_align;
};

struct linger {
	int	l_onoff;
	int	l_linger;
};

struct msghdr {
	void		*msg_name;
	socklen_t	msg_namelen;
	struct iovec	*msg_iov;
	size_t		msg_iovlen;
	void		*msg_control;
	size_t		msg_controllen;
	int		msg_flags;
};

struct cmsghdr {
	size_t	cmsg_len;
	int	cmsg_level;
	int	cmsg_type;
};

#define CMSG_ALIGN(len)	(((len) + sizeof(size_t) - 1) & ~(sizeof(size_t) - 1))
#define CMSG_DATA(c)	((unsigned char *)((struct cmsghdr *)(c) + 1))
#define CMSG_SPACE(len)	(CMSG_ALIGN(len) + CMSG_ALIGN(sizeof(struct cmsghdr)))
#define CMSG_LEN(len)	(CMSG_ALIGN(sizeof(struct cmsghdr)) + (len))
#define CMSG_FIRSTHDR(m) ((size_t)(m)->msg_controllen >= sizeof(struct cmsghdr) \
			  ? (struct cmsghdr *)(m)->msg_control : (struct cmsghdr *)0)
#define CMSG_NXTHDR(m, c) \
	((c)->cmsg_len < sizeof(struct cmsghdr) \
	 || (unsigned char *)(c) + CMSG_ALIGN((c)->cmsg_len) + sizeof(struct cmsghdr) \
	    > (unsigned char *)(m)->msg_control + (m)->msg_controllen \
	 ? (struct cmsghdr *)0 \
	 : (struct cmsghdr *)((unsigned char *)(c) + CMSG_ALIGN((c)->cmsg_len)))
#define SCM_RIGHTS	1

/* Address and protocol families (Linux's values). */
#define AF_UNSPEC	0
#define AF_UNIX		1
#define AF_LOCAL	AF_UNIX
#define AF_INET		2
#define AF_INET6	10
#define AF_PACKET	17
#define AF_MAX		46
#define PF_UNSPEC	AF_UNSPEC
#define PF_UNIX		AF_UNIX
#define PF_LOCAL	AF_LOCAL
#define PF_INET		AF_INET
#define PF_INET6	AF_INET6
#define PF_PACKET	AF_PACKET
#define PF_MAX		AF_MAX

/* Socket types; SOCK_NONBLOCK and SOCK_CLOEXEC may be or-ed into the type. */
#define SOCK_STREAM	1
#define SOCK_DGRAM	2
#define SOCK_RAW	3
#define SOCK_RDM	4
#define SOCK_SEQPACKET	5
#define SOCK_NONBLOCK	04000
#define SOCK_CLOEXEC	02000000

/* Option levels and socket options. */
#define SOL_SOCKET	1
#define SO_DEBUG	1
#define SO_REUSEADDR	2
#define SO_TYPE		3
#define SO_ERROR	4
#define SO_DONTROUTE	5
#define SO_BROADCAST	6
#define SO_SNDBUF	7
#define SO_RCVBUF	8
#define SO_KEEPALIVE	9
#define SO_OOBINLINE	10
#define SO_LINGER	13
#define SO_REUSEPORT	15
#define SO_RCVLOWAT	18
#define SO_SNDLOWAT	19
#define SO_RCVTIMEO	20
#define SO_SNDTIMEO	21
#define SO_ACCEPTCONN	30
#define SO_PROTOCOL	38
#define SO_DOMAIN	39

#define SOMAXCONN	4096

/* Flags of send and recv. */
#define MSG_OOB		0x1
#define MSG_PEEK	0x2
#define MSG_DONTROUTE	0x4
#define MSG_CTRUNC	0x8
#define MSG_TRUNC	0x20
#define MSG_DONTWAIT	0x40
#define MSG_EOR		0x80
#define MSG_WAITALL	0x100
#define MSG_NOSIGNAL	0x4000
#define MSG_MORE	0x8000
#define MSG_CMSG_CLOEXEC 0x40000000

#define SHUT_RD		0
#define SHUT_WR		1
#define SHUT_RDWR	2

__BEGIN_DECLS
int	socket(int, int, int);
int	socketpair(int, int, int, int[2]);
int	bind(int, const struct sockaddr *, socklen_t);
int	listen(int, int);
int	accept(int, struct sockaddr *__restrict, socklen_t *__restrict);
int	accept4(int, struct sockaddr *__restrict, socklen_t *__restrict, int);
int	connect(int, const struct sockaddr *, socklen_t);
ssize_t	send(int, const void *, size_t, int);
ssize_t	recv(int, void *, size_t, int);
ssize_t	sendto(int, const void *, size_t, int, const struct sockaddr *, socklen_t);
ssize_t	recvfrom(int, void *__restrict, size_t, int, struct sockaddr *__restrict,
		 socklen_t *__restrict);
ssize_t	sendmsg(int, const struct msghdr *, int);
ssize_t	recvmsg(int, struct msghdr *, int);
int	shutdown(int, int);
int	getsockopt(int, int, int, void *__restrict, socklen_t *__restrict);
int	setsockopt(int, int, int, const void *, socklen_t);
int	getpeername(int, struct sockaddr *__restrict, socklen_t *__restrict);
int	getsockname(int, struct sockaddr *__restrict, socklen_t *__restrict);
int	sockatmark(int);
__END_DECLS

#endif /* _SYS_SOCKET_H */
