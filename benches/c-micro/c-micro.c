/* C microbenchmarks of the POSIX layer (newlib port, libc-port/), built from this one
 * source natively (host gcc -O2 -pthread, glibc) and for Eremit (x86_64-hermit-gcc -O2
 * -pthread), so that benches/drivers/bench_c.py can compare the two in one run.
 *
 * Usage: c-micro [--scale F] [--dir DIR] BENCH...
 *   BENCH: getpid | call | malloc_4k | malloc_64k | pthread_create_join | condvar_pingpong |
 *          file_io | file_parallel | socket_parallel | all
 *   --scale F  multiplies every iteration count and the file size (0.1: a quick check)
 *   --dir DIR  directory for file_io's file (default /tmp)
 *
 * Each benchmark prints one JSON line per result on stdout (malloc_* print two, file_io
 * two):
 *   {"bench": NAME, "unit": "ticks"|"ns"|"MB/s", "median": X, "iterations": N,
 *    "batches": B, "min": X, "max": X, ...}
 * the median over B timed batches (after one discarded warm-up batch) of the cost of one
 * operation, each batch timing N operations in a row; every line carries the other time
 * unit too ("median_ns" or "median_ticks"). Ticks are TSC ticks on x86-64 (__rdtsc; a
 * guest's TSC under QEMU TCG runs at the host's rate) and the virtual counter's on aarch64
 * (CNTVCT_EL0, its own rate), ns come from clock_gettime(CLOCK_MONOTONIC).
 * A benchmark that fails prints {"bench": NAME, "error": "..."} instead, the program goes
 * on with the next one and exits with 1 at the end.
 *
 *   getpid               getpid() per call (ticks): glibc makes a system call; Eremit's
 *                        libc calls the kernel's sys_getpid (a function call).
 *   call                 a call of an empty function (`mov $1, %eax; ret`, in assembly,
 *                        alone on a code page,
 *                        so that no compiler can inline, fold or frame it) in the same
 *                        loop as getpid: the floor of any function call, so getpid's
 *                        cost beyond a call is getpid - call (ticks).
 *   malloc_4k/_64k       batches of 1000 malloc() of random sizes, 16 B-4 KiB or
 *                        16 B-64 KiB (xorshift64, fixed seed: the same sizes natively and
 *                        in Eremit; drawn before the clock starts), then 1000 free() in
 *                        the same order: "malloc_4k" and "free_4k" (ticks per call), ...
 *   pthread_create_join  pthread_create + pthread_join of a thread that returns at once,
 *                        per pair (ns).
 *   condvar_pingpong     two threads hand a turn back and forth through one mutex and one
 *                        condition variable; per round trip main -> partner -> main (ns).
 *   file_io              64 MiB written to DIR/c-micro-<pid>.dat with write() in 64 KiB
 *                        chunks ("file_write", MB/s = 10^6 bytes/s; fsync() after the
 *                        timed writes, timed on its own: "fsync_ms", and "median_with_fsync"),
 *                        closed, reopened and read back with read() in 64 KiB chunks
 *                        ("file_read", MB/s; the first 8 bytes of every chunk are checked),
 *                        then unlinked. A fresh file every batch.
 *   file_parallel        two files of 64 MiB (64 KiB writes), written by one thread one
 *                        after the other, then by two threads at once, one file each:
 *                        "median" is the two threads' time (ns), "one_thread_ns" the one
 *                        thread's, "ratio" the median of two/one per batch (the goal on 2
 *                        CPUs: at most 0.6).
 *   socket_parallel      the same with two loopback TCP connections (127.0.0.1): 64 MiB
 *                        through each in 64 KiB writes, every write read back at once
 *                        from the connection's other end by the same thread (so no
 *                        thread waits for another: the copies alone), both connections
 *                        by one thread one after the other, then by two threads at once,
 *                        one connection each; "median", "one_thread_ns" and "ratio" as
 *                        for file_parallel. The received bytes are checked.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#if defined(__x86_64__)
#include <x86intrin.h>
#endif

#define BATCHES 11
#define FILE_BATCHES BATCHES
#define MAX_BATCHES 16

/* Iteration counts per batch (before --scale). */
#define GETPID_ITERS 50000
#define MALLOC_ITERS 1000
#define CREATE_ITERS 100
#define PINGPONG_ITERS 1000
#define FILE_BYTES (64L << 20)
#define FILE_CHUNK (64L << 10)

