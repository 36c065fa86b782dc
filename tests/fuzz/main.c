/* The system-call fuzzer's driver: `fuzz SECONDS SEED [THREADS] [trace] [wake-live]`
 * runs THREADS threads
 * (default 4) that call random entries of fz_sys_calls (every function of
 * include/hermit/syscall.h) and fz_libc_calls (the C library's wrappers) with random
 * argument classes until SECONDS pass, then checks the kernel's heap
 * (eremit_heap_check) and prints the table of calls x argument classes tried.
 * Exit 0 when every check held; the kernel faulting or hanging ends the VM instead. */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fuzz.h"

/* Exported by the kernel beside the sys_* calls (kernel/src/mm/heap_check.rs). */
int eremit_heap_check(void);
/* A kernel function: its address is a pointer into the kernel's code. */
int sys_getpid(void);
int sys_eventfd(uint64_t initval, int16_t flags);
int sys_socket(int domain, int type, int protocol);

const char *const fz_class_names[FZ_CLASSES] = {
    "null", "low", "<image", "kcode", "rodata", "unmap", "noncan", "misal", "valid",
    "len0", "huge", "wrap", "neg", "badfd", "badval",
};

#define MAX_THREADS 16
#define MAX_CALLS 160

static uint8_t data_buffers[MAX_THREADS][FZ_BUF] __attribute__((aligned(64)));
static int stop;
/* Per thread: how often each call ran with each class, and in total. */
static unsigned long long tried[MAX_THREADS][MAX_CALLS][FZ_CLASSES];
static unsigned long long calls[MAX_THREADS][MAX_CALLS];

uint64_t fz_rand(struct fz *f)
{
    /* xorshift64* */
    f->rng ^= f->rng >> 12;
    f->rng ^= f->rng << 25;
    f->rng ^= f->rng >> 27;
    return f->rng * 0x2545F4914F6CDD1Dull;
}

unsigned fz_below(struct fz *f, unsigned n)
{
    return (unsigned)(fz_rand(f) % n);
}

int fz_chance(struct fz *f, unsigned percent)
{
    return fz_below(f, 100) < percent;
}

static void *mark(struct fz *f, int cls, void *p)
{
    f->mask |= 1u << cls;
    f->cls = cls;
    return p;
}

void *fz_ptr_on(struct fz *f, size_t need, size_t *own, void *stack, size_t stack_len)
{
    *own = 0;
    switch (fz_below(f, 12)) {
    case 0:
        return mark(f, FZ_NULL, NULL);
    case 1:
        return mark(f, FZ_LOW, (void *)(uintptr_t)(0x1000 + fz_below(f, 0xff000)));
    case 2:
        return mark(f, FZ_BELOW_IMAGE, (void *)(uintptr_t)(0x100000 + fz_below(f, 0x100000)));
    case 3:
        return mark(f, FZ_KCODE, (void *)((uintptr_t)sys_getpid + fz_below(f, 64)));
    case 4:
        return mark(f, FZ_RODATA, (void *)("a string literal in .rodata, long enough" + fz_below(f, 8)));
    case 5: {
        static const uint64_t unmapped[] = {0x0000700000000000ull, 0x00007ffffffff000ull,
                                            0x0000100000000000ull, 0x00000000f0000000ull};
        return mark(f, FZ_UNMAPPED, (void *)(uintptr_t)(unmapped[fz_below(f, 4)] + fz_below(f, 4096)));
    }
    case 6: {
        static const uint64_t high[] = {0x8000000000000000ull, 0x0000800000000000ull,
                                        0xffff800000000000ull, 0xffffffffffffff00ull};
        return mark(f, FZ_NONCANON, (void *)(uintptr_t)(high[fz_below(f, 4)] + fz_below(f, 64)));
    }
    case 7: {
        unsigned off = 1 + fz_below(f, 7);
        *own = FZ_BUF - off;
        return mark(f, FZ_MISALIGNED, f->heap + off);
    }
    default: {
        unsigned which = fz_below(f, 3);
        if (which == 0 && stack != NULL && stack_len >= need) {
            *own = stack_len;
            return mark(f, FZ_VALID, stack);
        }
        *own = FZ_BUF;
        return mark(f, FZ_VALID, which == 1 ? f->data : f->heap);
    }
    }
}

