/* Memory mappings: anonymous memory from the kernel heap; file mappings are copies read
 * into such memory.  Protections are real (the kernel's sys_mmap/sys_mprotect set the
 * page tables): a PROT_NONE page or a store to a read-only page faults, a SIGSEGV the
 * program may handle (fault.c).  munmap of any part of an anonymous or private mapping
 * unmaps those pages (they fault afterwards).  mmap never makes memory executable
 * (PROT_EXEC fails with EACCES, write xor execute); mprotect may make mapped pages
 * readable and executable.
 *
 * MAP_PRIVATE file mappings are exactly that: a copy (writes stay in it).
 *
 * MAP_SHARED file mappings need what Linux's page cache gives: every mapping of a range of
 * a file, and every read() and write() of it, see the same bytes.  Eremit has one address
 * space and files in memory but no page faults to share pages with, so the library keeps
 * the shared mappings in a list and keeps them coherent itself:
 * - mapping a range of a file that a shared mapping already covers returns that mapping
 *   (at its address for the range); a range that only partly overlaps one fails (ENODEV);
 * - read/pread/readv return the mapping's bytes where they overlap one (io.c calls
 *   __eremit_mapped_io), write/pwrite/writev copy what they wrote into it, and truncation
 *   zeroes what lies past the new end: the mapping always holds the file's current bytes;
 * - msync and munmap write a writable mapping back to the file (up to its current size:
 *   like Linux, a mapping never extends a file), through a duplicate of the descriptor
 *   taken at mmap time, so closing the descriptor after mmap works; exit() writes back
 *   what is still mapped;
 * - the library lifts a protection the program set for its own copies into and out of
 *   a mapping, so a read-only shared mapping still follows write(); mprotect changes a
 *   shared file mapping as a whole (a part of one: ENOTSUP).
 * That is what SQLite's WAL index (the -shm file), memory-mapped databases (LMDB, SQLite's
 * mmap_size) and shared-file buffers rely on.  What stays different from Linux: two maps
 * of the same range return the same address; stores through a mapping reach the file at
 * msync/munmap/exit (reads through the C library see them at once); munmap of part of a
 * shared mapping counts as unmapping the whole of what that mmap returned. */

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

#include "port.h"

struct shared_map {
    struct shared_map *next;
    uint8_t *addr;
    size_t len;        /* the length mapped */
    uint64_t dev, ino; /* the file */
    off_t off;         /* the file offset of addr */
    int fd;            /* a duplicate of the mapped descriptor, for writing back */
    int refs;          /* mmap calls that returned (part of) it, minus munmap calls */
    int writable;      /* mapped with PROT_WRITE: written back by msync and munmap */
    int prot;          /* its protection now (mprotect changes all of it at once) */
};

static struct shared_map *shared_maps;
static pthread_mutex_t shared_lock = PTHREAD_MUTEX_INITIALIZER;
/* The number of shared file mappings: io.c skips the coherence work while it is 0. */
int __eremit_shared_maps;

/* The kernel's pread/pwrite (without the library's coherence hooks). */
static ptrdiff_t raw_transfer(int fd, void *buf, size_t len, off_t off, int writing)
{
    return writing ? sys_pwrite(fd, buf, len, off) : sys_pread(fd, buf, len, off);
}

/* The library's own copies into and out of a mapping (coherence, write-back) must not
 * fault on a page the program protected: they lift the protection for their copy
 * (the caller holds the lock) and put it back after. */
static void unprotect(struct shared_map *m)
{
    if (m->prot != (PROT_READ | PROT_WRITE))
        sys_mprotect(m->addr, m->len, PROT_READ | PROT_WRITE);
}

static void reprotect(struct shared_map *m)
{
    if (m->prot != (PROT_READ | PROT_WRITE))
        sys_mprotect(m->addr, m->len, (uint32_t)m->prot);
}

