#include "greet.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Defined in Rust (src/main.rs): C calling Rust. */
extern long rust_weight(int i);

/* Updated from several threads at once. */
static struct greet_stats stats;

#define COUNT(field, n) __atomic_fetch_add(&stats.field, (n), __ATOMIC_RELAXED)

int greet_format(char *buf, size_t len, const char *name, int n)
{
    COUNT(calls, 1);
    int r = snprintf(buf, len, "Hello, %s #%d (pi ~ %.2f)", name, n, 3.14159);
    COUNT(total_len, r);
    return r;
}

char *greet_repeat(const char *name, int count)
{
    COUNT(calls, 1);
    size_t n = strlen(name);
    size_t size = count > 0 ? (n + 2) * (size_t)count : 1;
    char *s = malloc(size);
    if (s == NULL)
        return NULL;
    s[0] = '\0';
    for (int i = 0; i < count; i++) {
        if (i > 0)
            strcat(s, ", ");
        strcat(s, name);
    }
    COUNT(total_len, (long)strlen(s));
    return s;
}

size_t greet_consume(char *s)
{
    COUNT(calls, 1);
    size_t n = strlen(s);
    free(s);
    return n;
}

long greet_sum_weights(int n)
{
    COUNT(calls, 1);
    long sum = 0;
    for (int i = 0; i < n; i++)
        sum += rust_weight(i);
    return sum;
}

int greet_fail_open(const char *path)
{
    COUNT(calls, 1);
    errno = 0;
    int fd = open(path, O_RDONLY);
    if (fd >= 0) {
        close(fd);
        return 0;
    }
    return errno;
}

int greet_errno(void)
{
    return errno;
}

void greet_stats(struct greet_stats *out)
{
    out->calls = __atomic_load_n(&stats.calls, __ATOMIC_RELAXED);
    out->total_len = __atomic_load_n(&stats.total_len, __ATOMIC_RELAXED);
}

void greet_flush(void)
{
    fflush(NULL);
}

void greet_print(const char *msg)
{
    printf("C says: %s\n", msg);
}
