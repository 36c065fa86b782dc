/* Eremit (libc-port/include): memory mappings.  Anonymous mappings come from
   the kernel heap (zeroed, page-aligned); file mappings are read into such
   memory, and MAP_SHARED ones are kept coherent with the file by the library
   (libc-port/src/mman.c); protections are not enforced, and PROT_EXEC fails
   (EACCES): the heap is never executable.  */

#ifndef _SYS_MMAN_H
#define _SYS_MMAN_H

#include <sys/cdefs.h>
#include <sys/types.h>

#define PROT_NONE	0x0
#define PROT_READ	0x1
#define PROT_WRITE	0x2
#define PROT_EXEC	0x4

#define MAP_SHARED	0x01
#define MAP_PRIVATE	0x02
#define MAP_FIXED	0x10
#define MAP_ANONYMOUS	0x20
#define MAP_ANON	MAP_ANONYMOUS
#define MAP_NORESERVE	0x4000
#define MAP_POPULATE	0x8000
#define MAP_STACK	0x20000

#define MAP_FAILED	((void *) -1)

#define MS_ASYNC	1
#define MS_INVALIDATE	2
#define MS_SYNC		4

#define MADV_NORMAL	0
#define MADV_RANDOM	1
#define MADV_SEQUENTIAL	2
#define MADV_WILLNEED	3
#define MADV_DONTNEED	4
#define POSIX_MADV_NORMAL	MADV_NORMAL
#define POSIX_MADV_RANDOM	MADV_RANDOM
#define POSIX_MADV_SEQUENTIAL	MADV_SEQUENTIAL
#define POSIX_MADV_WILLNEED	MADV_WILLNEED
#define POSIX_MADV_DONTNEED	MADV_DONTNEED

__BEGIN_DECLS
void	*mmap(void *, size_t, int, int, int, off_t);
int	munmap(void *, size_t);
int	mprotect(void *, size_t, int);
int	msync(void *, size_t, int);
int	madvise(void *, size_t, int);
int	posix_madvise(void *, size_t, int);
int	mlock(const void *, size_t);
int	munlock(const void *, size_t);
__END_DECLS

#endif /* _SYS_MMAN_H */
