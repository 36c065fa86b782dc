/* Eremit (libc-port/include): the types behind C11's <threads.h> (newlib's header, from
   FreeBSD, expects this file from the target): POSIX threads objects, as in FreeBSD and
   glibc.  libc-port/src/c11threads.c implements the functions on libc-port/posix.  */

#ifndef _MACHINE__THREADS_H_
#define _MACHINE__THREADS_H_

#include <sys/_pthreadtypes.h>

typedef pthread_cond_t cnd_t;
typedef pthread_mutex_t mtx_t;
typedef pthread_t thrd_t;
typedef pthread_key_t tss_t;
typedef pthread_once_t once_flag;

#define ONCE_FLAG_INIT		0	/* PTHREAD_ONCE_INIT */
#define TSS_DTOR_ITERATIONS	4	/* PTHREAD_DESTRUCTOR_ITERATIONS */

#endif /* _MACHINE__THREADS_H_ */
