/* The C library's small blocks (carved from slabs) return to the heap when all of a
 * slab is free: in a 64 MiB guest (about 54 MiB free), 40 MiB of small blocks of several
 * sizes, allocated by two threads at once and freed, leave room for one 40 MiB block;
 * again after a second round.  (It also fails when small kernel objects made while the
 * slabs were live can sit in gaps between slabs.)
 * reliability: memory=64M */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *churn(void *arg)
{
    size_t size = (size_t)(uintptr_t)arg, budget = (size_t)20 << 20, n = budget / size;
    void **blocks = malloc(n * sizeof *blocks);
    if (blocks == NULL)
        return (void *)1;
    for (size_t i = 0; i < n; i++) {
        blocks[i] = malloc(size - 16 * (i % 3));
        if (blocks[i] == NULL)
            return (void *)1;
        memset(blocks[i], 1, 8);
    }
    /* Freed in an order unlike the allocation's: every other block, then the rest. */
    for (size_t i = 0; i < n; i += 2)
        free(blocks[i]);
    for (size_t i = 1; i < n; i += 2)
        free(blocks[i]);
    free(blocks);
    return NULL;
}

int main(void)
{
    for (int round = 1; round <= 2; round++) {
        pthread_t t[2];
        void *r0, *r1;
        pthread_create(&t[0], NULL, churn, (void *)(uintptr_t)64);
        pthread_create(&t[1], NULL, churn, (void *)(uintptr_t)400);
        pthread_join(t[0], &r0);
        pthread_join(t[1], &r1);
        printf("round %d: small blocks %s\n", round, r0 == NULL && r1 == NULL ? "ok" : "failed");
        char *big = malloc((size_t)40 << 20);
        printf("round %d: 40 MiB block after them: %s\n", round, big != NULL ? "ok" : "failed");
        if (big != NULL)
            memset(big, 2, (size_t)40 << 20);
        free(big);
    }
    return 0;
}
