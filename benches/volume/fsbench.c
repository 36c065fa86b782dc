/* Files on a volume (issue 16), timed by the program itself: a sequential write of
 * argv[2] MiB in 1 MiB writes then fsync, the same file read back, then argv[3] files
 * created (O_CREAT, 100 bytes written, closed), stat'ed and unlinked. argv[1] is the
 * directory: a volume (Eremit), the same host directory (native) or /tmp (Eremit's
 * in-memory filesystem). Prints one line of rates and a checksum of what was read. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if (argc < 4)
        return 2;
    const char *dir = argv[1];
    long mib = atol(argv[2]), files = atol(argv[3]);
    char path[512];
    snprintf(path, sizeof path, "%s/seq.bin", dir);
    size_t chunk = 1 << 20;
    unsigned char *buf = malloc(chunk);
    for (size_t i = 0; i < chunk; i++)
        buf[i] = (unsigned char)(i * 31 + 7);

    double t0 = now();
    int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0644);
    if (fd < 0) {
        perror("open");
        return 1;
    }
    for (long i = 0; i < mib; i++) {
        buf[0] = (unsigned char)i;
        if (write(fd, buf, chunk) != (ssize_t)chunk) {
            perror("write");
            return 1;
        }
    }
    if (fsync(fd) != 0) {
        perror("fsync");
        return 1;
    }
    close(fd);
    double t1 = now();

    fd = open(path, O_RDONLY);
    uint64_t sum = 0;
    ssize_t n;
    long total = 0;
    while ((n = read(fd, buf, chunk)) > 0) {
        for (ssize_t i = 0; i < n; i += 4096)
            sum = sum * 131 + buf[i];
        total += n;
    }
    close(fd);
    double t2 = now();
    unlink(path);
    if (total != mib * (long)chunk) {
        fprintf(stderr, "read %ld bytes\n", total);
        return 1;
    }

    double t3 = now();
    for (long i = 0; i < files; i++) {
        snprintf(path, sizeof path, "%s/f%ld", dir, i);
        fd = open(path, O_CREAT | O_WRONLY | O_EXCL, 0644);
        if (fd < 0 || write(fd, buf, 100) != 100) {
            perror("create");
            return 1;
        }
        close(fd);
    }
    double t4 = now();
    struct stat st;
    for (long i = 0; i < files; i++) {
        snprintf(path, sizeof path, "%s/f%ld", dir, i);
        if (stat(path, &st) != 0 || st.st_size != 100) {
            perror("stat");
            return 1;
        }
    }
    double t5 = now();
    for (long i = 0; i < files; i++) {
        snprintf(path, sizeof path, "%s/f%ld", dir, i);
        if (unlink(path) != 0) {
            perror("unlink");
            return 1;
        }
    }
    double t6 = now();
    printf("write_mbs %.1f read_mbs %.1f create_per_s %.0f stat_per_s %.0f unlink_per_s %.0f sum %016llx\n",
           mib / (t1 - t0) * 1.048576, mib / (t2 - t1) * 1.048576, files / (t4 - t3), files / (t5 - t4),
           files / (t6 - t5), (unsigned long long)sum);
    return 0;
}
