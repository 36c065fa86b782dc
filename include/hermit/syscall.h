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
#ifndef EREMIT_ALIGNED
#define EREMIT_ALIGNED(n) __attribute__((aligned(n)))
#endif

#define AF_INET 3

#define AF_INET6 1

#define AF_UNSPEC 0

#define AT_FDCWD -100

#define AT_SYMLINK_NOFOLLOW 256

#define DT_CHR 2

#define DT_DIR 4

#define DT_LNK 10

#define DT_REG 8

#define DT_UNKNOWN 0

#define EAI_AGAIN 2

#define EAI_BADFLAGS 3

#define EAI_FAIL 4

#define EAI_FAMILY 5

#define EAI_MEMORY 6

#define EAI_NONAME 8

#define EAI_SERVICE 9

#define EAI_SOCKTYPE 10

#define EFD_CLOEXEC 16384

#define EFD_NONBLOCK 2048

#define EFD_SEMAPHORE 1

#define FD_CLOEXEC 1

/**
 * `sys_ioctl` request that sets (`*argp != 0`) or clears `O_NONBLOCK`.
 */
#define FIONBIO (int32_t)2148034174u

/**
 * `sys_futex_wait` flag (Eremit's, beyond hermit's ABI): a signal for the task ends the
 * wait with `-EINTR` (docs/signals.md). The C library sets it where a handler may run.
 */
#define FUTEX_INTERRUPTIBLE 2

/**
 * `sys_futex_wait` flag: the timeout is a duration, not a point in time.
 */
#define FUTEX_RELATIVE_TIMEOUT 1

#define F_DUPFD 0

/**
 * Eremit extension (Linux's value; not in `hermit-abi`): `F_DUPFD` with `FD_CLOEXEC`.
 */
#define F_DUPFD_CLOEXEC 1030

#define F_GETFD 1

#define F_GETFL 3

#define F_GETLK 5

#define F_OK 0

#define F_RDLCK 0

#define F_SETFD 2

#define F_SETFL 4

#define F_SETLK 6

#define F_SETLKW 7

#define F_UNLCK 2

#define F_WRLCK 1

/**
 * Most buffers `sys_readv`/`sys_writev` take.
 */
#define IOV_MAX 1024

#define IPPROTO_IP 0

#define IPPROTO_IPV6 41

#define IPPROTO_TCP 6

#define IPPROTO_UDP 17

#define IPV6_V6ONLY 27

#define IP_TTL 2

#define LOCK_EX 2

#define LOCK_NB 4

#define LOCK_SH 1

#define LOCK_UN 8

#define MSG_PEEK 1

#define O_APPEND 1024

/**
 * Eremit extension (Linux's value; not in `hermit-abi`): the new descriptor gets
 * `FD_CLOEXEC`.
 */
#define O_CLOEXEC 524288

#define O_CREAT 64

#define O_DIRECTORY 65536

#define O_EXCL 128

/**
 * Linux's `O_NOFOLLOW`: fail with `ELOOP` if the last component is a symbolic link.
 */
#define O_NOFOLLOW 131072

#define O_NONBLOCK 2048

#define O_RDONLY 0

#define O_RDWR 2

#define O_TRUNC 512

#define O_WRONLY 1

#define POLLERR 8

#define POLLHUP 16

#define POLLIN 1

#define POLLNVAL 32

#define POLLOUT 4

#define POLLPRI 2

#define POLLRDHUP 8192

#define POLLRDNORM 64

#define POLLWRNORM 256

#define R_OK 4

#define SEEK_CUR 1

#define SEEK_END 2

#define SEEK_SET 0

#define SHUT_RD 0

#define SHUT_RDWR 2

#define SHUT_WR 1

#define SOCK_CLOEXEC 16384

#define SOCK_DGRAM 2

#define SOCK_NONBLOCK 2048

#define SOCK_STREAM 1

#define SOL_SOCKET 4095

#define SO_BROADCAST 32

#define SO_ERROR 4103

#define SO_KEEPALIVE 8

#define SO_LINGER 128

#define SO_RCVBUF 4098

