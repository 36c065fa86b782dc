/* sigsetjmp/siglongjmp and _setjmp/_longjmp (POSIX, XSI): newlib's setjmp and longjmp.
 * sigsetjmp does not save the signal mask yet (signal.c keeps one per thread: a
 * siglongjmp out of a handler leaves the handler's signal blocked; SIGNALS-STATUS.md).
 * They jump, not call, so that setjmp saves the caller's frame and return address. */

__asm__(".text\n"
        ".globl sigsetjmp\n.type sigsetjmp, @function\nsigsetjmp:\n\tjmp setjmp\n"
        ".size sigsetjmp, . - sigsetjmp\n"
        ".globl _setjmp\n.type _setjmp, @function\n_setjmp:\n\tjmp setjmp\n"
        ".size _setjmp, . - _setjmp\n"
        ".globl siglongjmp\n.type siglongjmp, @function\nsiglongjmp:\n\tjmp longjmp\n"
        ".size siglongjmp, . - siglongjmp\n"
        ".globl _longjmp\n.type _longjmp, @function\n_longjmp:\n\tjmp longjmp\n"
        ".size _longjmp, . - _longjmp\n");
