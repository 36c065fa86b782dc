/* Included first (-include) into the tests when they run on libc-port/posix natively
 * (posix_tests.py --mode shim). glibc's pthread_cleanup_push/pop macros call glibc's
 * unwinding machinery, which libc-port/posix does not implement; switch them to the
 * record-based macros of Eremit's <pthread.h>. Everything else is call-compatible. */

#ifndef POSIX_SHIM_COMPAT_H
#define POSIX_SHIM_COMPAT_H

/* This header comes before the test's own feature macros: ask for everything. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <pthread.h>

struct __pthread_cleanup {
	void (*__routine)(void *);
	void *__arg;
	struct __pthread_cleanup *__next;
};
void __pthread_cleanup_push(struct __pthread_cleanup *__c, void (*__routine)(void *),
			    void *__arg);
void __pthread_cleanup_pop(struct __pthread_cleanup *__c, int __execute);

#undef pthread_cleanup_push
#undef pthread_cleanup_pop
#define pthread_cleanup_push(routine, arg)                                               \
	do {                                                                             \
		struct __pthread_cleanup __cleanup_record;                               \
		__pthread_cleanup_push(&__cleanup_record, (routine), (arg));
#define pthread_cleanup_pop(execute)                                                     \
		__pthread_cleanup_pop(&__cleanup_record, (execute));                     \
	} while (0)

#endif
