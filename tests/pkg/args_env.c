/* The program the OCI image tests pack (tests/pkg_tests.py) and the container benchmark
 * runs (benches/drivers/bench_containers.py): prints its arguments and one variable of
 * its environment, then exits with 3, so that a container run shows that arguments,
 * environment, output and exit status all got through. */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    for (int i = 1; i < argc; i++)
        printf("arg %d: %s\n", i, argv[i]);
    const char *greeting = getenv("GREETING");
    printf("GREETING=%s\n", greeting ? greeting : "(unset)");
    return 3;
}
