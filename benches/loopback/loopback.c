/* Loopback TCP: a server thread and a client in one process over 127.0.0.1.
 *   stream: the client sends MIB MiB (argv[1], default 256) in 64 KiB writes, the server
 *           reads them and answers one byte; timed from the first write to that byte.
 *   pingpong: ROUNDS (argv[2], default 20000) 1-byte messages there and back with
 *           TCP_NODELAY; the mean round trip.
 * Prints "stream bytes N secs S MB/s X" and "pingpong rounds N us U". Built natively
 * and for Eremit by benches/drivers/bench_loopback.py. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int listener;
static long long stream_bytes;
static long rounds;

static void die(const char *what) {
    perror(what);
    exit(1);
}

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void nodelay(int fd) {
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

static void *server(void *arg) {
    (void)arg;
    static char buf[65536];
    int fd = accept(listener, NULL, NULL);
    if (fd < 0)
        die("accept");
    long long got = 0;
    while (got < stream_bytes) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n <= 0)
            die("server read");
        got += n;
    }
    if (write(fd, "k", 1) != 1)
        die("server write");
    close(fd);
    fd = accept(listener, NULL, NULL);
    if (fd < 0)
        die("accept");
    nodelay(fd);
    for (long i = 0; i < rounds; i++) {
        char c;
        if (read(fd, &c, 1) != 1 || write(fd, &c, 1) != 1)
            die("server ping-pong");
    }
    close(fd);
    return NULL;
}

static int connect_to(const struct sockaddr_in *a) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0 || connect(fd, (const struct sockaddr *)a, sizeof *a) < 0)
        die("connect");
    return fd;
}

int main(int argc, char **argv) {
    stream_bytes = (argc > 1 ? atoll(argv[1]) : 256) << 20;
    rounds = argc > 2 ? atol(argv[2]) : 20000;
    listener = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    if (bind(listener, (struct sockaddr *)&a, sizeof a) < 0 || listen(listener, 4) < 0 ||
        getsockname(listener, (struct sockaddr *)&a, &len) < 0)
        die("listen");
    pthread_t t;
    pthread_create(&t, NULL, server, NULL);

    static char buf[65536];
    memset(buf, 'x', sizeof buf);
    int fd = connect_to(&a);
    double start = now();
    for (long long sent = 0; sent < stream_bytes;) {
        size_t n = sizeof buf;
        if ((long long)n > stream_bytes - sent)
            n = (size_t)(stream_bytes - sent);
        ssize_t w = write(fd, buf, n);
        if (w <= 0)
            die("client write");
        sent += w;
    }
    char c;
    if (read(fd, &c, 1) != 1)
        die("client read");
    double secs = now() - start;
    close(fd);
    printf("stream bytes %lld secs %.3f MB/s %.1f\n", stream_bytes, secs, stream_bytes / secs / 1e6);

    fd = connect_to(&a);
    nodelay(fd);
    start = now();
    for (long i = 0; i < rounds; i++) {
        c = (char)i;
        char back;
        if (write(fd, &c, 1) != 1 || read(fd, &back, 1) != 1 || back != c)
            die("client ping-pong");
    }
    secs = now() - start;
    printf("pingpong rounds %ld us %.2f\n", rounds, secs / rounds * 1e6);
    close(fd);
    pthread_join(t, NULL);
    return 0;
}
