/* flockfile, ftrylockfile, funlockfile (POSIX): newlib 3.3.0 declares them but builds them
 * only for Cygwin.  A FILE's lock is the recursive lock newlib's own stdio functions take
 * (_flockfile; libc-port/src/lock.c), so a program's lock keeps other threads' printf
 * calls out, as POSIX requires.  The standard streams get their locks on first use
 * (__sinit), so that happens here first. */

#include <stdio.h>
#include <sys/lock.h>
#include <sys/reent.h>

#include "port.h"

void __sinit(struct _reent *);

static void init_stdio(void)
{
    struct _reent *r = _REENT;
    if (r != NULL && !r->__sdidinit)
        __sinit(r);
}

void flockfile(FILE *fp)
{
    init_stdio();
    _flockfile(fp);
}

int ftrylockfile(FILE *fp)
{
    init_stdio();
    if (fp->_flags & __SSTR)
        return 0; /* a string stream (sprintf's): it has no lock */
    /* libc-port's __retarget_lock_try_acquire_recursive: nonzero when acquired. */
    return __lock_try_acquire_recursive(fp->_lock) ? 0 : -1;
}

void funlockfile(FILE *fp)
{
    _funlockfile(fp);
}
