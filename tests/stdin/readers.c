/* readers: two threads blocked in read(0) at once, and the main thread in poll(0). The
 * host writes a line, waits until the program reports it, writes another, then closes:
 * every line must be read by exactly one reader, each reader must then see end of file,
 * and the poller must wake. Lines are printed as "got ..." (in either order); "ready"
 * once the readers had time to block. */
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static pthread_mutex_t out = PTHREAD_MUTEX_INITIALIZER;

static void *reader(void *arg) {
    (void)arg;
    char buf[64];
    ssize_t n;
    while ((n = read(0, buf, sizeof buf)) > 0) {
        pthread_mutex_lock(&out);
        printf("got %.*s", (int)n, buf);
        fflush(stdout);
        pthread_mutex_unlock(&out);
    }
    pthread_mutex_lock(&out);
    printf("reader: %s\n", n == 0 ? "end of file" : "error");
    fflush(stdout);
    pthread_mutex_unlock(&out);
    return NULL;
}

int main(void) {
    pthread_t t[2];
    for (int i = 0; i < 2; i++)
        pthread_create(&t[i], NULL, reader, NULL);
    usleep(200 * 1000);
    printf("ready\n");
    fflush(stdout);
    struct pollfd p = {.fd = 0, .events = POLLIN};
    int r = poll(&p, 1, 60000);
    pthread_mutex_lock(&out);
    printf("poller woke: %d\n", r);
    fflush(stdout);
    pthread_mutex_unlock(&out);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    return 0;
}
