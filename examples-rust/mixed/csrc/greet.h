/* A small C library used from Rust (examples-rust/mixed). */
#ifndef GREET_H
#define GREET_H

#include <stddef.h>

struct greet_stats {
    int calls;
    long total_len;
};

/* Formats "Hello, NAME #N (pi ~ 3.14)" into buf with snprintf; returns what snprintf does. */
int greet_format(char *buf, size_t len, const char *name, int n);
/* A malloc'd copy of "NAME, NAME, ..." (count times): the caller frees it with free(). */
char *greet_repeat(const char *name, int count);
/* Frees what Rust allocated with malloc (same heap, same allocator). */
size_t greet_consume(char *s);
/* Calls back into Rust: the sum of rust_weight(i) for i in [0, n). */
long greet_sum_weights(int n);
/* Sets errno with a failing call (open of a missing file); returns errno. */
int greet_fail_open(const char *path);
/* C's errno as it is now. */
int greet_errno(void);
/* Statistics of the calls above. */
void greet_stats(struct greet_stats *out);
/* Flushes C's stdio (std's exit does not). */
void greet_flush(void);
/* printf from C. */
void greet_print(const char *msg);

#endif
