/* stdout and stderr stay apart, byte for byte (tests/aarch64_c.py). On aarch64 the
   kernel sends both, and its log, through the one PL011 as one stream that the runner
   splits (kernel/src/console_mux.rs), so this writes what could confuse that: the
   stream's escape byte 0xff and pairs that look like channel selections, NUL bytes,
   an exit record on stdout and stderr (only the kernel's log carries the real one),
   and writes alternating between the two descriptors.
   With the argument "threads": 4 threads each write numbered lines to both at once;
   every line must arrive whole on its own stream. Exit code 5. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void put(int fd, const char *bytes, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, bytes, len);
        if (n <= 0)
            _exit(99);
        bytes += n;
        len -= (size_t)n;
    }
}

#define PUT(fd, lit) put(fd, lit, sizeof(lit) - 1)

static void *writer(void *arg)
{
    int t = (int)(long)arg;
    char line[64];
    for (int i = 0; i < 150; i++) {
        int n = snprintf(line, sizeof line, "thread %d out %d \xff\xff\x02\n", t, i);
        put(1, line, (size_t)n);
        n = snprintf(line, sizeof line, "thread %d err %d \xff\x01\n", t, i);
        put(2, line, (size_t)n);
    }
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "threads") == 0) {
        pthread_t th[4];
        for (long t = 0; t < 4; t++)
            if (pthread_create(&th[t], NULL, writer, (void *)t) != 0)
                return 98;
        for (int t = 0; t < 4; t++)
            pthread_join(th[t], NULL);
        return 5;
    }
    PUT(1, "out 1\n");
    PUT(2, "err 1\n");
    PUT(1, "escape \xff, pairs \xff\x01 \xff\x02 \xff\x03 \xff\xff, at the end \xff");
    PUT(2, "\xff\x03 on stderr then NUL \0 and 0x01 \x01\n");
    PUT(1, "\n@@EREMIT-EXIT 7@@\n");
    PUT(2, "@@EREMIT-EXIT 8@@\n");
    char all[256];
    for (int i = 0; i < 256; i++)
        all[i] = (char)i;
    put(1, all, sizeof all);
    put(2, all, sizeof all);
    PUT(1, "out last\n");
    PUT(2, "err last\n");
    return 5;
}