/* Writes the bytes of M that lie inside the file back to it (the caller holds the lock). */
static int write_back(struct shared_map *m, size_t from, size_t to)
{
    struct hermit_stat st;
    int32_t r = sys_fstat(m->fd, &st);
    if (r < 0)
        return (int)__hermit_ret(r);
    if (st.st_size <= m->off)
        return 0;
    if ((uint64_t)(st.st_size - m->off) < to)
        to = (size_t)(st.st_size - m->off);
    unprotect(m);
    while (from < to) {
        ptrdiff_t n = raw_transfer(m->fd, m->addr + from, to - from, m->off + (off_t)from, 1);
        if (n <= 0) {
            reprotect(m);
            return n < 0 ? (int)__hermit_ret(n) : __hermit_fail(EIO);
        }
        from += (size_t)n;
    }
    reprotect(m);
    return 0;
}

static struct shared_map *find_by_addr(const void *addr)
{
    for (struct shared_map *m = shared_maps; m != NULL; m = m->next)
        if ((const uint8_t *)addr >= m->addr && (const uint8_t *)addr < m->addr + m->len)
            return m;
    return NULL;
}

/* Reads LEN bytes at OFF of FD into P (zeros past the end of the file). */
static int fill(int fd, uint8_t *p, size_t len, off_t off)
{
    size_t done = 0;
    while (done < len) {
        ptrdiff_t n = raw_transfer(fd, p + done, len - done, off + (off_t)done, 0);
        if (n < 0)
            return (int)__hermit_ret(n);
        if (n == 0)
            break; /* past the end of the file: zeros, as the memory is */
        done += (size_t)n;
    }
    return 0;
}

/* At exit() the stores still in writable shared mappings reach their files, as Linux's
 * page cache keeps them after the process ends (not at _exit or a fatal signal). */
static void write_back_at_exit(void)
{
    pthread_mutex_lock(&shared_lock);
    for (struct shared_map *m = shared_maps; m != NULL; m = m->next)
        if (m->writable)
            write_back(m, 0, m->len);
    pthread_mutex_unlock(&shared_lock);
}

