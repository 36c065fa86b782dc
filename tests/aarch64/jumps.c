/* setjmp/longjmp (newlib's AArch64 assembly), _setjmp/_longjmp, and sigsetjmp/siglongjmp
 * (libc-port's per-architecture trampoline): a jump out of a signal handler restores the
 * mask sigsetjmp saved, as on Linux. */
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>

static sigjmp_buf senv;
static jmp_buf env;

static void handler(int sig) { siglongjmp(senv, sig); }

static int deep(int n)
{
    if (n == 0)
        longjmp(env, 7);
    return deep(n - 1) + 1;
}

int main(void)
{
    volatile int rounds = 0;
    int r = setjmp(env);
    if (r == 0)
        deep(10);
    printf("longjmp returned %d\n", r);
    if ((r = _setjmp(env)) == 0)
        _longjmp(env, 0); /* 0 comes back as 1 */
    printf("_longjmp returned %d\n", r);

    struct sigaction sa = {0};
    sa.sa_handler = handler;
    sigaction(SIGUSR1, &sa, NULL);
    for (int i = 0; i < 3; i++) {
        r = sigsetjmp(senv, 1);
        if (r == 0) {
            raise(SIGUSR1);
            printf("not reached\n");
        }
        sigset_t now;
        sigprocmask(SIG_BLOCK, NULL, &now);
        rounds++;
        printf("round %d: siglongjmp returned %d, SIGUSR1 blocked: %d\n", rounds, r, sigismember(&now, SIGUSR1));
    }
    return rounds;
}
