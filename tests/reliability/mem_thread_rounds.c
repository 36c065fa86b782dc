/* Thread stacks and thread structures return to the heap: rounds of "create threads
 * until EAGAIN (at most 3000), then join them all" reach about the same count every
 * round (16 KiB stacks).  Prints only whether each later round reaches 90% of the first.
 * reliability: timeout=300 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CAP 3000
#define ROUNDS 4

static pthread_mutex_t gate = PTHREAD_MUTEX_INITIALIZER;
static pthread_t threads[CAP];

static void *wait_for_gate(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&gate);
    pthread_mutex_unlock(&gate);
    return NULL;
}

static int one_round(void)
{
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 16 << 10);
    pthread_mutex_lock(&gate);
    int n = 0;
    for (; n < CAP; n++) {
        int e = pthread_create(&threads[n], &attr, wait_for_gate, NULL);
        if (e == EAGAIN)
            break;
        if (e != 0) {
            printf("pthread_create: %s\n", strerror(e));
            break;
        }
    }
    pthread_mutex_unlock(&gate);
    for (int i = 0; i < n; i++)
        pthread_join(threads[i], NULL);
    pthread_attr_destroy(&attr);
    return n;
}

int main(void)
{
    int first = one_round();
    printf("first round: %s\n", first > 0 ? "threads created" : "none");
    if (getenv("SHOW_COUNTS"))
        fprintf(stderr, "round 1: %d\n", first);
    for (int r = 2; r <= ROUNDS; r++) {
        int n = one_round();
        if (getenv("SHOW_COUNTS"))
            fprintf(stderr, "round %d: %d\n", r, n);
        printf("round %d reaches 90%% of the first: %s\n", r, n * 10 >= first * 9 ? "yes" : "no");
    }
    return 0;
}
