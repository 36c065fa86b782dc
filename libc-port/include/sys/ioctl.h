/* Eremit (libc-port/include): ioctl; request numbers are Linux's.  FIONBIO (the
   kernel's is hermit-abi's 0x8008667e) and FIONREAD are translated by the C library
   (libc-port/src/socket.c).  */

#ifndef _SYS_IOCTL_H
#define _SYS_IOCTL_H

#include <sys/cdefs.h>

#define TIOCGWINSZ	0x5413
#define TIOCSWINSZ	0x5414
#define FIONREAD	0x541B
#define FIONBIO		0x5421
#define FIOCLEX		0x5451
#define FIONCLEX	0x5450

struct winsize {
	unsigned short	ws_row;
	unsigned short	ws_col;
	unsigned short	ws_xpixel;
	unsigned short	ws_ypixel;
};

__BEGIN_DECLS
int	ioctl(int, unsigned long, ...);
__END_DECLS

#endif /* _SYS_IOCTL_H */
