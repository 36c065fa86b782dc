/* Durability (issue 16): appends numbered 4 KiB records to argv[1], fsync after each,
 * and prints the record's number once fsync returned. The harness kills QEMU with
 * SIGKILL partway; every record printed must then be whole on the host. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    int fd = open(argc > 1 ? argv[1] : "/data/log", O_CREAT | O_WRONLY | O_APPEND, 0644);
    if (fd < 0)
        return 1;
    char rec[4096];
    for (int i = 0; i < 100000; i++) {
        memset(rec, 'a' + i % 26, sizeof rec);
        snprintf(rec, 32, "record %08d\n", i);
        if (write(fd, rec, sizeof rec) != (ssize_t)sizeof rec || fsync(fd) != 0)
            return 1;
        printf("%d\n", i);
        fflush(stdout);
    }
    return 0;
}