#define SO_RCVTIMEO 4102

#define SO_REUSEADDR 4

#define SO_SNDBUF 4097

#define SO_SNDTIMEO 4101

#define STDERR_FILENO 2

#define STDIN_FILENO 0

#define STDOUT_FILENO 1

/**
 * `f_flag` of `statvfs`: a read-only file system.
 */
#define ST_RDONLY 1

#define S_IFCHR 8192

#define S_IFDIR 16384

#define S_IFLNK 40960

#define S_IFMT 61440

#define S_IFREG 32768

#define TCP_NODELAY 1

/**
 * `tv_nsec` of a time meaning "now" / "leave unchanged".
 */
#define UTIME_NOW ((1 << 30) - 1)

#define UTIME_OMIT ((1 << 30) - 2)

#define W_OK 2

#define X_OK 1

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
 * File system statistics (`sys_statvfs`), Linux's `struct statvfs` on x86-64.
 */
struct statvfs {
  uint64_t f_bsize;
  uint64_t f_frsize;
  uint64_t f_blocks;
  uint64_t f_bfree;
  uint64_t f_bavail;
  uint64_t f_files;
  uint64_t f_ffree;
  uint64_t f_favail;
  uint64_t f_fsid;
  uint64_t f_flag;
  uint64_t f_namemax;
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
 * A record lock (`sys_lock`), Linux's `struct flock`.
 */
struct flock {
  int16_t l_type;
  int16_t l_whence;
  int64_t l_start;
  int64_t l_len;
  int32_t l_pid;
};

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

/**
 * An error number. Only the constants below make one, so a value is always a
 * positive errno (never 0, never negated twice).
 *
 * In the C header it is an `int32_t` (`typedef int32_t Errno`), with the values as
 * `#define`s.
 */
typedef int32_t Errno;

typedef uint8_t sa_family_t;

typedef uint16_t in_port_t;

struct in_addr {
  /**
   * Network byte order.
   */
  uint32_t s_addr;
};

struct sockaddr_in {
  uint8_t sin_len;
  sa_family_t sin_family;
  /**
   * Network byte order.
   */
  in_port_t sin_port;
  struct in_addr sin_addr;
  char sin_zero[8];
};

/**
 * Aligned as hermit-abi's (4 bytes).
 */
struct EREMIT_ALIGNED(4) in6_addr {
  uint8_t s6_addr[16];
};

struct sockaddr_in6 {
  uint8_t sin6_len;
  sa_family_t sin6_family;
  /**
   * Network byte order.
   */
  in_port_t sin6_port;
  uint32_t sin6_flowinfo;
  struct in6_addr sin6_addr;
  uint32_t sin6_scope_id;
};

/**
 * `struct timeval` (SO_RCVTIMEO/SO_SNDTIMEO).
 */
struct timeval {
  int64_t tv_sec;
  int32_t tv_usec;
};

/**
 * `struct linger` (SO_LINGER).
 */
struct linger {
  int32_t l_onoff;
  int32_t l_linger;
};

#define CLOCK_MONOTONIC 4

#define CLOCK_REALTIME 1

#define EACCES 13

#define EADDRINUSE 98

#define EADDRNOTAVAIL 99

#define EAFNOSUPPORT 97

#define EAGAIN 11

#define EALREADY 114

#define EBADF 9

#define EBUSY 16

#define ECONNABORTED 103

#define ECONNREFUSED 111

#define ECONNRESET 104

#define EDEADLK 35

#define EDESTADDRREQ 89

#define EDQUOT 122

#define EEXIST 17

#define EFAULT 14

#define EFBIG 27

#define EHOSTUNREACH 113

#define EINPROGRESS 115

#define EINTR 4

#define EINVAL 22

#define EIO 5

#define EISCONN 106

#define EISDIR 21

#define ELOOP 40

#define EMFILE 24

#define EMLINK 31

#define EMSGSIZE 90

#define ENAMETOOLONG 36

#define ENETDOWN 100

#define ENETUNREACH 101

#define ENOBUFS 105

#define ENODATA 61

#define ENOENT 2

#define ENOLCK 37

#define ENOMEM 12

#define ENOPROTOOPT 92

#define ENOSPC 28

#define ENOSYS 38

#define ENOTCONN 107

#define ENOTDIR 20

#define ENOTEMPTY 39

#define ENOTSOCK 88

#define ENOTTY 25

#define ENXIO 6

#define EOPNOTSUPP 95

#define EOVERFLOW 75

#define EPERM 1

#define EPIPE 32

#define EPROTO 71

#define EPROTONOSUPPORT 93

#define EPROTOTYPE 91

#define ERANGE 34

#define EROFS 30

#define ESPIPE 29

#define ESRCH 3

#define ESTALE 116

#define ETIMEDOUT 110

#define EXDEV 18





#ifdef __cplusplus
extern "C" {
#endif // __cplusplus

/**
 * `abort()`, also the end of a panicking Rust program: a backtrace, then the exit code
 * a shell shows for SIGABRT (134).
 */
void sys_abort(void) __attribute__((noreturn));

/**
 * # Safety
 * `addr`/`addrlen`: null, or a buffer and its length as in POSIX.
 */
int32_t sys_accept(int32_t s, struct sockaddr *addr, socklen_t *addrlen);

/**
 * Whether `name` exists and may be accessed with `mode` (`F_OK`, or any of `R_OK`,
 * `W_OK`, `X_OK`): 0, or `-ENOENT`/`-ENOTDIR` if it does not exist, `-EACCES` for
 * `X_OK` on a file without execute bits (everything else is allowed: the application
 * is root), `-EINVAL` for other mode bits.
 *
 * # Safety
 * `name` must be a NUL-terminated string.
 */
int32_t sys_access(const char *name, int32_t mode);

int32_t sys_add_queue(size_t id, int64_t timeout_ns);

uint8_t *sys_alloc(size_t size, size_t align);

uint8_t *sys_alloc_zeroed(size_t size, size_t align);

size_t sys_available_parallelism(void);

/**
 * # Safety
 * `name` must point at `namelen` readable bytes.
 */
int32_t sys_bind(int32_t s, const struct sockaddr *name, socklen_t namelen);

/**
 * Marks the caller blocked; it leaves the CPU at its next `sys_yield` unless
 * `sys_wakeup_taskt` comes first.
 */
void sys_block_current_task(void);

void sys_block_current_task_with_timeout(uint64_t timeout_ms);

/**
 * Changes the current directory (where relative paths start): 0, or `-ENOENT`,
 * `-ENOTDIR`.
 *
 * # Safety
 * `name` must be a NUL-terminated string.
 */
int32_t sys_chdir(const char *name);

/**
 * # Safety
 * `path` must be a NUL-terminated string.
 */
int32_t sys_chmod(const char *path, uint32_t mode);

/**
 * # Safety
 * `tp` must be valid for writing a `timespec`.
 */
int32_t sys_clock_gettime(clockid_t clockid, struct timespec *tp);

int32_t sys_close(int32_t fd);

/**
 * # Safety
 * `name` must point at `namelen` readable bytes.
 */
int32_t sys_connect(int32_t s, const struct sockaddr *name, socklen_t namelen);

/**
 * # Safety
 * `ptr` must come from `sys_alloc`/`sys_malloc` with this size and alignment.
 */
void sys_dealloc(uint8_t *ptr, size_t size, size_t align);

int32_t sys_destroy_queue(size_t id);

/**
 * The lowest free descriptor, sharing `fd`'s open file (position and flags).
 */
int32_t sys_dup(int32_t fd);

/**
 * Makes descriptor `newfd` refer to `oldfd`'s open file, closing what `newfd` was
 * first. Returns `newfd`; `-EBADF` if `oldfd` is not open or `newfd` is not in
 * 0..1024. `oldfd == newfd` returns `newfd` and changes nothing.
 */
int32_t sys_dup2(int32_t oldfd, int32_t newfd);

int32_t sys_errno(void);

/**
 * An eventfd descriptor; `flags`: EFD_SEMAPHORE, EFD_NONBLOCK, EFD_CLOEXEC.
 */
int32_t sys_eventfd(uint64_t initval, int16_t flags);

void sys_exit(int32_t status) __attribute__((noreturn));

/**
 * Registers (or, with 0, unregisters) the entry point the C library's signal code
 * wants faults delivered to. `EFAULT` for an address outside the image's code.
 */
int32_t sys_fault_entry(size_t entry);

int32_t sys_fchmod(int32_t fd, uint32_t mode);

/**
 * `F_DUPFD`, `F_DUPFD_CLOEXEC`, `F_GETFD`, `F_SETFD`, `F_GETFL`, `F_SETFL`; other
 * commands fail with `-EINVAL`.
 */
int32_t sys_fcntl(int32_t fd, int32_t cmd, int32_t arg);

/**
 * `flock(fd, op)`: `LOCK_SH`, `LOCK_EX` or `LOCK_UN`, with `LOCK_NB` not to wait
 * (`-EWOULDBLOCK`). The lock belongs to the open file (shared by `dup`).
 */
int32_t sys_flock(int32_t fd, int32_t op);

/**
 * # Safety
 * As `sys_dealloc`.
 */
void sys_free(uint8_t *ptr, size_t size, size_t align);

/**
 * Frees a list from `sys_getaddrinfo`; null, or any pointer that is not such a list
 * (freed already, made up), is ignored.
 *
 * # Safety
 * None beyond the ABI: `ai` is only followed when the kernel handed it out.
 */
void sys_freeaddrinfo(struct addrinfo *ai);

/**
 * # Safety
 * `st` must be valid for writing a `stat`.
 */
int32_t sys_fstat(int32_t fd, struct stat *st);

/**
 * # Safety
 * `buf` must be valid for writing a `statvfs`.
 */
int32_t sys_fstatvfs(int32_t fd, struct statvfs *buf);

/**
 * Makes the file's data durable: nothing to do in memory (0 for any open
 * descriptor); a file on a volume is synced on the host (FUSE FSYNC) before this
 * returns. `-EBADF` for a descriptor that is not open, `-EIO` if the host failed.
 */
int32_t sys_fsync(int32_t fd);

/**
 * Sets the size of the file open on `fd` (for writing): shrinking drops the data past
 * `len`, growing adds zeros. `-EINVAL` for a negative `len` or a descriptor that is
 * not a file open for writing, `-EBADF`, `-EFBIG`.
 */
int32_t sys_ftruncate(int32_t fd, int64_t len);

int32_t sys_futex_wait(uint32_t *address,
                       uint32_t expected,
                       const struct timespec *timeout,
                       uint32_t flags);

int32_t sys_futex_wake(uint32_t *address, int32_t count);

/**
 * `futimens`: as `sys_utimensat` on an open file.
 *
 * # Safety
 * `times` must be null or two `timespec`s.
 */
int32_t sys_futimens(int32_t fd, const struct timespec *times);

int32_t sys_get_errno(void);

uint8_t sys_get_priority(void);

size_t sys_get_processor_count(void);

/**
 * Resolves `name` into `inaddr`: `len` says which kind of address the caller wants, as
 * in Hermit: 4 bytes (an `in_addr`) asks DNS for an A record, 16 bytes (an `in6_addr`)
 * for an AAAA record (a query needs no IPv6 connectivity, so this works on an IPv4-only
 * network); any other length is `-EINVAL`. The first address found is written.
 *
 * # Safety
 * `name` NUL-terminated; `inaddr` valid for `len` bytes.
 */
int32_t sys_getaddrbyname(const char *name, uint8_t *inaddr, size_t len);

/**
 * POSIX getaddrinfo for IPv4 and IPv6: numeric hosts, "localhost", DNS names; numeric
 * services (and "http", "https"). Returns 0 or an EAI_* code; free the list with
 * `sys_freeaddrinfo`.
 *
 * # Safety
 * `nodename`/`servname`: null or NUL-terminated; `hints`: null or an `addrinfo`;
 * `res`: where the list goes.
 */
int32_t sys_getaddrinfo(const char *nodename,
                        const char *servname,
                        const struct addrinfo *hints,
                        struct addrinfo **res);

/**
 * Writes the current directory's absolute path, NUL-terminated, to `buf` (`size`
 * bytes). Returns the length written including the NUL, or `-ERANGE` if `size` is too
 * small, `-EINVAL` if it is 0, `-EFAULT`, `-ENOENT` if the directory was removed.
 *
 * # Safety
 * `buf` must be valid for writing `size` bytes.
 */
int32_t sys_getcwd(char *buf, size_t size);

/**
 * Fills `dirp` with `dirent64` records (lengths multiples of 8, NUL-terminated names),
 * the entries in name order, and returns the bytes used; 0 once everything was read.
 * Returns all remaining entries at once or fails with `-EINVAL` (nothing consumed) if
 * `count` bytes cannot hold them: retry with a larger buffer, as Rust's std does (it
 * reads a directory with one call). There are no `.` and `..` entries (std would hand
 * them to the application). `-ENOTDIR` if `fd` is not a directory. A record's `d_off` is
 * the position after it (for `sys_lseek` with `SEEK_SET`).
 *
 * # Safety
 * `dirp` must be valid for writing `count` bytes.
 */
int64_t sys_getdents64(int32_t fd, struct dirent64 *dirp, size_t count);

int32_t sys_getpagesize(void);

/**
 * # Safety
 * `name`/`namelen` as in POSIX.
 */
int32_t sys_getpeername(int32_t s, struct sockaddr *name, socklen_t *namelen);

/**
 * The one process of the VM: its pid is 1.
 */
int32_t sys_getpid(void);

/**
 * # Safety
 * `name`/`namelen` as in POSIX.
 */
int32_t sys_getsockname(int32_t s, struct sockaddr *name, socklen_t *namelen);

/**
 * SO_REUSEADDR, SO_KEEPALIVE, SO_RCVTIMEO, SO_SNDTIMEO, SO_ERROR, SO_LINGER, SO_SNDBUF,
 * SO_RCVBUF, TCP_NODELAY, IP_TTL; others fail with ENOPROTOOPT.
 *
 * # Safety
 * `optval` must point at `*optlen` writable bytes.
 */
int32_t sys_getsockopt(int32_t s, int32_t level, int32_t optname, void *optval, socklen_t *optlen);

/**
 * The calling task's id (Linux's `gettid`; beyond hermit's ABI): what
 * `sys_signal_notify` takes, so the C library learns it for threads it did not start.
 */
Tid sys_gettid(void);

/**
 * What Hermit's kernel exports under this name (not part of hermit-abi) for tracers:
 * the amount by which the running image is moved from the addresses it is linked at,
 * which tools add to the image's symbol addresses (rftrace writes it as the start of the
 * image's line in a uftrace `sid-*.map`, `uftrace` then adds it to `nm`'s addresses).
 * Hermit links its images at 0 and relocates them where it loads them, so there the
 * load address is that amount. Eremit's images are linked at 2 MiB and run exactly
 * there (hermit/src/lib.rs, `boot::image_range`): the amount is 0, and returning the load
 * address instead made every traced function resolve 2 MiB off.
 */
size_t sys_image_start_addr(void);

int32_t sys_init_queue(size_t id);

/**
 * `FIONBIO` (`*argp != 0` sets `O_NONBLOCK`, 0 clears it); any other request goes to
 * the object, which fails it with `-ENOTTY` unless its kind knows it (there are no
 * terminals).
 *
 * # Safety
 * For `FIONBIO`, `argp` must point at an `i32`.
 */
int32_t sys_ioctl(int32_t s, int32_t cmd, void *argp);

/**
 * 1 for a console stream whose end at the runner is a terminal (the `tty=` kernel
 * option), 0 for any other open descriptor, `-EBADF` otherwise.
 */
int32_t sys_isatty(int32_t fd);

int32_t sys_join(Tid id);

/**
 * Gives the file `oldpath` the second name `newpath` (same volume, or both in the
 * in-memory filesystem): `-EXDEV` between them, `-EEXIST`, `-EPERM` for a directory.
 *
 * # Safety
 * `oldpath` and `newpath` must be NUL-terminated strings.
 */
int32_t sys_link(const char *oldpath, const char *newpath);

int32_t sys_listen(int32_t s, int32_t backlog);

/**
 * `fcntl(fd, cmd, fl)` for the lock commands.
 *
 * # Safety
 * `fl` must point at a `flock`.
 */
int32_t sys_lock(int32_t fd, int32_t cmd, struct flock *fl);

ptrdiff_t sys_lseek(int32_t fd, ptrdiff_t offset, int32_t whence);

/**
 * As `sys_stat`, not following a last symbolic link.
 *
 * # Safety
 * As `sys_stat`.
 */
int32_t sys_lstat(const char *name, struct stat *st);

uint8_t *sys_malloc(size_t size, size_t align);

/**
 * # Safety
 * `name` must be a NUL-terminated string.
 */
int32_t sys_mkdir(const int8_t *name, uint32_t mode);

/**
 * Anonymous memory: zeroed, page-aligned, from the heap, with the protection asked for
 * (see `sys_mprotect`; read and write is the heap's own and changes no page table);
 * `PROT_NONE` reserves address space only (`mm::reservations`), of any size up to what
 * is left of the 32 TiB window, whose pages take memory when mprotect opens them. A
 * length that cannot be rounded up to whole pages, or that is larger than the address
 * space, is `ENOMEM` (as Linux), never a smaller block.
 */
int32_t sys_mmap(size_t size, uint32_t prot_flags, uint8_t **ret);

/**
 * Changes the protection of the pages of `[ptr, ptr + size)` that `sys_mmap` handed out
 * (hermit-abi's `mprotect`, which Hermit's JITs call to make code executable and Wasm
 * runtimes to open their reservations page by page, and C's `mprotect`): `PROT_NONE` pages and writes to read-only pages fault (a `SIGSEGV` for the
 * C library, `arch::fault_delivery`). `EINVAL` for an unaligned address or unknown bits,
 * `EACCES` for writable and executable at once (write xor execute), `ENOMEM` when part
 * of the range is not such a page, unless the request is read and write on memory the
 * application already reads and writes (a malloc block, a stack), which changes nothing.
 */
int32_t sys_mprotect(uint8_t *ptr,
                     size_t size,
                     uint32_t prot_flags);

/**
 * Unmaps the pages of `[ptr, ptr + size)` that `sys_mmap` handed out (any part of a
 * mapping, or several); pages it did not hand out (already unmapped, inside a malloc
 * block, a stack) are left alone, as Linux leaves alone what is not mapped. `EINVAL`
 * for an unaligned address, a zero length or a range past the address space.
 *
 * # Safety
 * The application must not use the pages it unmaps any more.
 */
int32_t sys_munmap(uint8_t *ptr, size_t size);

/**
 * # Safety
 * `req` must be valid for reading a `timespec`.
 */
int32_t sys_nanosleep(const struct timespec *req);

/**
 * The network starts at boot; kept for old Hermit programs.
 */
int32_t sys_network_init(void);

int32_t sys_notify(size_t id, int32_t count);

/**
 * # Safety
 * `name` must be a NUL-terminated string.
 */
int32_t sys_open(const char *name, int32_t flags, int32_t mode);

/**
 * # Safety
 * `name` must be a NUL-terminated string.
 */
int32_t sys_opendir(const char *name);

/**
 * `pipe2(fds, flags)`: `flags` is 0 or `O_NONBLOCK` and/or `O_CLOEXEC`. 0 or -errno.
 */
int32_t sys_pipe2(int32_t *fds, int32_t flags);

/**
 * Waits until one of the descriptors is ready or `timeout` milliseconds pass (-1:
 * no limit). Returns how many have events.
 *
 * # Safety
 * `fds` must point at `nfds` entries.
 */
int32_t sys_poll(struct pollfd *fds, nfds_t nfds, int32_t timeout);

/**
 * Reads at `offset` without moving the file position.
 * Returns the bytes read (0 at end of file), or `-EINVAL` (negative `offset`),
 * `-EBADF` (not open for reading), `-ESPIPE` (console), `-EISDIR`, `-EFAULT`.
 *
 * # Safety
 * `buf` must be valid for writing `len` bytes.
 */
ptrdiff_t sys_pread(int32_t fd, uint8_t *buf, size_t len, int64_t offset);

/**
 * Writes at `offset` without moving the file position (at the end of the file if it
 * was opened with `O_APPEND`, as Linux does). Returns the bytes written, or the errors
 * of `sys_pread` (`-EBADF` if not open for writing), `-ENOMEM`, `-EFBIG`.
 *
 * # Safety
 * `buf` must be valid for `len` bytes.
 */
ptrdiff_t sys_pwrite(int32_t fd, const uint8_t *buf, size_t len, int64_t offset);

/**
 * Reads up to `len` bytes into `buf`, at most as many as the application's writable
 * memory from `buf` on holds (Linux's short read); `-EFAULT` if `buf` is not writable
 * or `buf + len` wraps (`read(fd, buf, SIZE_MAX)`).
 *
 * # Safety
 * `buf` must be valid for writing `len` bytes (bad pointers are refused with `-EFAULT`).
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
 * The target of the symbolic link `path` in `buf` (truncated to `size`, no NUL): its
 * length, or `-EINVAL` if `path` is not a link (or `size` is 0), `-ENOENT`.
 *
 * # Safety
 * `path` must be a NUL-terminated string, `buf` valid for writing `size` bytes.
 */
ptrdiff_t sys_readlink(const char *path, uint8_t *buf, size_t size);

/**
 * # Safety
 * `iov` must point at `iovcnt` entries describing valid, writable buffers.
 */
ptrdiff_t sys_readv(int32_t fd, const struct iovec *iov, size_t iovcnt);

/**
 * # Safety
 * `ptr` must come from `sys_alloc` with `size` and `align`.
 */
uint8_t *sys_realloc(uint8_t *ptr, size_t size, size_t align, size_t new_size);

/**
 * # Safety
 * `buf` must point at `len` writable bytes.
 */
ptrdiff_t sys_recv(int32_t socket, uint8_t *buf, size_t len, int32_t flags);

/**
 * MSG_PEEK is honoured; other flags are ignored.
 *
 * # Safety
 * `buf` must point at `len` writable bytes; `addr`/`addrlen` null or as in POSIX.
 */
ptrdiff_t sys_recvfrom(int32_t socket,
                       uint8_t *buf,
                       size_t len,
                       int32_t flags,
                       struct sockaddr *addr,
                       socklen_t *addrlen);

/**
 * Renames `oldpath` to `newpath`, replacing `newpath` if it exists: a file may replace
 * a file, a directory an empty directory. Returns 0, or `-ENOENT` (`oldpath` or
 * `newpath`'s directory missing), `-EISDIR` (file onto a directory), `-ENOTDIR`
 * (directory onto a file, or a path component not a directory), `-ENOTEMPTY` (onto a
 * non-empty directory), `-EINVAL` (a directory into itself), `-EBUSY` (`/`, `.` or `..`
 * as either last component), `-ENOMEM`. Renaming a file onto itself does nothing.
 *
 * # Safety
 * `oldpath` and `newpath` must be NUL-terminated strings.
 */
int32_t sys_rename(const char *oldpath, const char *newpath);

/**
 * # Safety
 * `name` must be a NUL-terminated string.
 */
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

/**
 * # Safety
 * `mem` must point at `len` readable bytes.
 */
ptrdiff_t sys_send(int32_t s, const void *mem, size_t len, int32_t flags);

/**
 * Flags (MSG_NOSIGNAL and others) are accepted and ignored: there are no signals.
 *
 * # Safety
 * `mem` must point at `len` readable bytes, `to` (if not null) at `tolen`.
 */
ptrdiff_t sys_sendto(int32_t s,
                     const void *mem,
                     size_t len,
                     int32_t flags,
                     const struct sockaddr *to,
                     socklen_t tolen);

void sys_set_priority(Tid tid, uint8_t prio);

/**
 * # Safety
 * `optval` must point at `optlen` readable bytes.
 */
int32_t sys_setsockopt(int32_t s,
                       int32_t level,
                       int32_t optname,
                       const void *optval,
                       socklen_t optlen);

int32_t sys_shutdown(int32_t sockfd, int32_t how);

/**
 * The older name of `sys_shutdown`.
 */
int32_t sys_shutdown_socket(int32_t s, int32_t how);

/**
 * Tells task `tid` that the C library posted it a signal: its flag is set and its
 * interruptible wait, if any, returns `-EINTR`. 0, or `-ESRCH` for no such task.
 */
int32_t sys_signal_notify(Tid tid);

/**
 * 1 if the calling task's flag was set (a signal was posted to it since the last
 * call), else 0; clears it. The library calls it before looking at its pending sets.
 */
int32_t sys_signal_pending(void);

/**
 * From now on the application takes the signals the runner forwards (through
 * `sys_signal_wait_external`) and the kernel no longer ends the program on them.
 * 0, or -ENXIO when the VM has no signal channel (nothing will ever arrive).
 */
int32_t sys_signal_subscribe(void);

/**
 * Waits for the next signal from outside and returns its number (SIGHUP, SIGINT,
 * SIGUSR1, SIGUSR2 or SIGTERM); -EINVAL before `sys_signal_subscribe` succeeded.
 */
int32_t sys_signal_wait_external(void);

/**
 * A new socket descriptor (SOCK_NONBLOCK and SOCK_CLOEXEC may be or-ed into `type_`).
 */
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

/**
 * # Safety
 * `name` must be a NUL-terminated string and `st` valid for writing a `stat`.
 */
int32_t sys_stat(const char *name, struct stat *st);

/**
 * # Safety
 * `path` must be a NUL-terminated string, `buf` valid for writing a `statvfs`.
 */
int32_t sys_statvfs(const char *path, struct statvfs *buf);

/**
 * Makes `linkpath` a symbolic link holding `target` (any bytes; resolved when used,
 * inside the volume or the in-memory filesystem). `-EEXIST`, `-ENOENT`, `-EROFS`.
 *
 * # Safety
 * `target` and `linkpath` must be NUL-terminated strings.
 */
int32_t sys_symlink(const char *target, const char *linkpath);

/**
 * Sets the size of the file `name` (as `sys_ftruncate`). `-EINVAL` for a negative
 * `len`, `-EISDIR` for a directory, `-ENOENT`, `-EFBIG`.
 *
 * # Safety
 * `name` must be a NUL-terminated string.
 */
int32_t sys_truncate(const char *name, int64_t len);

/**
 * Sets the file mode creation mask (the low 9 bits of `mask`); returns the previous.
 */
int32_t sys_umask(uint32_t mask);

/**
 * Removes a file's name; `-EISDIR` for a directory (as Linux).
 *
 * # Safety
 * `name` must be a NUL-terminated string.
 */
int32_t sys_unlink(const char *name);

void sys_usleep(uint64_t usecs);

/**
 * Sets the access and modification times of `path` (`times[0]`, `times[1]`; null for
 * now; `tv_nsec` `UTIME_NOW` or `UTIME_OMIT`). `dirfd` must be `AT_FDCWD` (or the path
 * absolute); `flags` 0 or `AT_SYMLINK_NOFOLLOW`.
 *
 * # Safety
 * `path` must be a NUL-terminated string, `times` null or two `timespec`s.
 */
int32_t sys_utimensat(int32_t dirfd, const char *path, const struct timespec *times, int32_t flags);

int32_t sys_wait(size_t id);

/**
 * `hermit-abi` spells this symbol with a trailing `t`.
 */
void sys_wakeup_taskt(Tid tid);

/**
 * Writes up to `len` bytes from `buf`: as Linux, the bytes before the first one that
 * is not the application's (`uaccess`); `-EFAULT` if the first one is not, or the
 * range wraps.
 *
 * # Safety
 * `buf` must be valid for `len` bytes (bad pointers are refused with `-EFAULT`).
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
