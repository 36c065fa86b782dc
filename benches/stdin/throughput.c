/* throughput: reads standard input to its end with read(2) into a 1 MiB buffer and
 * prints how many bytes came, how long that took (from the first read call to end of
 * file, monotonic clock) and a cheap checksum (a sum of its 64-bit words, whatever the reads returned, so that the data
 * is touched without the hashing dominating under TCG). benches/drivers/bench_stdin.py runs it
 * natively and in Eremit on the same pipe. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(void) {
    static unsigned char buf[1 << 20];
    uint64_t total = 0, sum = 0;
    size_t have = 0; /* bytes short of a whole word, carried to the next read */
    double start = now();
    for (;;) {
        ssize_t n = read(0, buf + have, sizeof buf - have);
        if (n < 0) {
            perror("read");
            return 1;
        }
        if (n == 0)
            break;
        total += (uint64_t)n;
        have += (size_t)n;
        size_t words = have / 8;
        for (size_t i = 0; i < words; i++) {
            uint64_t w;
            memcpy(&w, buf + 8 * i, 8);
            sum += w;
        }
        memmove(buf, buf + 8 * words, have - 8 * words);
        have -= 8 * words;
    }
    if (have > 0) {
        uint64_t w = 0;
        memcpy(&w, buf, have);
        sum += w;
    }
    double secs = now() - start;
    printf("bytes %llu secs %.3f MB/s %.1f sum %016llx\n", (unsigned long long)total, secs,
           secs > 0 ? (double)total / secs / 1e6 : 0.0, (unsigned long long)sum);
    return 0;
}
