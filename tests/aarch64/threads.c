/* pthreads on several vCPUs: threads that sum disjoint ranges, a mutex-protected counter
 * they all increment, a barrier, a condition variable and joins.  The output is the same
 * whatever the interleaving. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#define THREADS 8
#define ROUNDS 20000

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t done_cond = PTHREAD_COND_INITIALIZER;
static pthread_barrier_t barrier;
static long counter;
static int done;

static void *work(void *arg)
{
    long id = (long)arg;
    unsigned long long sum = 0;
    for (unsigned long long i = (unsigned long long)id * 1000000; i < (unsigned long long)(id + 1) * 1000000; i++)
        sum += i;
    pthread_barrier_wait(&barrier);
    for (int i = 0; i < ROUNDS; i++) {
        pthread_mutex_lock(&lock);
        counter++;
        pthread_mutex_unlock(&lock);
    }
    pthread_mutex_lock(&lock);
    done++;
    pthread_cond_signal(&done_cond);
    pthread_mutex_unlock(&lock);
    return (void *)(unsigned long)sum;
}

int main(void)
{
    pthread_t t[THREADS];
    pthread_barrier_init(&barrier, NULL, THREADS);
    for (long i = 0; i < THREADS; i++)
        if (pthread_create(&t[i], NULL, work, (void *)i) != 0) {
            perror("pthread_create");
            return 1;
        }
    pthread_mutex_lock(&lock);
    while (done < THREADS)
        pthread_cond_wait(&done_cond, &lock);
    pthread_mutex_unlock(&lock);
    unsigned long long total = 0;
    for (int i = 0; i < THREADS; i++) {
        void *r;
        pthread_join(t[i], &r);
        printf("thread %d: sum %lu\n", i, (unsigned long)r);
        total += (unsigned long)r;
    }
    printf("total %llu, counter %ld (expected %d)\n", total, counter, THREADS * ROUNDS);
    return counter == THREADS * ROUNDS ? 0 : 1;
}