int fz_ptr_is_bad(const struct fz *f, int for_write)
{
    switch (f->cls) {
    case FZ_NULL: case FZ_LOW: case FZ_BELOW_IMAGE: case FZ_UNMAPPED: case FZ_NONCANON:
        return 1;
    case FZ_KCODE: case FZ_RODATA:
        return for_write;
    default:
        return 0;
    }
}

size_t fz_len(struct fz *f, const void *p, size_t own)
{
    switch (fz_below(f, 8)) {
    case 0:
        f->mask |= 1u << FZ_LEN0;
        return 0;
    case 1:
        f->mask |= 1u << FZ_LEN_HUGE;
        return fz_chance(f, 50) ? SIZE_MAX : ((size_t)1 << 47) + fz_below(f, 4096);
    case 2:
        /* Ends a little past zero: wraps around. */
        f->mask |= 1u << FZ_LEN_WRAP;
        return (size_t)0 - (uintptr_t)p + 1 + fz_below(f, 64);
    case 3:
        f->mask |= 1u << FZ_NEGATIVE;
        return (size_t)(ssize_t)-(1 + (ssize_t)fz_below(f, 4096));
    default:
        if (own == 0)
            return fz_chance(f, 50) ? 1 + fz_below(f, 64) : 1 + fz_below(f, 1 << 16);
        return fz_chance(f, 30) ? own : 1 + fz_below(f, (unsigned)own);
    }
}

int fz_fd(struct fz *f)
{
    static const int bad[] = {-1, -100, INT_MIN, INT_MAX, 1023, 1024, 4096, 999};
    if (fz_chance(f, 25)) {
        f->mask |= 1u << FZ_BAD_FD;
        return bad[fz_below(f, 8)];
    }
    int fd = f->fds[fz_below(f, FZ_OWN_FDS)];
    if (fd < 0)
        f->mask |= 1u << FZ_BAD_FD;
    return fd;
}

int fz_file_fd(struct fz *f)
{
    if (fz_chance(f, 25) || f->file_fds == 0) {
        f->mask |= 1u << FZ_BAD_FD;
        return fz_chance(f, 50) ? -1 : 1000 + (int)fz_below(f, 100);
    }
    return f->fds[fz_below(f, (unsigned)f->file_fds)];
}

int fz_int(struct fz *f, int valid)
{
    switch (fz_below(f, 8)) {
    case 0:
        f->mask |= 1u << FZ_BAD_VALUE;
        return -1;
    case 1:
        f->mask |= 1u << FZ_BAD_VALUE;
        return fz_chance(f, 50) ? INT_MIN : INT_MAX;
    case 2:
        f->mask |= 1u << FZ_BAD_VALUE;
        return (int)fz_rand(f);
    case 3:
        f->mask |= 1u << FZ_BAD_VALUE;
        return 0;
    default:
        return valid;
    }
}

int64_t fz_off(struct fz *f)
{
    switch (fz_below(f, 6)) {
    case 0:
        f->mask |= 1u << FZ_NEGATIVE;
        return -1 - (int64_t)fz_below(f, 1 << 20);
    case 1:
        f->mask |= 1u << FZ_BAD_VALUE;
        return fz_chance(f, 50) ? INT64_MAX : INT64_MIN;
    case 2:
        f->mask |= 1u << FZ_LEN_HUGE;
        return (int64_t)1 << (40 + fz_below(f, 22));
    default:
        return fz_below(f, 1 << 14);
    }
}

const char *fz_path(struct fz *f, int destructive)
{
    static const char *fixed[] = {"/", "/tmp", "/dev/null", "/dev", "/no/such/dir", "", "."};
    unsigned k = fz_below(f, destructive ? 10 : 14);
    if (k < 6) {
        static const char *names[] = {"a", "b", "dir", "a/b", "dir/x", ".."};
        snprintf(f->path, sizeof f->path, "%s/%s", f->dir, names[k]);
        return f->path;
    }
    if (k < 8) {
        size_t own;
        const char *p = fz_ptr(f, 1, &own);
        if (own != 0) {
            /* The thread's memory, filled with a path without NUL: too long. */
            memset((char *)p, 'x', own);
            ((char *)p)[own - 1] = fz_chance(f, 50) ? 'x' : '\0';
        }
        return p;
    }
    if (k < 10) {
        /* Its own directory (destructive calls stay inside it). */
        return f->dir;
    }
    return fixed[k - 10 + fz_below(f, 4)];
}