static void *map_shared_file(size_t len, int prot, int fd, off_t off)
{
    static int exit_hook;
    if (!__atomic_exchange_n(&exit_hook, 1, __ATOMIC_ACQ_REL))
        atexit(write_back_at_exit);
    struct hermit_stat st;
    int32_t r = sys_fstat(fd, &st);
    if (r < 0) {
        __hermit_ret(r);
        return MAP_FAILED;
    }
    if ((st.st_mode & S_IFMT) != S_IFREG) {
        errno = ENODEV;
        return MAP_FAILED;
    }
    /* Linux: the descriptor must be open for reading, and for writing if PROT_WRITE. */
    int32_t fl = sys_fcntl(fd, HERMIT_F_GETFL, 0);
    if (fl < 0) {
        __hermit_ret(fl);
        return MAP_FAILED;
    }
    int acc = fl & (HERMIT_O_WRONLY | HERMIT_O_RDWR); /* the access mode */
    if (acc == HERMIT_O_WRONLY || ((prot & PROT_WRITE) && acc != HERMIT_O_RDWR)) {
        errno = EACCES;
        return MAP_FAILED;
    }

    pthread_mutex_lock(&shared_lock);
    for (struct shared_map *m = shared_maps; m != NULL; m = m->next) {
        if (m->dev != st.st_dev || m->ino != st.st_ino)
            continue;
        off_t end = off + (off_t)len, mend = m->off + (off_t)m->len;
        if (off >= m->off && end <= mend) {
            m->refs++;
            m->writable |= (prot & PROT_WRITE) != 0;
            /* One set of pages, one protection: the union of what the maps asked for. */
            if ((m->prot | prot) != m->prot && sys_mprotect(m->addr, m->len, (uint32_t)(m->prot | prot)) == 0)
                m->prot |= prot;
            pthread_mutex_unlock(&shared_lock);
            return m->addr + (off - m->off);
        }
        if (off < mend && end > m->off) {
            /* Two different copies of the same bytes could not stay coherent. */
            pthread_mutex_unlock(&shared_lock);
            errno = ENODEV;
            return MAP_FAILED;
        }
    }
    struct shared_map *m = calloc(1, sizeof *m);
    uint8_t *p = NULL;
    if (m == NULL || (r = sys_mmap(len, PROT_READ | PROT_WRITE, &p)) < 0) {
        pthread_mutex_unlock(&shared_lock);
        free(m);
        errno = ENOMEM;
        return MAP_FAILED;
    }
    int dup_fd = sys_fcntl(fd, HERMIT_F_DUPFD_CLOEXEC, 0);
    if (dup_fd < 0 || fill(fd, p, len, off) < 0) {
        int e = dup_fd < 0 ? __hermit_errno(-dup_fd) : errno;
        if (dup_fd >= 0)
            sys_close(dup_fd);
        sys_munmap(p, len);
        pthread_mutex_unlock(&shared_lock);
        free(m);
        errno = e;
        return MAP_FAILED;
    }
    if (prot != (PROT_READ | PROT_WRITE))
        sys_mprotect(p, len, (uint32_t)prot);
    *m = (struct shared_map){shared_maps, p, len, st.st_dev, st.st_ino, off, dup_fd, 1,
                             (prot & PROT_WRITE) != 0, prot};
    shared_maps = m;
    __atomic_store_n(&__eremit_shared_maps, __eremit_shared_maps + 1, __ATOMIC_RELEASE);
    pthread_mutex_unlock(&shared_lock);
    return p;
}

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t offset)
{
    (void)addr;
    if (len == 0 || (flags & (MAP_SHARED | MAP_PRIVATE)) == 0 ||
        (flags & (MAP_SHARED | MAP_PRIVATE)) == (MAP_SHARED | MAP_PRIVATE) || (flags & MAP_FIXED)) {
        errno = EINVAL;
        return MAP_FAILED;
    }
    if (offset < 0 || offset % sys_getpagesize() != 0) {
        errno = EINVAL;
        return MAP_FAILED;
    }
    /* Linux: a length that cannot be rounded up to pages, or larger than the address
     * space, is ENOMEM (the kernel checks anonymous lengths too; file mappings add it to
     * offsets first). */
    if (len > (size_t)PTRDIFF_MAX - (size_t)sys_getpagesize()) {
        errno = ENOMEM;
        return MAP_FAILED;
    }
    if (!(flags & MAP_ANONYMOUS) && (off_t)len > INT64_MAX - offset) {
        errno = EOVERFLOW;
        return MAP_FAILED;
    }
    if (prot & PROT_EXEC) {
        /* The heap is never executable (write xor execute): say so, as Linux does under a
         * policy that denies executable memory, so that JITs fall back to interpreting
         * instead of faulting in code that could not run. */
        errno = EACCES;
        return MAP_FAILED;
    }
    if (!(flags & MAP_ANONYMOUS) && (flags & MAP_SHARED))
        return map_shared_file(len, prot, fd, offset);
    uint8_t *p = NULL;
    if ((flags & MAP_ANONYMOUS) && prot == PROT_NONE) {
        /* A reservation (a JIT's, a garbage collector's heap, a Wasm memory): address
         * space only, of any size; mprotect gives its pages memory as they open. */
        int32_t rr = sys_mmap(len, PROT_NONE, &p);
        if (rr < 0) {
            __hermit_ret(rr);
            return MAP_FAILED;
        }
        return p;
    }
    /* Writable while the library fills it; then the protection asked for. */
    int32_t r = sys_mmap(len, PROT_READ | PROT_WRITE, &p);
    if (r < 0) {
        __hermit_ret(r);
        return MAP_FAILED;
    }
    if (!(flags & MAP_ANONYMOUS)) {
        size_t done = 0;
        while (done < len) {
            ssize_t n = pread(fd, p + done, len - done, offset + (off_t)done);
            if (n < 0) {
                int e = errno;
                sys_munmap(p, len);
                errno = e == ESPIPE ? ENODEV : e;
                return MAP_FAILED;
            }
            if (n == 0)
                break; /* past the end of the file: zeros, as the memory is */
            done += (size_t)n;
        }
    }
    if (prot != (PROT_READ | PROT_WRITE) && (r = sys_mprotect(p, len, (uint32_t)prot)) < 0) {
        sys_munmap(p, len);
        __hermit_ret(r);
        return MAP_FAILED;
    }
    return p;
}

