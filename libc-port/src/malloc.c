/* malloc and friends on the kernel heap (sys_malloc/sys_free), the one heap Rust code
 * uses too.  The kernel frees by size and alignment, so every block starts with a header
 * that records them; the heap is thread-safe, so nothing here takes a lock.
 *
 *   base                          user pointer (aligned to `align`)
 *   |<------- align bytes -------->|<---------- usable size ---------->|
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
 * software TLB lookup and every jump that leaves a guest page a hash-table lookup: the
 * header records the block's cache class, so free() reads two header words and two
 * words of the thread's cache and takes one branch, neither malloc nor free sets up a
 * stack frame (see HOT), and both lie on one page with their ways to the kernel (see
 * HOT_PAGE).
 *
 * The smallest classes (totals up to SLAB_MAX) are not asked of the kernel one by one:
 * a thread carves them from a SLAB_BYTES slab of its own (C++ node containers make
 * millions of such allocations).  Slab blocks are marked in their header; past the
 * thread cache's bounds, and when a thread ends, they go back to their slab (slabs are
 * SLAB_BYTES-aligned and start with a `struct slab` holding their free blocks), and
 * slabs with free blocks are listed per class: any thread refills its cache from them.
 * A slab all of whose carved blocks are free again, and that no thread carves from,
 * goes back to the kernel heap at once, where the memory serves any size.  An ended
 * thread's unused rest of a slab is kept (its slab is a "spare") for the next thread that
 * needs a slab.  When the kernel heap cannot serve an allocation, the calling thread's
 * cache is emptied first (and for malloc_trim).
 *
 * Every header carries a check value (derived from the block's address): free() and
 * realloc() of a pointer that malloc never returned (a stack address, the middle of a
 * block) abort with glibc's message instead of corrupting the heap.
 *
 * newlib was configured with MALLOC_PROVIDED, so its own calls go through the _r entry
 * points below and its malloc is not built. */

#include <errno.h>
#include <malloc.h>
#include <reent.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "port.h"

#define MIN_ALIGN 16

struct header {
    size_t total;    /* bytes obtained from sys_malloc, or the slab block's size */
    uint32_t check;  /* check_of(user pointer): tells a block from anything else */
    uint8_t align_log2; /* log2 of the alignment: also the offset of the user pointer */
    uint8_t cls;     /* the cache class, 0 for a block the cache does not keep */
    uint8_t slab;    /* 1: carved from a slab, goes back to the pool */
    uint8_t unused;
};

_Static_assert(sizeof(struct header) <= MIN_ALIGN, "the header fits in the minimum alignment");

/* The header's fields after `total` (check, align_log2, cls, slab, unused) as the one
 * little-endian word that from_kernel writes and free reads with a single access. */
#define TAIL_ALIGN_SHIFT 32
#define TAIL_CLS_SHIFT 40
_Static_assert(offsetof(struct header, check) == 8 && offsetof(struct header, align_log2) == 12 &&
                   offsetof(struct header, cls) == 13 && sizeof(struct header) == 16,
               "the header's tail is one word: check, align_log2, cls, slab, unused");

static inline struct header *header_of(void *p)
{
    return (struct header *)p - 1;
}

/* The check value of the block whose user pointer is P. */
static inline uint32_t check_of(const void *p)
{
    return (uint32_t)((uintptr_t)p >> 4) ^ 0x6d616c6cu;
}

/* free() or realloc() of something malloc did not return: glibc's message and abort(),
 * which ends the program with a crash report (status 134). */
static __attribute__((noinline, noreturn)) void invalid_pointer(const char *msg, size_t len)
{
    sys_write(2, (const uint8_t *)msg, len);
    abort();
}
#define INVALID(msg) invalid_pointer(msg, sizeof msg - 1)

static inline int is_block(void *p)
{
    return ((uintptr_t)p & (MIN_ALIGN - 1)) == 0 && header_of(p)->check == check_of(p);
}

/* Size classes of the total (header + request): 16-byte steps up to 1 KiB, then 512-byte
 * steps up to CACHE_MAX.  Rounding costs at most 15 bytes below 1 KiB and 511 above. */
