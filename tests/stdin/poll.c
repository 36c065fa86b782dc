/* poll: standard input as an interactive program sees it. tests/stdin_tests.py feeds it
 * from a pipe and writes only when the program says it waits:
 *   1. no input yet: poll with a timeout returns 0, a non-blocking read fails (EAGAIN);
 *   2. "waiting" -> the host writes a line: poll says readable, a read returns it;
 *   3. "again" -> the host writes another line and closes: blocking reads return it,
 *      then end of file; poll at the end says readable (or hung up) at once.
 * The same run natively gives the same output. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int wait_readable(int timeout_ms) {
    struct pollfd p = {.fd = 0, .events = POLLIN};
    int r = poll(&p, 1, timeout_ms);
    return r == 1 && (p.revents & (POLLIN | POLLHUP)) ? 1 : r;
}

int main(void) {
    char buf[256];
    printf("poll with no input: %d\n", wait_readable(300));
    int flags = fcntl(0, F_GETFL);
    fcntl(0, F_SETFL, flags | O_NONBLOCK);
    ssize_t n = read(0, buf, sizeof buf);
    printf("non-blocking read with no input: %s\n",
           n < 0 && errno == EAGAIN ? "EAGAIN" : "something else");
    printf("waiting\n");
    fflush(stdout);

    printf("poll once input came: %d\n", wait_readable(60000));
    n = read(0, buf, sizeof buf);
    printf("non-blocking read: %zd bytes: %.*s", n, (int)(n > 0 ? n : 0), buf);
    printf("again\n");
    fflush(stdout);

    fcntl(0, F_SETFL, flags);
    size_t total = 0;
    while ((n = read(0, buf + total, sizeof buf - total)) > 0)
        total += (size_t)n;
    printf("blocking reads to the end: %zu bytes: %.*s", total, (int)total, buf);
    printf("read at the end: %zd\n", read(0, buf, sizeof buf));
    printf("poll at the end: %d\n", wait_readable(60000));
    return 0;
}
