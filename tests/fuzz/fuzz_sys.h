/* The system-call fuzzer's calls (fuzz_sys_*.c, one file a family of calls): what each
 * file shares. Only <hermit/syscall.h> and fuzz.h: the hermit header defines its own
 * struct stat, struct timespec, ... and cannot meet the C library's headers. */

#ifndef EREMIT_FUZZ_SYS_H
#define EREMIT_FUZZ_SYS_H

#include <hermit/syscall.h>

#include "fuzz.h"

/* A call of sys_NAME with adversarial arguments; its result as a long. */
#define CALL(name) long call_##name(struct fz *f __attribute__((unused)))

/* A sockaddr: bad pointer, or the thread's memory holding an IPv4 loopback address (or
 * garbage) with a length that fits (fuzz_sys_net.c; sendto and recvfrom use it too). */
const struct sockaddr *fz_address(struct fz *f, socklen_t *len, uint8_t *stack);

/* Every call, for the declarations here and the table in fuzz_sys.c. */
#define FZ_SYS_CALLS(X) \
    X(accept) X(access) X(add_queue) X(alloc) X(alloc_zeroed) X(available_parallelism) \
    X(bind) X(block_current_task) X(block_current_task_with_timeout) X(chdir) X(clock_gettime) \
    X(close) X(connect) X(dealloc) X(destroy_queue) X(dup) X(dup2) X(errno) X(eventfd) \
    X(fault_entry) X(fcntl) X(free) X(freeaddrinfo) X(fstat) X(fsync) X(ftruncate) \
    X(futex_wait) X(futex_wake) X(get_errno) X(get_priority) X(get_processor_count) \
    X(image_start_addr) X(getaddrbyname) X(getaddrinfo) X(getcwd) X(getdents64) X(getpagesize) \
    X(getpeername) X(getpid) X(gettid) X(getsockname) X(getsockopt) X(init_queue) \
    X(ioctl) X(isatty) X(join) X(listen) X(lseek) X(lstat) X(malloc) X(mkdir) X(mmap) \
    X(chmod) X(fchmod) X(flock) X(lock) X(link) X(symlink) X(readlink) X(statvfs) \
    X(fstatvfs) X(utimensat) X(futimens) X(mprotect) X(munmap) X(nanosleep) X(network_init) \
    X(notify) X(open) X(opendir) X(pipe2) X(poll) X(pread) X(pwrite) X(read) X(read_entropy) \
    X(readv) X(realloc) X(recv) X(recvfrom) X(rename) X(rmdir) X(sem_destroy) X(sem_init) \
    X(sem_post) X(sem_timedwait) X(sem_trywait) X(send) X(sendto) X(set_priority) \
    X(setsockopt) X(shutdown) X(shutdown_socket) X(signal_notify) X(signal_pending) \
    X(signal_subscribe) X(signal_wait_external) X(socket) X(spawn) X(spawn2) X(stat) \
    X(truncate) X(umask) X(unlink) X(usleep) X(wait) X(wakeup_taskt) X(write) X(writev) \
    X(yield)

#define FZ_DECLARE(name) CALL(name);
FZ_SYS_CALLS(FZ_DECLARE)
#undef FZ_DECLARE

#endif
