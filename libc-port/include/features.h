/* Eremit (libc-port/include): <features.h> is glibc's; the host's libstdc++ headers,
   which x86_64-hermit-g++ uses, include it.  Here it is newlib's feature macros, and
   glibc version checks are false.  */

#ifndef _EREMIT_FEATURES_H
#define _EREMIT_FEATURES_H

#include <sys/features.h>

#ifndef __GLIBC_PREREQ
#define __GLIBC_PREREQ(major, minor) 0
#endif

#endif /* _EREMIT_FEATURES_H */
