/* mapcheck: MAP_SHARED file mappings as databases use them (SQLite's WAL index, LMDB,
 * SQLite's mmap_size): stores through a mapping are seen by read() and by other mappings
 * of the same range, write() is seen through the mapping, msync/munmap put the stores in
 * the file, truncation cuts what lies past the end, MAP_PRIVATE stays private.
 * tests/projects_tests.py compares its output with the native build's.  Exit status 0
 * when every check held. */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define PAGE 4096
static int failures;

static void check(const char *what, int ok)
{
    printf("%-64s %s\n", what, ok ? "true" : "false");
    failures += !ok;
}

int main(void)
{
    const char *path = "/tmp/mapcheck.dat";
    unsigned char page[PAGE];
    unsigned char buf[3 * PAGE];
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    for (int i = 0; i < 3; i++) {
        memset(page, 'a' + i, sizeof page);
        if (write(fd, page, sizeof page) != PAGE)
            return 2;
    }
    unsigned char *p = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    check("mmap(MAP_SHARED, PROT_READ|PROT_WRITE) of a file", p != MAP_FAILED);
    if (p == MAP_FAILED)
        return 1;
    check("the mapping holds the file", p[0] == 'a' && p[PAGE] == 'b' && p[3 * PAGE - 1] == 'c');

    memcpy(p + 10, "stored", 6);
    check("pread sees a store through the mapping",
          pread(fd, buf, 6, 10) == 6 && memcmp(buf, "stored", 6) == 0);
    lseek(fd, 0, SEEK_SET);
    check("read sees it too", read(fd, buf, 16) == 16 && memcmp(buf + 10, "stored", 6) == 0);

    check("pwrite into the mapped range", pwrite(fd, "written", 7, PAGE + 100) == 7);
    check("the mapping sees the pwrite", memcmp(p + PAGE + 100, "written", 7) == 0);
    lseek(fd, 2 * PAGE + 5, SEEK_SET);
    check("write at the descriptor's position", write(fd, "positioned", 10) == 10);
    check("the mapping sees it", memcmp(p + 2 * PAGE + 5, "positioned", 10) == 0);

    int fd2 = open(path, O_RDWR);
    unsigned char *q = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd2, PAGE);
    close(fd2);
    check("a second mapping (offset one page, descriptor closed after)", q != MAP_FAILED);
    if (q != MAP_FAILED) {
        check("it holds the same bytes", memcmp(q + 100, "written", 7) == 0);
        memcpy(q + 200, "via q", 5);
        check("a store through it shows in the first mapping", memcmp(p + PAGE + 200, "via q", 5) == 0);
        check("munmap of the second mapping", munmap(q, PAGE) == 0);
    }
    check("msync(MS_SYNC)", msync(p, 3 * PAGE, MS_SYNC) == 0);
    errno = 0;
    check("msync(MS_SYNC|MS_ASYNC): EINVAL", msync(p, PAGE, MS_SYNC | MS_ASYNC) == -1 && errno == EINVAL);

    unsigned char *r = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    check("mmap(MAP_PRIVATE) of the same file", r != MAP_FAILED);
    if (r != MAP_FAILED) {
        check("it starts with the shared mapping's bytes", memcmp(r + 10, "stored", 6) == 0);
        memcpy(r + 300, "private", 7);
        check("its stores stay private", memcmp(p + 300, "private", 7) != 0 &&
                                             pread(fd, buf, 7, 300) == 7 && memcmp(buf, "private", 7) != 0);
        munmap(r, 2 * PAGE);
    }

    check("ftruncate to 5000 bytes", ftruncate(fd, 5000) == 0);
    check("... and back to 3 pages", ftruncate(fd, 3 * PAGE) == 0);
    check("the mapping reads zeros past the old end, keeps what was before",
          p[5000] == 0 && p[2 * PAGE + 5] == 0 && p[4999] == 'b' && memcmp(p + PAGE + 100, "written", 7) == 0);
    memcpy(p + 2 * PAGE, "tail", 4);
    check("munmap writes the stores back", munmap(p, 3 * PAGE) == 0);
    close(fd);

    fd = open(path, O_RDONLY);
    ssize_t n = read(fd, buf, sizeof buf);
    check("the file has every store after munmap",
          n == 3 * PAGE && memcmp(buf + 10, "stored", 6) == 0 && memcmp(buf + PAGE + 200, "via q", 5) == 0 &&
              memcmp(buf + 2 * PAGE, "tail", 4) == 0 && buf[5000] == 0);
    errno = 0;
    void *w = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    check("writable MAP_SHARED of a read-only descriptor: EACCES", w == MAP_FAILED && errno == EACCES);
    unsigned char *ro = mmap(NULL, 3 * PAGE, PROT_READ, MAP_SHARED, fd, 0);
    check("read-only MAP_SHARED of it", ro != MAP_FAILED && memcmp(ro + 10, "stored", 6) == 0);
    if (ro != MAP_FAILED)
        munmap(ro, 3 * PAGE);
    close(fd);

    /* A mapping longer than the file: the rest of the last page reads as zeros. */
    fd = open(path, O_RDWR | O_TRUNC);
    check("write 100 bytes", write(fd, buf, 100) == 100);
    unsigned char *s = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    check("map a page of a 100-byte file", s != MAP_FAILED);
    if (s != MAP_FAILED) {
        check("bytes past the end read zero", s[100] == 0 && s[PAGE - 1] == 0);
        s[50] = 'Z';
        s[200] = 'Y'; /* past the end: never reaches the file */
        munmap(s, PAGE);
    }
    struct stat st;
    fstat(fd, &st);
    check("munmap does not extend the file", st.st_size == 100 && pread(fd, buf, 1, 50) == 1 && buf[0] == 'Z');
    close(fd);
    unlink(path);

    errno = 0;
    check("mmap(MAP_SHARED) of a bad descriptor: EBADF",
          mmap(NULL, PAGE, PROT_READ, MAP_SHARED, 999, 0) == MAP_FAILED && errno == EBADF);
    printf("mapcheck: %s\n", failures ? "FAILED" : "all checks held");
    return failures ? 1 : 0;
}
