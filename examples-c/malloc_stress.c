/* malloc stress: many blocks of random sizes, filled with a pattern, freed in random
 * order, grown and shrunk with realloc, aligned allocations; first on one thread, then on
 * four at once.  The random numbers are the program's own, so the output is the same
 * everywhere; any corruption shows as a pattern mismatch. */
#include <malloc.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include "common.h"

#define SLOTS 512
#define ROUNDS 20000

static uint64_t next_random(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

struct block {
    unsigned char *p;
    size_t size;
    unsigned char tag;
};

static void fill(struct block *b)
{
    memset(b->p, b->tag, b->size);
}

static int intact(const struct block *b)
{
    for (size_t i = 0; i < b->size; i++)
        if (b->p[i] != b->tag)
            return 0;
    return 1;
}

/* Mostly small sizes, some up to 64 KiB, a few up to 1 MiB. */
static size_t random_size(uint64_t *s)
{
    uint64_t r = next_random(s);
    switch (r % 16) {
    case 0:
        return r % (1 << 20);
    case 1:
    case 2:
    case 3:
        return r % (1 << 16);
    default:
        return r % 512;
    }
}

struct result {
    uint64_t seed;
    unsigned long allocations, reallocs, aligned, bytes;
    int ok;
};

static void *stress(void *arg)
{
    struct result *res = arg;
    uint64_t s = res->seed;
    static __thread struct block blocks[SLOTS];
    memset(blocks, 0, sizeof blocks);
    res->ok = 1;
    for (int round = 0; round < ROUNDS; round++) {
        struct block *b = &blocks[next_random(&s) % SLOTS];
        if (b->p != NULL && !intact(b)) {
            res->ok = 0;
            break;
        }
        uint64_t op = next_random(&s) % 8;
        if (b->p == NULL || op < 3) {
            free(b->p);
            b->size = random_size(&s);
            if (op == 0) {
                size_t align = (size_t)1 << (4 + next_random(&s) % 9); /* 16 .. 4096 */
                void *p = NULL;
                CHECK(posix_memalign(&p, align, b->size) == 0);
                CHECK(((uintptr_t)p & (align - 1)) == 0);
                b->p = p;
                res->aligned++;
            } else if (op == 1) {
                b->p = calloc(1, b->size);
                CHECK(b->p != NULL || b->size == 0);
                for (size_t i = 0; i < b->size; i++)
                    CHECK(b->p[i] == 0);
            } else {
                b->p = malloc(b->size);
            }
            CHECK(b->p != NULL || b->size == 0);
            if (b->p == NULL)
                b->p = malloc(1), b->size = 0;
            CHECK(malloc_usable_size(b->p) >= b->size);
            b->tag = (unsigned char)next_random(&s);
            fill(b);
            res->allocations++;
            res->bytes += b->size;
        } else if (op < 6) {
            /* realloc keeps the old contents up to the smaller size. */
            size_t size = random_size(&s) + 1;
            unsigned char *p = realloc(b->p, size);
            CHECK(p != NULL);
            size_t keep = size < b->size ? size : b->size;
            for (size_t i = 0; i < keep; i++)
                if (p[i] != b->tag)
                    res->ok = 0;
            b->p = p;
            b->size = size;
            fill(b);
            res->reallocs++;
        } else {
            free(b->p);
            b->p = NULL;
        }
    }
    for (int i = 0; i < SLOTS; i++) {
        if (blocks[i].p != NULL && !intact(&blocks[i]))
            res->ok = 0;
        free(blocks[i].p);
    }
    return NULL;
}

int main(void)
{
    struct result one = {.seed = 0x9e3779b97f4a7c15ULL};
    stress(&one);
    printf("1 thread: %lu allocations (%lu aligned), %lu reallocs, %lu bytes, contents %s\n",
           one.allocations, one.aligned, one.reallocs, one.bytes, one.ok ? "intact" : "CORRUPT");

    enum { THREADS = 4 };
    pthread_t t[THREADS];
    struct result r[THREADS];
    for (int i = 0; i < THREADS; i++) {
        r[i] = (struct result){.seed = 0x1234567ULL * (i + 1)};
        CHECK(pthread_create(&t[i], NULL, stress, &r[i]) == 0);
    }
    int ok = 1;
    for (int i = 0; i < THREADS; i++) {
        CHECK(pthread_join(t[i], NULL) == 0);
        printf("thread %d: %lu allocations, %lu reallocs, %lu bytes, contents %s\n", i,
               r[i].allocations, r[i].reallocs, r[i].bytes, r[i].ok ? "intact" : "CORRUPT");
        ok &= r[i].ok;
    }

    /* Large and zero-sized requests. */
    void *big = malloc(64 << 20);
    CHECK(big != NULL);
    memset(big, 1, 64 << 20);
    free(big);
    printf("64 MiB block: ok\n");
    errno = 0;
    void *huge = malloc(SIZE_MAX / 2);
    printf("malloc(SIZE_MAX / 2): %s, errno %s\n", huge == NULL ? "NULL" : "non-NULL", errno_name(errno));
    void *zero = malloc(0);
    free(zero);
    printf("malloc-stress: %s\n", ok && one.ok ? "done" : "FAILED");
    return ok && one.ok ? 0 : 1;
}
