/* malloc and friends on the kernel heap (sys_malloc/sys_free), the one heap Rust code
 * uses too.  The kernel frees by size and alignment, so every block starts with a header
 * that records them; the heap is thread-safe, so nothing here takes a lock.
 *
 *   base                          user pointer (aligned to `align`)
 *   |<-------- offset ------------>|<---------- usable size ---------->|
 *   |  padding ...  | struct header |  the caller's bytes               |
 *   |<------------------------- total -------------------------------->|
 *
 * Small blocks (header included, up to CACHE_MAX bytes) are rounded up to a size class
 * and, when freed, kept in a per-thread cache: the next malloc of that class on the
 * thread takes one back without entering the kernel.  The kernel heap's lock disables
 * interrupts around each operation, which is cheap on hardware but costly when QEMU
 * translates the code (TCG); the cache makes the common malloc/free pair a few loads and
 * stores.  A thread's cache is bounded (CACHE_BYTES) and given back to the kernel when
 * the thread ends (__eremit_malloc_thread_exit, called by reent.c's thread-exit hook).
 *
 * The hot paths are written for QEMU's TCG, where every guest memory access is a
 * software TLB lookup: the header records the block's cache class, so free() reads one
 * header word and three words of the thread's cache, and neither malloc nor free sets
 * up a stack frame (see HOT).
 *
 * The smallest classes (totals up to SLAB_MAX) are not asked of the kernel one by one:
 * a thread carves them from a SLAB_BYTES block of its own (C++ node containers make
 * millions of such allocations).  Slab blocks are marked in their header and never
 * go back to the kernel: past the thread cache's bounds, and when a thread ends, they
 * go to a global pool per class, from which any thread refills its cache (an ended
 * thread's unused rest of a slab is kept for the next thread that needs a slab).
 *
 * newlib was configured with MALLOC_PROVIDED, so its own calls go through the _r entry
 * points below and its malloc is not built. */

#include <errno.h>
#include <malloc.h>
#include <reent.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "port.h"

#define MIN_ALIGN 16

struct header {
    size_t total;    /* bytes obtained from sys_malloc, or the slab block's size */
    uint32_t offset; /* from the start of the allocation to the user pointer */
    uint8_t align_log2; /* log2 of the alignment passed to sys_malloc */
    uint8_t cls;     /* the cache class, 0 for a block the cache does not keep */
    uint8_t slab;    /* 1: carved from a slab, never given back to the kernel */
    uint8_t unused;
};

_Static_assert(sizeof(struct header) <= MIN_ALIGN, "the header fits in the minimum alignment");

static inline struct header *header_of(void *p)
{
    return (struct header *)p - 1;
}

/* Size classes of the total (header + request): 16-byte steps up to 1 KiB, then 512-byte
 * steps up to CACHE_MAX.  Rounding costs at most 15 bytes below 1 KiB and 511 above. */
#define FINE_MAX 1024
#define FINE_STEP 16
#define COARSE_STEP 512
#define CACHE_MAX 8192
#define FINE_CLASSES (FINE_MAX / FINE_STEP)
#define CLASSES (FINE_CLASSES + (CACHE_MAX - FINE_MAX) / COARSE_STEP + 1)
#define CACHE_BYTES (4u << 20)

#define SLAB_MAX 512
#define SLAB_CLASSES (SLAB_MAX / FINE_STEP)
#define SLAB_BYTES (64u << 10)
/* Blocks a cache takes from a pool at once. */
#define POOL_BATCH 32

struct cached {
    struct cached *next;
};

struct thread_cache {
    struct cached *head[CLASSES];
    size_t bytes; /* held by the cache, at most CACHE_BYTES */
    /* The rest of the current slab of each small class: [next, end). */
    uint8_t *slab_next[SLAB_CLASSES + 1];
    uint8_t *slab_end[SLAB_CLASSES + 1];
};

static __thread struct thread_cache cache;

/* malloc and free without a stack frame (the library is built with frame pointers for
 * backtraces): under TCG each push and pop is a software-TLB lookup, a third of a cache
 * hit's cost.  A crash inside them still names them; the backtrace goes on from their
 * caller's frame. */
#define HOT __attribute__((optimize("omit-frame-pointer")))

/* The unused rest of an ended thread's slab, described at its start. */
struct spare {
    struct spare *next;
    uint8_t *end;
};

/* Slab blocks no thread cache holds, and rests of slabs, per class; under pool_lock. */
static struct cached *pool[SLAB_CLASSES + 1];
static struct spare *spares[SLAB_CLASSES + 1];
static uint32_t pool_lock;

/* The class of a total of at most CACHE_MAX bytes, and that class's total. */
static inline unsigned class_of(size_t total)
{
    if (total <= FINE_MAX)
        return (unsigned)((total + FINE_STEP - 1) / FINE_STEP);
    return FINE_CLASSES + (unsigned)((total - FINE_MAX + COARSE_STEP - 1) / COARSE_STEP);
}

static inline size_t class_total(unsigned c)
{
    if (c <= FINE_CLASSES)
        return (size_t)c * FINE_STEP;
    return FINE_MAX + (size_t)(c - FINE_CLASSES) * COARSE_STEP;
}

