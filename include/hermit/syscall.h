/* The hermit system-call ABI (hermit-abi 0.5) as exported by the Eremit kernel.
 * Calls return a negative errno (the E* values below) on failure and also set the calling
 * task's errno (sys_get_errno). This header defines its own struct stat, struct timespec,
 * E*, CLOCK_*, ...: include it instead of the C library's headers for those, not with them. */

#ifndef HERMIT_SYSCALL_H
#define HERMIT_SYSCALL_H

/* Generated from kernel/src by cbindgen (kernel/cbindgen.toml); do not edit.
 * Regenerate with scripts/gen-header.sh. */

#include <stdint.h>
#include <stddef.h>

#define EAGAIN 11

#define EBADF 9

#define EDEADLK 35

#define EFAULT 14

#define EINTR 4

#define EINVAL 22

#define EIO 5

#define ENOENT 2

#define ENOMEM 12

#define ENOSYS 38

#define EPERM 1

#define ESPIPE 29

#define ESRCH 3

#define ETIMEDOUT 110

#define SEEK_SET 0

#define STDERR_FILENO 2

#define STDIN_FILENO 0

#define STDOUT_FILENO 1

#define S_IFCHR 8192

struct Topology;

/**
 * Generic socket address.
 */
struct sockaddr {
  uint8_t sa_len;
  uint8_t sa_family;
  char sa_data[14];
};

typedef uint32_t socklen_t;

typedef int32_t clockid_t;

typedef int64_t time_t;

/**
 * A point or span of time (note the 32-bit nanoseconds of this ABI).
 */
struct timespec {
  time_t tv_sec;
  int32_t tv_nsec;
};

/**
 * Address information returned by `sys_getaddrinfo`.
 */
struct addrinfo {
  int32_t ai_flags;
  int32_t ai_family;
  int32_t ai_socktype;
  int32_t ai_protocol;
  socklen_t ai_addrlen;
  char *ai_canonname;
  struct sockaddr *ai_addr;
  struct addrinfo *ai_next;
};

/**
 * File status, as `sys_stat`/`sys_fstat` fill it.
 */
struct stat {
  uint64_t st_dev;
  uint64_t st_ino;
  uint64_t st_nlink;
  uint32_t st_mode;
  uint32_t st_uid;
  uint32_t st_gid;
  uint64_t st_rdev;
  int64_t st_size;
  int64_t st_blksize;
  int64_t st_blocks;
  struct timespec st_atim;
  struct timespec st_mtim;
  struct timespec st_ctim;
};

/**
 * Directory entry filled by `sys_getdents64`.
 */
struct dirent64 {
  uint64_t d_ino;
  int64_t d_off;
  uint16_t d_reclen;
  uint8_t d_type;
  char d_name[256];
};

/**
 * Thread id.
 */
typedef uint32_t Tid;

/**
 * One entry for `sys_poll`.
 */
struct pollfd {
  int32_t fd;
  int16_t events;
  int16_t revents;
};

typedef size_t nfds_t;

/**
 * Scatter/gather buffer.
 */
struct iovec {
  void *iov_base;
  size_t iov_len;
};

typedef const void *sem_t;

#define CLOCK_MONOTONIC 4

#define CLOCK_REALTIME 1



