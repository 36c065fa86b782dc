/* POSIX threads: a bounded queue between producers and consumers (mutex and condition
 * variables), a semaphore-counted pool, thread-local data, once, keys, and stdio from
 * many threads.  The totals printed do not depend on scheduling. */
#include <pthread.h>
#include <semaphore.h>
#include <stdint.h>
#include <string.h>

#include "common.h"

#define PRODUCERS 3
#define CONSUMERS 3
#define ITEMS 20000 /* per producer */
#define CAPACITY 16

static struct {
    pthread_mutex_t lock;
    pthread_cond_t not_full, not_empty;
    long items[CAPACITY];
    int head, count;
    int producers_left;
} q = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, PTHREAD_COND_INITIALIZER,
       {0}, 0, 0, PRODUCERS};

static void *producer(void *arg)
{
    long id = (long)(intptr_t)arg;
    for (long i = 1; i <= ITEMS; i++) {
        CHECK(pthread_mutex_lock(&q.lock) == 0);
        while (q.count == CAPACITY)
            CHECK(pthread_cond_wait(&q.not_full, &q.lock) == 0);
        q.items[(q.head + q.count) % CAPACITY] = id * 1000000 + i;
        q.count++;
        CHECK(pthread_cond_signal(&q.not_empty) == 0);
        CHECK(pthread_mutex_unlock(&q.lock) == 0);
    }
    CHECK(pthread_mutex_lock(&q.lock) == 0);
    q.producers_left--;
    CHECK(pthread_cond_broadcast(&q.not_empty) == 0);
    CHECK(pthread_mutex_unlock(&q.lock) == 0);
    return NULL;
}

struct tally {
    long count, sum;
};

static void *consumer(void *arg)
{
    struct tally *t = arg;
    for (;;) {
        CHECK(pthread_mutex_lock(&q.lock) == 0);
        while (q.count == 0 && q.producers_left > 0)
            CHECK(pthread_cond_wait(&q.not_empty, &q.lock) == 0);
        if (q.count == 0) {
            CHECK(pthread_mutex_unlock(&q.lock) == 0);
            return NULL;
        }
        long v = q.items[q.head];
        q.head = (q.head + 1) % CAPACITY;
        q.count--;
        CHECK(pthread_cond_signal(&q.not_full) == 0);
        CHECK(pthread_mutex_unlock(&q.lock) == 0);
        t->count++;
        t->sum += v;
    }
}

/* Semaphores: at most 2 of 8 workers inside at once. */
static sem_t pool;
static int inside, most_inside;
static pthread_mutex_t inside_lock = PTHREAD_MUTEX_INITIALIZER;

static void *worker(void *arg)
{
    (void)arg;
    for (int i = 0; i < 200; i++) {
        CHECK(sem_wait(&pool) == 0);
        pthread_mutex_lock(&inside_lock);
        if (++inside > most_inside)
            most_inside = inside;
        pthread_mutex_unlock(&inside_lock);
        sched_yield();
        pthread_mutex_lock(&inside_lock);
        inside--;
        pthread_mutex_unlock(&inside_lock);
        CHECK(sem_post(&pool) == 0);
    }
    return NULL;
}

/* Thread-local storage, errno per thread, keys with destructors, once. */
static __thread int tls_value = 42;
static pthread_key_t key;
static int destructor_runs;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static int once_runs;

static void destructor(void *p)
{
    __atomic_fetch_add(&destructor_runs, 1, __ATOMIC_SEQ_CST);
    free(p);
}

static void init_once(void)
{
    once_runs++;
}

static void *tls_thread(void *arg)
{
    int id = (int)(intptr_t)arg;
    CHECK(pthread_once(&once, init_once) == 0);
    if (tls_value != 42)
        return (void *)1;
    tls_value = id;
    errno = 1000 + id;
    int *mine = malloc(sizeof *mine);
    *mine = id;
    CHECK(pthread_setspecific(key, mine) == 0);
    sched_yield();
    int same = tls_value == id && errno == 1000 + id && *(int *)pthread_getspecific(key) == id;
    return (void *)(intptr_t)(same ? 0 : 1);
}

