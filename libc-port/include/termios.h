/* Eremit (libc-port/include): <termios.h> is <sys/termios.h>, as newlib lays it out.  */
#include <sys/termios.h>