static double scale = 1.0;
static const char *dir = "/tmp";
static int failures;

/* ------------------------------------------------------------------ timing, output */

struct timer {
    uint64_t ticks;
    struct timespec ts;
};

/* The cycle counter: the TSC on x86-64, the generic timer's virtual counter on aarch64
 * (its own fixed rate: compare the two architectures in ns). */
static inline uint64_t cycles(void)
{
#if defined(__x86_64__)
    return __rdtsc();
#elif defined(__aarch64__)
    uint64_t t;
    __asm__ volatile("isb\n\tmrs %0, cntvct_el0" : "=r"(t));
    return t;
#else
#error "c-micro: no cycle counter for this architecture"
#endif
}

static inline void timer_start(struct timer *t)
{
    clock_gettime(CLOCK_MONOTONIC, &t->ts);
    t->ticks = cycles();
}

/* One timed batch: TSC ticks and ns for `ops` operations. */
struct sample {
    double ticks, ns;
};

static inline struct sample timer_per_op(const struct timer *t, double ops)
{
    uint64_t end = cycles();
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    double ns = (double)(now.tv_sec - t->ts.tv_sec) * 1e9 + (double)(now.tv_nsec - t->ts.tv_nsec);
    return (struct sample){(double)(end - t->ticks) / ops, ns / ops};
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(const double *v, int n)
{
    double s[MAX_BATCHES];
    memcpy(s, v, sizeof(double) * (size_t)n);
    qsort(s, (size_t)n, sizeof(double), cmp_double);
    return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2.0;
}

static void min_max(const double *v, int n, double *lo, double *hi)
{
    *lo = *hi = v[0];
    for (int i = 1; i < n; i++) {
        if (v[i] < *lo)
            *lo = v[i];
        if (v[i] > *hi)
            *hi = v[i];
    }
}

/* Prints the JSON line of one benchmark; `unit` ("ticks" or "ns") selects the primary
 * figure; `extra` is appended inside the object (", \"key\": value..."). */
static void report(const char *bench, const char *unit, long iterations, const struct sample *s,
                   int n, const char *extra)
{
    double ticks[MAX_BATCHES], ns[MAX_BATCHES];
    for (int i = 0; i < n; i++) {
        ticks[i] = s[i].ticks;
        ns[i] = s[i].ns;
    }
    int by_ticks = strcmp(unit, "ticks") == 0;
    const double *primary = by_ticks ? ticks : ns, *other = by_ticks ? ns : ticks;
    double lo, hi;
    min_max(primary, n, &lo, &hi);
    printf("{\"bench\": \"%s\", \"unit\": \"%s\", \"median\": %.2f, \"iterations\": %ld, "
           "\"batches\": %d, \"min\": %.2f, \"max\": %.2f, \"%s\": %.2f%s}\n",
           bench, unit, median(primary, n), iterations, n, lo, hi,
           by_ticks ? "median_ns" : "median_ticks", median(other, n), extra ? extra : "");
}

/* The failure line of a benchmark (message printf-style, without quotes or backslashes). */
static void fail(const char *bench, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    for (char *c = msg; *c; c++)
        if (*c == '"' || *c == '\\' || (unsigned char)*c < 0x20)
            *c = '\'';
    printf("{\"bench\": \"%s\", \"error\": \"%s\"}\n", bench, msg);
    failures++;
}

static long scaled(long n)
{
    long v = (long)((double)n * scale);
    return v < 1 ? 1 : v;
}

/* Keeps the compiler from dropping or merging what produced `p`. */
static inline void escape(void *p)
{
    __asm__ volatile("" : : "r"(p) : "memory");
}

/* ------------------------------------------------------------------ getpid */

static void bench_getpid(void)
{
    long n = scaled(GETPID_ITERS);
    struct sample s[BATCHES];
    volatile pid_t sink;
    pid_t first = getpid();
    for (int b = -1; b < BATCHES; b++) {
        struct timer t;
        timer_start(&t);
        for (long i = 0; i < n; i++)
            sink = getpid();
        struct sample x = timer_per_op(&t, (double)n);
        if (b >= 0)
            s[b] = x;
    }
    if (sink != first) {
        fail("getpid", "getpid() changed from %ld to %ld", (long)first, (long)sink);
        return;
    }
    char extra[64];
    snprintf(extra, sizeof extra, ", \"pid\": %ld", (long)first);
    report("getpid", "ticks", n, s, BATCHES, extra);
}

/* ------------------------------------------------------------------ empty call */

/* The same two instructions as Eremit's sys_getpid, alone on their own code page as a
 * library or kernel function is away from its caller (TCG chains jumps only within a
 * page; a call to another page is looked up like a return). */
#if defined(__x86_64__)
__asm__(".pushsection .text.c_micro_empty_call, \"ax\", @progbits\n"
        ".p2align 12\n"
        ".globl c_micro_empty_call\n"
        ".type c_micro_empty_call, @function\n"
        "c_micro_empty_call:\n"
        "    mov $1, %eax\n"
        "    ret\n"
        ".size c_micro_empty_call, .-c_micro_empty_call\n"
        ".p2align 12, 0xcc\n"
        ".popsection\n");
#elif defined(__aarch64__)
__asm__(".pushsection .text.c_micro_empty_call, \"ax\", %progbits\n"
        ".p2align 12\n"
        ".globl c_micro_empty_call\n"
        ".type c_micro_empty_call, %function\n"
        "c_micro_empty_call:\n"
        "    mov w0, #1\n"
        "    ret\n"
        ".size c_micro_empty_call, .-c_micro_empty_call\n"
        ".p2align 12\n"
        ".popsection\n");
#endif
int c_micro_empty_call(void);

static void bench_call(void)
{
    long n = scaled(GETPID_ITERS);
    struct sample s[BATCHES];
    volatile int sink = 0;
    for (int b = -1; b < BATCHES; b++) {
        struct timer t;
        timer_start(&t);
        for (long i = 0; i < n; i++)
            sink = c_micro_empty_call();
        struct sample x = timer_per_op(&t, (double)n);
        if (b >= 0)
            s[b] = x;
    }
    if (sink != 1) {
        fail("call", "the empty function returned %d, not 1", sink);
        return;
    }
    report("call", "ticks", n, s, BATCHES, NULL);
}

/* ------------------------------------------------------------------ malloc/free */

static uint64_t xorshift64(uint64_t *state)
{
    uint64_t x = *state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *state = x;
}

static void bench_malloc(const char *tag, size_t min, size_t max)
{
    char mname[32], fname[32];
    snprintf(mname, sizeof mname, "malloc_%s", tag);
    snprintf(fname, sizeof fname, "free_%s", tag);
    long n = scaled(MALLOC_ITERS);
    size_t *sizes = malloc(sizeof(size_t) * (size_t)n);
    void **ptrs = malloc(sizeof(void *) * (size_t)n);
    if (!sizes || !ptrs) {
        fail(mname, "could not allocate the bookkeeping arrays");
        free(sizes);
        free(ptrs);
        return;
    }
    uint64_t rng = 0x2545f4914f6cdd1dULL;
    struct sample sm[BATCHES], sf[BATCHES];
    for (int b = -1; b < BATCHES; b++) {
        for (long i = 0; i < n; i++)
            sizes[i] = min + (size_t)(xorshift64(&rng) % (max - min + 1));
        struct timer t;
        timer_start(&t);
        for (long i = 0; i < n; i++) {
            ptrs[i] = malloc(sizes[i]);
            escape(ptrs[i]);
        }
        struct sample a = timer_per_op(&t, (double)n);
        for (long i = 0; i < n; i++) {
            if (ptrs[i] == NULL) {
                fail(mname, "malloc(%zu) returned NULL (errno %d)", sizes[i], errno);
                for (long j = 0; j < n; j++)
                    free(ptrs[j]);
                free(sizes);
                free(ptrs);
                return;
            }
            if (((uintptr_t)ptrs[i] & 15) != 0) {
                fail(mname, "malloc(%zu) returned %p, not 16-byte aligned", sizes[i], ptrs[i]);
                for (long j = 0; j < n; j++)
                    free(ptrs[j]);
                free(sizes);
                free(ptrs);
                return;
            }
        }
        timer_start(&t);
        for (long i = 0; i < n; i++) {
            escape(ptrs[i]);
            free(ptrs[i]);
        }
        struct sample f = timer_per_op(&t, (double)n);
        if (b >= 0) {
            sm[b] = a;
            sf[b] = f;
        }
    }
    free(sizes);
    free(ptrs);
    char extra[64];
    snprintf(extra, sizeof extra, ", \"sizes\": \"%zu-%zu B\"", min, max);
    report(mname, "ticks", n, sm, BATCHES, extra);
    report(fname, "ticks", n, sf, BATCHES, extra);
}

/* ------------------------------------------------------------------ threads */

static void *thread_return(void *arg)
{
    return arg;
}

static void bench_pthread_create_join(void)
{
    const char *name = "pthread_create_join";
    long n = scaled(CREATE_ITERS);
    struct sample s[BATCHES];
    for (int b = -1; b < BATCHES; b++) {
        struct timer t;
        timer_start(&t);
        for (long i = 0; i < n; i++) {
            pthread_t th;
            void *ret = NULL;
            int e = pthread_create(&th, NULL, thread_return, (void *)(intptr_t)(i + 1));
            if (e != 0) {
                fail(name, "pthread_create: error %d (%s)", e, strerror(e));
                return;
            }
            e = pthread_join(th, &ret);
            if (e != 0) {
                fail(name, "pthread_join: error %d (%s)", e, strerror(e));
                return;
            }
            if (ret != (void *)(intptr_t)(i + 1)) {
                fail(name, "pthread_join returned %p, expected %ld", ret, i + 1);
                return;
            }
        }
        struct sample x = timer_per_op(&t, (double)n);
        if (b >= 0)
            s[b] = x;
    }
    report(name, "ns", n, s, BATCHES, NULL);
}

static struct {
    pthread_mutex_t m;
    pthread_cond_t cv;
    int partner_turn; /* 1: the partner's turn */
    long total;
    int error;
} pp = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0, 0};

