/* The guest of `make soak` (benches/drivers/soak.py): a service's life in one program, to see
 * whether memory comes back over a long run.
 *
 *   soak SECONDS PORT [REPORT_SECONDS]
 *
 * For SECONDS it runs, on all vCPUs:
 *   - 2 allocator threads: blocks of 16 B to 8 MiB (log-uniform sizes), a working set of
 *     up to ~48 MiB each, freed in random order and at random sizes, some realloc'd;
 *   - a thread-churn thread: creates and joins short-lived threads (some detached);
 *   - a file thread: creates files in /tmp of 4 KiB to 4 MiB, rewrites, truncates,
 *     unlinks them;
 *   - a TCP echo server on PORT (one thread per connection) that the host's driver
 *     connects to all the time.
 * Every REPORT_SECONDS (default 60) the workers end, their working sets freed, and the
 * server finishes its connections and takes no new ones for the moment (a service at rest
 * between bursts; all starts again afterwards), and the main thread measures the memory in use:
 * the VM's memory that cannot be had back as 1 MiB blocks, found by allocating 1 MiB
 * blocks until malloc fails (and freeing them again). It prints one line
 *
 *   soak: t=SECONDS free_1m_mib=N allocs=N threads=N files=N conns=N
 *
 * and at the end `soak: done`. A steady free_1m_mib means memory freed at every size
 * serves again; a falling one is memory lost to fragmentation or leaks. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define SLOTS 512
#define SET_LIMIT (48u << 20)
#define PROBE_MAX 65536

static atomic_int stop;
/* Set while memory is measured: the server accepts nothing new (connections wait in the
 * backlog) and the measurement waits until no connection is being served. */
