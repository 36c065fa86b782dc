/* Per-thread newlib state.  newlib's headers define __DYNAMIC_REENT__ for hermit, so
 * errno, strtok's state, rand's seed, ... live in the struct _reent that __getreent()
 * returns: the global one for the main thread (set by runtime_entry), a thread-local one,
 * set up on first use, for every other thread.  stdio streams and atexit handlers are
 * global (_REENT_GLOBAL_STDIO_STREAMS, _REENT_GLOBAL_ATEXIT). */

#include <reent.h>
#include <stdio.h>
#include <string.h>

#include "port.h"

static __thread struct _reent *current;
static __thread struct _reent own;

struct _reent *__getreent(void)
{
    struct _reent *r = current;
    if (__builtin_expect(r != NULL, 1))
        return r;
    r = &own;
    _REENT_INIT_PTR(r);
    current = r;
    return r;
}

/* The main thread uses newlib's global struct _reent. */
void __eremit_libc_main_thread(void)
{
    current = _GLOBAL_REENT;
}

/* The POSIX layer calls this as a thread ends (after its TLS destructors): frees what
 * newlib allocated for the thread (number formatting buffers, localtime's, ...) and the
 * thread's malloc cache. */
void __posix_thread_exit_hook(void)
{
    if (current == &own)
        _reclaim_reent(&own);
    current = NULL;
    /* Last: reclaiming the reent frees blocks into the cache. */
    __eremit_malloc_thread_exit();
}

/* Called by the kernel as any application thread ends (a weak reference there), after
 * its own code returned: the POSIX layer ran the hook above already for pthreads (this
 * second run frees what its last steps cached); Rust's std threads in a mixed program
 * that called C code get their malloc cache and newlib state back only here. */
void __eremit_thread_exit_hook(void)
{
    __posix_thread_exit_hook();
}

/* Called by the kernel's sys_exit (a weak reference there): when Rust's std ends a mixed
 * program it calls sys_exit directly, bypassing exit(), so C stdio would not be flushed.
 * Runs once; after exit() has cleaned up, the flush finds nothing left to write. */
void __eremit_exit_hook(int status)
{
    static volatile int done;
    (void)status;
    if (__atomic_exchange_n(&done, 1, __ATOMIC_SEQ_CST))
        return;
    fflush(NULL);
}