int munmap(void *addr, size_t len)
{
    if (__atomic_load_n(&__eremit_shared_maps, __ATOMIC_ACQUIRE) > 0) {
        pthread_mutex_lock(&shared_lock);
        struct shared_map *m = find_by_addr(addr);
        if (m != NULL) {
            int r = m->writable ? write_back(m, 0, m->len) : 0;
            int e = errno;
            if (--m->refs == 0) {
                struct shared_map **pp = &shared_maps;
                while (*pp != m)
                    pp = &(*pp)->next;
                *pp = m->next;
                __atomic_store_n(&__eremit_shared_maps, __eremit_shared_maps - 1, __ATOMIC_RELEASE);
                sys_munmap(m->addr, m->len);
                sys_close(m->fd);
                free(m);
            }
            pthread_mutex_unlock(&shared_lock);
            errno = e;
            return r;
        }
        pthread_mutex_unlock(&shared_lock);
    }
    return (int)__hermit_ret(sys_munmap(addr, len));
}

/* Keeps shared mappings of FD's file coherent with a read (WROTE = 0: the mapping's bytes
 * replace what was read) or a write (WROTE = 1: what was written goes into the mapping)
 * of the buffers IOV, which transferred DONE bytes starting at file offset OFF (-1: at
 * the descriptor's position, now past them). */
void __eremit_mapped_io(int fd, off_t off, const struct iovec *iov, int iovcnt, size_t done,
                        int wrote)
{
    struct hermit_stat st;
    if (done == 0 || sys_fstat(fd, &st) < 0 || (st.st_mode & S_IFMT) != S_IFREG)
        return;
    if (off < 0) {
        ptrdiff_t pos = sys_lseek(fd, 0, SEEK_CUR);
        if (pos < 0)
            return;
        off = (off_t)pos - (off_t)done;
    }
    pthread_mutex_lock(&shared_lock);
    for (struct shared_map *m = shared_maps; m != NULL; m = m->next) {
        if (m->dev != st.st_dev || m->ino != st.st_ino)
            continue;
        off_t pos = off;
        size_t left = done;
        for (int i = 0; i < iovcnt && left > 0; i++) {
            size_t n = iov[i].iov_len < left ? iov[i].iov_len : left;
            off_t lo = pos > m->off ? pos : m->off;
            off_t hi = pos + (off_t)n < m->off + (off_t)m->len ? pos + (off_t)n : m->off + (off_t)m->len;
            if (lo < hi) {
                uint8_t *buf = (uint8_t *)iov[i].iov_base + (lo - pos);
                uint8_t *map = m->addr + (lo - m->off);
                unprotect(m);
                if (wrote)
                    memmove(map, buf, (size_t)(hi - lo));
                else
                    memmove(buf, map, (size_t)(hi - lo));
                reprotect(m);
            }
            pos += (off_t)n;
            left -= n;
        }
    }
    pthread_mutex_unlock(&shared_lock);
}

/* After a truncation of the file FD (or PATH) to LENGTH: the mapped bytes past the end are
 * gone (zeros when the file grows again). */
void __eremit_mapped_truncate(int fd, const char *path, off_t length)
{
    struct hermit_stat st;
    if ((path != NULL ? sys_stat(path, &st) : sys_fstat(fd, &st)) < 0)
        return;
    pthread_mutex_lock(&shared_lock);
    for (struct shared_map *m = shared_maps; m != NULL; m = m->next) {
        if (m->dev != st.st_dev || m->ino != st.st_ino || m->off + (off_t)m->len <= length)
            continue;
        size_t from = length > m->off ? (size_t)(length - m->off) : 0;
        unprotect(m);
        memset(m->addr + from, 0, m->len - from);
        reprotect(m);
    }
    pthread_mutex_unlock(&shared_lock);
}

/* Real page protections (the kernel's sys_mprotect): PROT_NONE pages and writes to
 * read-only pages fault, a SIGSEGV (fault.c). Pages mmap did not hand out can only be
 * "made" readable and writable, which they are (ENOMEM otherwise, as Linux for memory
 * that is not mapped). A shared file mapping changes as a whole: the library copies into
 * it for read()/write() coherence, under the protection it knows; a part of one is
 * ENOTSUP. */
