/* C through newlib: arguments, the environment, stdio formatting (long long, double,
 * long double), the exit code. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    printf("hello, world\n");
    for (int i = 1; i < argc; i++)
        printf("argv[%d] = %s\n", i, argv[i]);
    const char *greeting = getenv("GREETING");
    printf("GREETING = %s\n", greeting ? greeting : "(unset)");
    printf("%lld %.17g %.6Lf %s\n", 1LL << 40, 0.1 + 0.2, 2.0L / 3, strerror(2));
    fflush(stdout);
    fprintf(stderr, "to stderr\n");
    return 42;
}
