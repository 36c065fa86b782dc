/* Reads a directory tree whole (issue 16: a host tree of 1,000 files reads the same in
 * the guest): every regular file's path relative to argv[1], size and FNV-1a hash of its
 * contents, sorted, then the count. The same program natively on the host's copy must
 * print the same. */
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char **lines;
static size_t count, cap;

static void walk(const char *root, const char *rel)
{
    char path[4096];
    snprintf(path, sizeof path, "%s%s%s", root, *rel ? "/" : "", rel);
    DIR *d = opendir(path);
    if (!d) {
        printf("cannot open %s\n", rel);
        return;
    }
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        char sub[4096], full[4096];
        snprintf(sub, sizeof sub, "%s%s%s", rel, *rel ? "/" : "", e->d_name);
        snprintf(full, sizeof full, "%s/%s", root, sub);
        struct stat st;
        if (lstat(full, &st) != 0) {
            printf("cannot stat %s\n", sub);
            continue;
        }
        if (S_ISDIR(st.st_mode)) {
            walk(root, sub);
            continue;
        }
        int fd = open(full, O_RDONLY);
        uint64_t h = 1469598103934665603ULL;
        unsigned char buf[8192];
        ssize_t n;
        long long total = 0;
        while (fd >= 0 && (n = read(fd, buf, sizeof buf)) > 0) {
            for (ssize_t i = 0; i < n; i++)
                h = (h ^ buf[i]) * 1099511628211ULL;
            total += n;
        }
        if (fd >= 0)
            close(fd);
        if (count == cap) {
            cap = cap ? cap * 2 : 256;
            lines = realloc(lines, cap * sizeof *lines);
        }
        char line[4200];
        snprintf(line, sizeof line, "%s %lld/%lld %016llx", sub, total, (long long)st.st_size, (unsigned long long)h);
        lines[count++] = strdup(line);
    }
    closedir(d);
}

static int cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
    walk(argc > 1 ? argv[1] : "/data", "");
    qsort(lines, count, sizeof *lines, cmp);
    for (size_t i = 0; i < count; i++)
        puts(lines[i]);
    printf("%zu files\n", count);
    return 0;
}