static atomic_int parked;
static atomic_int serving;
static atomic_ulong allocs, threads_made, files_made, conns;
static void *probe[PROBE_MAX];

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static uint64_t next(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* 16 B .. 8 MiB, log-uniform: as many small as large blocks by order of magnitude. */
static size_t size_of_block(uint64_t *rng)
{
    unsigned shift = 4 + next(rng) % 20; /* 2^4 .. 2^23 */
    size_t base = (size_t)1 << shift;
    return base + next(rng) % base;
}

struct set {
    void *p[SLOTS];
    size_t n[SLOTS];
    size_t bytes;
};

static void set_free_all(struct set *s)
{
    for (int i = 0; i < SLOTS; i++) {
        free(s->p[i]);
        s->p[i] = NULL;
        s->n[i] = 0;
    }
    s->bytes = 0;
}

static void *allocator(void *arg)
{
    uint64_t rng = 0x9e3779b97f4a7c15ull ^ (uintptr_t)arg;
    struct set *s = calloc(1, sizeof *s);
    while (!atomic_load(&stop)) {
        for (int k = 0; k < 200; k++) {
            int i = next(&rng) % SLOTS;
            if (s->p[i]) {
                if (next(&rng) % 4 == 0) {
                    size_t n = size_of_block(&rng);
                    if (s->bytes - s->n[i] + n <= SET_LIMIT) {
                        void *q = realloc(s->p[i], n);
                        if (q) {
                            s->bytes += n - s->n[i];
                            s->p[i] = q;
                            s->n[i] = n;
                            memset(q, 0x5a, n < 4096 ? n : 4096);
                        }
                        continue;
                    }
                }
                free(s->p[i]);
                s->bytes -= s->n[i];
                s->p[i] = NULL;
                s->n[i] = 0;
                continue;
            }
            size_t n = size_of_block(&rng);
            if (s->bytes + n > SET_LIMIT)
                continue;
            void *q = malloc(n);
            if (!q)
                continue;
            memset(q, 0xa5, n < 4096 ? n : 4096);
            s->p[i] = q;
            s->n[i] = n;
            s->bytes += n;
            atomic_fetch_add(&allocs, 1);
        }
    }
    set_free_all(s);
    free(s);
    return NULL;
}

static void *short_life(void *arg)
{
    char *p = malloc((uintptr_t)arg);
    if (p)
        memset(p, 1, (uintptr_t)arg);
    free(p);
    return NULL;
}

static void *churn(void *arg)
{
    (void)arg;
    uint64_t rng = 42;
    while (!atomic_load(&stop)) {
        pthread_t t[8];
        int made = 0;
        for (int i = 0; i < 8; i++)
            if (pthread_create(&t[made], NULL, short_life, (void *)(uintptr_t)(16 + next(&rng) % 65536)) == 0)
                made++;
        for (int i = 0; i < made; i++)
            pthread_join(t[i], NULL);
        pthread_t d;
        if (pthread_create(&d, NULL, short_life, (void *)64) == 0)
            pthread_detach(d);
        atomic_fetch_add(&threads_made, (unsigned long)made + 1);
    }
    return NULL;
}

static void *files(void *arg)
{
    (void)arg;
    uint64_t rng = 7;
    static char chunk[65536];
    memset(chunk, 'f', sizeof chunk);
    while (!atomic_load(&stop)) {
        char name[64];
        snprintf(name, sizeof name, "/tmp/soak-%lu", (unsigned long)(next(&rng) % 16));
        int fd = open(name, O_CREAT | O_RDWR | O_TRUNC, 0644);
        if (fd >= 0) {
            size_t want = 4096 + next(&rng) % (4u << 20);
            for (size_t done = 0; done < want;) {
                size_t n = want - done < sizeof chunk ? want - done : sizeof chunk;
                ssize_t k = write(fd, chunk, n);
                if (k <= 0)
                    break;
                done += (size_t)k;
            }
            if (next(&rng) % 2)
                ftruncate(fd, (off_t)(want / 3));
            close(fd);
            atomic_fetch_add(&files_made, 1);
        }
        unlink(name);
    }
    return NULL;
}

static void *echo(void *arg)
{
    int fd = (int)(intptr_t)arg;
    char *buf = malloc(16384);
    for (;;) {
        ssize_t k = buf ? recv(fd, buf, 16384, 0) : -1;
        if (k <= 0)
            break;
        for (ssize_t off = 0; off < k;) {
            ssize_t w = send(fd, buf + off, (size_t)(k - off), 0);
            if (w <= 0)
                goto out;
            off += w;
        }
    }
out:
    free(buf);
    close(fd);
    atomic_fetch_add(&conns, 1);
    atomic_fetch_sub(&serving, 1);
    return NULL;
}

static void *server(void *arg)
{
    int port = (int)(intptr_t)arg;
    int s = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof a) < 0 || listen(s, 64) < 0) {
        printf("soak: cannot listen on %d: %s\n", port, strerror(errno));
        fflush(stdout);
        exit(2);
    }
    for (;;) {
        while (atomic_load(&parked))
            usleep(10000);
        int c = accept(s, NULL, NULL);
        if (c < 0)
            continue;
        pthread_t t;
        atomic_fetch_add(&serving, 1);
        if (pthread_create(&t, NULL, echo, (void *)(intptr_t)c) == 0) {
            pthread_detach(t);
        } else {
            atomic_fetch_sub(&serving, 1);
            close(c);
        }
    }
    return NULL;
}

/* The kernel's account of what holds the heap (on stderr), when it has one. */
void eremit_memory_report(void) __attribute__((weak));
static int detail;

/* MemFree of /proc/meminfo in KiB (what the heap has not handed out), or -1. */
static long mem_free_kib(void)
{
    FILE *f = fopen("/proc/meminfo", "r");
    if (!f)
        return -1;
    char line[128];
    long kib = -1;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "MemFree: %ld kB", &kib) == 1)
            break;
    fclose(f);
    return kib;
}

/* With `detail`: where the memory that is not free as 1 MiB blocks lies. With the 1 MiB
 * probe blocks still held, smaller probes (128 KiB, 16 KiB, 2 KiB) take what is left;
 * the extents no probe got (sorted by address) are live blocks, each printed with its
 * size: a thread stack, a slab and a socket buffer are told apart by their sizes. */
#define FINE_MAX 30000
static struct extent {
    uintptr_t start, end;
} fine[FINE_MAX + PROBE_MAX];

static int by_start(const void *a, const void *b)
{
    const struct extent *x = a, *y = b;
    return x->start < y->start ? -1 : x->start > y->start;
}

