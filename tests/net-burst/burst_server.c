/* A server for connection bursts: listen(s, BACKLOG) on port 7777, print "listening",
 * optionally sleep DELAY_MS before the first accept (so the clients pile up in the
 * backlog), then accept COUNT connections, reading each one's request (one read) and
 * answering "ok\n" before closing it.
 * Prints "served COUNT" and exits 0; a failed accept is reported and retried (ENOMEM is
 * an answer a server must survive).
 *
 * With LEAVE_KIB, the server first takes the heap (64 KiB blocks until malloc fails)
 * and gives back only about LEAVE_KIB, so the kernel meets the burst short of memory:
 * connections get small buffers or wait (their SYNs dropped) until others are done.
 *
 * Usage: burst-server BACKLOG COUNT [DELAY_MS [LEAVE_KIB]] */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* Takes all the heap in 64 KiB blocks, then frees about leave_kib of it. The blocks are
 * kept (a list through their first word) until the end. */
static void **hog(long leave_kib) {
    void **head = NULL;
    for (;;) {
        void **b = malloc(64 * 1024);
        if (b == NULL)
            break;
        *b = head;
        head = b;
    }
    for (long freed = 0; freed < leave_kib && head != NULL; freed += 64) {
        void **next = *head;
        free(head);
        head = next;
    }
    return head;
}

static void sleep_ms(long ms) {
    struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&t, NULL);
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: burst-server BACKLOG COUNT [DELAY_MS]\n");
        return 2;
    }
    int backlog = atoi(argv[1]);
    long count = atol(argv[2]);
    long delay = argc > 3 ? atol(argv[3]) : 0;
    void **held = argc > 4 ? hog(atol(argv[4])) : NULL;
    int s = socket(AF_INET, SOCK_STREAM, 0);
    if (s < 0) {
        perror("socket");
        return 1;
    }
    int one = 1;
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(7777)};
    if (bind(s, (struct sockaddr *)&a, sizeof a) < 0 || listen(s, backlog) < 0) {
        perror("bind/listen");
        return 1;
    }
    printf("listening (backlog %d)\n", backlog);
    fflush(stdout);
    if (delay > 0)
        sleep_ms(delay);
    long served = 0, failures = 0;
    while (served < count) {
        int c = accept(s, NULL, NULL);
        if (c < 0) {
            if (++failures <= 10)
                fprintf(stderr, "accept: %s\n", strerror(errno));
            sleep_ms(10);
            continue;
        }
        char request[64];
        if (read(c, request, sizeof request) < 0)
            fprintf(stderr, "read: %s\n", strerror(errno));
        const char reply[] = "ok\n";
        if (write(c, reply, sizeof reply - 1) != (ssize_t)(sizeof reply - 1))
            fprintf(stderr, "write: %s\n", strerror(errno));
        close(c);
        served++;
    }
    printf("served %ld (%ld failed accepts)\n", served, failures);
    close(s);
    while (held != NULL) {
        void **next = *held;
        free(held);
        held = next;
    }
    return 0;
}
