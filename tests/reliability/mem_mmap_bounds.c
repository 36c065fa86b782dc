/* mmap lengths that cannot be rounded up to whole pages, or that are larger than the
 * address space, fail with ENOMEM (Linux); they must never give a small block that the
 * program then writes past.  munmap's argument checks (EINVAL) as on Linux. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static void try_map(const char *what, size_t len)
{
    errno = 0;
    void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        printf("mmap(%s): failed, %s\n", what, errno == ENOMEM ? "ENOMEM" : strerror(errno));
    else {
        printf("mmap(%s): succeeded\n", what);
        munmap(p, len);
    }
}

static void try_map_file(const char *what, size_t len, int flags)
{
    int fd = open("/tmp/mem_mmap_bounds.tmp", O_CREAT | O_RDWR | O_TRUNC, 0600);
    if (fd < 0 || write(fd, "data", 4) != 4) {
        printf("cannot make the file\n");
        return;
    }
    errno = 0;
    void *p = mmap(NULL, len, PROT_READ, flags, fd, 0);
    if (p == MAP_FAILED)
        printf("mmap(file, %s): failed, %s\n", what, errno == ENOMEM ? "ENOMEM" : strerror(errno));
    else {
        printf("mmap(file, %s): succeeded\n", what);
        munmap(p, len);
    }
    close(fd);
    unlink("/tmp/mem_mmap_bounds.tmp");
}

static void try_unmap(const char *what, void *addr, size_t len)
{
    errno = 0;
    int r = munmap(addr, len);
    printf("munmap(%s): %d%s\n", what, r, r == 0 ? "" : errno == EINVAL ? " EINVAL" : " other error");
}

int main(void)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    try_map("SIZE_MAX", SIZE_MAX);
    try_map("SIZE_MAX - page + 1", SIZE_MAX - page + 1);
    try_map("SIZE_MAX - page", SIZE_MAX - page);
    try_map("PTRDIFF_MAX", (size_t)PTRDIFF_MAX);
    try_map("2^47", (size_t)1 << 47);
    try_map("0", 0);
    try_map("1 MiB", 1 << 20);
    try_map_file("private, SIZE_MAX", SIZE_MAX, MAP_PRIVATE);
    try_map_file("shared, SIZE_MAX", SIZE_MAX, MAP_SHARED);
    try_map_file("private, SIZE_MAX - page", SIZE_MAX - page, MAP_PRIVATE);
    try_map_file("shared, 2^47", (size_t)1 << 47, MAP_SHARED);

    /* The heap around the failed calls is intact: a block written before them. */
    static char canary[4096];
    memset(canary, 0x5a, sizeof canary);
    try_map("SIZE_MAX again", SIZE_MAX);
    int intact = 1;
    for (size_t i = 0; i < sizeof canary; i++)
        intact &= canary[i] == 0x5a;
    printf("canary intact: %d\n", intact);

    char *p = mmap(NULL, 4 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return 1;
    try_unmap("unaligned", p + 1, page);
    try_unmap("length 0", p, 0);
    try_unmap("length SIZE_MAX", p, SIZE_MAX);
    try_unmap("wrapping end", p, SIZE_MAX - page + 1);
    try_unmap("whole", p, 4 * page);
    try_unmap("whole again", p, 4 * page);
    return 0;
}
