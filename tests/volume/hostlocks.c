/* Locks on a volume are the host's (issue 16): the harness holds a POSIX record lock on
 * rec.db (bytes 0-99) and an flock on fl.db from a host process; the guest sees both.
 * Expected output: tests/volume/hostlocks.expected. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/file.h>
#include <unistd.h>

int main(void)
{
    int fd = open("/data/rec.db", O_RDWR);
    struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 10, .l_len = 5};
    int r = fcntl(fd, F_SETLK, &fl);
    printf("F_SETLK on a held range: %s\n", r == -1 && (errno == EAGAIN || errno == EACCES) ? "EAGAIN" : "granted");
    fl.l_type = F_WRLCK;
    r = fcntl(fd, F_GETLK, &fl);
    printf("F_GETLK: %d type %s start %ld len %ld\n", r, fl.l_type == F_WRLCK ? "F_WRLCK" : "other",
           (long)fl.l_start, (long)fl.l_len);
    fl.l_type = F_WRLCK;
    fl.l_start = 200;
    fl.l_len = 10;
    printf("F_SETLK on a free range: %s\n", fcntl(fd, F_SETLK, &fl) == 0 ? "granted" : "refused");
    int f2 = open("/data/fl.db", O_RDWR);
    r = flock(f2, LOCK_EX | LOCK_NB);
    printf("flock held by the host: %s\n", r == -1 && errno == EWOULDBLOCK ? "EWOULDBLOCK" : "granted");
    int f3 = open("/data/rec.db", O_RDONLY);
    printf("flock on a free file: %s\n", flock(f3, LOCK_SH | LOCK_NB) == 0 ? "granted" : "refused");
    return 0;
}
