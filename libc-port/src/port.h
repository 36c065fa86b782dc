/* Internal helpers of Eremit's C library layer (libc-port/src). */

#ifndef EREMIT_LIBC_PORT_H
#define EREMIT_LIBC_PORT_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>

#include "hermit-abi.h"

/* ioctl(FIONBIO) and ioctl(FIONREAD), Linux's request numbers (io.c's ioctl calls this
 * for them; socket.c). */
int __eremit_socket_ioctl(int fd, unsigned long request, void *argp);

/* newlib's errno value for the kernel's (Linux) errno value. */
int __hermit_errno(int linux_errno);

/* A system call's result: negative values are -errno (Linux); they set errno and
 * become -1. */
static inline long __hermit_ret(long r)
{
    if (r < 0) {
        errno = __hermit_errno((int)-r);
        return -1;
    }
    return r;
}

/* signal.c: after a kernel call returned -EINTR (a signal was posted to the thread),
 * runs its pending handlers; 1 if the call should be made again (no handler ran, or
 * every one had SA_RESTART and the call is `restartable`), 0 if it fails with EINTR. */
int __eremit_signal_interrupted(int restartable);

/* A blocking kernel call `call` (an expression) that a signal may interrupt: on -EINTR
 * the handlers run and the call is made again as __eremit_signal_interrupted says.
 * Restartable calls are Linux's SA_RESTART list (read, write, accept, recv, send...);
 * poll, select, sleeps and connect are not (docs/signals.md). */
#define __hermit_interruptible(restartable, call)                                       \
    __extension__({                                                                     \
        long __r;                                                                       \
        do                                                                              \
            __r = (long)(call);                                                         \
        while (__r == -HERMIT_EINTR && __eremit_signal_interrupted(restartable));       \
        __r;                                                                            \
    })
#define __hermit_restartable(call) __hermit_interruptible(1, call)

static inline int __hermit_fail(int e)
{
    errno = e;
    return -1;
}

/* The kernel's system-call boundary (kernel/src/syscalls/uaccess.rs): 0 if LEN bytes at
 * P may be handed to the kernel (written, when WRITE is non-zero), else -EFAULT. */
int eremit_check_user_memory(const void *p, size_t len, int write) __attribute__((weak));

/* For wrappers that convert a structure on this side of the call: whether the
 * application's P (LEN bytes) is its memory, so that a bad pointer fails with EFAULT, as
 * Linux's system call would, instead of faulting here or writing memory that is not the
 * program's. */
static inline int __eremit_user_ok(const void *p, size_t len, int write)
{
    if (eremit_check_user_memory)
        return eremit_check_user_memory(p, len, write) == 0;
    return p != NULL;
}

/* uaccess.c: whether S is a readable NUL-terminated string (within MAX bytes). */
int __eremit_user_string_ok(const char *s, size_t max);

/* termios.c: TIOCGWINSZ and TIOCSWINSZ on the console. */
int __eremit_tty_ioctl(int fd, unsigned long request, void *arg);

/* Struct conversions between the ABI and newlib. */
void __hermit_stat_from_abi(struct stat *st, const struct hermit_stat *h);
int __hermit_timespec_to_abi(struct hermit_timespec *h, const struct timespec *ts);

/* open(2) flags: newlib's values to the kernel's and back. */
int __hermit_oflags_to_abi(int flags);
int __hermit_oflags_from_abi(int flags);

/* mman.c: MAP_SHARED file mappings kept coherent with reads, writes and truncation of
 * their file.  __eremit_mapped_io's OFF is the file offset of the transfer, or -1 when it
 * was at the descriptor's position. */
/* lock.c: a futex lock word (0 free, 1 held, 2 held with waiters). */
void __eremit_word_lock(uint32_t *w);
void __eremit_word_unlock(uint32_t *w);

/* malloc.c: gives the calling thread's cached blocks back to the kernel heap. */
void __eremit_malloc_thread_exit(void);

/* The image's path as the program was started with it (argv[0]), for readlink of
 * /proc/self/exe; set by crt0, NULL when C's start-up did not run (a Rust main). */
extern const char *__eremit_program_path;

extern int __eremit_shared_maps;
void __eremit_mapped_io(int fd, off_t off, const struct iovec *iov, int iovcnt, size_t done,
                        int wrote);
void __eremit_mapped_truncate(int fd, const char *path, off_t length);

static inline long __eremit_mapped(int fd, off_t off, const void *buf, long n, int wrote)
{
    if (n > 0 && __atomic_load_n(&__eremit_shared_maps, __ATOMIC_ACQUIRE) > 0) {
        struct iovec v = {(void *)buf, (size_t)n};
        __eremit_mapped_io(fd, off, &v, 1, (size_t)n, wrote);
    }
    return n;
}

#define HIDDEN __attribute__((visibility("hidden")))
/* The same function under a second name (newlib calls some system calls as _name). */
#define ALIAS(name, other) __typeof__(name) other __attribute__((alias(#name)))

#endif
