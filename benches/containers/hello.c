/* The container benchmark's program (benches/drivers/bench_containers.py): built static
 * for a native container and for Eremit, it prints one line, which each run checks. */
#include <stdio.h>

int main(void) {
    puts("hello from a container");
    return 0;
}
