/* tests/oci_tests.py: answers every TCP connection on port 8080 with one line, then
 * closes it; runs until a signal ends it (no handler: SIGTERM ends it with 143).
 * With "ignore-term" it ignores SIGTERM (only SIGKILL ends it); with "fetch ADDR" it
 * is the client instead: prints what ADDR:8080 answers. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int fetch(const char *addr) {
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(8080)};
    if (s < 0 || inet_pton(AF_INET, addr, &a.sin_addr) != 1 ||
        connect(s, (struct sockaddr *)&a, sizeof a) != 0) {
        perror("connect");
        return 1;
    }
    char buf[256];
    ssize_t n;
    while ((n = read(s, buf, sizeof buf)) > 0)
        fwrite(buf, 1, (size_t)n, stdout);
    return n < 0;
}

int main(int argc, char **argv) {
    if (argc > 2 && strcmp(argv[1], "fetch") == 0)
        return fetch(argv[2]);
    if (argc > 1 && strcmp(argv[1], "ignore-term") == 0)
        signal(SIGTERM, SIG_IGN);
    int s = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(8080)};
    if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof a) != 0 || listen(s, 16) != 0) {
        perror("listen");
        return 1;
    }
    printf("listening on 8080\n");
    fflush(stdout);
    for (;;) {
        int c = accept(s, NULL, NULL);
        if (c < 0)
            continue;
        const char *msg = "hello from the guest\n";
        write(c, msg, strlen(msg));
        close(c);
    }
}
