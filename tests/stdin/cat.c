/* cat: copies standard input to standard output with read(2) and write(2), as the
 * simplest program that reads its input would. */
#include <stdio.h>
#include <unistd.h>

int main(void) {
    static char buf[65536];
    for (;;) {
        ssize_t n = read(0, buf, sizeof buf);
        if (n < 0) {
            perror("read");
            return 1;
        }
        if (n == 0)
            return 0;
        for (ssize_t done = 0; done < n;) {
            ssize_t w = write(1, buf + done, (size_t)(n - done));
            if (w <= 0) {
                perror("write");
                return 1;
            }
            done += w;
        }
    }
}
