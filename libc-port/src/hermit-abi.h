/* The part of the kernel's system-call ABI (include/hermit/syscall.h) that the C library
 * uses, with the ABI's types renamed (struct hermit_stat, ...) and its Linux constants
 * prefixed (LINUX_E*, LINUX_O_*), so that it can be included together with newlib's
 * headers, whose struct stat, struct timespec, errno and O_* values differ.
 *
 * tests/c_tests.py compiles this header against include/hermit/syscall.h and checks that
 * every struct has the same layout, every function declared in both has the same type and
 * every constant defined in both has the same value.
 *
 * Calls marked HERMIT_EXTRA are the file-system extras that land in the kernel with the
 * file-system work; they are weak references, null while the kernel lacks them, and the
 * library then emulates them or fails with ENOSYS. */

#ifndef EREMIT_LIBC_HERMIT_ABI_H
#define EREMIT_LIBC_HERMIT_ABI_H

#include <stddef.h>
#include <stdint.h>

#ifndef HERMIT_ABI_CHECK
/* A point or span of time: note the 32-bit nanoseconds. */
struct hermit_timespec {
    int64_t tv_sec;
    int32_t tv_nsec;
};

struct hermit_stat {
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
    struct hermit_timespec st_atim;
    struct hermit_timespec st_mtim;
    struct hermit_timespec st_ctim;
};

struct hermit_dirent64 {
    uint64_t d_ino;
    int64_t d_off;
    uint16_t d_reclen;
    uint8_t d_type;
    char d_name[256];
};

struct hermit_iovec {
    void *iov_base;
    size_t iov_len;
};
#endif /* HERMIT_ABI_CHECK */

#define HERMIT_EXTRA __attribute__((weak))

#ifndef HERMIT_ABI_ONLY_TYPES
#ifdef __cplusplus
extern "C" {
#endif

/* Memory */
uint8_t *sys_malloc(size_t size, size_t align);
void sys_free(uint8_t *ptr, size_t size, size_t align);
int32_t sys_mmap(size_t size, uint32_t prot_flags, uint8_t **ret);
int32_t sys_munmap(uint8_t *ptr, size_t size);
int32_t sys_mprotect(uint8_t *ptr, size_t size, uint32_t prot_flags);

/* I/O and files */
ptrdiff_t sys_read(int32_t fd, uint8_t *buf, size_t len);
ptrdiff_t sys_write(int32_t fd, const uint8_t *buf, size_t len);
ptrdiff_t sys_readv(int32_t fd, const struct hermit_iovec *iov, size_t iovcnt);
ptrdiff_t sys_writev(int32_t fd, const struct hermit_iovec *iov, size_t iovcnt);
int32_t sys_open(const char *name, int32_t flags, int32_t mode);
int32_t sys_close(int32_t fd);
ptrdiff_t sys_lseek(int32_t fd, ptrdiff_t offset, int32_t whence);
int32_t sys_fstat(int32_t fd, struct hermit_stat *st);
int32_t sys_stat(const char *name, struct hermit_stat *st);
int32_t sys_lstat(const char *name, struct hermit_stat *st);
int32_t sys_unlink(const char *name);
int32_t sys_mkdir(const int8_t *name, uint32_t mode);
int32_t sys_rmdir(const char *name);
int64_t sys_getdents64(int32_t fd, struct hermit_dirent64 *dirp, size_t count);
int32_t sys_fcntl(int32_t fd, int32_t cmd, int32_t arg);
int32_t sys_dup(int32_t fd);
int32_t sys_ioctl(int32_t s, int32_t cmd, void *argp);

HERMIT_EXTRA int32_t sys_rename(const char *oldpath, const char *newpath);
HERMIT_EXTRA int32_t sys_ftruncate(int32_t fd, int64_t length);
HERMIT_EXTRA int32_t sys_truncate(const char *path, int64_t length);
HERMIT_EXTRA int32_t sys_fsync(int32_t fd);
HERMIT_EXTRA ptrdiff_t sys_pread(int32_t fd, uint8_t *buf, size_t len, int64_t offset);
HERMIT_EXTRA ptrdiff_t sys_pwrite(int32_t fd, const uint8_t *buf, size_t len, int64_t offset);
HERMIT_EXTRA int32_t sys_access(const char *path, int32_t mode);
HERMIT_EXTRA int32_t sys_getcwd(char *buf, size_t size);
HERMIT_EXTRA int32_t sys_chdir(const char *path);
HERMIT_EXTRA int32_t sys_dup2(int32_t fd, int32_t fd2);
HERMIT_EXTRA int32_t sys_isatty(int32_t fd);

/* Process and system */
void sys_exit(int32_t status) __attribute__((noreturn));
void sys_abort(void) __attribute__((noreturn));
int32_t sys_getpid(void);
int32_t sys_getpagesize(void);
size_t sys_available_parallelism(void);
size_t sys_get_processor_count(void);
ptrdiff_t sys_read_entropy(uint8_t *buf, size_t len, uint32_t flags);

/* Time */
int32_t sys_clock_gettime(int32_t clockid, struct hermit_timespec *tp);
int32_t sys_nanosleep(const struct hermit_timespec *req);
void sys_usleep(uint64_t usecs);

/* Tasks */
void sys_yield(void);
int32_t sys_futex_wait(uint32_t *address, uint32_t expected, const struct hermit_timespec *timeout,
                       uint32_t flags);
int32_t sys_futex_wake(uint32_t *address, int32_t count);

#ifdef __cplusplus
}
#endif
#endif /* HERMIT_ABI_ONLY_TYPES */

