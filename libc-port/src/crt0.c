/* Start-up: the kernel calls runtime_entry(argc, argv, envp) on the main thread, with
 * its TLS set up, and never expects it to return.
 *
 * runtime_entry is weak: Rust's std defines it too, and in a Rust program linking C code
 * (libc.a, without this file) std's start-up is the only one. */

#include <stdlib.h>
#include <unistd.h>

#include "port.h"

extern char **environ;
extern int main(int argc, char **argv, char **envp);
extern void __libc_init_array(void);
extern void __libc_fini_array(void);
extern void __eremit_libc_main_thread(void);

/* A C program linked with a Rust staticlib: std's start-up (which sets up std's
 * environment) renamed by `objcopy --redefine-sym runtime_entry=__eremit_std_runtime_entry
 * --redefine-sym main=__eremit_std_main` (examples-c/rust-lib/build.sh).  It runs after
 * the C library's set-up and calls back __eremit_std_main, which runs the C main and
 * exits through exit() (atexit handlers, stdio flushed); link with
 * -Wl,-u,__eremit_std_runtime_entry, as a weak reference pulls nothing from an archive. */
extern void __eremit_std_runtime_entry(int argc, char **argv, char **envp) __attribute__((weak));

__attribute__((noreturn)) void __eremit_std_main(long argc, char **argv)
{
    exit(main((int)argc, argv, environ));
}

__attribute__((weak, noreturn)) void runtime_entry(int argc, char **argv, char **envp)
{
    __eremit_libc_main_thread();
    __eremit_program_path = argc > 0 ? argv[0] : NULL;
    environ = envp;
    /* Destructors (.fini_array) run after the program's atexit handlers, as on Linux. */
    atexit(__libc_fini_array);
    __libc_init_array();
    if (__eremit_std_runtime_entry)
        __eremit_std_runtime_entry(argc, argv, envp);
    exit(main(argc, argv, envp));
}

/* The handle __cxa_atexit records for the program's own destructors (C++ static objects);
 * gcc's crtbegin.o defines it on Linux. */
void *__dso_handle = &__dso_handle;
