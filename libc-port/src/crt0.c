/* Start-up: the kernel calls runtime_entry(argc, argv, envp) on the main thread, with
 * its TLS set up, and never expects it to return.
 *
 * runtime_entry is weak: Rust's std defines it too, and in a program that has both, std's
 * start-up wins (mixed programs are not supported yet). */

#include <stdlib.h>
#include <unistd.h>

extern char **environ;
extern int main(int argc, char **argv, char **envp);
extern void __libc_init_array(void);
extern void __libc_fini_array(void);
extern void __eremit_libc_main_thread(void);

__attribute__((weak, noreturn)) void runtime_entry(int argc, char **argv, char **envp)
{
    __eremit_libc_main_thread();
    environ = envp;
    /* Destructors (.fini_array) run after the program's atexit handlers, as on Linux. */
    atexit(__libc_fini_array);
    __libc_init_array();
    exit(main(argc, argv, envp));
}

/* The handle __cxa_atexit records for the program's own destructors (C++ static objects);
 * gcc's crtbegin.o defines it on Linux. */
void *__dso_handle = &__dso_handle;