static void *pingpong_partner(void *arg)
{
    (void)arg;
    for (long i = 0; i < pp.total; i++) {
        int e = pthread_mutex_lock(&pp.m);
        while (e == 0 && !pp.partner_turn)
            e = pthread_cond_wait(&pp.cv, &pp.m);
        if (e != 0) {
            pp.error = e;
            return NULL;
        }
        pp.partner_turn = 0;
        pthread_cond_signal(&pp.cv);
        pthread_mutex_unlock(&pp.m);
    }
    return NULL;
}

static void bench_condvar_pingpong(void)
{
    const char *name = "condvar_pingpong";
    long n = scaled(PINGPONG_ITERS);
    pp.total = n * (BATCHES + 1);
    pp.partner_turn = 0;
    pp.error = 0;
    pthread_t partner;
    int e = pthread_create(&partner, NULL, pingpong_partner, NULL);
    if (e != 0) {
        fail(name, "pthread_create: error %d (%s)", e, strerror(e));
        return;
    }
    struct sample s[BATCHES];
    for (int b = -1; b < BATCHES; b++) {
        struct timer t;
        timer_start(&t);
        for (long i = 0; i < n; i++) {
            pthread_mutex_lock(&pp.m);
            pp.partner_turn = 1;
            pthread_cond_signal(&pp.cv);
            e = 0;
            while (e == 0 && pp.partner_turn)
                e = pthread_cond_wait(&pp.cv, &pp.m);
            pthread_mutex_unlock(&pp.m);
            if (e != 0) {
                fail(name, "pthread_cond_wait: error %d (%s)", e, strerror(e));
                return; /* the partner stays blocked; the program goes on */
            }
        }
        struct sample x = timer_per_op(&t, (double)n);
        if (b >= 0)
            s[b] = x;
    }
    e = pthread_join(partner, NULL);
    if (e != 0 || pp.error != 0) {
        fail(name, "partner: pthread_join error %d, partner error %d", e, pp.error);
        return;
    }
    report(name, "ns", n, s, BATCHES, NULL);
}

