/* getauxval: Eremit passes no auxiliary vector.  libgcc's out-of-line atomics (which the
 * wrappers turn off with -mno-outline-atomics, but an object built elsewhere may use)
 * ask __getauxval(AT_HWCAP) whether the CPU has LSE; 0 with ENOENT, Linux's answer for an
 * entry that is not there, makes them use load/store-exclusive, which every AArch64 CPU
 * has. */

#include <errno.h>

unsigned long __getauxval(unsigned long type)
{
    (void)type;
    errno = ENOENT;
    return 0;
}

unsigned long getauxval(unsigned long type) { return __getauxval(type); }