#ifdef __cplusplus
extern "C" {
#endif // __cplusplus

/**
 * `abort()`, also the end of a panicking Rust program: a backtrace, then the exit code
 * a shell shows for SIGABRT (134).
 */
void sys_abort(void) __attribute__((noreturn));

int32_t sys_accept(int32_t s, struct sockaddr *addr, socklen_t *addrlen);

int32_t sys_add_queue(size_t id, int64_t timeout_ns);

uint8_t *sys_alloc(size_t size, size_t align);

uint8_t *sys_alloc_zeroed(size_t size, size_t align);

size_t sys_available_parallelism(void);

int32_t sys_bind(int32_t s, const struct sockaddr *name, socklen_t namelen);

/**
 * Marks the caller blocked; it leaves the CPU at its next `sys_yield` unless
 * `sys_wakeup_taskt` comes first.
 */
void sys_block_current_task(void);

void sys_block_current_task_with_timeout(uint64_t timeout_ms);

/**
 * # Safety
 * `tp` must be valid for writing a `timespec`.
 */
int32_t sys_clock_gettime(clockid_t clockid, struct timespec *tp);

int32_t sys_close(int32_t fd);

int32_t sys_connect(int32_t s, const struct sockaddr *name, socklen_t namelen);

/**
 * # Safety
 * `ptr` must come from `sys_alloc`/`sys_malloc` with this size and alignment.
 */
void sys_dealloc(uint8_t *ptr, size_t size, size_t align);

int32_t sys_destroy_queue(size_t id);

/**
 * Duplicating descriptors needs the file-descriptor table (newlib issue).
 */
int32_t sys_dup(int32_t fd);

int32_t sys_errno(void);

int32_t sys_eventfd(uint64_t initval, int16_t flags);

void sys_exit(int32_t status) __attribute__((noreturn));

int32_t sys_fcntl(int32_t fd, int32_t cmd, int32_t arg);

/**
 * # Safety
 * As `sys_dealloc`.
 */
void sys_free(uint8_t *ptr, size_t size, size_t align);

/**
 * `sys_getaddrinfo` never returns a list yet, so there is nothing to free.
 */
void sys_freeaddrinfo(struct addrinfo *ai);

/**
 * # Safety
 * `st` must be valid for writing a `stat`.
 */
int32_t sys_fstat(int32_t fd, struct stat *st);

int32_t sys_futex_wait(uint32_t *address,
                       uint32_t expected,
                       const struct timespec *timeout,
                       uint32_t flags);

int32_t sys_futex_wake(uint32_t *address, int32_t count);

int32_t sys_get_errno(void);

uint8_t sys_get_priority(void);

size_t sys_get_processor_count(void);

int32_t sys_getaddrbyname(const char *name, uint8_t *inaddr, size_t len);

int32_t sys_getaddrinfo(const char *nodename,
                        const char *servname,
                        const struct addrinfo *hints,
                        struct addrinfo **res);

int64_t sys_getdents64(int32_t fd, struct dirent64 *dirp, size_t count);

int32_t sys_getpagesize(void);

int32_t sys_getpeername(int32_t s, struct sockaddr *name, socklen_t *namelen);

/**
 * The one process of the VM.
 */
int32_t sys_getpid(void);

int32_t sys_getsockname(int32_t s, struct sockaddr *name, socklen_t *namelen);

int32_t sys_getsockopt(int32_t s, int32_t level, int32_t optname, void *optval, socklen_t *optlen);

int32_t sys_init_queue(size_t id);

int32_t sys_ioctl(int32_t s, int32_t cmd, void *argp);

int32_t sys_join(Tid id);

int32_t sys_listen(int32_t s, int32_t backlog);

ptrdiff_t sys_lseek(int32_t fd, ptrdiff_t _offset, int32_t _whence);

int32_t sys_lstat(const char *name, struct stat *st);

uint8_t *sys_malloc(size_t size, size_t align);

int32_t sys_mkdir(const int8_t *name, uint32_t mode);

/**
 * Anonymous memory: zeroed, page-aligned, from the heap.
 */
int32_t sys_mmap(size_t size, uint32_t _prot_flags, uint8_t **ret);

/**
 * Changing protections is not supported yet: everything is read/write.
 */
int32_t sys_mprotect(uint8_t *_ptr, size_t _size, uint32_t _prot_flags);

/**
 * # Safety
 * `ptr` and `size` must describe a mapping made by `sys_mmap`.
 */
int32_t sys_munmap(uint8_t *ptr, size_t size);

/**
 * # Safety
 * `req` must be valid for reading a `timespec`.
 */
int32_t sys_nanosleep(const struct timespec *req);

int32_t sys_network_init(void);

int32_t sys_notify(size_t id, int32_t count);

int32_t sys_open(const char *name, int32_t flags, int32_t mode);

int32_t sys_opendir(const char *name);

int32_t sys_poll(struct pollfd *fds, nfds_t nfds, int32_t timeout);

/**
 * # Safety
 * `buf` must be valid for `len` bytes.
 */
ptrdiff_t sys_read(int32_t fd, uint8_t *buf, size_t len);

/**
 * Fills `buf` with `len` random bytes; `flags` must be 0.
 *
 * # Safety
 * `buf` must be valid for writing `len` bytes.
 */
ptrdiff_t sys_read_entropy(uint8_t *buf, size_t len, uint32_t flags);

/**
 * # Safety
 * `iov` must point at `iovcnt` entries describing valid buffers.
 */
ptrdiff_t sys_readv(int32_t fd, const struct iovec *iov, size_t iovcnt);

/**
 * # Safety
 * `ptr` must come from `sys_alloc` with `size` and `align`.
 */
uint8_t *sys_realloc(uint8_t *ptr, size_t size, size_t align, size_t new_size);

ptrdiff_t sys_recv(int32_t socket, uint8_t *buf, size_t len, int32_t flags);

ptrdiff_t sys_recvfrom(int32_t socket,
                       uint8_t *buf,
                       size_t len,
                       int32_t flags,
                       struct sockaddr *addr,
                       socklen_t *addrlen);

int32_t sys_rmdir(const char *name);

/**
 * # Safety
 * `sem` must hold a semaphore from `sys_sem_init` that no task waits on.
 */
int32_t sys_sem_destroy(sem_t *sem);

/**
 * # Safety
 * `sem` must be valid for writing a `sem_t`.
 */
int32_t sys_sem_init(sem_t *sem, int32_t _pshared, uint32_t value);

int32_t sys_sem_post(sem_t *sem);

/**
 * Waits for the semaphore until `abs_timeout` (CLOCK_REALTIME), or forever when null.
 */
int32_t sys_sem_timedwait(sem_t *sem, const struct timespec *abs_timeout);

int32_t sys_sem_trywait(sem_t *sem);

ptrdiff_t sys_send(int32_t s, const void *mem, size_t len, int32_t flags);

ptrdiff_t sys_sendto(int32_t s,
                     const void *mem,
                     size_t len,
                     int32_t flags,
                     const struct sockaddr *to,
                     socklen_t tolen);

void sys_set_priority(Tid tid, uint8_t prio);

int32_t sys_setsockopt(int32_t s,
                       int32_t level,
                       int32_t optname,
                       const void *optval,
                       socklen_t optlen);

int32_t sys_shutdown(int32_t sockfd, int32_t how);

int32_t sys_shutdown_socket(int32_t s, int32_t how);

int32_t sys_socket(int32_t domain, int32_t type_, int32_t protocol);

/**
 * # Safety
 * `id`, when not null, must be valid for writing a `Tid`.
 */
int32_t sys_spawn(Tid *id, void (*func)(size_t), size_t arg, uint8_t prio, ptrdiff_t _core_id);

/**
 * Returns the new task's id, or 0 on failure (errno set), as `hermit-abi` specifies.
 * Tasks go to the shared run queue: `core_id` is a hint Eremit does not need.
 */
Tid sys_spawn2(void (*func)(size_t),
               size_t arg,
               uint8_t prio,
               size_t stack_size,
               ptrdiff_t _core_id);

int32_t sys_stat(const char *name, struct stat *st);

int32_t sys_unlink(const char *name);

void sys_usleep(uint64_t usecs);

int32_t sys_wait(size_t id);

/**
 * `hermit-abi` spells this symbol with a trailing `t`.
 */
void sys_wakeup_taskt(Tid tid);

/**
 * # Safety
 * `buf` must be valid for `len` bytes (null and out-of-RAM pointers are rejected).
 */
ptrdiff_t sys_write(int32_t fd, const uint8_t *buf, size_t len);

/**
 * # Safety
 * `iov` must point at `iovcnt` entries describing valid buffers.
 */
ptrdiff_t sys_writev(int32_t fd, const struct iovec *iov, size_t iovcnt);

void sys_yield(void);

#ifdef __cplusplus
}  // extern "C"
#endif  // __cplusplus

#endif  /* HERMIT_SYSCALL_H */