/* ------------------------------------------------------------------ file I/O */

static void bench_file_io(void)
{
    long chunk = FILE_CHUNK;
    long chunks = scaled(FILE_BYTES / FILE_CHUNK);
    long bytes = chunks * chunk;
    char path[512];
    snprintf(path, sizeof path, "%s/c-micro-%ld.dat", dir, (long)getpid());
    unsigned char *buf = malloc((size_t)chunk);
    if (!buf) {
        fail("file_write", "malloc(%ld) failed", chunk);
        return;
    }
    for (long i = 0; i < chunk; i++)
        buf[i] = (unsigned char)(i * 7 + 1);
    double wr[FILE_BATCHES], wr_sync[FILE_BATCHES], rd[FILE_BATCHES], sync_ms[FILE_BATCHES];
    double wr_ms[FILE_BATCHES], rd_ms[FILE_BATCHES];
    for (int b = -1; b < FILE_BATCHES; b++) {
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd < 0) {
            fail("file_write", "open(%s, O_WRONLY|O_CREAT|O_TRUNC): %s", path, strerror(errno));
            goto out;
        }
        struct timer t;
        timer_start(&t);
        for (long c = 0; c < chunks; c++) {
            memcpy(buf, &c, sizeof c); /* the chunk's index, checked on reading */
            ssize_t w = write(fd, buf, (size_t)chunk);
            if (w != chunk) {
                fail("file_write", "write of chunk %ld returned %ld: %s", c, (long)w,
                     w < 0 ? strerror(errno) : "short write");
                close(fd);
                unlink(path);
                goto out;
            }
        }
        struct sample w = timer_per_op(&t, 1);
        struct timer ts;
        timer_start(&ts);
        if (fsync(fd) != 0) {
            fail("file_write", "fsync: %s", strerror(errno));
            close(fd);
            unlink(path);
            goto out;
        }
        struct sample sy = timer_per_op(&ts, 1);
        if (close(fd) != 0) {
            fail("file_write", "close: %s", strerror(errno));
            unlink(path);
            goto out;
        }
        fd = open(path, O_RDONLY);
        if (fd < 0) {
            fail("file_read", "open(%s, O_RDONLY): %s", path, strerror(errno));
            unlink(path);
            goto out;
        }
        timer_start(&t);
        long c = 0;
        for (;;) {
            ssize_t r = read(fd, buf, (size_t)chunk);
            if (r == 0)
                break;
            if (r != chunk) {
                fail("file_read", "read of chunk %ld returned %ld: %s", c, (long)r,
                     r < 0 ? strerror(errno) : "short read");
                close(fd);
                unlink(path);
                goto out;
            }
            long got;
            memcpy(&got, buf, sizeof got);
            if (got != c) {
                fail("file_read", "chunk %ld holds the data of chunk %ld", c, got);
                close(fd);
                unlink(path);
                goto out;
            }
            c++;
        }
        struct sample r = timer_per_op(&t, 1);
        close(fd);
        if (c != chunks) {
            fail("file_read", "read %ld chunks back, wrote %ld", c, chunks);
            unlink(path);
            goto out;
        }
        if (unlink(path) != 0) {
            fail("file_write", "unlink(%s): %s", path, strerror(errno));
            goto out;
        }
        if (b >= 0) {
            wr[b] = (double)bytes / w.ns * 1e3; /* bytes/ns * 1e3 = MB/s */
            wr_sync[b] = (double)bytes / (w.ns + sy.ns) * 1e3;
            rd[b] = (double)bytes / r.ns * 1e3;
            sync_ms[b] = sy.ns / 1e6;
            wr_ms[b] = w.ns / 1e6;
            rd_ms[b] = r.ns / 1e6;
        }
    }
    {
        int n = FILE_BATCHES;
        double lo, hi;
        min_max(wr, n, &lo, &hi);
        printf("{\"bench\": \"file_write\", \"unit\": \"MB/s\", \"median\": %.2f, "
               "\"iterations\": %ld, \"batches\": %d, \"min\": %.2f, \"max\": %.2f, "
               "\"median_ms\": %.3f, \"fsync_ms\": %.3f, \"median_with_fsync\": %.2f, "
               "\"bytes\": %ld, \"chunk\": %ld, \"dir\": \"%s\"}\n",
               median(wr, n), chunks, n, lo, hi, median(wr_ms, n), median(sync_ms, n),
               median(wr_sync, n), bytes, chunk, dir);
        min_max(rd, n, &lo, &hi);
        printf("{\"bench\": \"file_read\", \"unit\": \"MB/s\", \"median\": %.2f, "
               "\"iterations\": %ld, \"batches\": %d, \"min\": %.2f, \"max\": %.2f, "
               "\"median_ms\": %.3f, \"bytes\": %ld, \"chunk\": %ld, \"dir\": \"%s\"}\n",
               median(rd, n), chunks, n, lo, hi, median(rd_ms, n), bytes, chunk, dir);
    }
