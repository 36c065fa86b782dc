/* Eremit (libc-port/include): included first into every C++ translation unit by
   x86_64-hermit-g++.  The host's libstdc++ headers were configured for glibc and call a
   few functions newlib does not declare; libc-port defines them (compat.c,
   pthread_clock.c).  */

#ifndef _EREMIT_CXX_COMPAT_H
#define _EREMIT_CXX_COMPAT_H

#include <time.h>
#include <pthread.h>

#ifndef TIME_UTC
#define TIME_UTC 1
#endif

#ifdef __cplusplus
extern "C" {
#endif

int timespec_get(struct timespec *__ts, int __base);
int pthread_cond_clockwait(pthread_cond_t *__cond, pthread_mutex_t *__mutex,
			   clockid_t __clock, const struct timespec *__abstime);
int pthread_mutex_clocklock(pthread_mutex_t *__mutex, clockid_t __clock,
			    const struct timespec *__abstime);
int pthread_rwlock_clockrdlock(pthread_rwlock_t *__rwlock, clockid_t __clock,
			       const struct timespec *__abstime);
int pthread_rwlock_clockwrlock(pthread_rwlock_t *__rwlock, clockid_t __clock,
			       const struct timespec *__abstime);

#ifdef __cplusplus
}
#endif

#endif /* _EREMIT_CXX_COMPAT_H */
