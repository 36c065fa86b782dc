/* Eremit (libc-port/include): name resolution with glibc's layouts and values
   (libc-port/src/netdb.c, over the kernel's sys_getaddrinfo: numeric addresses of both
   families, "localhost", A and AAAA records from the servers DHCP names).  */

#ifndef _NETDB_H
#define _NETDB_H

#include <sys/cdefs.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>

struct addrinfo {
	int		ai_flags;
	int		ai_family;
	int		ai_socktype;
	int		ai_protocol;
	socklen_t	ai_addrlen;
	struct sockaddr	*ai_addr;
	char		*ai_canonname;
	struct addrinfo	*ai_next;
};

struct hostent {
	char	*h_name;
	char	**h_aliases;
	int	h_addrtype;
	int	h_length;
	char	**h_addr_list;
};
#define h_addr	h_addr_list[0]

struct servent {
	char	*s_name;
	char	**s_aliases;
	int	s_port;		/* network byte order */
	char	*s_proto;
};

struct protoent {
	char	*p_name;
	char	**p_aliases;
	int	p_proto;
};

struct netent {
	char		*n_name;
	char		**n_aliases;
	int		n_addrtype;
	uint32_t	n_net;
};

/* getaddrinfo flags */
#define AI_PASSIVE	0x0001
#define AI_CANONNAME	0x0002
#define AI_NUMERICHOST	0x0004
#define AI_V4MAPPED	0x0008
#define AI_ALL		0x0010
#define AI_ADDRCONFIG	0x0020
#define AI_NUMERICSERV	0x0400

/* getaddrinfo and getnameinfo errors (glibc's values) */
#define EAI_BADFLAGS	-1
#define EAI_NONAME	-2
#define EAI_AGAIN	-3
#define EAI_FAIL	-4
#define EAI_NODATA	-5
#define EAI_FAMILY	-6
#define EAI_SOCKTYPE	-7
#define EAI_SERVICE	-8
#define EAI_ADDRFAMILY	-9
#define EAI_MEMORY	-10
#define EAI_SYSTEM	-11
#define EAI_OVERFLOW	-12

/* getnameinfo */
#define NI_MAXHOST	1025
#define NI_MAXSERV	32
#define NI_NUMERICHOST	1
#define NI_NUMERICSERV	2
#define NI_NOFQDN	4
#define NI_NAMEREQD	8
#define NI_DGRAM	16

/* h_errno values */
#define HOST_NOT_FOUND	1
#define TRY_AGAIN	2
#define NO_RECOVERY	3
#define NO_DATA		4
#define NO_ADDRESS	NO_DATA
#define NETDB_INTERNAL	-1
#define NETDB_SUCCESS	0

__BEGIN_DECLS
int		*__h_errno_location(void);
#define h_errno	(*__h_errno_location())

int		getaddrinfo(const char *__restrict, const char *__restrict,
			    const struct addrinfo *__restrict, struct addrinfo **__restrict);
void		freeaddrinfo(struct addrinfo *);
const char	*gai_strerror(int);
int		getnameinfo(const struct sockaddr *__restrict, socklen_t, char *__restrict,
			    socklen_t, char *__restrict, socklen_t, int);

struct hostent	*gethostbyname(const char *);
struct hostent	*gethostbyname2(const char *, int);
struct hostent	*gethostbyaddr(const void *, socklen_t, int);
int		gethostbyname_r(const char *__restrict, struct hostent *__restrict,
				char *__restrict, size_t, struct hostent **__restrict,
				int *__restrict);
void		sethostent(int);
void		endhostent(void);
struct hostent	*gethostent(void);
void		herror(const char *);
const char	*hstrerror(int);

struct servent	*getservbyname(const char *, const char *);
struct servent	*getservbyport(int, const char *);
void		setservent(int);
void		endservent(void);
struct servent	*getservent(void);

struct protoent	*getprotobyname(const char *);
struct protoent	*getprotobynumber(int);
void		setprotoent(int);
void		endprotoent(void);
struct protoent	*getprotoent(void);
__END_DECLS

#endif /* _NETDB_H */
