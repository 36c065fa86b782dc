/* munmap releases only what mmap handed out, whole or in part, and leaves the rest
 * alone: the same range twice, a page inside a malloc block, a page of the stack all
 * return 0; the malloc block and the stack keep their bytes.  Partial munmaps keep the
 * other pages' contents.  Memory unmapped comes back: 64 rounds of a 16 MiB mapping
 * unmapped in pieces fit in a 64 MiB guest.
 * reliability: memory=64M */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static size_t page;

static void *map(size_t len)
{
    void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        printf("mmap(%zu) failed: %s\n", len, strerror(errno));
        exit(1);
    }
    return p;
}

/* Whether pages [from, to) of P hold the byte (their page number + 1). */
static int pages_hold_numbers(const unsigned char *p, size_t from, size_t to)
{
    for (size_t i = from; i < to; i++)
        for (size_t j = 0; j < page; j += 512)
            if (p[i * page + j] != (unsigned char)(i + 1))
                return 0;
    return 1;
}

static void fill_numbers(unsigned char *p, size_t pages)
{
    for (size_t i = 0; i < pages; i++)
        memset(p + i * page, (int)(i + 1), page);
}

int main(void)
{
    page = (size_t)sysconf(_SC_PAGESIZE);

    /* Twice the same range. */
    void *a = map(4 * page);
    printf("munmap once: %d\n", munmap(a, 4 * page));
    printf("munmap twice: %d\n", munmap(a, 4 * page));

    /* Pieces of one mapping: the middle, the head, the tail; the others keep their bytes. */
    unsigned char *m = map(16 * page);
    fill_numbers(m, 16);
    printf("munmap middle: %d\n", munmap(m + 6 * page, 3 * page));
    printf("munmap head: %d\n", munmap(m, page));
    printf("munmap tail: %d\n", munmap(m + 13 * page, 3 * page));
    printf("rest intact: %d\n", pages_hold_numbers(m, 1, 6) && pages_hold_numbers(m, 9, 13));
    printf("munmap middle again: %d\n", munmap(m + 6 * page, 3 * page));
    printf("munmap the rest: %d\n", munmap(m, 16 * page));

    /* A page inside a malloc block: the block's other pages keep their bytes, and
     * mappings made afterwards do not overlap it. */
    size_t blen = 64 * page;
    unsigned char *b = malloc(blen);
    memset(b, 0xb1, blen);
    unsigned char *inside = (unsigned char *)(((uintptr_t)b + 8 * page) & ~(uintptr_t)(page - 1));
    printf("munmap in a malloc block: %d\n", munmap(inside, page));
    int overlap = 0;
    void *later[8];
    for (int i = 0; i < 8; i++) {
        later[i] = map(page);
        memset(later[i], 0xee, page);
        overlap |= (unsigned char *)later[i] + page > b && (unsigned char *)later[i] < b + blen;
    }
    printf("later mappings overlap the block: %d\n", overlap);
    int kept = 1;
    for (size_t i = 0; i < blen; i++)
        if (b + i < inside || b + i >= inside + page)
            kept &= b[i] == 0xb1;
    printf("malloc block intact: %d\n", kept);
    for (int i = 0; i < 8; i++)
        munmap(later[i], page);

    /* A page of the stack, far below what is in use. */
    volatile unsigned char here[64];
    memset((void *)here, 0x77, sizeof here);
    uintptr_t below = ((uintptr_t)here - (256 << 10)) & ~(uintptr_t)(page - 1);
    printf("munmap below the stack: %d\n", munmap((void *)below, page));
    int stack_ok = 1;
    for (size_t i = 0; i < sizeof here; i++)
        stack_ok &= here[i] == 0x77;
    printf("stack intact: %d\n", stack_ok);

    /* Memory comes back: 16 MiB mapped and unmapped in pieces, 64 times. */
    size_t big = 16u << 20, pages = big / page;
    int rounds = 0;
    for (int i = 0; i < 64; i++) {
        unsigned char *p = mmap(NULL, big, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED)
            break;
        p[0] = p[big - 1] = 1;
        munmap(p + big / 2, big / 4);        /* a middle quarter */
        munmap(p + 3 * (big / 4), big / 4);  /* the tail */
        munmap(p, page);                     /* the first page */
        munmap(p + page, big / 2 - page);    /* the rest */
        (void)pages;
        rounds++;
    }
    printf("16 MiB rounds: %d\n", rounds);
    free(b);
    return 0;
}