/* Clocks */
#define LINUX_CLOCK_REALTIME 1
#define LINUX_CLOCK_MONOTONIC 4

/* open(2) flags and fcntl(2) commands (Linux values) */
#define LINUX_O_RDONLY 00
#define LINUX_O_WRONLY 01
#define LINUX_O_RDWR 02
#define LINUX_O_CREAT 0100
#define LINUX_O_EXCL 0200
#define LINUX_O_NOCTTY 0400
#define LINUX_O_TRUNC 01000
#define LINUX_O_APPEND 02000
#define LINUX_O_NONBLOCK 04000
#define LINUX_O_DSYNC 010000
#define LINUX_O_DIRECT 040000
#define LINUX_O_DIRECTORY 0200000
#define LINUX_O_NOFOLLOW 0400000
#define LINUX_O_NOATIME 01000000
#define LINUX_O_CLOEXEC 02000000
#define LINUX_O_SYNC 04010000
#define LINUX_O_PATH 010000000
#define LINUX_O_TMPFILE 020200000

#define LINUX_F_DUPFD 0
#define LINUX_F_GETFD 1
#define LINUX_F_SETFD 2
#define LINUX_F_GETFL 3
#define LINUX_F_SETFL 4
#define LINUX_F_DUPFD_CLOEXEC 1030
#define LINUX_FD_CLOEXEC 1

#define LINUX_SEEK_SET 0
#define LINUX_SEEK_CUR 1
#define LINUX_SEEK_END 2

