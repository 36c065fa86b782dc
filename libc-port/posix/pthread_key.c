/* Thread-specific data. A key is a slot index; each slot carries a generation that
 * changes on create and delete (odd: in use), and every stored value is tagged with the
 * generation it was stored under, so a deleted key's values are invisible through a
 * later key that reuses the slot, without visiting every thread on delete. */

#include <errno.h>
#include <pthread.h>

#include "futex.h"
#include "thread.h"

struct key_slot {
	uint32_t generation; /* odd while the key exists */
	void (*destructor)(void *);
};

static struct key_slot slots[KEYS_MAX];
static uint32_t slots_lock;

static int in_use(uint32_t generation)
{
	return generation & 1;
}

int pthread_key_create(pthread_key_t *key, void (*destructor)(void *))
{
	lock_word_acquire(&slots_lock);
	for (unsigned i = 0; i < KEYS_MAX; i++) {
		if (!in_use(slots[i].generation)) {
			slots[i].destructor = destructor;
			STORE(&slots[i].generation, slots[i].generation + 1);
			lock_word_release(&slots_lock);
			*key = i;
			return 0;
		}
	}
	lock_word_release(&slots_lock);
	return EAGAIN;
}

int pthread_key_delete(pthread_key_t key)
{
	if (key >= KEYS_MAX)
		return EINVAL;
	lock_word_acquire(&slots_lock);
	uint32_t g = slots[key].generation;
	if (!in_use(g)) {
		lock_word_release(&slots_lock);
		return EINVAL;
	}
	/* POSIX: deleting a key runs no destructors. */
	STORE(&slots[key].generation, g + 1);
	slots[key].destructor = 0;
	lock_word_release(&slots_lock);
	return 0;
}

void *pthread_getspecific(pthread_key_t key)
{
	if (key >= KEYS_MAX)
		return 0;
	struct key_value *kv = &thread_self()->keys[key];
	return kv->generation == LOAD(&slots[key].generation) ? kv->value : 0;
}

int pthread_setspecific(pthread_key_t key, const void *value)
{
	if (key >= KEYS_MAX)
		return EINVAL;
	uint32_t g = LOAD(&slots[key].generation);
	if (!in_use(g))
		return EINVAL;
	struct key_value *kv = &thread_self()->keys[key];
	kv->value = (void *)value;
	kv->generation = g;
	return 0;
}

void keys_run_destructors(struct thread *t)
{
	/* Destructors may store new values; POSIX asks for up to
	 * PTHREAD_DESTRUCTOR_ITERATIONS further rounds while any remain. */
	for (int round = 0; round < DESTRUCTOR_ITERATIONS; round++) {
		int ran = 0;
		for (unsigned i = 0; i < KEYS_MAX; i++) {
			struct key_value *kv = &t->keys[i];
			if (!kv->value)
				continue;
			lock_word_acquire(&slots_lock);
			void (*destructor)(void *) = slots[i].destructor;
			int live = kv->generation == slots[i].generation;
			lock_word_release(&slots_lock);
			void *value = kv->value;
			kv->value = 0;
			if (live && destructor) {
				destructor(value);
				ran = 1;
			}
		}
		if (!ran)
			break;
	}
}
