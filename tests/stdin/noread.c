/* noread: a program that never reads its standard input. Run as
 * `(eremit run noread; cat) < file`, the `cat` after it must still get all of the file:
 * eremit reads its stdin only once the application asks for it. */
#include <stdio.h>

int main(void) {
    puts("not reading stdin");
    return 0;
}
