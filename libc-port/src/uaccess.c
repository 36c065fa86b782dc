/* Checks of the application's pointers for wrappers that read them on this side of a
 * system call (see __eremit_user_ok in port.h). */

#include <string.h>

#include "port.h"

/* Page by page, so that only bytes before a bad one are read. */
int __eremit_user_string_ok(const char *s, size_t max)
{
    while (max > 0) {
        size_t in_page = 4096 - ((uintptr_t)s & 4095);
        size_t n = in_page < max ? in_page : max;
        if (!__eremit_user_ok(s, n, 0))
            return 0;
        if (memchr(s, 0, n) != NULL)
            return 1;
        s += n;
        max -= n;
    }
    return 0;
}
