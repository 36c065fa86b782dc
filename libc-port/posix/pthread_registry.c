/* Thread ids and the table from id to block. Ids are serial numbers that are never
 * reused, and a block leaves the table before it is freed, so join/detach/cancel on a
 * thread that is gone find nothing and report ESRCH rather than touching freed memory. */

#include "futex.h"
#include "thread.h"

#define BUCKETS 64 /* a power of two; chains stay short for hundreds of threads */

static struct thread *buckets[BUCKETS];
static uint32_t table_lock;
static uint64_t next_id = 1;

uint64_t registry_new_id(void)
{
	return FETCH_ADD(&next_id, 1);
}

void registry_lock(void)
{
	internal_lock(&table_lock);
}

void registry_unlock(void)
{
	internal_unlock(&table_lock);
}

struct thread *registry_find(uint64_t id)
{
	struct thread *t = buckets[id % BUCKETS];
	while (t && t->id != id)
		t = t->hash_next;
	return t;
}

void registry_add(struct thread *t)
{
	registry_lock();
	t->hash_next = buckets[t->id % BUCKETS];
	buckets[t->id % BUCKETS] = t;
	registry_unlock();
}

void registry_remove_locked(struct thread *t)
{
	struct thread **link = &buckets[t->id % BUCKETS];
	while (*link && *link != t)
		link = &(*link)->hash_next;
	if (*link)
		*link = t->hash_next;
}

void registry_remove(struct thread *t)
{
	registry_lock();
	registry_remove_locked(t);
	registry_unlock();
}

uint32_t registry_signal_target(uint64_t sigbit)
{
	struct thread *self = thread_self();
	uint32_t found = 0;
	registry_lock();
	for (int b = 0; b < BUCKETS; b++) {
		for (struct thread *t = buckets[b]; t; t = t->hash_next) {
			if (t == self || t->ktid == 0 || (LOAD(&t->state) & TS_EXITED) ||
			    (LOAD(&t->sig_mask) & sigbit))
				continue;
			if (!found || t->is_main)
				found = t->ktid;
		}
	}
	registry_unlock();
	return found;
}