#define FINE_MAX 1024
#define FINE_STEP 16
#define COARSE_STEP 512
#define CACHE_MAX 8192
#define FINE_CLASSES (FINE_MAX / FINE_STEP)
#define CLASSES (FINE_CLASSES + (CACHE_MAX - FINE_MAX) / COARSE_STEP + 1)
#define CACHE_BYTES_LOG2 22
#define CACHE_BYTES (1u << CACHE_BYTES_LOG2)

#define SLAB_MAX 512
#define SLAB_CLASSES (SLAB_MAX / FINE_STEP)
#define SLAB_BYTES (64u << 10)
/* What a slab asks of the kernel: a little less than its alignment, so that the kernel
 * heap's word of bookkeeping after each block (talc's tag) fits before the next
 * boundary and consecutive slabs pack without a gap of a whole SLAB_BYTES; and no more
 * than 16 bytes less, so that what is left between two slabs is too small to be a free
 * block of its own: a long-lived small block placed between two slabs would keep the
 * memory around it from coalescing when the slabs go back. */
#define SLAB_ALLOC (SLAB_BYTES - 16)
/* Blocks a cache takes from a pool at once. */
#define POOL_BATCH 32

struct cached {
    struct cached *next;
};

/* At the start of every slab, which is SLAB_BYTES-aligned.  Under pool_lock, except
 * `carved`, which the carving thread alone changes. */
struct slab {
    struct slab *prev, *next;             /* on its class's list of slabs with free blocks */
    struct slab *spare_prev, *spare_next; /* on its class's spares list */
    struct cached *free;                  /* its free blocks that no thread cache holds */
    uint8_t *rest, *rest_end;             /* a spare's uncarved rest */
    uint32_t carved;                      /* blocks handed out from it so far */
    uint32_t nfree;                       /* blocks on `free` */
    uint8_t cls;
    uint8_t state; /* enum slab_state */
    uint8_t listed; /* on the list of slabs with free blocks */
};
#define SLAB_HEAD 128 /* bytes of a slab before its first block */
_Static_assert(sizeof(struct slab) <= SLAB_HEAD, "the slab header fits");

enum slab_state {
    SLAB_CARVING, /* a thread carves blocks from it: kept */
    SLAB_SPARE,   /* an ended thread's rest: kept for the next thread, unless all free */
    SLAB_RETIRED, /* nobody carves from it: given back when all its blocks are free */
};

static inline struct slab *slab_of(const void *p)
{
    return (struct slab *)((uintptr_t)p & ~(uintptr_t)(SLAB_BYTES - 1));
}

struct thread_cache {
    struct cached *head[CLASSES];
    size_t bytes; /* held by the cache, at most CACHE_BYTES */
    /* The current slab of each small class and its rest: [next, end). */
    struct slab *slab[SLAB_CLASSES + 1];
    uint8_t *slab_next[SLAB_CLASSES + 1];
    uint8_t *slab_end[SLAB_CLASSES + 1];
    /* Bit c set while slab[c] is not NULL: an ending thread visits only those classes
     * (a call for each of the 32 classes, twice per thread, made pthread_create + join
     * 1.8 us slower under TCG: 8.0 instead of 6.2 us). */
    uint64_t carving;
};
_Static_assert(SLAB_CLASSES < 64, "a bit per slab class");

static __thread struct thread_cache cache;

/* malloc and free without a stack frame (the library is built with frame pointers for
 * backtraces): under TCG each push and pop is a software-TLB lookup, a third of a cache
 * hit's cost.  A crash inside them still names them; the backtrace goes on from their
 * caller's frame. */
#define HOT __attribute__((optimize("omit-frame-pointer")))

/* malloc, free and the paths they take to the kernel (HOT_PAGE) share one section that
 * starts on a 1 KiB boundary and holds less than 1 KiB, so they never straddle a page:
 * TCG chains a jump to its target only within one guest page, and every other jump is a
 * hash-table lookup.  Where the linker happened to put malloc across a page boundary,
 * malloc of 16 B-4 KiB took 97 ticks instead of 66. */