out:
    free(buf);
}

/* ------------------------------------------------------------------ parallel file writes */

/* One writer of file_parallel: FILE_BYTES to its own file in FILE_CHUNK writes. */
struct pwriter {
    char path[512];
    long chunks;
    const unsigned char *buf;
    int error; /* an errno, or -1 for a short write */
};

static void *pwrite_file(void *arg)
{
    struct pwriter *w = arg;
    int fd = open(w->path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) {
        w->error = errno;
        return NULL;
    }
    for (long c = 0; c < w->chunks && !w->error; c++) {
        ssize_t n = write(fd, w->buf, FILE_CHUNK);
        if (n != FILE_CHUNK)
            w->error = n < 0 ? errno : -1;
    }
    if (close(fd) != 0 && !w->error)
        w->error = errno;
    return NULL;
}

/* Whether both files hold what was written (their size), then removes them. */
static int check_and_remove(struct pwriter *w, int count, long bytes)
{
    int ok = 1;
    for (int i = 0; i < count; i++) {
        int fd = open(w[i].path, O_RDONLY);
        off_t end = fd >= 0 ? lseek(fd, 0, SEEK_END) : -1;
        if (fd >= 0)
            close(fd);
        if (end != bytes) {
            fail("file_parallel", "%s holds %ld bytes, %ld written", w[i].path, (long)end, bytes);
            ok = 0;
        }
        unlink(w[i].path);
    }
    return ok;
}

