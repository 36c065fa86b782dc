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

#endif
