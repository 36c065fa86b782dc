/* Eremit (libc-port/include): Unix-domain addresses, for programs that mention them;
   AF_UNIX sockets fail with EAFNOSUPPORT.  */

#ifndef _SYS_UN_H
#define _SYS_UN_H

#include <sys/socket.h>

struct sockaddr_un {
	sa_family_t	sun_family;
	char		sun_path[108];
};

#endif /* _SYS_UN_H */