static int writer_failed(struct pwriter *w, int count)
{
    for (int i = 0; i < count; i++)
        if (w[i].error) {
            fail("file_parallel", "writing %s: %s", w[i].path,
                 w[i].error < 0 ? "short write" : strerror(w[i].error));
            return 1;
        }
    return 0;
}

/* The parallel benchmarks' measure: `work` on arg[0] then arg[1] by one thread, then on
 * both at once by two threads, FILE_BATCHES times after a warm-up; `failed` checks each
 * run (and readies the next) and stops the benchmark when it returns nonzero. Reported as
 * `name`: "median" the two threads' time (ns), with the one thread's time and the ratio
 * two/one (1.0: no parallelism; 0.5: perfect on 2 CPUs), and `bytes_key`: `bytes`. */
static void one_vs_two_threads(const char *name, void *(*work)(void *), void *arg[2],
                               int (*failed)(void *ctx), void *ctx, const char *bytes_key,
                               long bytes)
{
    struct sample one[FILE_BATCHES], two[FILE_BATCHES];
    double ratio[FILE_BATCHES];
    for (int b = -1; b < FILE_BATCHES; b++) {
        struct timer t;
        timer_start(&t);
        work(arg[0]);
        work(arg[1]);
        struct sample s1 = timer_per_op(&t, 1);
        if (failed(ctx))
            return;
        pthread_t th;
        timer_start(&t);
        int e = pthread_create(&th, NULL, work, arg[1]);
        if (e != 0) {
            fail(name, "pthread_create: %s", strerror(e));
            return;
        }
        work(arg[0]);
        pthread_join(th, NULL);
        struct sample s2 = timer_per_op(&t, 1);
        if (failed(ctx))
            return;
        if (b >= 0) {
            one[b] = s1;
            two[b] = s2;
            ratio[b] = s2.ns / s1.ns;
        }
    }
    double ns1[FILE_BATCHES];
    for (int i = 0; i < FILE_BATCHES; i++)
        ns1[i] = one[i].ns;
    char extra[160];
    snprintf(extra, sizeof extra, ", \"one_thread_ns\": %.0f, \"ratio\": %.3f, \"%s\": %ld",
             median(ns1, FILE_BATCHES), median(ratio, FILE_BATCHES), bytes_key, bytes);
    report(name, "ns", 1, two, FILE_BATCHES, extra);
}

