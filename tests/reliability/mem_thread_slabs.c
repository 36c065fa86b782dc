/* An ending thread hands the rest of the slabs it carved its small blocks from to the
 * next thread: in a 64 MiB guest (about 54 MiB free), 400 threads one after the other
 * each allocate one small block of four sizes (each size a slab class of its own, 64 KiB
 * slabs) that outlives it; then all blocks are freed and a 40 MiB block fits.  Threads
 * that ended without handing on their slabs would each start four new ones:
 * 400 x 4 x 64 KiB = 100 MiB.
 * reliability: memory=64M */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define THREADS 400
#define SIZES 4

static const size_t sizes[SIZES] = {24, 100, 200, 480};
static void *blocks[THREADS][SIZES];

static void *small_blocks(void *arg)
{
    void **mine = arg;
    for (int s = 0; s < SIZES; s++) {
        mine[s] = malloc(sizes[s]);
        if (mine[s] == NULL)
            return (void *)1;
        memset(mine[s], 1, sizes[s]);
    }
    return NULL;
}

int main(void)
{
    int failed = 0;
    for (int t = 0; t < THREADS; t++) {
        pthread_t th;
        void *r = (void *)1;
        if (pthread_create(&th, NULL, small_blocks, blocks[t]) != 0 ||
            pthread_join(th, &r) != 0 || r != NULL)
            failed++;
    }
    printf("%d threads, each leaving small blocks: %s\n", THREADS, failed == 0 ? "ok" : "failed");
    for (int t = 0; t < THREADS; t++)
        for (int s = 0; s < SIZES; s++)
            free(blocks[t][s]);
    char *big = malloc((size_t)40 << 20);
    printf("40 MiB block after them: %s\n", big != NULL ? "ok" : "failed");
    if (big != NULL)
        memset(big, 2, (size_t)40 << 20);
    free(big);
    return 0;
}
