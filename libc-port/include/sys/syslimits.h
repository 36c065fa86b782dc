/* Eremit (libc-port/include): the system limits of <limits.h>, with the values glibc
 * gives on Linux x86_64 (replaces newlib's BSD-derived file, whose PATH_MAX 1024,
 * PIPE_BUF 512, OPEN_MAX 64 and NGROUPS_MAX 16 were not Linux's and which lacked
 * SSIZE_MAX, HOST_NAME_MAX, LOGIN_NAME_MAX, ...).
 *
 * As in glibc, limits that are not fixed are left undefined so that programs ask
 * sysconf() (ARG_MAX, CHILD_MAX, OPEN_MAX, LINK_MAX, STREAM_MAX, TZNAME_MAX).  Where
 * Eremit's real limit is lower than glibc's value, it is Eremit's: PTHREAD_KEYS_MAX 128
 * (libc-port/posix), PTHREAD_STACK_MIN 16384 (a constant here, sysconf on glibc). */

#ifndef _SYS_SYSLIMITS_H_
#define _SYS_SYSLIMITS_H_

/* <linux/limits.h> */
#define NGROUPS_MAX 65536
#define MAX_CANON 255
#define MAX_INPUT 255
#define NAME_MAX 255
#define PATH_MAX 4096
#define PIPE_BUF 4096
#define XATTR_NAME_MAX 255
#define XATTR_SIZE_MAX 65536
#define XATTR_LIST_MAX 65536
#define RTSIG_MAX 32

/* glibc's <bits/local_lim.h>, <bits/posix1_lim.h> */
#define HOST_NAME_MAX 64
#define LOGIN_NAME_MAX 256
#define TTY_NAME_MAX 32
#define SSIZE_MAX 0x7fffffffffffffffL
#define PTHREAD_KEYS_MAX 128
#define PTHREAD_DESTRUCTOR_ITERATIONS 4
#define PTHREAD_STACK_MIN 16384
#define SEM_VALUE_MAX 0x7fffffff
#define DELAYTIMER_MAX 2147483647
#define MQ_PRIO_MAX 32768
#define AIO_PRIO_DELTA_MAX 20

/* <bits/xopen_lim.h>, <bits/uio_lim.h> */
#define IOV_MAX 1024
#define NZERO 20
#define LONG_BIT 64
#define WORD_BIT 32
#define NL_ARGMAX 4096
#define NL_LANGMAX 2048
#define NL_MSGMAX 0x7fffffff
#define NL_NMAX 0x7fffffff
#define NL_SETMAX 0x7fffffff
#define NL_TEXTMAX 0x7fffffff
#define CHARCLASS_NAME_MAX 2048

/* <bits/posix2_lim.h> */
#define BC_BASE_MAX 99
#define BC_DIM_MAX 2048
#define BC_SCALE_MAX 99
#define BC_STRING_MAX 1000
#define COLL_WEIGHTS_MAX 255
#define EXPR_NEST_MAX 32
#define LINE_MAX 2048
#define RE_DUP_MAX 0x7fff

/* The minimum values POSIX guarantees (the same on every system). */
#define _POSIX_AIO_LISTIO_MAX 2
#define _POSIX_AIO_MAX 1
#define _POSIX_ARG_MAX 4096
#define _POSIX_CHILD_MAX 25
#define _POSIX_DELAYTIMER_MAX 32
#define _POSIX_HOST_NAME_MAX 255
#define _POSIX_LINK_MAX 8
#define _POSIX_LOGIN_NAME_MAX 9
#define _POSIX_MAX_CANON 255
#define _POSIX_MAX_INPUT 255
#define _POSIX_MQ_OPEN_MAX 8
#define _POSIX_MQ_PRIO_MAX 32
#define _POSIX_NAME_MAX 14
#define _POSIX_NGROUPS_MAX 8
#define _POSIX_OPEN_MAX 20
#define _POSIX_FD_SETSIZE _POSIX_OPEN_MAX
#define _POSIX_PATH_MAX 256
#define _POSIX_PIPE_BUF 512
#define _POSIX_RE_DUP_MAX 255
#define _POSIX_RTSIG_MAX 8
#define _POSIX_SEM_NSEMS_MAX 256
#define _POSIX_SEM_VALUE_MAX 32767
#define _POSIX_SIGQUEUE_MAX 32
#define _POSIX_SSIZE_MAX 32767
#define _POSIX_STREAM_MAX 8
#define _POSIX_SYMLINK_MAX 255
#define _POSIX_SYMLOOP_MAX 8
#define _POSIX_TIMER_MAX 32
#define _POSIX_TTY_NAME_MAX 9
#define _POSIX_TZNAME_MAX 6
#define _POSIX_QLIMIT 1
#define _POSIX_HIWAT _POSIX_PIPE_BUF
#define _POSIX_UIO_MAXIOV 16
#define _POSIX_CLOCKRES_MIN 20000000
#define _POSIX_THREAD_KEYS_MAX 128
#define _POSIX_THREAD_DESTRUCTOR_ITERATIONS 4
#define _POSIX_THREAD_THREADS_MAX 64
#define _POSIX2_BC_BASE_MAX 99
#define _POSIX2_BC_DIM_MAX 2048
#define _POSIX2_BC_SCALE_MAX 99
#define _POSIX2_BC_STRING_MAX 1000
#define _POSIX2_COLL_WEIGHTS_MAX 2
#define _POSIX2_EXPR_NEST_MAX 32
#define _POSIX2_LINE_MAX 2048
#define _POSIX2_RE_DUP_MAX 255
#define _POSIX2_CHARCLASS_NAME_MAX 14
#define _XOPEN_IOV_MAX 16

#endif /* !_SYS_SYSLIMITS_H_ */