/* A block of class c (c <= SLAB_CLASSES) for a thread whose cache has none: from the
 * global pool (a batch goes to the cache), else from the thread's slab, else from an
 * ended thread's spare rest of a slab, else from a new slab. */
static __attribute__((noinline)) void *slab_block(unsigned c, size_t total)
{
    if (__atomic_load_n(&pool[c], __ATOMIC_RELAXED) != NULL) {
        __eremit_word_lock(&pool_lock);
        struct cached *first = pool[c], *last = first;
        unsigned n = first != NULL;
        while (last != NULL && last->next != NULL && n < POOL_BATCH) {
            last = last->next;
            n++;
        }
        if (first != NULL)
            pool[c] = last->next;
        __eremit_word_unlock(&pool_lock);
        if (first != NULL) {
            /* The first block is the caller's, the others go to the cache. */
            last->next = cache.head[c];
            cache.head[c] = first->next;
            cache.bytes += (n - 1) * total;
            return first;
        }
    }
    if ((cache.slab_next[c] == NULL || cache.slab_end[c] - cache.slab_next[c] < (ptrdiff_t)total) &&
        __atomic_load_n(&spares[c], __ATOMIC_RELAXED) != NULL) {
        __eremit_word_lock(&pool_lock);
        struct spare *r = spares[c];
        if (r != NULL)
            spares[c] = r->next;
        __eremit_word_unlock(&pool_lock);
        if (r != NULL) {
            cache.slab_end[c] = r->end;
            cache.slab_next[c] = (uint8_t *)r;
        }
    }
    if (cache.slab_next[c] == NULL || cache.slab_end[c] - cache.slab_next[c] < (ptrdiff_t)total) {
        uint8_t *slab = sys_malloc(SLAB_BYTES, MIN_ALIGN);
        if (slab == NULL) {
            errno = ENOMEM;
            return NULL;
        }
        /* The rest of the old slab (less than one block) is lost: under a block per
         * slab. */
        cache.slab_next[c] = slab;
        cache.slab_end[c] = slab + SLAB_BYTES;
    }
    uint8_t *base = cache.slab_next[c];
    cache.slab_next[c] = base + total;
    void *p = base + MIN_ALIGN;
    struct header *h = header_of(p);
    *h = (struct header){.total = total, .offset = MIN_ALIGN, .cls = (uint8_t)c, .slab = 1};
    return p;
}

/* Gives a slab block to the global pool. */
static void pool_put(unsigned c, struct cached *b)
{
    __eremit_word_lock(&pool_lock);
    b->next = pool[c];
    pool[c] = b;
    __eremit_word_unlock(&pool_lock);
}

/* Inlined: with malloc's constant alignment the checks fold away and the cache hit is a
 * handful of instructions. */
static inline __attribute__((always_inline)) void *allocate(size_t size, size_t align)
{
    if (align < MIN_ALIGN)
        align = MIN_ALIGN;
    if ((align & (align - 1)) != 0 || align > UINT32_MAX) {
        errno = EINVAL;
        return NULL;
    }
    /* The header sits just below the user pointer, inside the first `align` bytes. */
    size_t offset = align;
    if (size > SIZE_MAX - offset) {
        errno = ENOMEM;
        return NULL;
    }
    size_t total = offset + size;
    unsigned c = 0;
    if (align == MIN_ALIGN && total <= CACHE_MAX) {
        c = class_of(total);
        total = class_total(c);
        struct cached *hit = cache.head[c];
        if (hit != NULL) {
            /* The header of a cached block is still intact: only `next` (in the
             * caller's bytes) was written. */
            cache.head[c] = hit->next;
            cache.bytes -= total;
            return hit;
        }
        if (c <= SLAB_CLASSES)
            return slab_block(c, total);
    }
    uint8_t *base = sys_malloc(total, align);
    if (base == NULL) {
        errno = ENOMEM;
        return NULL;
    }
    void *p = base + offset;
    *header_of(p) = (struct header){
        .total = total,
        .offset = (uint32_t)offset,
        .align_log2 = (uint8_t)__builtin_ctzl(align),
        .cls = (uint8_t)c,
    };
    return p;
}

/* Gives a block the cache does not keep back to the pool (slab blocks) or the kernel. */
static __attribute__((noinline)) void release_slow(struct header *h, void *p)
{
    if (h->slab)
        pool_put(h->cls, p);
    else
        sys_free((uint8_t *)p - h->offset, h->total, (size_t)1 << h->align_log2);
}

static inline __attribute__((always_inline)) void release(void *p)
{
    if (p == NULL)
        return;
    struct header *h = header_of(p);
    unsigned c = h->cls;
    size_t total = h->total;
    size_t bytes = cache.bytes + total;
    /* One branch for both conditions: under TCG each branch ends a translated block. */
    if ((c != 0) & (bytes <= CACHE_BYTES)) {
        struct cached *b = p;
        b->next = cache.head[c];
        cache.head[c] = b;
        cache.bytes = bytes;
        return;
    }
    release_slow(h, p);
}

