/* getloadavg: the kernel keeps no run-queue averages, so there is no load to report.
 * glibc returns -1 when it cannot read one (no /proc/loadavg); so does this, with
 * errno ENOSYS, rather than inventing a value. */

#include <errno.h>
#include <stdlib.h>

int getloadavg(double loadavg[], int nelem)
{
    (void)loadavg;
    if (nelem < 0)
        return errno = EINVAL, -1;
    errno = ENOSYS;
    return -1;
}
