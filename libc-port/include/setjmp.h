/* Eremit (libc-port/include): newlib's <setjmp.h> plus the POSIX names newlib defines only
   for Cygwin and RTEMS: sigjmp_buf, sigsetjmp/siglongjmp and _setjmp/_longjmp.  They are
   functions (libc-port/src/setjmp.c), so that taking their address and configure checks
   work; sigsetjmp with a non-zero savemask keeps the thread's signal mask beside the
   buffer, which siglongjmp restores (docs/signals.md).  */

#ifndef _SETJMP_H_
#define _SETJMP_H_

#include "_ansi.h"
#include <machine/setjmp.h>

_BEGIN_STD_C

#ifdef __GNUC__
void	longjmp (jmp_buf __jmpb, int __retval)
			__attribute__ ((__noreturn__));
#else
void	longjmp (jmp_buf __jmpb, int __retval);
#endif
int	setjmp (jmp_buf __jmpb);

#if __POSIX_VISIBLE
typedef jmp_buf sigjmp_buf;
#ifdef __GNUC__
int	sigsetjmp (sigjmp_buf __env, int __savemask) __attribute__ ((__returns_twice__));
void	siglongjmp (sigjmp_buf __env, int __retval) __attribute__ ((__noreturn__));
#else
int	sigsetjmp (sigjmp_buf __env, int __savemask);
void	siglongjmp (sigjmp_buf __env, int __retval);
#endif
#endif

#if __XSI_VISIBLE || __BSD_VISIBLE
#ifdef __GNUC__
int	_setjmp (jmp_buf __env) __attribute__ ((__returns_twice__));
void	_longjmp (jmp_buf __env, int __retval) __attribute__ ((__noreturn__));
#else
int	_setjmp (jmp_buf __env);
void	_longjmp (jmp_buf __env, int __retval);
#endif
#endif

_END_STD_C

#endif /* _SETJMP_H_ */
