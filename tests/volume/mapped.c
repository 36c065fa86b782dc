/* File mappings of a file on a volume (issue 16): MAP_PRIVATE sees the host's data and
 * keeps its writes to itself; MAP_SHARED writes reach the file with msync, munmap and at
 * exit (a mapping at an offset, made read-only and writable again, left mapped).
 * argv[1]: the directory (a volume in Eremit, the host directory natively), holding
 * hello.txt. The output equals the native run's; the harness checks map.bin on the host. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    char path[512], buf[64] = {0};
    const char *root = argc > 1 ? argv[1] : "/data";
    snprintf(path, sizeof path, "%s/hello.txt", root);
    int fd = open(path, O_RDONLY);
    char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED) {
        perror("mmap private");
        return 1;
    }
    printf("private: %.19s\n", p);
    p[0] = 'J';
    pread(fd, buf, 5, 0);
    printf("file after a private write: %.5s, mapping: %.5s\n", buf, p);
    munmap(p, 4096);
    close(fd);

    snprintf(path, sizeof path, "%s/map.bin", root);
    fd = open(path, O_CREAT | O_RDWR | O_TRUNC, 0644);
    ftruncate(fd, 8192);
    char *s = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (s == MAP_FAILED) {
        perror("mmap shared");
        return 1;
    }
    memcpy(s, "shared page one", 15);
    memcpy(s + 4096, "shared page two", 15);
    printf("msync: %d\n", msync(s, 8192, MS_SYNC));
    memset(buf, 0, sizeof buf);
    pread(fd, buf, 15, 4096);
    printf("file after msync: %s\n", buf);
    memcpy(s + 100, "after", 5);
    printf("munmap: %d\n", munmap(s, 8192));
    memset(buf, 0, sizeof buf);
    pread(fd, buf, 5, 100);
    printf("file after munmap: %s\n", buf);
    /* The second page, left mapped: exit writes it back. */
    s = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 4096);
    if (s == MAP_FAILED) {
        perror("mmap shared at an offset");
        return 1;
    }
    printf("at offset 4096: %.15s\n", s);
    printf("mprotect: %d\n", mprotect(s, 4096, PROT_READ | PROT_WRITE));
    memcpy(s + 200, "at exit", 7);
    close(fd);
    return 0;
}
