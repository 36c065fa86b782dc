/* Mutex operations shared with the condition variables. */

#ifndef POSIX_MUTEX_H
#define POSIX_MUTEX_H

#include <stdint.h>

#include "objects.h"

/* Releases the mutex completely (a recursive one at any depth) before a condition wait,
 * saving the depth in *depth. Returns EPERM if the caller does not hold a mutex of a
 * kind that tracks its owner. */
int mutex_release_for_wait(struct mutex_impl *m, uint32_t *depth);

/* Takes the mutex back after the wait, restoring the saved depth. */
void mutex_reacquire_after_wait(struct mutex_impl *m, uint32_t depth);

/* Robust mutexes (pthread_mutex_robust.c): the paths lock, trylock, timedlock and unlock
 * take for a mutex whose kind has MUTEX_KIND_ROBUST. */
struct thread;
struct timespec;
int robust_lock(struct mutex_impl *m, const struct timespec *abstime, int only_try);
int robust_unlock(struct mutex_impl *m);
void robust_release_for_wait(struct mutex_impl *m);
void robust_reacquire_after_wait(struct mutex_impl *m);
/* Marks the robust mutexes T still holds as owner-dead and releases them (T is ending). */
void robust_owner_exited(struct thread *t);

#endif
