/* reliability: memory=17M net=user
 *
 * Sockets with the heap all but full (issue 13, item 8: listen() at --memory 17M
 * panicked the kernel allocating 128 KiB for its listening sockets). With the heap
 * taken, socket, bind and listen either work or fail with ENOMEM/ENOBUFS; the kernel
 * never panics; once memory is back everything works. Natively the heap is taken up to
 * 64 MiB only (nothing runs short), so the printed answers are the same. */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define CAP_BLOCKS 1024 /* 64 MiB of 64 KiB blocks */

static void *blocks[CAP_BLOCKS * 17];
static int held;

/* Takes the heap: 64 KiB blocks, then 4 KiB ones, until malloc fails or the cap. */
static void take_heap(void) {
    while (held < CAP_BLOCKS && (blocks[held] = malloc(64 * 1024)) != NULL)
        held++;
    int small = 0;
    while (small < CAP_BLOCKS * 16 && (blocks[held] = malloc(4 * 1024)) != NULL) {
        held++;
        small++;
    }
}

static void give_back(void) {
    while (held > 0)
        free(blocks[--held]);
}

/* "ok" for success or a memory error, else the error. */
static const char *answer(int r) {
    if (r >= 0 || errno == ENOMEM || errno == ENOBUFS)
        return "ok";
    return strerror(errno);
}

static int bound_socket(int type) {
    int s = socket(AF_INET, type, 0);
    if (s < 0)
        return s;
    struct sockaddr_in a = {.sin_family = AF_INET};
    if (bind(s, (struct sockaddr *)&a, sizeof a) < 0) {
        int e = errno;
        close(s);
        errno = e;
        return -1;
    }
    return s;
}

int main(void) {
    take_heap();
    int t = bound_socket(SOCK_STREAM);
    printf("TCP socket and bind with the heap full: %s\n", answer(t));
    if (t >= 0) {
        printf("listen with the heap full: %s\n", answer(listen(t, 128)));
        fcntl(t, F_SETFL, O_NONBLOCK);
        int c = accept(t, NULL, NULL);
        printf("accept with nothing waiting: %s\n", c < 0 && errno == EAGAIN ? "EAGAIN" : "unexpected");
        close(t);
    } else {
        printf("listen with the heap full: ok\naccept with nothing waiting: EAGAIN\n");
    }
    int u = bound_socket(SOCK_DGRAM);
    printf("UDP socket and bind with the heap full: %s\n", answer(u));
    if (u >= 0)
        close(u);
    give_back();
    t = bound_socket(SOCK_STREAM);
    printf("listen after the heap came back: %d\n", t >= 0 ? listen(t, 128) : -1);
    u = bound_socket(SOCK_DGRAM);
    printf("UDP bind after the heap came back: %s\n", u >= 0 ? "0" : strerror(errno));
    return 0;
}
