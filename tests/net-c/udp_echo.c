/* A UDP echo server for `--forward udp:HOST:GUEST` (tests/net_c_tests.py): answers each
 * datagram on PORT with "echo:" + its bytes, COUNT times, then exits 0.
 *
 *   udp-echo PORT COUNT */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: udp-echo PORT COUNT\n");
        return 2;
    }
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((unsigned short)atoi(argv[1]))};
    if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof a) < 0) {
        perror("udp-echo: bind");
        return 1;
    }
    printf("listening on udp %s\n", argv[1]);
    fflush(stdout);
    for (int n = atoi(argv[2]); n > 0; n--) {
        char buf[2048], out[2048 + 5];
        struct sockaddr_in from;
        socklen_t len = sizeof from;
        ssize_t k = recvfrom(s, buf, sizeof buf, 0, (struct sockaddr *)&from, &len);
        if (k < 0) {
            perror("udp-echo: recvfrom");
            return 1;
        }
        memcpy(out, "echo:", 5);
        memcpy(out + 5, buf, (size_t)k);
        if (sendto(s, out, (size_t)k + 5, 0, (struct sockaddr *)&from, len) < 0) {
            perror("udp-echo: sendto");
            return 1;
        }
    }
    printf("served\n");
    return 0;
}