int mprotect(void *addr, size_t len, int prot)
{
    if (__atomic_load_n(&__eremit_shared_maps, __ATOMIC_ACQUIRE) > 0) {
        pthread_mutex_lock(&shared_lock);
        uint8_t *lo = addr, *hi = lo + len;
        for (struct shared_map *m = shared_maps; m != NULL; m = m->next) {
            if (hi <= m->addr || lo >= m->addr + m->len)
                continue;
            if (lo > m->addr || hi < m->addr + m->len) {
                pthread_mutex_unlock(&shared_lock);
                return __hermit_fail(ENOTSUP);
            }
            /* Linux: writable only if the file was opened for writing; then its stores
             * are written back like those of a mapping made writable. */
            if ((prot & PROT_WRITE) && !m->writable &&
                (sys_fcntl(m->fd, HERMIT_F_GETFL, 0) & (HERMIT_O_WRONLY | HERMIT_O_RDWR)) != HERMIT_O_RDWR) {
                pthread_mutex_unlock(&shared_lock);
                return __hermit_fail(EACCES);
            }
        }
        int r = (int)__hermit_ret(sys_mprotect(addr, len, (uint32_t)prot));
        if (r == 0)
            for (struct shared_map *m = shared_maps; m != NULL; m = m->next)
                if (m->addr >= lo && m->addr + m->len <= hi) {
                    m->prot = prot;
                    m->writable |= (prot & PROT_WRITE) != 0;
                }
        pthread_mutex_unlock(&shared_lock);
        return r;
    }
    return (int)__hermit_ret(sys_mprotect(addr, len, (uint32_t)prot));
}

/* Writes the shared file mappings in [addr, addr + len) back; anonymous and private
 * mappings have nothing to write. */
int msync(void *addr, size_t len, int flags)
{
    if ((uintptr_t)addr % (uintptr_t)sys_getpagesize() != 0 ||
        (flags & ~(MS_ASYNC | MS_SYNC | MS_INVALIDATE)) != 0 ||
        (flags & (MS_ASYNC | MS_SYNC)) == (MS_ASYNC | MS_SYNC))
        return __hermit_fail(EINVAL);
    if (__atomic_load_n(&__eremit_shared_maps, __ATOMIC_ACQUIRE) == 0)
        return 0;
    int r = 0;
    uint8_t *lo = addr, *hi = lo + len;
    pthread_mutex_lock(&shared_lock);
    for (struct shared_map *m = shared_maps; m != NULL && r == 0; m = m->next) {
        if (!m->writable || hi <= m->addr || lo >= m->addr + m->len)
            continue;
        size_t from = lo > m->addr ? (size_t)(lo - m->addr) : 0;
        size_t to = hi < m->addr + m->len ? (size_t)(hi - m->addr) : m->len;
        r = write_back(m, from, to);
    }
    pthread_mutex_unlock(&shared_lock);
    return r;
}

/* Advice is accepted and changes nothing: memory is never paged out or read ahead.
 * What differs from Linux: MADV_DONTNEED leaves the bytes as they are, where Linux makes
 * anonymous private memory read as zeros again (docs/posix-gaps.md). EINVAL for an
 * unaligned address or an advice Linux does not know (posix_madvise returns it). */
static int advise(void *addr, size_t len, int advice, int posix)
{
    (void)len;
    if ((uintptr_t)addr % (uintptr_t)sys_getpagesize() != 0)
        return posix ? EINVAL : __hermit_fail(EINVAL);
    switch (advice) {
    case MADV_NORMAL:
    case MADV_RANDOM:
    case MADV_SEQUENTIAL:
    case MADV_WILLNEED:
    case MADV_DONTNEED:
        return 0;
    default:
        return posix ? EINVAL : __hermit_fail(EINVAL);
    }
}

int madvise(void *addr, size_t len, int advice)
{
    return advise(addr, len, advice, 0);
}

/* posix_madvise returns the error number rather than setting errno. */
int posix_madvise(void *addr, size_t len, int advice)
{
    return advise(addr, len, advice, 1);
}

int mlock(const void *addr, size_t len)
{
    (void)addr;
    (void)len;
    return 0;
}

int munlock(const void *addr, size_t len)
{
    (void)addr;
    (void)len;
    return 0;
}
