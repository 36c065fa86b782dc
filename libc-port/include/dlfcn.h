/* Eremit (libc-port/include): dynamic loading.  An Eremit image is one static executable
   without a dynamic symbol table, so dlopen() and dlsym() always fail and dlerror() says
   why (libc-port/src/dl.c).  The header exists because portable programs (SQLite's
   load_extension, Lua's package.loadlib, ...) include it and decide at run time.  */

#ifndef _DLFCN_H
#define _DLFCN_H

#include <sys/cdefs.h>

#define RTLD_LAZY	0x00001
#define RTLD_NOW	0x00002
#define RTLD_NOLOAD	0x00004
#define RTLD_GLOBAL	0x00100
#define RTLD_LOCAL	0
#define RTLD_NODELETE	0x01000

#define RTLD_DEFAULT	((void *)0)
#define RTLD_NEXT	((void *)-1l)

typedef struct {
	const char	*dli_fname;
	void		*dli_fbase;
	const char	*dli_sname;
	void		*dli_saddr;
} Dl_info;

__BEGIN_DECLS
void	*dlopen(const char *, int);
void	*dlsym(void *__restrict, const char *__restrict);
int	dlclose(void *);
char	*dlerror(void);
int	dladdr(const void *, Dl_info *);
__END_DECLS

#endif /* _DLFCN_H */