void fz_task(size_t arg)
{
    (void)arg;
}

void fz_expect_failure(struct fz *f, const char *call, long result)
{
    if (result >= 0) {
        f->bad_success++;
        if (f->bad_success <= 5)
            fprintf(stderr, "fuzz: %s with a bad pointer returned %ld\n", call, result);
    }
}

/* The thread's own descriptors: files and a directory first, then a non-blocking
 * eventfd and socket (reads on them return EAGAIN instead of blocking). */
static void open_own(struct fz *f)
{
    int n = 0;
    f->fds[n++] = open(f->dir, O_RDONLY | O_DIRECTORY);
    char p[64];
    snprintf(p, sizeof p, "%s/file", f->dir);
    f->fds[n++] = open(p, O_RDWR | O_CREAT, 0644);
    f->fds[n++] = open("/dev/zero", O_RDWR);
    f->fds[n++] = open("/dev/null", O_RDWR);
    f->file_fds = n;
    f->fds[n++] = sys_eventfd(1, 2048 /* EFD_NONBLOCK */);
    f->fds[n++] = sys_socket(3 /* AF_INET */, 2 /* SOCK_DGRAM */ | 2048 /* SOCK_NONBLOCK */, 0);
    for (int i = 0; i < n; i++)
        if (f->fds[i] < 0)
            f->fds[i] = -1;
}

static void close_own(struct fz *f)
{
    for (int i = 0; i < FZ_OWN_FDS; i++)
        if (f->fds[i] >= 0)
            close(f->fds[i]);
}

/* What each thread is doing (-1: nothing; the call's index), and whether it ended:
 * when a thread does not end after the run, the fuzzer names the call it hangs in. */
static volatile int current_call[MAX_THREADS];
static volatile int finished[MAX_THREADS];

static uint64_t seed;
static int nthreads = 4;
/* Each call is named on stderr before it runs (to find a hang). */
static int trace;
/* A host volume's directory (argument volume=DIR), or null. */
static const char *volume_dir;
int fz_wake_live;
static unsigned long long bad_successes;

static void *worker(void *arg)
{
    struct fz f;
    memset(&f, 0, sizeof f);
    f.index = (int)(intptr_t)arg;
    f.rng = seed * 0x9E3779B97F4A7C15ull + (uint64_t)f.index * 0xBF58476D1CE4E5B9ull + 1;
    f.heap = malloc(FZ_BUF + 64);
    f.data = data_buffers[f.index];
    /* With a host volume (volume=DIR), the odd threads work inside it: the same calls
     * then reach the virtio-fs kinds (fd/kind/host_file.rs, host_dir.rs). */
    snprintf(f.dir, sizeof f.dir, "%s/fz%d", volume_dir && (f.index & 1) ? volume_dir : "/tmp",
             f.index);
    mkdir(f.dir, 0755);
    open_own(&f);
    int total = fz_sys_count + fz_libc_count;
    unsigned long long n = 0;
    while (!__atomic_load_n(&stop, __ATOMIC_SEQ_CST)) {
        int i = (int)fz_below(&f, (unsigned)total);
        const struct fz_call *c = i < fz_sys_count ? &fz_sys_calls[i] : &fz_libc_calls[i - fz_sys_count];
        f.mask = 0;
        f.cls = FZ_VALID;
        if (trace) {
            char line[64];
            int len = snprintf(line, sizeof line, "fuzz: thread %d: %s\n", f.index, c->name);
            write(2, line, (size_t)len);
        }
        current_call[f.index] = i;
        long result = c->run(&f);
        current_call[f.index] = -1;
        if (trace) {
            char line[80];
            int len = snprintf(line, sizeof line, "fuzz: thread %d: %s -> %ld\n", f.index, c->name, result);
            write(2, line, (size_t)len);
        }
        calls[f.index][i]++;
        for (int k = 0; k < FZ_CLASSES; k++)
            if (f.mask & (1u << k))
                tried[f.index][i][k]++;
        /* The thread's own descriptors may have been closed by a call: reopen. */
        if ((++n & 63) == 0) {
            close_own(&f);
            open_own(&f);
        }
    }
    close_own(&f);
    free(f.heap);
    __atomic_fetch_add(&bad_successes, f.bad_success, __ATOMIC_SEQ_CST);
    finished[f.index] = 1;
    return NULL;
}

