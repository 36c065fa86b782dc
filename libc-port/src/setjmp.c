/* sigsetjmp/siglongjmp and _setjmp/_longjmp (POSIX, XSI) on newlib's setjmp and longjmp.
 *
 * sigjmp_buf is newlib's jmp_buf (include/setjmp.h), whose 8 words setjmp fills, so the
 * mask sigsetjmp(env, savemask != 0) saves is kept beside it: in a small table per
 * thread, by the buffer's address. siglongjmp restores the mask saved for its buffer
 * before it jumps, as Linux does (so a jump out of a handler unblocks the handler's
 * signal); sigsetjmp(env, 0) forgets the buffer. A thread keeps the masks of its last
 * SAVED buffers (older ones are forgotten: a jump to one then leaves the mask alone).
 *
 * sigsetjmp is assembly (ARCH/sigsetjmp.c): it records the mask, then jumps (not calls)
 * to setjmp, so that setjmp saves the caller's frame and return address. */

#include <setjmp.h>
#include <signal.h>
#include <stdint.h>

#define SAVED 16

uint64_t __eremit_signal_mask(void); /* signal.c */

static __thread struct {
    const void *env;
    uint64_t mask;
} saved[SAVED];
static __thread unsigned next_slot;

static int slot_of(const void *env)
{
    for (int i = 0; i < SAVED; i++)
        if (saved[i].env == env)
            return i;
    return -1;
}

/* Called by sigsetjmp before setjmp. */
void __eremit_sigsetjmp_record(const void *env, int savemask)
{
    int i = slot_of(env);
    if (!savemask) {
        if (i >= 0)
            saved[i].env = NULL;
        return;
    }
    if (i < 0) {
        i = (int)(next_slot++ % SAVED);
        saved[i].env = env;
    }
    saved[i].mask = __eremit_signal_mask();
}

void siglongjmp(sigjmp_buf env, int value)
{
    int i = slot_of(env);
    if (i >= 0) {
        sigset_t mask = (sigset_t)saved[i].mask;
        sigprocmask(SIG_SETMASK, &mask, NULL);
    }
    longjmp(env, value);
}
