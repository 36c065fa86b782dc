/* tests/oci_tests.py: prints its arguments and GREETING, writes a line to stderr, and
 * exits with the status its first argument names ("exit=N"), or 0. With "cat" first it
 * copies standard input to standard output; with "read FILE" it prints FILE; with
 * "cpus" it prints the number of processors; with "argv0" its argv[0];
 * with "tty" which of descriptors 0, 1, 2 are terminals. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int copy(FILE *in) {
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        fwrite(buf, 1, n, stdout);
    return ferror(in) ? 1 : 0;
}

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "cat") == 0)
        return copy(stdin);
    if (argc > 2 && strcmp(argv[1], "read") == 0) {
        FILE *f = fopen(argv[2], "r");
        if (!f) {
            perror(argv[2]);
            return 1;
        }
        return copy(f);
    }
    if (argc > 1 && strcmp(argv[1], "argv0") == 0) {
        printf("%s\n", argv[0]);
        return 0;
    }
    if (argc > 1 && strcmp(argv[1], "tty") == 0) {
        printf("tty=%d%d%d\n", isatty(0), isatty(1), isatty(2));
        return 0;
    }
    if (argc > 1 && strcmp(argv[1], "cpus") == 0) {
        printf("cpus=%ld\n", sysconf(_SC_NPROCESSORS_ONLN));
        return 0;
    }
    for (int i = 1; i < argc; i++)
        printf("arg%d=%s\n", i, argv[i]);
    const char *greeting = getenv("GREETING");
    printf("GREETING=%s\n", greeting ? greeting : "(unset)");
    fflush(stdout);
    fprintf(stderr, "to stderr\n");
    if (argc > 1 && strncmp(argv[1], "exit=", 5) == 0)
        return atoi(argv[1] + 5);
    return 0;
}
