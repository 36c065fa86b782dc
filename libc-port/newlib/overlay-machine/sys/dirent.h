/* Eremit (libc-port overlay): directory streams for newlib's opendir/readdir
   (libc/posix).  struct dirent has the layout of the kernel's dirent64, so
   getdents() hands the kernel's records to readdir unchanged.  */

#ifndef _SYS_DIRENT_H
#define _SYS_DIRENT_H

#include <sys/types.h>
#include <sys/lock.h>

#ifdef __cplusplus
extern "C" {
#endif

struct dirent {
	ino_t		d_ino;
	off_t		d_off;
	unsigned short	d_reclen;
	unsigned char	d_type;
	char		d_name[256];
};

#define _DIRENT_HAVE_D_OFF
#define _DIRENT_HAVE_D_RECLEN
#define _DIRENT_HAVE_D_TYPE

#define DT_UNKNOWN	0
#define DT_FIFO		1
#define DT_CHR		2
#define DT_DIR		4
#define DT_BLK		6
#define DT_REG		8
#define DT_LNK		10
#define DT_SOCK		12
#define DT_WHT		14

#define MAXNAMLEN	255

/* The stream: a descriptor opened with O_DIRECTORY and a buffer of records. */
typedef struct {
	int	dd_fd;		/* directory descriptor */
	long	dd_loc;		/* offset of the next record in dd_buf */
	long	dd_seek;	/* offset of dd_buf in the directory */
	char	*dd_buf;	/* records read by getdents */
	int	dd_len;		/* size of dd_buf */
	int	dd_size;	/* bytes of records in dd_buf */
	_LOCK_RECURSIVE_T dd_lock;
} DIR;

#define HAVE_DD_LOCK
#define __dirfd(dp)	((dp)->dd_fd)

/* Reads directory records (struct dirent) into buf; 0 at the end. */
int getdents(int fd, void *buf, int count);

#ifdef __cplusplus
}
#endif

#endif /* _SYS_DIRENT_H */
