/* sigsetjmp, _setjmp and _longjmp for x86-64 (setjmp.c says why sigsetjmp is assembly):
 * record the mask with __eremit_sigsetjmp_record, then jump to newlib's setjmp. */

__asm__(".text\n"
        ".globl sigsetjmp\n.type sigsetjmp, @function\nsigsetjmp:\n"
        /* env survives the call on the stack, which is then as it was at entry (and
         * 16-byte aligned at the call). */
        "\tpushq %rdi\n"
        "\tcall __eremit_sigsetjmp_record\n"
        "\tpopq %rdi\n"
        "\tjmp setjmp\n"
        ".size sigsetjmp, . - sigsetjmp\n"
        ".globl _setjmp\n.type _setjmp, @function\n_setjmp:\n\tjmp setjmp\n"
        ".size _setjmp, . - _setjmp\n"
        ".globl _longjmp\n.type _longjmp, @function\n_longjmp:\n\tjmp longjmp\n"
        ".size _longjmp, . - _longjmp\n");
