/* Eremit (libc-port/include): select, on top of poll (libc-port/src/select.c).
   Replaces newlib's header: FD_SETSIZE is 1024, as on Linux (the kernel's descriptor
   table holds 1024), not newlib's 64.  */

#ifndef _SYS_SELECT_H
#define _SYS_SELECT_H

#include <sys/cdefs.h>
#include <sys/_sigset.h>
#include <sys/_timeval.h>
#include <sys/timespec.h>

#if !defined(_SIGSET_T_DECLARED)
#define _SIGSET_T_DECLARED
typedef __sigset_t sigset_t;
#endif

#define _SYS_TYPES_FD_SET

#ifndef FD_SETSIZE
#define FD_SETSIZE	1024
#endif

typedef unsigned long fd_mask;
#define NFDBITS		(sizeof(fd_mask) * 8)
#ifndef _howmany
#define _howmany(x, y)	(((x) + ((y) - 1)) / (y))
#endif

typedef struct _types_fd_set {
	fd_mask	fds_bits[_howmany(FD_SETSIZE, NFDBITS)];
} _types_fd_set;
#define fd_set _types_fd_set

#define FD_SET(n, p)	((p)->fds_bits[(n) / NFDBITS] |= (1UL << ((n) % NFDBITS)))
#define FD_CLR(n, p)	((p)->fds_bits[(n) / NFDBITS] &= ~(1UL << ((n) % NFDBITS)))
#define FD_ISSET(n, p)	(((p)->fds_bits[(n) / NFDBITS] & (1UL << ((n) % NFDBITS))) != 0)
#define FD_ZERO(p)	(__extension__(void)({ \
	__SIZE_TYPE__ __i; \
	char *__tmp = (char *)(p); \
	for (__i = 0; __i < sizeof(*(p)); ++__i) \
		*__tmp++ = 0; \
}))

__BEGIN_DECLS
int	select(int, fd_set *, fd_set *, fd_set *, struct timeval *);
int	pselect(int, fd_set *, fd_set *, fd_set *, const struct timespec *, const sigset_t *);
__END_DECLS

#endif /* _SYS_SELECT_H */
