/* A server that closes first, for net-c/close-tap: it serves COUNT connections one
 * after another (reads a request line, answers "ok", closes), then stays a second so
 * that the last connection finishes its close, and exits with 0. Its client reads to the
 * end of file and closes then: the client's FIN reaches a connection the server closed
 * (FIN-WAIT-2, then TIME-WAIT), whose ACK the client waits for. Builds on Linux as is.
 *
 *   close_first ADDRESS PORT COUNT
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: close_first ADDRESS PORT COUNT\n");
        return 2;
    }
    int count = atoi(argv[3]);
    int one = 1;
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short)atoi(argv[2]));
    int l = socket(AF_INET, SOCK_STREAM, 0);
    if (l < 0 || inet_pton(AF_INET, argv[1], &a.sin_addr) != 1
        || setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0
        || bind(l, (struct sockaddr *)&a, sizeof a) < 0 || listen(l, 16) < 0) {
        perror("close_first: listen");
        return 1;
    }
    printf("close_first: listening\n");
    fflush(stdout);
    for (int i = 0; i < count; i++) {
        int fd = accept(l, NULL, NULL);
        if (fd < 0) {
            perror("close_first: accept");
            return 1;
        }
        char c = 0;
        while (c != '\n' && read(fd, &c, 1) == 1)
            ;
        if (write(fd, "ok\n", 3) != 3) {
            perror("close_first: write");
            return 1;
        }
        close(fd);
    }
    sleep(1);
    printf("close_first: served %d\n", count);
    return 0;
}
