/* Eremit (libc-port/include): system identification, with Linux's layout (six fields
   of 65 bytes; domainname is glibc's __domainname outside _GNU_SOURCE).  The values are
   in libc-port/src/hostname.c.  */

#ifndef _SYS_UTSNAME_H
#define _SYS_UTSNAME_H

#include <sys/cdefs.h>
#include <sys/features.h>

#define _UTSNAME_LENGTH 65
#define _UTSNAME_SYSNAME_LENGTH _UTSNAME_LENGTH
#define _UTSNAME_NODENAME_LENGTH _UTSNAME_LENGTH
#define _UTSNAME_RELEASE_LENGTH _UTSNAME_LENGTH
#define _UTSNAME_VERSION_LENGTH _UTSNAME_LENGTH
#define _UTSNAME_MACHINE_LENGTH _UTSNAME_LENGTH
#define _UTSNAME_DOMAIN_LENGTH _UTSNAME_LENGTH
#define SYS_NMLN _UTSNAME_LENGTH

struct utsname {
	char	sysname[_UTSNAME_LENGTH];
	char	nodename[_UTSNAME_LENGTH];
	char	release[_UTSNAME_LENGTH];
	char	version[_UTSNAME_LENGTH];
	char	machine[_UTSNAME_LENGTH];
#if __GNU_VISIBLE
	char	domainname[_UTSNAME_LENGTH];
#else
	char	__domainname[_UTSNAME_LENGTH];
#endif
};

__BEGIN_DECLS
int	uname(struct utsname *);
__END_DECLS

#endif /* _SYS_UTSNAME_H */