#define HOT_PAGE __attribute__((section(".text.eremit_malloc_hot")))
/* GCC emits top-level asm before any function: this makes the section's alignment. */
__asm__(".section .text.eremit_malloc_hot,\"ax\",@progbits\n\t.balign 1024\n\t.previous");

/* Per class: slabs with free blocks, and spares; under pool_lock. */
static struct slab *partial[SLAB_CLASSES + 1];
static struct slab *spares[SLAB_CLASSES + 1];
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

static int reclaim(void);

static void list_partial(struct slab *s)
{
    s->prev = NULL;
    s->next = partial[s->cls];
    if (s->next != NULL)
        s->next->prev = s;
    partial[s->cls] = s;
    s->listed = 1;
}

static void unlist_partial(struct slab *s)
{
    if (s->prev != NULL)
        s->prev->next = s->next;
    else
        partial[s->cls] = s->next;
    if (s->next != NULL)
        s->next->prev = s->prev;
    s->listed = 0;
}

static void list_spare(struct slab *s)
{
    s->spare_prev = NULL;
    s->spare_next = spares[s->cls];
    if (s->spare_next != NULL)
        s->spare_next->spare_prev = s;
    spares[s->cls] = s;
}

static void unlist_spare(struct slab *s)
{
    if (s->spare_prev != NULL)
        s->spare_prev->spare_next = s->spare_next;
    else
        spares[s->cls] = s->spare_next;
    if (s->spare_next != NULL)
        s->spare_next->spare_prev = s->spare_prev;
}

/* Whether S (not being carved) has all its blocks back: then it leaves the lists and
 * the caller gives it to the kernel once pool_lock is released. */
static int slab_empty(struct slab *s)
{
    if (s->state == SLAB_CARVING || s->nfree != s->carved)
        return 0;
    if (s->listed)
        unlist_partial(s);
    if (s->state == SLAB_SPARE)
        unlist_spare(s);
    return 1;
}

static void slab_give_back(struct slab *s)
{
    sys_free((uint8_t *)s, SLAB_ALLOC, SLAB_BYTES);
}

/* The slab the thread carves class c from is no longer carved (exhausted, or the thread
 * ends): it becomes a spare if enough of it is left, else retired; given back if all its
 * blocks are free. */
static void stop_carving(unsigned c)
{
    struct slab *s = cache.slab[c];
    if (s == NULL)
        return;
    __eremit_word_lock(&pool_lock);
    if (cache.slab_end[c] - cache.slab_next[c] >= (ptrdiff_t)class_total(c)) {
        s->rest = cache.slab_next[c];
        s->rest_end = cache.slab_end[c];
        s->state = SLAB_SPARE;
        list_spare(s);
    } else {
        s->state = SLAB_RETIRED;
    }
    int empty = slab_empty(s);
    __eremit_word_unlock(&pool_lock);
    if (empty)
        slab_give_back(s);
    cache.slab[c] = NULL;
    cache.slab_next[c] = cache.slab_end[c] = NULL;
    cache.carving &= ~((uint64_t)1 << c);
}

/* A slab for the thread to carve class c from: a spare, else a new one.  0 when memory
 * is short. */
static int next_slab(unsigned c)
{
    stop_carving(c);
    struct slab *s = NULL;
    if (__atomic_load_n(&spares[c], __ATOMIC_RELAXED) != NULL) {
        __eremit_word_lock(&pool_lock);
        s = spares[c];
        if (s != NULL) {
            unlist_spare(s);
            s->state = SLAB_CARVING;
        }
        __eremit_word_unlock(&pool_lock);
    }
    if (s != NULL) {
        cache.slab[c] = s;
        cache.carving |= (uint64_t)1 << c;
        cache.slab_next[c] = s->rest;
        cache.slab_end[c] = s->rest_end;
        return 1;
    }
    uint8_t *mem = sys_malloc(SLAB_ALLOC, SLAB_BYTES);
    if (mem == NULL && reclaim())
        mem = sys_malloc(SLAB_ALLOC, SLAB_BYTES);
    if (mem == NULL)
        return 0;
    s = (struct slab *)mem;
    *s = (struct slab){.cls = (uint8_t)c, .state = SLAB_CARVING};
    cache.slab[c] = s;
    cache.carving |= (uint64_t)1 << c;
    cache.slab_next[c] = mem + SLAB_HEAD;
    cache.slab_end[c] = mem + SLAB_ALLOC;
    return 1;
}

