/* The volume's daemon (virtiofsd) is killed while the program runs: calls on the volume
 * must fail (EIO), not hang. argv[1]: a file on the volume. Prints "ready" once the file
 * was read, then stats it every 50 ms until that fails, and reports the error. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

int main(int argc, char **argv)
{
    struct stat st;
    if (argc < 2 || stat(argv[1], &st) != 0) {
        printf("no file\n");
        return 1;
    }
    printf("ready\n");
    fflush(stdout);
    struct timespec pause = {0, 50 * 1000 * 1000};
    for (int i = 0; i < 2400; i++) {
        if (stat(argv[1], &st) != 0) {
            int e = errno;
            printf("stat failed: %s\n", e == EIO ? "EIO" : strerror(e));
            /* Later calls fail at once. */
            printf("again: %s\n", stat(argv[1], &st) != 0 && errno == EIO ? "EIO" : "other");
            return 0;
        }
        nanosleep(&pause, NULL);
    }
    printf("still answering\n");
    return 1;
}
