/* Eremit (libc-port/include): glibc's <sys/random.h>.  The bytes come from the kernel's
   sys_read_entropy (RDRAND/RDSEED), which never blocks: the flags change nothing.  */

#ifndef _SYS_RANDOM_H
#define _SYS_RANDOM_H

#include <sys/cdefs.h>
#include <sys/types.h>

#define GRND_NONBLOCK	0x01
#define GRND_RANDOM	0x02
#define GRND_INSECURE	0x04

__BEGIN_DECLS
ssize_t	getrandom(void *__buf, size_t __len, unsigned int __flags);
int	getentropy(void *__buf, size_t __len);
__END_DECLS

#endif /* _SYS_RANDOM_H */
