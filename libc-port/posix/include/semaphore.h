/* POSIX unnamed semaphores for Eremit (libc-port/posix); newlib has no <semaphore.h>.
 * The semaphore lives entirely in the sem_t (a futex word and a waiter count), so
 * sem_init allocates nothing and sem_destroy frees nothing. */

#ifndef _SEMAPHORE_H
#define _SEMAPHORE_H

#include <sys/types.h>
#include <time.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SEM_VALUE_MAX 0x7fffffff
#define SEM_FAILED ((sem_t *)0)

typedef struct {
	unsigned int __value;
	unsigned int __waiters;
} sem_t;

int sem_init(sem_t *__sem, int __pshared, unsigned int __value);
int sem_destroy(sem_t *__sem);
int sem_wait(sem_t *__sem);
int sem_trywait(sem_t *__sem);
int sem_timedwait(sem_t *__restrict __sem, const struct timespec *__restrict __abstime);
int sem_post(sem_t *__sem);
int sem_getvalue(sem_t *__restrict __sem, int *__restrict __value);

/* Named semaphores need a shared namespace between processes, which a single-process
 * unikernel does not have: sem_open fails with ENOSYS, sem_close and sem_unlink too. */
sem_t *sem_open(const char *__name, int __oflag, ...);
int sem_close(sem_t *__sem);
int sem_unlink(const char *__name);

#ifdef __cplusplus
}
#endif

#endif /* _SEMAPHORE_H */