/* A block of class c (c <= SLAB_CLASSES) for a thread whose cache has none: from the
 * global pool (a batch goes to the cache), else from the thread's slab, else from a
 * spare rest of a slab or a new slab. */
static __attribute__((noinline)) void *slab_block(unsigned c, size_t total)
{
    if (__atomic_load_n(&partial[c], __ATOMIC_RELAXED) != NULL) {
        __eremit_word_lock(&pool_lock);
        struct slab *s = partial[c];
        struct cached *first = NULL, *last = NULL;
        unsigned n = 0;
        if (s != NULL) {
            first = last = s->free;
            n = 1;
            while (last->next != NULL && n < POOL_BATCH) {
                last = last->next;
                n++;
            }
            s->free = last->next;
            s->nfree -= n;
            if (s->free == NULL)
                unlist_partial(s);
        }
        __eremit_word_unlock(&pool_lock);
        if (first != NULL) {
            /* The first block is the caller's, the others go to the cache. */
            last->next = cache.head[c];
            cache.head[c] = first->next;
            cache.bytes += (n - 1) * total;
            return first;
        }
    }
    if (cache.slab_next[c] == NULL || cache.slab_end[c] - cache.slab_next[c] < (ptrdiff_t)total) {
        if (!next_slab(c)) {
            errno = ENOMEM;
            return NULL;
        }
    }
    uint8_t *base = cache.slab_next[c];
    cache.slab_next[c] = base + total;
    cache.slab[c]->carved++;
    void *p = base + MIN_ALIGN;
    *header_of(p) = (struct header){
        .total = total, .check = check_of(p), .align_log2 = 4, .cls = (uint8_t)c, .slab = 1};
    return p;
}

/* Gives a slab block back to its slab; gives the slab back when all of it is free. */
static void pool_put(struct cached *b)
{
    struct slab *s = slab_of(b);
    __eremit_word_lock(&pool_lock);
    b->next = s->free;
    s->free = b;
    s->nfree++;
    if (!s->listed)
        list_partial(s);
    int empty = slab_empty(s);
    __eremit_word_unlock(&pool_lock);
    if (empty)
        slab_give_back(s);
}

/* sys_malloc once more after giving back what the library holds (the heap was short);
 * errno ENOMEM if that did not help either. */
static __attribute__((noinline)) uint8_t *from_kernel_retry(size_t total, uint64_t tail)
{
    size_t align = (size_t)1 << (uint8_t)(tail >> TAIL_ALIGN_SHIFT);
    uint8_t *base = reclaim() ? sys_malloc(total, align) : NULL;
    if (base == NULL)
        errno = ENOMEM;
    return base;
}

/* A block of TOTAL bytes (header included) aligned to ALIGN from the kernel heap.  Every
 * malloc past the cache comes here, so it is kept cheap under TCG, where each push, pop
 * and store is a software-TLB lookup: no stack frame (HOT), the retry out of line, two
 * values live across the kernel call (TOTAL, and the header's tail but for the check
 * value), so that two registers are saved, and the header written with two stores. */
static __attribute__((noinline)) HOT HOT_PAGE void *from_kernel(size_t total, size_t align, unsigned c)
{
    uint64_t tail = (uint64_t)__builtin_ctzl(align) << TAIL_ALIGN_SHIFT |
                    (uint64_t)c << TAIL_CLS_SHIFT;
    uint8_t *base = sys_malloc(total, align);
    if (__builtin_expect(base == NULL, 0)) {
        base = from_kernel_retry(total, tail);
        if (base == NULL)
            return NULL;
    }
    void *p = base + ((size_t)1 << (uint8_t)(tail >> TAIL_ALIGN_SHIFT));
    struct header *h = header_of(p);
    h->total = total;
    tail |= check_of(p);
    __builtin_memcpy(&h->check, &tail, sizeof tail);
    return p;
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
    if (size > PTRDIFF_MAX - align) {
        errno = ENOMEM;
        return NULL;
    }
    size_t total = align + size;
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
    return from_kernel(total, align, c);
}

