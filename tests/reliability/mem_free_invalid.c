/* free() of a pointer malloc never returned (a stack address) aborts, as glibc does
 * ("free(): invalid pointer" on stderr, SIGABRT: exit status 134). */
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
    char *ok = malloc(100);
    free(ok);
    printf("valid free done\n");
    fflush(stdout);
    long on_stack[8] = {0};
    void *volatile not_from_malloc = &on_stack[4]; /* hidden from gcc's own warning */
    free(not_from_malloc);
    printf("invalid free returned\n");
    return 0;
}
