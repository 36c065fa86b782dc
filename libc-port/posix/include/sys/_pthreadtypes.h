/* POSIX thread types for Eremit's C library.
 *
 * Replaces newlib's header of the same name (this directory comes first on the include
 * path): newlib's types are 32-bit handles into an RTEMS-style object table, while
 * Eremit's threads library keeps each lock's whole state (futex word, owner, count,
 * kind...) in the object itself, so that locks need no allocation and a zeroed object is
 * a valid default one. The include guard is newlib's, so only one of the two headers is
 * ever used. newlib's <sys/types.h> includes this header after <sys/features.h>.
 *
 * Field names start with two underscores: they belong to the implementation, programs
 * must use the pthread functions. libc-port/posix/README.md has the layout rules. */

#ifndef _SYS__PTHREADTYPES_H_
#define _SYS__PTHREADTYPES_H_

#include <sys/sched.h> /* struct sched_param, SCHED_* */

#define __need_size_t
#include <stddef.h>

/* The POSIX options the threads library implements. They are normally defined by
 * <sys/features.h> (see the README); these definitions only apply when that file does
 * not, so that <unistd.h>, <sched.h> and <sys/signal.h> see threads either way. */
#ifndef _POSIX_THREADS
#define _POSIX_THREADS 200809L
#endif
#ifndef _POSIX_TIMEOUTS
#define _POSIX_TIMEOUTS 200809L
#endif
#ifndef _POSIX_BARRIERS
#define _POSIX_BARRIERS 200809L
#endif
#ifndef _POSIX_SPIN_LOCKS
#define _POSIX_SPIN_LOCKS 200809L
#endif
#ifndef _POSIX_READER_WRITER_LOCKS
#define _POSIX_READER_WRITER_LOCKS 200809L
#endif
#ifndef _POSIX_SEMAPHORES
#define _POSIX_SEMAPHORES 200809L
#endif
#ifndef _POSIX_THREAD_ATTR_STACKSIZE
#define _POSIX_THREAD_ATTR_STACKSIZE 200809L
#endif
#ifndef _UNIX98_THREAD_MUTEX_ATTRIBUTES
#define _UNIX98_THREAD_MUTEX_ATTRIBUTES 1
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* A thread id: a serial number, never reused, so a stale id is reported as ESRCH
 * instead of naming some newer thread. */
typedef unsigned long pthread_t;

typedef struct {
	unsigned int __detached;
	unsigned int __flags;
	size_t __stacksize;
	void *__stackaddr;
	size_t __guardsize;
	int __schedpolicy;
	int __schedpriority;
	int __inheritsched;
	int __scope;
} pthread_attr_t;

/* __lock is the futex word (0 free, 1 held, 2 held with sleepers); __owner and __count
 * serve the recursive and error-checking kinds. */
typedef struct {
	unsigned int __lock;
	unsigned int __kind;
	unsigned long __owner;
	unsigned int __count;
	unsigned int __reserved;
} pthread_mutex_t;

typedef struct {
	unsigned int __attr;
} pthread_mutexattr_t;

/* __seq changes on every signal/broadcast; waiters sleep on it. */
typedef struct {
	unsigned int __seq;
	unsigned int __waiters;
	unsigned int __flags;
	unsigned int __reserved;
} pthread_cond_t;

typedef struct {
	unsigned int __attr;
} pthread_condattr_t;

typedef unsigned int pthread_key_t;

typedef int pthread_once_t;

typedef struct {
	unsigned int __lock;
	unsigned int __readers;
	unsigned int __writers_waiting;
	unsigned int __readers_waiting;
	unsigned int __rseq;
	unsigned int __wseq;
	unsigned long __writer;
} pthread_rwlock_t;

typedef struct {
	unsigned int __attr;
} pthread_rwlockattr_t;

typedef struct {
	unsigned int __lock;
	unsigned int __count;
	unsigned int __total;
	unsigned int __seq;
	unsigned int __leaving;
	unsigned int __reserved;
} pthread_barrier_t;

typedef struct {
	unsigned int __attr;
} pthread_barrierattr_t;

typedef int pthread_spinlock_t;

#ifdef __cplusplus
}
#endif

#endif /* _SYS__PTHREADTYPES_H_ */
