/* Eremit (libc-port/include): address conversion (libc-port/src/inet.c).  */

#ifndef _ARPA_INET_H
#define _ARPA_INET_H

#include <sys/cdefs.h>
#include <netinet/in.h>

__BEGIN_DECLS
in_addr_t	inet_addr(const char *);
int		inet_aton(const char *, struct in_addr *);
char		*inet_ntoa(struct in_addr);
const char	*inet_ntop(int, const void *__restrict, char *__restrict, socklen_t);
int		inet_pton(int, const char *__restrict, void *__restrict);
in_addr_t	inet_network(const char *);
struct in_addr	inet_makeaddr(in_addr_t, in_addr_t);
in_addr_t	inet_lnaof(struct in_addr);
in_addr_t	inet_netof(struct in_addr);
__END_DECLS

#endif /* _ARPA_INET_H */