/* one_vs_two_threads' check for file_parallel: both writes succeeded and both files
 * hold what was written; then they are removed and the errors cleared. */
struct pwriters {
    struct pwriter *w;
    long bytes;
};

static int pwriters_failed(void *ctx)
{
    struct pwriters *p = ctx;
    int bad = writer_failed(p->w, 2) || !check_and_remove(p->w, 2, p->bytes);
    p->w[0].error = p->w[1].error = 0;
    return bad;
}

/* Two files of FILE_BYTES each, written by one thread one after the other, then by two
 * threads at once (one file each): one_vs_two_threads. */
static void bench_file_parallel(void)
{
    long chunks = scaled(FILE_BYTES / FILE_CHUNK);
    long bytes = chunks * FILE_CHUNK;
    unsigned char *buf = malloc(FILE_CHUNK);
    if (!buf) {
        fail("file_parallel", "malloc(%ld) failed", FILE_CHUNK);
        return;
    }
    for (long i = 0; i < FILE_CHUNK; i++)
        buf[i] = (unsigned char)(i * 7 + 1);
    struct pwriter w[2];
    for (int i = 0; i < 2; i++) {
        snprintf(w[i].path, sizeof w[i].path, "%s/c-micro-%ld-%d.dat", dir, (long)getpid(), i);
        w[i].chunks = chunks;
        w[i].buf = buf;
    }
    w[0].error = w[1].error = 0;
    struct pwriters ctx = {w, bytes};
    void *args[2] = {&w[0], &w[1]};
    one_vs_two_threads("file_parallel", pwrite_file, args, pwriters_failed, &ctx,
                       "bytes_per_file", bytes);
    free(buf);
}

/* ------------------------------------------------------------------ parallel loopback sockets */

/* One connection of socket_parallel: `tx` its client end, `rx` its server end. */
struct pconn {
    int tx, rx;
    long chunks;
    const unsigned char *buf;
    unsigned char *in; /* FILE_CHUNK bytes to read into */
    int error;         /* an errno, or -1 for a short transfer or wrong bytes */
};

/* Sends `chunks` FILE_CHUNK writes through the connection, reading each back from the
 * other end before the next (64 KiB fits in a loopback connection's buffer natively and
 * in Eremit, so neither call waits). */
static void *pconn_transfer(void *arg)
{
    struct pconn *c = arg;
    for (long k = 0; k < c->chunks && !c->error; k++) {
        ssize_t n = write(c->tx, c->buf, FILE_CHUNK);
        if (n != FILE_CHUNK) {
            c->error = n < 0 ? errno : -1;
            break;
        }
        for (long got = 0; got < FILE_CHUNK;) {
            ssize_t r = read(c->rx, c->in + got, (size_t)(FILE_CHUNK - got));
            if (r <= 0) {
                c->error = r < 0 ? errno : -1;
                break;
            }
            got += r;
        }
        if (!c->error && (c->in[0] != c->buf[0] || c->in[FILE_CHUNK - 1] != c->buf[FILE_CHUNK - 1]))
            c->error = -1;
    }
    return NULL;
}

/* Two connected pairs over 127.0.0.1 (client ends in c[i].tx, server ends in c[i].rx). */
static int pconn_open(struct pconn *c)
{
    int l = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof a) != 0 || listen(l, 2) != 0 ||
        getsockname(l, (struct sockaddr *)&a, &len) != 0) {
        fail("socket_parallel", "listener: %s", strerror(errno));
        if (l >= 0)
            close(l);
        return 0;
    }
    int ok = 1;
    for (int i = 0; i < 2 && ok; i++) {
        c[i].tx = socket(AF_INET, SOCK_STREAM, 0);
        if (c[i].tx < 0 || connect(c[i].tx, (struct sockaddr *)&a, sizeof a) != 0 ||
            (c[i].rx = accept(l, NULL, NULL)) < 0) {
            fail("socket_parallel", "connection %d: %s", i, strerror(errno));
            ok = 0;
        }
    }
    close(l);
    return ok;
}

