/* File contents return to the heap: after a 100 MiB file in /tmp is unlinked,
 * malloc(1 MiB) succeeds 100 times (in a 128 MiB guest).
 * reliability: memory=128M */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(void)
{
    char path[64];
    snprintf(path, sizeof path, "/tmp/mem_file_then_malloc.%d", (int)getpid());
    int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0600);
    if (fd < 0) {
        perror("open");
        return 1;
    }
    static char chunk[64 << 10];
    memset(chunk, 'f', sizeof chunk);
    size_t want = (size_t)100 << 20, done = 0;
    while (done < want) {
        ssize_t n = write(fd, chunk, sizeof chunk);
        if (n <= 0) {
            perror("write");
            return 1;
        }
        done += (size_t)n;
    }
    close(fd);
    printf("file written: %zu MiB\n", done >> 20);
    printf("unlink: %d\n", unlink(path));
    static void *blocks[100];
    int n = 0;
    for (; n < 100; n++) {
        blocks[n] = malloc(1 << 20);
        if (blocks[n] == NULL)
            break;
        memset(blocks[n], n, 1 << 20);
    }
    printf("1 MiB blocks after the unlink: %d\n", n);
    for (int i = 0; i < n; i++)
        free(blocks[i]);
    return 0;
}
