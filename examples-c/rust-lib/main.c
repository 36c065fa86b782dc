/* A C program calling a Rust library (src/lib.rs, a staticlib): threads and collections on
 * the Rust side, buffers that Rust allocates and C frees with free(). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern char *rustlib_word_counts(const char *text, int threads);
extern uint64_t rustlib_sum_squares(uint64_t n, int threads);
extern int32_t *rustlib_primes(size_t n);
extern void rustlib_free(void *p);

int main(int argc, char **argv)
{
    (void)argv;
    printf("argc: %d\n", argc);

    char *counts = rustlib_word_counts("the cat and the dog and the bird", 3);
    printf("counts: %s\n", counts);
    free(counts);

    printf("sum_squares: %llu\n", (unsigned long long)rustlib_sum_squares(1000, 4));

    int32_t *primes = rustlib_primes(10);
    printf("primes:");
    for (int i = 0; i < 10; i++)
        printf(" %d", (int)primes[i]);
    printf("\n");
    free(primes);

    /* Many round trips: C's and Rust's allocations interleaved on one heap. */
    size_t total = 0;
    for (int i = 0; i < 200; i++) {
        char *c = malloc(32);
        snprintf(c, 32, "w%d w%d", i % 7, i % 3);
        char *r = rustlib_word_counts(c, 1 + i % 2);
        total += strlen(r);
        if (i % 2)
            free(r);
        else
            rustlib_free(r);
        free(c);
    }
    printf("round trips: %zu\n", total);
    return 3;
}
