/* The fuzzer's calls of the system calls of memory: the allocator calls, mmap/munmap/mprotect and the fault entry
 * (the list of calls and what is left out: fuzz_sys.c). */

#include "fuzz_sys.h"

/* An allocation of a hostile size and alignment, used and given back with its layout. */
static uint8_t *alloc_some(struct fz *f, size_t *size, size_t *align, int zeroed)
{
    static const size_t sizes[] = {0, 1, 17, 4096, 1 << 20, (size_t)1 << 40, SIZE_MAX,
                                   SIZE_MAX - 4095};
    static const size_t aligns[] = {0, 1, 3, 16, 4096, 1 << 21, (size_t)1 << 63, 24};
    *size = fz_chance(f, 50) ? sizes[fz_below(f, 8)] : fz_below(f, 70000);
    *align = fz_chance(f, 70) ? 16 : aligns[fz_below(f, 8)];
    if (*size > (1 << 20))
        f->mask |= 1u << FZ_LEN_HUGE;
    if (*size == 0)
        f->mask |= 1u << FZ_LEN0;
    if (*align != 16)
        f->mask |= 1u << FZ_BAD_VALUE;
    uint8_t *p = zeroed ? sys_alloc_zeroed(*size, *align) : sys_alloc(*size, *align);
    if (p != NULL && *size > 0 && *size <= (1 << 20)) {
        p[0] = 1;
        p[*size - 1] = 2;
    }
    return p;
}

CALL(alloc)
{
    size_t size, align;
    uint8_t *p = alloc_some(f, &size, &align, 0);
    if (p != NULL)
        sys_dealloc(p, size, align);
    return 0;
}

CALL(alloc_zeroed)
{
    size_t size, align;
    uint8_t *p = alloc_some(f, &size, &align, 1);
    if (p != NULL)
        sys_free(p, size, align);
    return 0;
}

CALL(malloc)
{
    size_t size, align;
    uint8_t *p = alloc_some(f, &size, &align, 0);
    if (p != NULL)
        sys_free(p, size, align);
    return 0;
}

CALL(dealloc)
{
    /* Null, or what sys_alloc gave. */
    size_t size, align;
    uint8_t *p = fz_chance(f, 20) ? NULL : alloc_some(f, &size, &align, 0);
    if (p == NULL)
        f->mask |= 1u << FZ_NULL;
    sys_dealloc(p, p == NULL ? 16 : size, p == NULL ? 16 : align);
    return 0;
}

CALL(free)
{
    size_t size, align;
    uint8_t *p = fz_chance(f, 20) ? NULL : alloc_some(f, &size, &align, 0);
    if (p == NULL)
        f->mask |= 1u << FZ_NULL;
    sys_free(p, p == NULL ? 16 : size, p == NULL ? 16 : align);
    return 0;
}

CALL(realloc)
{
    size_t size, align;
    uint8_t *p = fz_chance(f, 20) ? NULL : alloc_some(f, &size, &align, 0);
    if (p == NULL) {
        f->mask |= 1u << FZ_NULL;
        size = 0;
        align = 16;
    }
    size_t new_size = fz_chance(f, 80) ? fz_below(f, 100000) : SIZE_MAX - fz_below(f, 4096);
    uint8_t *q = sys_realloc(p, size, align, new_size);
    if (q != NULL)
        sys_dealloc(q, new_size, align);
    else if (p != NULL)
        sys_dealloc(p, size, align);
    return 0;
}

CALL(getpagesize)
{
    return sys_getpagesize();
}

CALL(mmap)
{
    static const size_t sizes[] = {0, 1, 4096, 100000, SIZE_MAX, SIZE_MAX - 4095, (size_t)1 << 40};
    uint8_t *out = NULL;
    size_t own = 0;
    uint8_t **ret = fz_chance(f, 60) ? &out : fz_ptr(f, 8, &own);
    size_t size = sizes[fz_below(f, 7)];
    if (size > 100000)
        f->mask |= 1u << FZ_LEN_HUGE;
    /* SIZE_MAX rounds up to 0 and wraps (issue 13, item 1): left to the memory work. */
    if (size >= SIZE_MAX - 4095)
        size = (size_t)1 << 40;
    long r = sys_mmap(size, (uint32_t)fz_int(f, 3), ret);
    if (r == 0 && ret != &out && own != 0)
        __builtin_memcpy(&out, ret, sizeof out); /* written to the thread's memory */
    if (r == 0 && out != NULL && (ret == &out || own != 0))
        sys_munmap(out, size);
    return r;
}

CALL(munmap)
{
    /* Null, misaligned or zero-length (EINVAL), or a mapping sys_mmap made. */
    switch (fz_below(f, 4)) {
    case 0:
        f->mask |= 1u << FZ_NULL;
        return sys_munmap(NULL, 4096);
    case 1:
        f->mask |= 1u << FZ_MISALIGNED;
        return sys_munmap(f->heap + 1, 4096);
    case 2:
        f->mask |= 1u << FZ_LEN0;
        return sys_munmap(f->heap, 0);
    default: {
        uint8_t *p = NULL;
        size_t size = 4096 * (1 + fz_below(f, 8));
        f->mask |= 1u << FZ_VALID;
        if (sys_mmap(size, 3, &p) != 0)
            return -1;
        return sys_munmap(p, size);
    }
    }
}

CALL(fault_entry)
{
    /* Nothing, a made-up address (EFAULT unless it lies in code) or a real function;
     * never left registered: a fault of the fuzzer must end in the crash report. */
    long r;
    switch (fz_below(f, 3)) {
    case 0:
        r = sys_fault_entry(0);
        break;
    case 1:
        r = sys_fault_entry((size_t)(uintptr_t)fz_task);
        break;
    default:
        r = sys_fault_entry((size_t)fz_rand(f));
        break;
    }
    sys_fault_entry(0);
    return r;
}

CALL(mprotect)
{
    size_t own;
    uint8_t *p = fz_ptr(f, 4096, &own);
    return sys_mprotect(p, fz_len(f, p, own), (uint32_t)fz_int(f, 1));
}
