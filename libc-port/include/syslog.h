/* Eremit (libc-port/include): <syslog.h> is <sys/syslog.h>, as in glibc.  */
#include <sys/syslog.h>