static void print_table(void)
{
    int total = fz_sys_count + fz_libc_count;
    printf("%-36s %9s", "call", "calls");
    for (int k = 0; k < FZ_CLASSES; k++)
        printf(" %7s", fz_class_names[k]);
    printf("\n");
    for (int i = 0; i < total; i++) {
        const char *name = i < fz_sys_count ? fz_sys_calls[i].name : fz_libc_calls[i - fz_sys_count].name;
        unsigned long long sum = 0, per[FZ_CLASSES] = {0};
        for (int t = 0; t < nthreads; t++) {
            sum += calls[t][i];
            for (int k = 0; k < FZ_CLASSES; k++)
                per[k] += tried[t][i][k];
        }
        printf("%-36s %9llu", name, sum);
        for (int k = 0; k < FZ_CLASSES; k++) {
            if (per[k])
                printf(" %7llu", per[k]);
            else
                printf(" %7s", "-");
        }
        printf("\n");
    }
}

int main(int argc, char **argv)
{
    int seconds = argc > 1 ? atoi(argv[1]) : 60;
    seed = argc > 2 ? strtoull(argv[2], NULL, 0) : 1;
    if (argc > 3)
        nthreads = atoi(argv[3]);
    for (int i = 4; i < argc; i++) {
        if (strncmp(argv[i], "volume=", 7) == 0)
            volume_dir = argv[i] + 7;
        trace |= strcmp(argv[i], "trace") == 0;
        fz_wake_live |= strcmp(argv[i], "wake-live") == 0;
    }
    if (nthreads < 1 || nthreads > MAX_THREADS || fz_sys_count + fz_libc_count > MAX_CALLS) {
        fprintf(stderr, "fuzz: bad arguments\n");
        return 2;
    }
    printf("fuzz: %d s, seed %llu, %d threads, %d kernel calls, %d C library calls\n", seconds,
           (unsigned long long)seed, nthreads, fz_sys_count, fz_libc_count);
    fflush(stdout);
    pthread_t t[MAX_THREADS];
    for (int i = 0; i < nthreads; i++)
        if (pthread_create(&t[i], NULL, worker, (void *)(intptr_t)i) != 0) {
            fprintf(stderr, "fuzz: pthread_create failed\n");
            return 1;
        }
    struct timespec start, now;
    clock_gettime(CLOCK_MONOTONIC, &start);
    do {
        sleep(1);
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (trace)
            fprintf(stderr, "fuzz: main: %ld s\n", (long)(now.tv_sec - start.tv_sec));
    } while (now.tv_sec - start.tv_sec < seconds);
    __atomic_store_n(&stop, 1, __ATOMIC_SEQ_CST);
    /* Every call returns within milliseconds: a thread still busy after 30 s hangs. */
    int hung = 0;
    for (int waited = 0; waited < 300; waited++) {
        int all = 1;
        for (int i = 0; i < nthreads; i++)
            all &= finished[i];
        if (all)
            break;
        usleep(100000);
    }
    for (int i = 0; i < nthreads; i++) {
        if (!finished[i]) {
            int c = current_call[i];
            const char *name = c < 0 ? "(between calls)"
                               : c < fz_sys_count ? fz_sys_calls[c].name
                                                  : fz_libc_calls[c - fz_sys_count].name;
            printf("fuzz: thread %d hangs in %s\n", i, name);
            hung = 1;
        }
    }
    if (hung) {
        fflush(stdout);
        return 3;
    }
    for (int i = 0; i < nthreads; i++)
        pthread_join(t[i], NULL);

    print_table();
    unsigned long long total = 0;
    for (int t2 = 0; t2 < nthreads; t2++)
        for (int i = 0; i < MAX_CALLS; i++)
            total += calls[t2][i];
    int heap = eremit_heap_check();
    printf("fuzz: %llu calls; bad pointers accepted: %llu; heap check: %s\n", total, bad_successes,
           heap == 0 ? "ok" : "FAILED");
    return heap == 0 && bad_successes == 0 ? 0 : 1;
}
