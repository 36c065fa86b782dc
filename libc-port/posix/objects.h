/* The layouts the library works on, one per public object type.
 *
 * The code reaches every pthread/semaphore object through these structs instead of the
 * public types' fields. On Eremit they are the same layout as include/sys/_pthreadtypes.h
 * and include/semaphore.h (checked below). The indirection exists so that the very same
 * sources can also be compiled against glibc's headers, whose object types are larger
 * opaque unions, for the native test harness (tests/posix/shim): there the assertions
 * only check that each layout fits in glibc's object. */

#ifndef POSIX_OBJECTS_H
#define POSIX_OBJECTS_H

#include <pthread.h>
#include <semaphore.h>
#include <stddef.h>
#include <stdint.h>

struct attr_impl {
	uint32_t detached;
	uint32_t flags; /* ATTR_STACK_ADDR */
	size_t stack_size;
	void *stack_addr;
	size_t guard_size;
	int32_t sched_policy;
	int32_t sched_priority;
	int32_t inherit_sched;
	int32_t scope;
};

#define ATTR_STACK_ADDR 1u /* pthread_attr_setstack was used */

struct mutex_impl {
	uint32_t lock;  /* 0 free, 1 held, 2 held with sleepers */
	uint32_t kind;  /* MUTEX_KIND_* */
	uint64_t owner; /* pthread id of the holder (recursive and error-checking kinds) */
	uint32_t count; /* recursion depth beyond the first lock */
	uint32_t robust; /* MUTEX_CONSISTENT, MUTEX_OWNER_DIED, MUTEX_NOT_RECOVERABLE */
};
/* Kinds as stored in the object; zero is the default (normal) kind. */
#define MUTEX_KIND_NORMAL 0u
#define MUTEX_KIND_RECURSIVE 1u
#define MUTEX_KIND_ERRORCHECK 2u
/* Added to the kind of a robust mutex (pthread_mutex_robust.c). */
#define MUTEX_KIND_ROBUST 4u
#define MUTEX_KIND_BASE(kind) ((kind) & 3u)
/* States of a robust mutex. */
#define MUTEX_CONSISTENT 0u
#define MUTEX_OWNER_DIED 1u     /* its holder ended; the next locker gets EOWNERDEAD */
#define MUTEX_NOT_RECOVERABLE 2u /* unlocked without pthread_mutex_consistent */

struct cond_impl {
	uint32_t seq;     /* bumped by every signal/broadcast; the futex waiters sleep on */
	uint32_t waiters; /* threads inside pthread_cond_(timed)wait */
	uint32_t flags;   /* COND_MONOTONIC */
	uint32_t reserved;
};
#define COND_MONOTONIC 1u

struct rwlock_impl {
	uint32_t lock;             /* internal lock guarding the counters below */
	uint32_t readers;          /* read locks held */
	uint32_t writers_waiting;
	uint32_t readers_waiting;
	uint32_t rseq;             /* futex readers sleep on */
	uint32_t wseq;             /* futex writers sleep on */
	uint64_t writer;           /* pthread id of the write holder, 0 if none */
};

struct barrier_impl {
	uint32_t lock;
	uint32_t count;   /* threads arrived in the current round */
	uint32_t total;
	uint32_t seq;     /* round number; waiters sleep on it */
	uint32_t leaving; /* woken threads that have not yet stopped touching the barrier */
	uint32_t reserved;
};

struct sem_impl {
	uint32_t value;
	uint32_t waiters;
};

/* Attribute objects are one word each: kind, pshared and clock bits. */
#define MUTEXATTR_KIND_MASK 0x3u
#define MUTEXATTR_PSHARED 0x4u
#define MUTEXATTR_ROBUST 0x8u
#define CONDATTR_MONOTONIC 0x1u
#define CONDATTR_PSHARED 0x2u
#define PSHARED_ATTR 0x1u /* rwlock and barrier attributes */

#define FITS(impl, pub)                                                                  \
	_Static_assert(sizeof(struct impl) <= sizeof(pub) &&                              \
			       _Alignof(struct impl) <= _Alignof(pub),                    \
		       #impl " must fit in " #pub)
FITS(attr_impl, pthread_attr_t);
FITS(mutex_impl, pthread_mutex_t);
FITS(cond_impl, pthread_cond_t);
FITS(rwlock_impl, pthread_rwlock_t);
FITS(barrier_impl, pthread_barrier_t);
FITS(sem_impl, sem_t);
_Static_assert(sizeof(pthread_mutexattr_t) >= 4 && sizeof(pthread_condattr_t) >= 4 &&
		       sizeof(pthread_rwlockattr_t) >= 4 && sizeof(pthread_barrierattr_t) >= 4,
	       "attribute objects hold one 32-bit word");
_Static_assert(sizeof(pthread_once_t) == 4 && sizeof(pthread_spinlock_t) == 4,
	       "once and spin objects are futex words");
_Static_assert(sizeof(pthread_t) >= sizeof(uint64_t), "pthread_t holds a 64-bit id");

#ifdef _SYS__PTHREADTYPES_H_
/* Eremit's own headers: the layouts must be identical, not just fit. */
#define SAME(impl, pub) _Static_assert(sizeof(struct impl) == sizeof(pub), #impl " == " #pub)
SAME(attr_impl, pthread_attr_t);
SAME(mutex_impl, pthread_mutex_t);
SAME(cond_impl, pthread_cond_t);
SAME(rwlock_impl, pthread_rwlock_t);
SAME(barrier_impl, pthread_barrier_t);
SAME(sem_impl, sem_t);
_Static_assert(offsetof(pthread_mutex_t, __kind) == offsetof(struct mutex_impl, kind) &&
		       offsetof(pthread_rwlock_t, __writer) == offsetof(struct rwlock_impl, writer),
	       "static initialisers write the fields the code reads");
#endif

/* Views of the public objects. */
#define ATTR(p) ((struct attr_impl *)(void *)(p))
#define CATTR(p) ((const struct attr_impl *)(const void *)(p))
#define MUTEX(p) ((struct mutex_impl *)(void *)(p))
#define COND(p) ((struct cond_impl *)(void *)(p))
#define RWLOCK(p) ((struct rwlock_impl *)(void *)(p))
#define BARRIER(p) ((struct barrier_impl *)(void *)(p))
#define SEM(p) ((struct sem_impl *)(void *)(p))
#define ATTR_WORD(p) (*(uint32_t *)(void *)(p))
#define CATTR_WORD(p) (*(const uint32_t *)(const void *)(p))

#endif