static void print_holes(unsigned long n)
{
    static const size_t sizes[] = {128 << 10, 16 << 10, 2 << 10};
    unsigned long m = 0;
    for (unsigned long i = 0; i < n; i++)
        fine[m++] = (struct extent){(uintptr_t)probe[i], (uintptr_t)probe[i] + (1 << 20)};
    unsigned long big = m;
    /* The smaller probes change what the next minute finds (their blocks end up in the
     * caches): only with SOAK_DETAIL=2. */
    for (unsigned k = 0; detail > 1 && k < sizeof sizes / sizeof sizes[0]; k++) {
        void *p;
        while (m < FINE_MAX + PROBE_MAX && (p = malloc(sizes[k])) != NULL)
            fine[m++] = (struct extent){(uintptr_t)p, (uintptr_t)p + sizes[k]};
    }
    qsort(fine, m, sizeof fine[0], by_start);
    unsigned long live = 0, count = 0;
    for (unsigned long i = 0; i + 1 < m; i++) {
        /* A probe block's header, the heap's tag and alignment: up to 64 bytes. */
        uintptr_t end = fine[i].end + 64, next = fine[i + 1].start;
        if (next > end + 256) {
            count++;
            live += next - end;
            fprintf(stderr, "soak: live %#lx %lu\n", (unsigned long)end, (unsigned long)(next - end));
        }
    }
    fprintf(stderr, "soak: %lu probe blocks of 1 MiB, %lu smaller; %lu live extents, %lu KiB\n",
            big, m - big, count, live >> 10);
    for (unsigned long i = 0; i < m; i++) {
        int is_big = fine[i].end - fine[i].start == (1 << 20);
        if (!is_big)
            free((void *)fine[i].start);
    }
}

/* Free memory in 1 MiB blocks, in MiB: allocate until malloc fails, then give it all
 * back. Run with every worker parked and its working set freed. */
static unsigned long free_1m(void)
{
    unsigned long n = 0;
    if (detail) {
        fprintf(stderr, "soak: MemFree %ld KiB at rest\n", mem_free_kib());
        if (eremit_memory_report)
            eremit_memory_report();
    }
    while (n < PROBE_MAX && (probe[n] = malloc(1 << 20)) != NULL)
        n++;
    if (detail)
        print_holes(n);
    for (unsigned long i = 0; i < n; i++)
        free(probe[i]);
    return n;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: soak SECONDS PORT [REPORT_SECONDS]\n");
        return 2;
    }
    double seconds = atof(argv[1]), every = argc > 3 ? atof(argv[3]) : 60;
    int port = atoi(argv[2]);
    detail = getenv("SOAK_DETAIL") ? atoi(getenv("SOAK_DETAIL")) : 0;
    setvbuf(stdout, NULL, _IOLBF, 0);
    pthread_t srv, w[4];
    pthread_create(&srv, NULL, server, (void *)(intptr_t)port);
    printf("soak: t=0 free_1m_mib=%lu allocs=0 threads=0 files=0 conns=0\n", free_1m());
    double start = now(), next_report = start + every;
    while (now() < start + seconds) {
        atomic_store(&stop, 0);
        pthread_create(&w[0], NULL, allocator, (void *)1);
        pthread_create(&w[1], NULL, allocator, (void *)2);
        pthread_create(&w[2], NULL, churn, NULL);
        pthread_create(&w[3], NULL, files, NULL);
        while (now() < next_report && now() < start + seconds)
            usleep(200000);
        /* Park: the workers free their working sets and end; the server finishes the
         * connections it serves and takes no new ones until the measurement is done. */
        atomic_store(&stop, 1);
        atomic_store(&parked, 1);
        for (int i = 0; i < 4; i++)
            pthread_join(w[i], NULL);
        for (int waited = 0; atomic_load(&serving) > 0 && waited < 500; waited++)
            usleep(10000);
        usleep(100000); /* detached threads finish */
        printf("soak: t=%.0f free_1m_mib=%lu allocs=%lu threads=%lu files=%lu conns=%lu\n",
               now() - start, free_1m(), atomic_load(&allocs), atomic_load(&threads_made),
               atomic_load(&files_made), atomic_load(&conns));
        atomic_store(&parked, 0);
        next_report += every;
    }
    printf("soak: done\n");
    return 0;
}
