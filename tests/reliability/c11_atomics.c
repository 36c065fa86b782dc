/* C11 <stdatomic.h> in a threaded program, as services write their counters and flags:
 * the header must be the compiler's (newlib's own needed <stdint.h> first and did not
 * compile), and the operations atomic across vCPUs. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>

#define THREADS 4
#define ROUNDS 20000

static atomic_int counter;
static atomic_ulong total;
static atomic_flag lock = ATOMIC_FLAG_INIT;
static long guarded;
static _Atomic(void *) slot;

static void *work(void *arg)
{
    for (int i = 0; i < ROUNDS; i++) {
        atomic_fetch_add_explicit(&counter, 1, memory_order_relaxed);
        atomic_fetch_add(&total, (unsigned long)(i & 7));
        while (atomic_flag_test_and_set_explicit(&lock, memory_order_acquire))
            ;
        guarded++;
        atomic_flag_clear_explicit(&lock, memory_order_release);
    }
    void *expected = NULL;
    /* Exactly one thread wins the slot. */
    if (atomic_compare_exchange_strong(&slot, &expected, arg))
        return (void *)1;
    return NULL;
}

int main(void)
{
    pthread_t t[THREADS];
    long ids[THREADS];
    for (int i = 0; i < THREADS; i++) {
        ids[i] = i;
        pthread_create(&t[i], NULL, work, &ids[i]);
    }
    int winners = 0;
    for (int i = 0; i < THREADS; i++) {
        void *r;
        pthread_join(t[i], &r);
        winners += r != NULL;
    }
    printf("counter %d total %lu guarded %ld winners %d lock-free int %d\n", atomic_load(&counter),
           atomic_load(&total), guarded, winners, atomic_is_lock_free(&counter) ? 1 : 0);
    atomic_thread_fence(memory_order_seq_cst);
    int old = atomic_exchange(&counter, -1);
    int want = -1;
    bool swapped = atomic_compare_exchange_weak(&counter, &want, 5) ||
                   atomic_compare_exchange_strong(&counter, &want, 5);
    printf("exchange %d swapped %d now %d\n", old, swapped, atomic_load(&counter));
    return 0;
}