/* Gives the ending thread's cached blocks back to the kernel heap. */
void __eremit_malloc_thread_exit(void)
{
    for (unsigned c = 0; c < CLASSES; c++) {
        struct cached *b = cache.head[c];
        while (b != NULL) {
            struct cached *next = b->next;
            release_slow(header_of(b), b);
            b = next;
        }
        cache.head[c] = NULL;
    }
    cache.bytes = 0;
    /* The unused rest of each slab is kept whole for the next thread that needs one. */
    for (unsigned c = 1; c <= SLAB_CLASSES; c++) {
        uint8_t *rest = cache.slab_next[c];
        if (rest != NULL && cache.slab_end[c] - rest >= (ptrdiff_t)class_total(c)) {
            struct spare *r = (struct spare *)rest;
            r->end = cache.slab_end[c];
            __eremit_word_lock(&pool_lock);
            r->next = spares[c];
            spares[c] = r;
            __eremit_word_unlock(&pool_lock);
        }
        cache.slab_next[c] = cache.slab_end[c] = NULL;
    }
}

static size_t usable(void *p)
{
    if (p == NULL)
        return 0;
    struct header *h = header_of(p);
    return h->total - h->offset;
}

HOT void *malloc(size_t size)
{
    return allocate(size, MIN_ALIGN);
}

HOT void free(void *p)
{
    release(p);
}

void *calloc(size_t n, size_t size)
{
    size_t bytes;
    if (__builtin_mul_overflow(n, size, &bytes)) {
        errno = ENOMEM;
        return NULL;
    }
    void *p = allocate(bytes, MIN_ALIGN);
    if (p != NULL)
        memset(p, 0, bytes);
    return p;
}

void *realloc(void *p, size_t size)
{
    if (p == NULL)
        return allocate(size, MIN_ALIGN);
    size_t have = usable(p);
    /* Shrinking by less than half keeps the block. */
    if (size <= have && size >= have / 2)
        return p;
    void *q = allocate(size, (size_t)1 << header_of(p)->align_log2);
    if (q == NULL)
        return NULL;
    memcpy(q, p, size < have ? size : have);
    release(p);
    return q;
}

void *reallocf(void *p, size_t size)
{
    void *q = realloc(p, size);
    if (q == NULL && size != 0)
        free(p);
    return q;
}

void *memalign(size_t align, size_t size)
{
    return allocate(size, align);
}

int posix_memalign(void **out, size_t align, size_t size)
{
    if (align < sizeof(void *) || (align & (align - 1)) != 0)
        return EINVAL;
    int saved = errno;
    void *p = allocate(size, align);
    int e = errno;
    errno = saved;
    if (p == NULL)
        return e;
    *out = p;
    return 0;
}

void *aligned_alloc(size_t align, size_t size)
{
    return allocate(size, align);
}

void *valloc(size_t size)
{
    return allocate(size, (size_t)sys_getpagesize());
}

void *pvalloc(size_t size)
{
    size_t page = (size_t)sys_getpagesize();
    if (size > SIZE_MAX - page) {
        errno = ENOMEM;
        return NULL;
    }
    return allocate((size + page - 1) & ~(page - 1), page);
}

size_t malloc_usable_size(void *p)
{
    return usable(p);
}

/* Heap statistics are the kernel's; these report nothing. */
struct mallinfo mallinfo(void)
{
    struct mallinfo m;
    memset(&m, 0, sizeof m);
    return m;
}

int malloc_trim(size_t pad)
{
    (void)pad;
    return 0;
}

void malloc_stats(void) {}

int mallopt(int param, int value)
{
    (void)param;
    (void)value;
    return 0;
}

/* newlib's reentrant entry points. */
void *_malloc_r(struct _reent *r, size_t size) { (void)r; return malloc(size); }
void _free_r(struct _reent *r, void *p) { (void)r; free(p); }
void *_calloc_r(struct _reent *r, size_t n, size_t size) { (void)r; return calloc(n, size); }
void *_realloc_r(struct _reent *r, void *p, size_t size) { (void)r; return realloc(p, size); }
void *_reallocf_r(struct _reent *r, void *p, size_t size) { (void)r; return reallocf(p, size); }
void *_memalign_r(struct _reent *r, size_t align, size_t size) { (void)r; return memalign(align, size); }
void *_valloc_r(struct _reent *r, size_t size) { (void)r; return valloc(size); }
void *_pvalloc_r(struct _reent *r, size_t size) { (void)r; return pvalloc(size); }
size_t _malloc_usable_size_r(struct _reent *r, void *p) { (void)r; return usable(p); }
struct mallinfo _mallinfo_r(struct _reent *r) { (void)r; return mallinfo(); }
int _malloc_trim_r(struct _reent *r, size_t pad) { (void)r; return malloc_trim(pad); }
void _malloc_stats_r(struct _reent *r) { (void)r; }
int _mallopt_r(struct _reent *r, int param, int value) { (void)r; return mallopt(param, value); }

/* newlib's malloc lock hooks (used by its mstats and friends); the heap locks itself. */
void __malloc_lock(struct _reent *r) { (void)r; }
void __malloc_unlock(struct _reent *r) { (void)r; }