static int pconn_failed(void *ctx)
{
    struct pconn *c = ctx;
    for (int i = 0; i < 2; i++)
        if (c[i].error) {
            fail("socket_parallel", "connection %d: %s", i,
                 c[i].error < 0 ? "short transfer or wrong bytes" : strerror(c[i].error));
            return 1;
        }
    return 0;
}

/* Two loopback connections carrying FILE_BYTES each, by one thread one after the other,
 * then by two threads at once (one connection each); reported as file_parallel. */
static void bench_socket_parallel(void)
{
    long chunks = scaled(FILE_BYTES / FILE_CHUNK);
    long bytes = chunks * FILE_CHUNK;
    unsigned char *buf = malloc(3 * FILE_CHUNK);
    struct pconn c[2] = {{.tx = -1, .rx = -1}, {.tx = -1, .rx = -1}};
    if (!buf) {
        fail("socket_parallel", "malloc(%ld) failed", 3 * FILE_CHUNK);
        return;
    }
    for (long i = 0; i < FILE_CHUNK; i++)
        buf[i] = (unsigned char)(i * 7 + 1);
    if (!pconn_open(c))
        goto out;
    for (int i = 0; i < 2; i++) {
        c[i].chunks = chunks;
        c[i].buf = buf;
        c[i].in = buf + (1 + i) * FILE_CHUNK;
    }
    void *args[2] = {&c[0], &c[1]};
    one_vs_two_threads("socket_parallel", pconn_transfer, args, pconn_failed, c,
                       "bytes_per_connection", bytes);
out:
    for (int i = 0; i < 2; i++) {
        if (c[i].tx >= 0)
            close(c[i].tx);
        if (c[i].rx >= 0)
            close(c[i].rx);
    }
    free(buf);
}

/* ------------------------------------------------------------------ main */

static const char *const ALL[] = {"getpid", "call", "malloc_4k", "malloc_64k", "pthread_create_join",
                                  "condvar_pingpong", "file_io", "file_parallel",
                                  "socket_parallel"};
#define NALL (sizeof ALL / sizeof ALL[0])

static void usage(void)
{
    fprintf(stderr, "usage: c-micro [--scale F] [--dir DIR] BENCH...   (BENCH:");
    for (size_t i = 0; i < NALL; i++)
        fprintf(stderr, " %s |", ALL[i]);
    fprintf(stderr, " all)\n");
    exit(2);
}

static void run(const char *b)
{
    if (strcmp(b, "getpid") == 0)
        bench_getpid();
    else if (strcmp(b, "call") == 0)
        bench_call();
    else if (strcmp(b, "malloc_4k") == 0)
        bench_malloc("4k", 16, 4096);
    else if (strcmp(b, "malloc_64k") == 0)
        bench_malloc("64k", 16, 65536);
    else if (strcmp(b, "pthread_create_join") == 0)
        bench_pthread_create_join();
    else if (strcmp(b, "condvar_pingpong") == 0)
        bench_condvar_pingpong();
    else if (strcmp(b, "file_io") == 0)
        bench_file_io();
    else if (strcmp(b, "file_parallel") == 0)
        bench_file_parallel();
    else if (strcmp(b, "socket_parallel") == 0)
        bench_socket_parallel();
    else {
        fprintf(stderr, "c-micro: unknown benchmark '%s'\n", b);
        usage();
    }
    fflush(stdout);
}

int main(int argc, char **argv)
{
    /* One line at a time, so that the lines printed before a crash reach the caller. */
    setvbuf(stdout, NULL, _IOLBF, 0);
    int nbench = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--scale") == 0 && i + 1 < argc) {
            char *end;
            scale = strtod(argv[++i], &end);
            if (*end != '\0' || !(scale > 0))
                usage();
        } else if (strcmp(argv[i], "--dir") == 0 && i + 1 < argc) {
            dir = argv[++i];
        } else if (argv[i][0] == '-') {
            usage();
        } else {
            nbench++;
        }
    }
    if (nbench == 0)
        usage();
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--scale") == 0 || strcmp(argv[i], "--dir") == 0) {
            i++;
        } else if (strcmp(argv[i], "all") == 0) {
            for (size_t k = 0; k < NALL; k++)
                run(ALL[k]);
        } else {
            run(argv[i]);
        }
    }
    return failures ? 1 : 0;
}