/* Gives a block the cache does not keep back to the pool (slab blocks) or the kernel. */
static void give_up(struct header *h, void *p)
{
    if (h->slab)
        pool_put(p);
    else
        sys_free((uint8_t *)p - ((size_t)1 << h->align_log2), h->total,
                 (size_t)1 << h->align_log2);
}

/* free() past the fast path: checks that P is a block, then gives it up. */
static __attribute__((noinline)) HOT_PAGE void release_slow(struct header *h, void *p)
{
    if (!is_block(p))
        INVALID("free(): invalid pointer\n");
    give_up(h, p);
}

static inline __attribute__((always_inline)) void release(void *p)
{
    if (p == NULL)
        return;
    struct header *h = header_of(p);
    /* The check value and the class in one load (under TCG each load is a software-TLB
     * lookup). */
    uint64_t tail;
    __builtin_memcpy(&tail, &h->check, sizeof tail);
    unsigned c = (uint8_t)(tail >> TAIL_CLS_SHIFT);
    size_t bytes = cache.bytes + h->total;
    /* One branch for the three conditions (c != 0, bytes <= CACHE_BYTES, the check value
     * right), as arithmetic the compiler does not split into branches: under TCG each
     * branch ends a translated block.  c - 1 wraps above 255 only for c == 0; bytes is
     * never 0.  A pointer that is not a block goes to release_slow, which aborts. */
    uint64_t bad = ((uint32_t)tail ^ check_of(p)) | (((uint64_t)c - 1) >> 8) |
                   ((bytes - 1) >> CACHE_BYTES_LOG2);
    if (bad == 0) {
        struct cached *b = p;
        b->next = cache.head[c];
        cache.head[c] = b;
        cache.bytes = bytes;
        return;
    }
    release_slow(h, p);
}

/* Empties the calling thread's cache: slab blocks to the pool, others to the kernel. */
static void flush_cache(void)
{
    /* Most threads end with nothing cached: no walk over every class. */
    if (cache.bytes == 0)
        return;
    for (unsigned c = 0; c < CLASSES; c++) {
        struct cached *b = cache.head[c];
        while (b != NULL) {
            struct cached *next = b->next;
            give_up(header_of(b), b);
            b = next;
        }
        cache.head[c] = NULL;
    }
    cache.bytes = 0;
}

/* Gives back to the kernel heap what the library holds and can spare: the calling
 * thread's cache (empty slabs go back as their last block does).  Returns whether there
 * was anything. */
static int reclaim(void)
{
    int any = cache.bytes != 0;
    flush_cache();
    return any;
}

/* Gives the ending thread's cached blocks back (to their slabs or the kernel heap); the
 * unused rest of each slab it carved is kept for the next thread that needs one. */
void __eremit_malloc_thread_exit(void)
{
    flush_cache();
    for (uint64_t carving = cache.carving; carving != 0; carving &= carving - 1)
        stop_carving((unsigned)__builtin_ctzll(carving));
}

static size_t usable(void *p)
{
    if (p == NULL)
        return 0;
    struct header *h = header_of(p);
    return h->total - ((size_t)1 << h->align_log2);
}

HOT HOT_PAGE void *malloc(size_t size)
{
    return allocate(size, MIN_ALIGN);
}

HOT HOT_PAGE void free(void *p)
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
    if (!is_block(p))
        INVALID("realloc(): invalid pointer\n");
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

/* Gives the calling thread's cache and the empty slabs back to the kernel heap. */
int malloc_trim(size_t pad)
{
    (void)pad;
    return reclaim();
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
