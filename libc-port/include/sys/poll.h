/* Eremit (libc-port/include) */
#include <poll.h>
