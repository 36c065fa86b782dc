/* Files through the C library: stdio and POSIX calls, directories, renames, removal and
 * the errors they report.  Works below a fresh directory in /tmp and prints only names
 * relative to it, so the output is the same natively and in Eremit. */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common.h"

static char base[64];

static const char *path(const char *name)
{
    static char buf[4][256];
    static int next;
    char *p = buf[next++ % 4];
    snprintf(p, sizeof buf[0], "%s/%s", base, name);
    return p;
}

static int cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void list(const char *dir)
{
    DIR *d = opendir(path(dir));
    CHECK(d != NULL);
    char *names[64];
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        CHECK(n < 64);
        names[n++] = strdup(e->d_name);
    }
    CHECK(closedir(d) == 0);
    qsort(names, n, sizeof names[0], cmp);
    printf("%s:", dir);
    for (int i = 0; i < n; i++) {
        char rel[128];
        struct stat st;
        snprintf(rel, sizeof rel, "%s/%s", dir, names[i]);
        CHECK(stat(path(rel), &st) == 0);
        printf(" %s%s", names[i], S_ISDIR(st.st_mode) ? "/" : "");
        free(names[i]);
    }
    printf("\n");
}

static void expect_errno(const char *what, int r, int e)
{
    printf("%s: %s\n", what, r == -1 ? errno_name(errno) : "succeeded");
    CHECK(r == -1 && errno == e);
}