/* errno values (Linux, x86-64) */
#define LINUX_EPERM 1
#define LINUX_ENOENT 2
#define LINUX_ESRCH 3
#define LINUX_EINTR 4
#define LINUX_EIO 5
#define LINUX_ENXIO 6
#define LINUX_E2BIG 7
#define LINUX_ENOEXEC 8
#define LINUX_EBADF 9
#define LINUX_ECHILD 10
#define LINUX_EAGAIN 11
#define LINUX_ENOMEM 12
#define LINUX_EACCES 13
#define LINUX_EFAULT 14
#define LINUX_ENOTBLK 15
#define LINUX_EBUSY 16
#define LINUX_EEXIST 17
#define LINUX_EXDEV 18
#define LINUX_ENODEV 19
#define LINUX_ENOTDIR 20
#define LINUX_EISDIR 21
#define LINUX_EINVAL 22
#define LINUX_ENFILE 23
#define LINUX_EMFILE 24
#define LINUX_ENOTTY 25
#define LINUX_ETXTBSY 26
#define LINUX_EFBIG 27
#define LINUX_ENOSPC 28
#define LINUX_ESPIPE 29
#define LINUX_EROFS 30
#define LINUX_EMLINK 31
#define LINUX_EPIPE 32
#define LINUX_EDOM 33
#define LINUX_ERANGE 34
#define LINUX_EDEADLK 35
#define LINUX_ENAMETOOLONG 36
#define LINUX_ENOLCK 37
#define LINUX_ENOSYS 38
#define LINUX_ENOTEMPTY 39
#define LINUX_ELOOP 40
#define LINUX_ENOMSG 42
#define LINUX_EIDRM 43
#define LINUX_ECHRNG 44
#define LINUX_EL2NSYNC 45
#define LINUX_EL3HLT 46
#define LINUX_EL3RST 47
#define LINUX_ELNRNG 48
#define LINUX_EUNATCH 49
#define LINUX_ENOCSI 50
#define LINUX_EL2HLT 51
#define LINUX_EBADE 52
#define LINUX_EBADR 53
#define LINUX_EXFULL 54
#define LINUX_ENOANO 55
#define LINUX_EBADRQC 56
#define LINUX_EBADSLT 57
#define LINUX_EBFONT 59
#define LINUX_ENOSTR 60
#define LINUX_ENODATA 61
#define LINUX_ETIME 62
#define LINUX_ENOSR 63
#define LINUX_ENONET 64
#define LINUX_ENOPKG 65
#define LINUX_EREMOTE 66
#define LINUX_ENOLINK 67
#define LINUX_EADV 68
#define LINUX_ESRMNT 69
#define LINUX_ECOMM 70
#define LINUX_EPROTO 71
#define LINUX_EMULTIHOP 72
#define LINUX_EDOTDOT 73
#define LINUX_EBADMSG 74
#define LINUX_EOVERFLOW 75
#define LINUX_ENOTUNIQ 76
#define LINUX_EBADFD 77
#define LINUX_EREMCHG 78
#define LINUX_ELIBACC 79
#define LINUX_ELIBBAD 80
#define LINUX_ELIBSCN 81
#define LINUX_ELIBMAX 82
#define LINUX_ELIBEXEC 83
#define LINUX_EILSEQ 84
#define LINUX_ERESTART 85
#define LINUX_ESTRPIPE 86
#define LINUX_EUSERS 87
#define LINUX_ENOTSOCK 88
#define LINUX_EDESTADDRREQ 89
#define LINUX_EMSGSIZE 90
#define LINUX_EPROTOTYPE 91
#define LINUX_ENOPROTOOPT 92
#define LINUX_EPROTONOSUPPORT 93
#define LINUX_ESOCKTNOSUPPORT 94
#define LINUX_EOPNOTSUPP 95
#define LINUX_EPFNOSUPPORT 96
#define LINUX_EAFNOSUPPORT 97
#define LINUX_EADDRINUSE 98
#define LINUX_EADDRNOTAVAIL 99
#define LINUX_ENETDOWN 100
#define LINUX_ENETUNREACH 101
#define LINUX_ENETRESET 102
#define LINUX_ECONNABORTED 103
#define LINUX_ECONNRESET 104
#define LINUX_ENOBUFS 105
#define LINUX_EISCONN 106
#define LINUX_ENOTCONN 107
#define LINUX_ESHUTDOWN 108
#define LINUX_ETOOMANYREFS 109
#define LINUX_ETIMEDOUT 110
#define LINUX_ECONNREFUSED 111
#define LINUX_EHOSTDOWN 112
#define LINUX_EHOSTUNREACH 113
#define LINUX_EALREADY 114
#define LINUX_EINPROGRESS 115
#define LINUX_ESTALE 116
#define LINUX_EUCLEAN 117
#define LINUX_ENOTNAM 118
#define LINUX_ENAVAIL 119
#define LINUX_EISNAM 120
#define LINUX_EREMOTEIO 121
#define LINUX_EDQUOT 122
#define LINUX_ENOMEDIUM 123
#define LINUX_EMEDIUMTYPE 124
#define LINUX_ECANCELED 125
#define LINUX_ENOKEY 126
#define LINUX_EKEYEXPIRED 127
#define LINUX_EKEYREVOKED 128
#define LINUX_EKEYREJECTED 129
#define LINUX_EOWNERDEAD 130
#define LINUX_ENOTRECOVERABLE 131
#define LINUX_ERFKILL 132
#define LINUX_EHWPOISON 133
#define LINUX_ERRNO_MAX 133

#endif /* EREMIT_LIBC_HERMIT_ABI_H */
