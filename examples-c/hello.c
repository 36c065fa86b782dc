/* Hello: arguments, environment, and the exit code of main. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    printf("Hello from C on Eremit!\n");
    for (int i = 1; i < argc; i++)
        printf("argv[%d] = \"%s\"\n", i, argv[i]);
    const char *greeting = getenv("GREETING");
    if (greeting != NULL)
        printf("GREETING = \"%s\"\n", greeting);
    /* `hello exit N` ends with status N. */
    if (argc == 3 && strcmp(argv[1], "exit") == 0)
        return atoi(argv[2]);
    return 0;
}