int main(void)
{
    strcpy(base, "/tmp/eremit-files-XXXXXX");
    CHECK(mkdtemp(base) != NULL);

    /* stdio: write, read back, append, seek. */
    FILE *f = fopen(path("notes.txt"), "w");
    CHECK(f != NULL);
    for (int i = 1; i <= 100; i++)
        fprintf(f, "line %d: %s\n", i, i % 2 ? "odd" : "even");
    CHECK(fclose(f) == 0);

    struct stat st;
    CHECK(stat(path("notes.txt"), &st) == 0);
    printf("notes.txt: %lld bytes, regular file: %d\n", (long long)st.st_size, S_ISREG(st.st_mode));

    f = fopen(path("notes.txt"), "r");
    CHECK(f != NULL);
    char *all = malloc(st.st_size + 1);
    CHECK(fread(all, 1, st.st_size + 1, f) == (size_t)st.st_size);
    CHECK(feof(f));
    all[st.st_size] = '\0';
    unsigned sum = 0;
    for (char *p = all; *p; p++)
        sum = sum * 31 + (unsigned char)*p;
    printf("read back %zu bytes, checksum %08x\n", strlen(all), sum);
    rewind(f);
    char line[64];
    int lines = 0;
    while (fgets(line, sizeof line, f) != NULL)
        lines++;
    printf("%d lines, last: %s", lines, line);
    CHECK(fseek(f, -9, SEEK_END) == 0);
    CHECK(fgets(line, sizeof line, f) != NULL);
    printf("tail after fseek(-9, SEEK_END): %s", line);
    printf("ftell: %ld\n", ftell(f));
    fclose(f);
    free(all);

    f = fopen(path("notes.txt"), "a");
    CHECK(f != NULL);
    fputs("appended\n", f);
    fclose(f);
    CHECK(stat(path("notes.txt"), &st) == 0);
    printf("after append: %lld bytes\n", (long long)st.st_size);

    /* POSIX descriptors: positioned I/O, truncation, lseek, fstat. */
    int fd = open(path("data.bin"), O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0);
    static unsigned char block[1 << 16];
    for (size_t i = 0; i < sizeof block; i++)
        block[i] = (unsigned char)(i * 7 + 3);
    for (int i = 0; i < 16; i++)
        CHECK(write(fd, block, sizeof block) == (ssize_t)sizeof block);
    CHECK(fstat(fd, &st) == 0);
    printf("data.bin: %lld bytes after 16 writes of 64 KiB\n", (long long)st.st_size);
    CHECK(pwrite(fd, "HELLO", 5, 1000) == 5);
    char small[16] = {0};
    CHECK(pread(fd, small, 5, 1000) == 5);
    printf("pread at 1000: %s\n", small);
    printf("lseek(0, SEEK_END) = %lld\n", (long long)lseek(fd, 0, SEEK_END));
    CHECK(ftruncate(fd, 4096) == 0);
    CHECK(fstat(fd, &st) == 0);
    printf("after ftruncate: %lld bytes\n", (long long)st.st_size);
    struct flock lk = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0};
    CHECK(fcntl(fd, F_SETLK, &lk) == 0);
    lk.l_type = F_WRLCK;
    CHECK(fcntl(fd, F_GETLK, &lk) == 0);
    printf("F_GETLK after F_SETLK: %s\n", lk.l_type == F_UNLCK ? "unlocked" : "locked");
    int flags = fcntl(fd, F_GETFL);
    printf("F_GETFL: O_RDWR %d\n", (flags & O_ACCMODE) == O_RDWR);
    int fd2 = dup(fd);
    CHECK(fd2 >= 0 && fd2 != fd);
    CHECK(lseek(fd2, 0, SEEK_SET) == 0);
    CHECK(read(fd, small, 4) == 4);
    printf("dup shares the offset: %lld\n", (long long)lseek(fd2, 0, SEEK_CUR));
    CHECK(close(fd2) == 0);
    CHECK(close(fd) == 0);

    /* Directories. */
    CHECK(mkdir(path("sub"), 0755) == 0);
    CHECK(mkdir(path("sub/deeper"), 0755) == 0);
    for (int i = 0; i < 3; i++) {
        char name[32];
        snprintf(name, sizeof name, "sub/file%d", i);
        f = fopen(path(name), "w");
        CHECK(f != NULL);
        fprintf(f, "%d\n", i);
        fclose(f);
    }
    list(".");
    list("sub");

    CHECK(rename(path("sub/file0"), path("sub/renamed")) == 0);
    list("sub");
    expect_errno("stat of the old name", stat(path("sub/file0"), &st), ENOENT);

    /* Working directory. */
    char cwd[256];
    CHECK(chdir(path("sub")) == 0);
    CHECK(getcwd(cwd, sizeof cwd) != NULL);
    printf("getcwd ends in /sub: %d\n", strlen(cwd) > 4 && strcmp(cwd + strlen(cwd) - 4, "/sub") == 0);
    f = fopen("relative.txt", "w");
    CHECK(f != NULL);
    fclose(f);
    CHECK(access(path("sub/relative.txt"), F_OK) == 0);
    printf("relative path lands in sub: 1\n");
    CHECK(chdir("/") == 0);

    /* Errors. */
    expect_errno("open of a missing file", open(path("missing"), O_RDONLY), ENOENT);
    expect_errno("O_CREAT|O_EXCL of an existing file",
                 open(path("notes.txt"), O_WRONLY | O_CREAT | O_EXCL, 0644), EEXIST);
    expect_errno("rmdir of a non-empty directory", rmdir(path("sub")), ENOTEMPTY);
    expect_errno("mkdir of an existing directory", mkdir(path("sub"), 0755), EEXIST);
    expect_errno("stat through a file", stat(path("notes.txt/x"), &st), ENOTDIR);
    errno = 0;
    printf("opendir of a file: %s\n", opendir(path("notes.txt")) == NULL ? errno_name(errno) : "succeeded");
    printf("fopen of a missing file: %s\n", fopen(path("missing"), "r") == NULL ? errno_name(errno) : "succeeded");

    /* Removal. */
    const char *files[] = {"sub/renamed", "sub/file1", "sub/file2", "sub/relative.txt",
                           "notes.txt", "data.bin"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
        CHECK(unlink(path(files[i])) == 0);
    CHECK(rmdir(path("sub/deeper")) == 0);
    CHECK(rmdir(path("sub")) == 0);
    list(".");
    CHECK(rmdir(base) == 0);
    errno = 0;
    printf("opendir after removal: %s\n", opendir(base) == NULL ? errno_name(errno) : "succeeded");
    printf("files: done\n");
    return 0;
}
