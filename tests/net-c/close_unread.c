/* Closing right after sending (tests/net_c_tests.py, case close-unread): what a program
 * sent before close() reaches the peer even when close() discards the socket's queues.
 *
 *   close-unread TCPPORT UDPPORT
 *
 * TCP: accepts one connection, reads 1 byte of the client's 2, answers "reply\n" and
 * closes with the other byte unread (a reset follows the answer, as on Linux).
 * UDP: waits for two datagrams, reads one, answers its sender "udp reply" and closes
 * with the other unread. Then exits 0. Each step prints a line (the host waits on them).
 * More data waiting unread when the answer is sent is what made Eremit leave its
 * sending for later (kernel/src/net/deferred_egress.rs). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

static int fail(const char *what)
{
    perror(what);
    return 1;
}

static int bound(int type, int port)
{
    int s = socket(AF_INET, type, 0);
    int one = 1;
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((unsigned short)port)};
    if (s < 0 || setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
        bind(s, (struct sockaddr *)&a, sizeof a) < 0)
        return -1;
    return s;
}

/* Waits until `fd` has at least `want` bytes to read (FIONREAD), up to 30 s. */
static int wait_unread(int fd, int want)
{
    for (int i = 0; i < 3000; i++) {
        int n = 0;
        if (ioctl(fd, FIONREAD, &n) < 0)
            return -1;
        if (n >= want)
            return 0;
        struct pollfd p = {.fd = fd, .events = POLLIN};
        poll(&p, 1, 10);
        if (n > 0)
            usleep(10000); /* more may be on its way: the poll returns at once */
    }
    return -1;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: close-unread TCPPORT UDPPORT\n");
        return 2;
    }
    int l = bound(SOCK_STREAM, atoi(argv[1]));
    int u = bound(SOCK_DGRAM, atoi(argv[2]));
    if (l < 0 || u < 0 || listen(l, 1) < 0)
        return fail("close-unread: bind");
    printf("listening\n");
    fflush(stdout);

    int c = accept(l, NULL, NULL);
    if (c < 0)
        return fail("close-unread: accept");
    char b;
    if (wait_unread(c, 2) < 0 || recv(c, &b, 1, 0) != 1)
        return fail("close-unread: recv");
    if (send(c, "reply\n", 6, 0) != 6)
        return fail("close-unread: send");
    close(c);
    printf("tcp closed\n");
    fflush(stdout);

    /* The host sends both datagrams back to back: the pause lets the second arrive. */
    char buf[64];
    struct sockaddr_in from;
    socklen_t len = sizeof from;
    struct pollfd p = {.fd = u, .events = POLLIN};
    if (poll(&p, 1, 30000) != 1)
        return fail("close-unread: udp poll");
    usleep(200000);
    if (recvfrom(u, buf, sizeof buf, 0, (struct sockaddr *)&from, &len) < 0)
        return fail("close-unread: recvfrom");
    if (sendto(u, "udp reply", 9, 0, (struct sockaddr *)&from, len) != 9)
        return fail("close-unread: sendto");
    close(u);
    printf("udp closed\n");
    close(l);
    return 0;
}
