/* sigsetjmp, _setjmp and _longjmp for AArch64 (setjmp.c says why sigsetjmp is assembly):
 * record the mask with __eremit_sigsetjmp_record, then branch (not call) to newlib's
 * setjmp, with the caller's x30, frame and stack as they were at entry. */

__asm__(".text\n"
        ".globl sigsetjmp\n.type sigsetjmp, %function\nsigsetjmp:\n"
        /* env (x0) and the return address (x30) survive the call in a 16-byte-aligned
         * frame of their own, popped before the branch. */
        "\tstp x0, x30, [sp, #-16]!\n"
        "\tbl __eremit_sigsetjmp_record\n"
        "\tldp x0, x30, [sp], #16\n"
        "\tb setjmp\n"
        ".size sigsetjmp, . - sigsetjmp\n"
        ".globl _setjmp\n.type _setjmp, %function\n_setjmp:\n\tb setjmp\n"
        ".size _setjmp, . - _setjmp\n"
        ".globl _longjmp\n.type _longjmp, %function\n_longjmp:\n\tb longjmp\n"
        ".size _longjmp, . - _longjmp\n");
