/* Memory mappings: anonymous memory from the kernel heap; MAP_PRIVATE file mappings are
 * copies read into such memory (writes are not written back, as MAP_PRIVATE says). */

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "port.h"

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t offset)
{
    (void)addr;
    if (len == 0 || (flags & (MAP_SHARED | MAP_PRIVATE)) == 0 || (flags & MAP_FIXED)) {
        errno = EINVAL;
        return MAP_FAILED;
    }
    if (!(flags & MAP_ANONYMOUS) && (flags & MAP_SHARED) && (prot & PROT_WRITE)) {
        errno = ENODEV;
        return MAP_FAILED;
    }
    if (offset < 0 || offset % sys_getpagesize() != 0) {
        errno = EINVAL;
        return MAP_FAILED;
    }
    uint8_t *p = NULL;
    int32_t r = sys_mmap(len, (uint32_t)prot, &p);
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
    return p;
}

int munmap(void *addr, size_t len)
{
    return (int)__hermit_ret(sys_munmap(addr, len));
}

/* Protections are not enforced: everything mapped is readable and writable. */
int mprotect(void *addr, size_t len, int prot)
{
    (void)len;
    (void)prot;
    if ((uintptr_t)addr % (uintptr_t)sys_getpagesize() != 0)
        return __hermit_fail(EINVAL);
    return 0;
}

int msync(void *addr, size_t len, int flags)
{
    (void)addr;
    (void)len;
    (void)flags;
    return 0;
}

int madvise(void *addr, size_t len, int advice)
{
    (void)addr;
    (void)len;
    (void)advice;
    return 0;
}

int posix_madvise(void *addr, size_t len, int advice)
{
    (void)addr;
    (void)len;
    (void)advice;
    return 0;
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