/* stdio from many threads: every line written to one stream arrives whole. */
static FILE *shared;

static void *writer(void *arg)
{
    int id = (int)(intptr_t)arg;
    for (int i = 0; i < 500; i++)
        fprintf(shared, "writer %d line %d\n", id, i);
    return NULL;
}

int main(void)
{
    pthread_t p[PRODUCERS], c[CONSUMERS];
    struct tally t[CONSUMERS];
    memset(t, 0, sizeof t);
    for (long i = 0; i < PRODUCERS; i++)
        CHECK(pthread_create(&p[i], NULL, producer, (void *)(intptr_t)(i + 1)) == 0);
    for (int i = 0; i < CONSUMERS; i++)
        CHECK(pthread_create(&c[i], NULL, consumer, &t[i]) == 0);
    for (int i = 0; i < PRODUCERS; i++)
        CHECK(pthread_join(p[i], NULL) == 0);
    long count = 0, sum = 0;
    for (int i = 0; i < CONSUMERS; i++) {
        CHECK(pthread_join(c[i], NULL) == 0);
        count += t[i].count;
        sum += t[i].sum;
    }
    long expected = 0;
    for (long id = 1; id <= PRODUCERS; id++)
        expected += id * 1000000L * ITEMS + (long)ITEMS * (ITEMS + 1) / 2;
    printf("queue: %ld items consumed, sum %ld (expected %ld)\n", count, sum, expected);

    CHECK(sem_init(&pool, 0, 2) == 0);
    pthread_t w[8];
    for (int i = 0; i < 8; i++)
        CHECK(pthread_create(&w[i], NULL, worker, NULL) == 0);
    for (int i = 0; i < 8; i++)
        CHECK(pthread_join(w[i], NULL) == 0);
    int value = -1;
    CHECK(sem_getvalue(&pool, &value) == 0);
    printf("semaphore: at most %d inside (limit 2), value %d at the end\n", most_inside, value);
    CHECK(sem_destroy(&pool) == 0);

    CHECK(pthread_key_create(&key, destructor) == 0);
    enum { N = 6 };
    pthread_t tt[N];
    for (int i = 0; i < N; i++)
        CHECK(pthread_create(&tt[i], NULL, tls_thread, (void *)(intptr_t)(i + 1)) == 0);
    int bad = 0;
    for (int i = 0; i < N; i++) {
        void *r;
        CHECK(pthread_join(tt[i], &r) == 0);
        bad += r != NULL;
    }
    printf("thread-local data: %d of %d threads saw their own, main still %d; once ran %d time(s); "
           "%d key destructors ran\n",
           N - bad, N, tls_value, once_runs, destructor_runs);

    char *text = NULL;
    size_t len = 0;
    shared = open_memstream(&text, &len);
    CHECK(shared != NULL);
    pthread_t wr[4];
    for (int i = 0; i < 4; i++)
        CHECK(pthread_create(&wr[i], NULL, writer, (void *)(intptr_t)i) == 0);
    for (int i = 0; i < 4; i++)
        CHECK(pthread_join(wr[i], NULL) == 0);
    CHECK(fclose(shared) == 0);
    int lines = 0, whole = 0, next[4] = {0};
    for (char *line = strtok(text, "\n"); line != NULL; line = strtok(NULL, "\n")) {
        int id, n;
        lines++;
        /* Each writer's lines arrive whole and in its own order. */
        if (sscanf(line, "writer %d line %d", &id, &n) == 2 && id >= 0 && id < 4 && n == next[id]) {
            next[id]++;
            whole++;
        }
    }
    free(text);
    printf("stdio: %d lines from 4 threads, %d whole and in order\n", lines, whole);

    pthread_t self = pthread_self();
    printf("pthread_equal(self, self): %d\n", pthread_equal(self, pthread_self()) != 0);
    printf("pthreads: done\n");
    return 0;
}
