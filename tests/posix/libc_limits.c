/* posix-test: shim=skip
 * <limits.h> has glibc's limits with Linux's values, and leaves undefined those glibc
 * leaves to sysconf().  (Not compared: PTHREAD_KEYS_MAX and PTHREAD_STACK_MIN, Eremit's
 * own; MB_LEN_MAX, newlib's multibyte limit; the unsigned maxima print as -1.) */

#define _GNU_SOURCE
#include <limits.h>
#include <stdio.h>
#include <unistd.h>

int main(void)
{
#ifdef NGROUPS_MAX
	printf("%s %lld\n", "NGROUPS_MAX", (long long)(NGROUPS_MAX));
#else
	printf("NGROUPS_MAX missing\n");
#endif
#ifdef MAX_CANON
	printf("%s %lld\n", "MAX_CANON", (long long)(MAX_CANON));
#else
	printf("MAX_CANON missing\n");
#endif
#ifdef MAX_INPUT
	printf("%s %lld\n", "MAX_INPUT", (long long)(MAX_INPUT));
#else
	printf("MAX_INPUT missing\n");
#endif
#ifdef NAME_MAX
	printf("%s %lld\n", "NAME_MAX", (long long)(NAME_MAX));
#else
	printf("NAME_MAX missing\n");
#endif
#ifdef PATH_MAX
	printf("%s %lld\n", "PATH_MAX", (long long)(PATH_MAX));
#else
	printf("PATH_MAX missing\n");
#endif
#ifdef PIPE_BUF
	printf("%s %lld\n", "PIPE_BUF", (long long)(PIPE_BUF));
#else
	printf("PIPE_BUF missing\n");
#endif
#ifdef XATTR_NAME_MAX
	printf("%s %lld\n", "XATTR_NAME_MAX", (long long)(XATTR_NAME_MAX));
#else
	printf("XATTR_NAME_MAX missing\n");
#endif
#ifdef XATTR_SIZE_MAX
	printf("%s %lld\n", "XATTR_SIZE_MAX", (long long)(XATTR_SIZE_MAX));
#else
	printf("XATTR_SIZE_MAX missing\n");
#endif
#ifdef XATTR_LIST_MAX
	printf("%s %lld\n", "XATTR_LIST_MAX", (long long)(XATTR_LIST_MAX));
#else
	printf("XATTR_LIST_MAX missing\n");
#endif
#ifdef RTSIG_MAX
	printf("%s %lld\n", "RTSIG_MAX", (long long)(RTSIG_MAX));
#else
	printf("RTSIG_MAX missing\n");
#endif
#ifdef IOV_MAX
	printf("%s %lld\n", "IOV_MAX", (long long)(IOV_MAX));
#else
	printf("IOV_MAX missing\n");
#endif
#ifdef HOST_NAME_MAX
	printf("%s %lld\n", "HOST_NAME_MAX", (long long)(HOST_NAME_MAX));
#else
	printf("HOST_NAME_MAX missing\n");
#endif
#ifdef LOGIN_NAME_MAX
	printf("%s %lld\n", "LOGIN_NAME_MAX", (long long)(LOGIN_NAME_MAX));
#else
	printf("LOGIN_NAME_MAX missing\n");
#endif
#ifdef TTY_NAME_MAX
	printf("%s %lld\n", "TTY_NAME_MAX", (long long)(TTY_NAME_MAX));
#else
	printf("TTY_NAME_MAX missing\n");
#endif
#ifdef SSIZE_MAX
	printf("%s %lld\n", "SSIZE_MAX", (long long)(SSIZE_MAX));
#else
	printf("SSIZE_MAX missing\n");
#endif
#ifdef PTHREAD_DESTRUCTOR_ITERATIONS
	printf("%s %lld\n", "PTHREAD_DESTRUCTOR_ITERATIONS", (long long)(PTHREAD_DESTRUCTOR_ITERATIONS));
#else
	printf("PTHREAD_DESTRUCTOR_ITERATIONS missing\n");
#endif
#ifdef SEM_VALUE_MAX
	printf("%s %lld\n", "SEM_VALUE_MAX", (long long)(SEM_VALUE_MAX));
#else
	printf("SEM_VALUE_MAX missing\n");
#endif
#ifdef DELAYTIMER_MAX
	printf("%s %lld\n", "DELAYTIMER_MAX", (long long)(DELAYTIMER_MAX));
#else
	printf("DELAYTIMER_MAX missing\n");
#endif
#ifdef MQ_PRIO_MAX
	printf("%s %lld\n", "MQ_PRIO_MAX", (long long)(MQ_PRIO_MAX));
#else
	printf("MQ_PRIO_MAX missing\n");
#endif
#ifdef NZERO
	printf("%s %lld\n", "NZERO", (long long)(NZERO));
#else
	printf("NZERO missing\n");
#endif
#ifdef LONG_BIT
	printf("%s %lld\n", "LONG_BIT", (long long)(LONG_BIT));
#else
	printf("LONG_BIT missing\n");
#endif
#ifdef WORD_BIT
	printf("%s %lld\n", "WORD_BIT", (long long)(WORD_BIT));
#else
	printf("WORD_BIT missing\n");
#endif
#ifdef NL_ARGMAX
	printf("%s %lld\n", "NL_ARGMAX", (long long)(NL_ARGMAX));
#else
	printf("NL_ARGMAX missing\n");
#endif
#ifdef NL_LANGMAX
	printf("%s %lld\n", "NL_LANGMAX", (long long)(NL_LANGMAX));
#else
	printf("NL_LANGMAX missing\n");
#endif
#ifdef NL_MSGMAX
	printf("%s %lld\n", "NL_MSGMAX", (long long)(NL_MSGMAX));
#else
	printf("NL_MSGMAX missing\n");
#endif
#ifdef NL_NMAX
	printf("%s %lld\n", "NL_NMAX", (long long)(NL_NMAX));
#else
	printf("NL_NMAX missing\n");
#endif
#ifdef NL_SETMAX
	printf("%s %lld\n", "NL_SETMAX", (long long)(NL_SETMAX));
#else
	printf("NL_SETMAX missing\n");
#endif
#ifdef NL_TEXTMAX
	printf("%s %lld\n", "NL_TEXTMAX", (long long)(NL_TEXTMAX));
#else
	printf("NL_TEXTMAX missing\n");
#endif
#ifdef CHARCLASS_NAME_MAX
	printf("%s %lld\n", "CHARCLASS_NAME_MAX", (long long)(CHARCLASS_NAME_MAX));
#else
	printf("CHARCLASS_NAME_MAX missing\n");
#endif
#ifdef BC_BASE_MAX
	printf("%s %lld\n", "BC_BASE_MAX", (long long)(BC_BASE_MAX));
#else
	printf("BC_BASE_MAX missing\n");
#endif
#ifdef BC_DIM_MAX
	printf("%s %lld\n", "BC_DIM_MAX", (long long)(BC_DIM_MAX));
#else
	printf("BC_DIM_MAX missing\n");
#endif
#ifdef BC_SCALE_MAX
	printf("%s %lld\n", "BC_SCALE_MAX", (long long)(BC_SCALE_MAX));
#else
	printf("BC_SCALE_MAX missing\n");
#endif
#ifdef BC_STRING_MAX
	printf("%s %lld\n", "BC_STRING_MAX", (long long)(BC_STRING_MAX));
#else
	printf("BC_STRING_MAX missing\n");
#endif
#ifdef COLL_WEIGHTS_MAX
	printf("%s %lld\n", "COLL_WEIGHTS_MAX", (long long)(COLL_WEIGHTS_MAX));
#else
	printf("COLL_WEIGHTS_MAX missing\n");
#endif
#ifdef EXPR_NEST_MAX
	printf("%s %lld\n", "EXPR_NEST_MAX", (long long)(EXPR_NEST_MAX));
#else
	printf("EXPR_NEST_MAX missing\n");
#endif
#ifdef LINE_MAX
	printf("%s %lld\n", "LINE_MAX", (long long)(LINE_MAX));
#else
	printf("LINE_MAX missing\n");
#endif
#ifdef RE_DUP_MAX
	printf("%s %lld\n", "RE_DUP_MAX", (long long)(RE_DUP_MAX));
#else
	printf("RE_DUP_MAX missing\n");
#endif
#ifdef AIO_PRIO_DELTA_MAX
	printf("%s %lld\n", "AIO_PRIO_DELTA_MAX", (long long)(AIO_PRIO_DELTA_MAX));
#else
	printf("AIO_PRIO_DELTA_MAX missing\n");
#endif
#ifdef _POSIX_AIO_LISTIO_MAX
	printf("%s %lld\n", "_POSIX_AIO_LISTIO_MAX", (long long)(_POSIX_AIO_LISTIO_MAX));
#else
	printf("_POSIX_AIO_LISTIO_MAX missing\n");
#endif
#ifdef _POSIX_AIO_MAX
	printf("%s %lld\n", "_POSIX_AIO_MAX", (long long)(_POSIX_AIO_MAX));
#else
	printf("_POSIX_AIO_MAX missing\n");
#endif
#ifdef _POSIX_ARG_MAX
	printf("%s %lld\n", "_POSIX_ARG_MAX", (long long)(_POSIX_ARG_MAX));
#else
	printf("_POSIX_ARG_MAX missing\n");
#endif
#ifdef _POSIX_CHILD_MAX
	printf("%s %lld\n", "_POSIX_CHILD_MAX", (long long)(_POSIX_CHILD_MAX));
#else
	printf("_POSIX_CHILD_MAX missing\n");
#endif
#ifdef _POSIX_DELAYTIMER_MAX
	printf("%s %lld\n", "_POSIX_DELAYTIMER_MAX", (long long)(_POSIX_DELAYTIMER_MAX));
#else
	printf("_POSIX_DELAYTIMER_MAX missing\n");
#endif
#ifdef _POSIX_HOST_NAME_MAX
	printf("%s %lld\n", "_POSIX_HOST_NAME_MAX", (long long)(_POSIX_HOST_NAME_MAX));
#else
	printf("_POSIX_HOST_NAME_MAX missing\n");
#endif
#ifdef _POSIX_LINK_MAX
	printf("%s %lld\n", "_POSIX_LINK_MAX", (long long)(_POSIX_LINK_MAX));
#else
	printf("_POSIX_LINK_MAX missing\n");
#endif
#ifdef _POSIX_LOGIN_NAME_MAX
	printf("%s %lld\n", "_POSIX_LOGIN_NAME_MAX", (long long)(_POSIX_LOGIN_NAME_MAX));
#else
	printf("_POSIX_LOGIN_NAME_MAX missing\n");
#endif
#ifdef _POSIX_MAX_CANON
	printf("%s %lld\n", "_POSIX_MAX_CANON", (long long)(_POSIX_MAX_CANON));
#else
	printf("_POSIX_MAX_CANON missing\n");
#endif
#ifdef _POSIX_MAX_INPUT
	printf("%s %lld\n", "_POSIX_MAX_INPUT", (long long)(_POSIX_MAX_INPUT));
#else
	printf("_POSIX_MAX_INPUT missing\n");
#endif
#ifdef _POSIX_MQ_OPEN_MAX
	printf("%s %lld\n", "_POSIX_MQ_OPEN_MAX", (long long)(_POSIX_MQ_OPEN_MAX));
#else
	printf("_POSIX_MQ_OPEN_MAX missing\n");
#endif
#ifdef _POSIX_MQ_PRIO_MAX
	printf("%s %lld\n", "_POSIX_MQ_PRIO_MAX", (long long)(_POSIX_MQ_PRIO_MAX));
#else
	printf("_POSIX_MQ_PRIO_MAX missing\n");
#endif
#ifdef _POSIX_NAME_MAX
	printf("%s %lld\n", "_POSIX_NAME_MAX", (long long)(_POSIX_NAME_MAX));
#else
	printf("_POSIX_NAME_MAX missing\n");
#endif
#ifdef _POSIX_NGROUPS_MAX
	printf("%s %lld\n", "_POSIX_NGROUPS_MAX", (long long)(_POSIX_NGROUPS_MAX));
#else
	printf("_POSIX_NGROUPS_MAX missing\n");
#endif
#ifdef _POSIX_OPEN_MAX
	printf("%s %lld\n", "_POSIX_OPEN_MAX", (long long)(_POSIX_OPEN_MAX));
#else
	printf("_POSIX_OPEN_MAX missing\n");
#endif
#ifdef _POSIX_FD_SETSIZE
	printf("%s %lld\n", "_POSIX_FD_SETSIZE", (long long)(_POSIX_FD_SETSIZE));
#else
	printf("_POSIX_FD_SETSIZE missing\n");
#endif
#ifdef _POSIX_PATH_MAX
	printf("%s %lld\n", "_POSIX_PATH_MAX", (long long)(_POSIX_PATH_MAX));
#else
	printf("_POSIX_PATH_MAX missing\n");
#endif
#ifdef _POSIX_PIPE_BUF
	printf("%s %lld\n", "_POSIX_PIPE_BUF", (long long)(_POSIX_PIPE_BUF));
#else
	printf("_POSIX_PIPE_BUF missing\n");
#endif
#ifdef _POSIX_RE_DUP_MAX
	printf("%s %lld\n", "_POSIX_RE_DUP_MAX", (long long)(_POSIX_RE_DUP_MAX));
#else
	printf("_POSIX_RE_DUP_MAX missing\n");
#endif
#ifdef _POSIX_RTSIG_MAX
	printf("%s %lld\n", "_POSIX_RTSIG_MAX", (long long)(_POSIX_RTSIG_MAX));
#else
	printf("_POSIX_RTSIG_MAX missing\n");
#endif
#ifdef _POSIX_SEM_NSEMS_MAX
	printf("%s %lld\n", "_POSIX_SEM_NSEMS_MAX", (long long)(_POSIX_SEM_NSEMS_MAX));
#else
	printf("_POSIX_SEM_NSEMS_MAX missing\n");
#endif
#ifdef _POSIX_SEM_VALUE_MAX
	printf("%s %lld\n", "_POSIX_SEM_VALUE_MAX", (long long)(_POSIX_SEM_VALUE_MAX));
#else
	printf("_POSIX_SEM_VALUE_MAX missing\n");
#endif
#ifdef _POSIX_SIGQUEUE_MAX
	printf("%s %lld\n", "_POSIX_SIGQUEUE_MAX", (long long)(_POSIX_SIGQUEUE_MAX));
#else
	printf("_POSIX_SIGQUEUE_MAX missing\n");
#endif
#ifdef _POSIX_SSIZE_MAX
	printf("%s %lld\n", "_POSIX_SSIZE_MAX", (long long)(_POSIX_SSIZE_MAX));
#else
	printf("_POSIX_SSIZE_MAX missing\n");
#endif
#ifdef _POSIX_STREAM_MAX
	printf("%s %lld\n", "_POSIX_STREAM_MAX", (long long)(_POSIX_STREAM_MAX));
#else
	printf("_POSIX_STREAM_MAX missing\n");
#endif
#ifdef _POSIX_SYMLINK_MAX
	printf("%s %lld\n", "_POSIX_SYMLINK_MAX", (long long)(_POSIX_SYMLINK_MAX));
#else
	printf("_POSIX_SYMLINK_MAX missing\n");
#endif
#ifdef _POSIX_SYMLOOP_MAX
	printf("%s %lld\n", "_POSIX_SYMLOOP_MAX", (long long)(_POSIX_SYMLOOP_MAX));
#else
	printf("_POSIX_SYMLOOP_MAX missing\n");
#endif
#ifdef _POSIX_TIMER_MAX
	printf("%s %lld\n", "_POSIX_TIMER_MAX", (long long)(_POSIX_TIMER_MAX));
#else
	printf("_POSIX_TIMER_MAX missing\n");
#endif
#ifdef _POSIX_TTY_NAME_MAX
	printf("%s %lld\n", "_POSIX_TTY_NAME_MAX", (long long)(_POSIX_TTY_NAME_MAX));
#else
	printf("_POSIX_TTY_NAME_MAX missing\n");
#endif
#ifdef _POSIX_TZNAME_MAX
	printf("%s %lld\n", "_POSIX_TZNAME_MAX", (long long)(_POSIX_TZNAME_MAX));
#else
	printf("_POSIX_TZNAME_MAX missing\n");
#endif
#ifdef _POSIX_QLIMIT
	printf("%s %lld\n", "_POSIX_QLIMIT", (long long)(_POSIX_QLIMIT));
#else
	printf("_POSIX_QLIMIT missing\n");
#endif
#ifdef _POSIX_HIWAT
	printf("%s %lld\n", "_POSIX_HIWAT", (long long)(_POSIX_HIWAT));
#else
	printf("_POSIX_HIWAT missing\n");
#endif
#ifdef _POSIX_UIO_MAXIOV
	printf("%s %lld\n", "_POSIX_UIO_MAXIOV", (long long)(_POSIX_UIO_MAXIOV));
#else
	printf("_POSIX_UIO_MAXIOV missing\n");
#endif
#ifdef _POSIX_CLOCKRES_MIN
	printf("%s %lld\n", "_POSIX_CLOCKRES_MIN", (long long)(_POSIX_CLOCKRES_MIN));
#else
	printf("_POSIX_CLOCKRES_MIN missing\n");
#endif
#ifdef _POSIX_THREAD_KEYS_MAX
	printf("%s %lld\n", "_POSIX_THREAD_KEYS_MAX", (long long)(_POSIX_THREAD_KEYS_MAX));
#else
	printf("_POSIX_THREAD_KEYS_MAX missing\n");
#endif
#ifdef _POSIX_THREAD_DESTRUCTOR_ITERATIONS
	printf("%s %lld\n", "_POSIX_THREAD_DESTRUCTOR_ITERATIONS", (long long)(_POSIX_THREAD_DESTRUCTOR_ITERATIONS));
#else
	printf("_POSIX_THREAD_DESTRUCTOR_ITERATIONS missing\n");
#endif
#ifdef _POSIX_THREAD_THREADS_MAX
	printf("%s %lld\n", "_POSIX_THREAD_THREADS_MAX", (long long)(_POSIX_THREAD_THREADS_MAX));
#else
	printf("_POSIX_THREAD_THREADS_MAX missing\n");
#endif
#ifdef _POSIX2_BC_BASE_MAX
	printf("%s %lld\n", "_POSIX2_BC_BASE_MAX", (long long)(_POSIX2_BC_BASE_MAX));
#else
	printf("_POSIX2_BC_BASE_MAX missing\n");
#endif
#ifdef _POSIX2_BC_DIM_MAX
	printf("%s %lld\n", "_POSIX2_BC_DIM_MAX", (long long)(_POSIX2_BC_DIM_MAX));
#else
	printf("_POSIX2_BC_DIM_MAX missing\n");
#endif
#ifdef _POSIX2_BC_SCALE_MAX
	printf("%s %lld\n", "_POSIX2_BC_SCALE_MAX", (long long)(_POSIX2_BC_SCALE_MAX));
#else
	printf("_POSIX2_BC_SCALE_MAX missing\n");
#endif
#ifdef _POSIX2_BC_STRING_MAX
	printf("%s %lld\n", "_POSIX2_BC_STRING_MAX", (long long)(_POSIX2_BC_STRING_MAX));
#else
	printf("_POSIX2_BC_STRING_MAX missing\n");
#endif
#ifdef _POSIX2_COLL_WEIGHTS_MAX
	printf("%s %lld\n", "_POSIX2_COLL_WEIGHTS_MAX", (long long)(_POSIX2_COLL_WEIGHTS_MAX));
#else
	printf("_POSIX2_COLL_WEIGHTS_MAX missing\n");
#endif
#ifdef _POSIX2_EXPR_NEST_MAX
	printf("%s %lld\n", "_POSIX2_EXPR_NEST_MAX", (long long)(_POSIX2_EXPR_NEST_MAX));
#else
	printf("_POSIX2_EXPR_NEST_MAX missing\n");
#endif
#ifdef _POSIX2_LINE_MAX
	printf("%s %lld\n", "_POSIX2_LINE_MAX", (long long)(_POSIX2_LINE_MAX));
#else
	printf("_POSIX2_LINE_MAX missing\n");
#endif
#ifdef _POSIX2_RE_DUP_MAX
	printf("%s %lld\n", "_POSIX2_RE_DUP_MAX", (long long)(_POSIX2_RE_DUP_MAX));
#else
	printf("_POSIX2_RE_DUP_MAX missing\n");
#endif
#ifdef _POSIX2_CHARCLASS_NAME_MAX
	printf("%s %lld\n", "_POSIX2_CHARCLASS_NAME_MAX", (long long)(_POSIX2_CHARCLASS_NAME_MAX));
#else
	printf("_POSIX2_CHARCLASS_NAME_MAX missing\n");
#endif
#ifdef _XOPEN_IOV_MAX
	printf("%s %lld\n", "_XOPEN_IOV_MAX", (long long)(_XOPEN_IOV_MAX));
#else
	printf("_XOPEN_IOV_MAX missing\n");
#endif
#ifdef CHAR_BIT
	printf("%s %lld\n", "CHAR_BIT", (long long)(CHAR_BIT));
#else
	printf("CHAR_BIT missing\n");
#endif
#ifdef SCHAR_MIN
	printf("%s %lld\n", "SCHAR_MIN", (long long)(SCHAR_MIN));
#else
	printf("SCHAR_MIN missing\n");
#endif
#ifdef SCHAR_MAX
	printf("%s %lld\n", "SCHAR_MAX", (long long)(SCHAR_MAX));
#else
	printf("SCHAR_MAX missing\n");
#endif
#ifdef UCHAR_MAX
	printf("%s %lld\n", "UCHAR_MAX", (long long)(UCHAR_MAX));
#else
	printf("UCHAR_MAX missing\n");
#endif
#ifdef CHAR_MIN
	printf("%s %lld\n", "CHAR_MIN", (long long)(CHAR_MIN));
#else
	printf("CHAR_MIN missing\n");
#endif
#ifdef CHAR_MAX
	printf("%s %lld\n", "CHAR_MAX", (long long)(CHAR_MAX));
#else
	printf("CHAR_MAX missing\n");
#endif
#ifdef SHRT_MIN
	printf("%s %lld\n", "SHRT_MIN", (long long)(SHRT_MIN));
#else
	printf("SHRT_MIN missing\n");
#endif
#ifdef SHRT_MAX
	printf("%s %lld\n", "SHRT_MAX", (long long)(SHRT_MAX));
#else
	printf("SHRT_MAX missing\n");
#endif
#ifdef USHRT_MAX
	printf("%s %lld\n", "USHRT_MAX", (long long)(USHRT_MAX));
#else
	printf("USHRT_MAX missing\n");
#endif
#ifdef INT_MIN
	printf("%s %lld\n", "INT_MIN", (long long)(INT_MIN));
#else
	printf("INT_MIN missing\n");
#endif
#ifdef INT_MAX
	printf("%s %lld\n", "INT_MAX", (long long)(INT_MAX));
#else
	printf("INT_MAX missing\n");
#endif
#ifdef UINT_MAX
	printf("%s %lld\n", "UINT_MAX", (long long)(UINT_MAX));
#else
	printf("UINT_MAX missing\n");
#endif
#ifdef LONG_MIN
	printf("%s %lld\n", "LONG_MIN", (long long)(LONG_MIN));
#else
	printf("LONG_MIN missing\n");
#endif
#ifdef LONG_MAX
	printf("%s %lld\n", "LONG_MAX", (long long)(LONG_MAX));
#else
	printf("LONG_MAX missing\n");
#endif
#ifdef ULONG_MAX
	printf("%s %lld\n", "ULONG_MAX", (long long)(ULONG_MAX));
#else
	printf("ULONG_MAX missing\n");
#endif
#ifdef LLONG_MIN
	printf("%s %lld\n", "LLONG_MIN", (long long)(LLONG_MIN));
#else
	printf("LLONG_MIN missing\n");
#endif
#ifdef LLONG_MAX
	printf("%s %lld\n", "LLONG_MAX", (long long)(LLONG_MAX));
#else
	printf("LLONG_MAX missing\n");
#endif
#ifdef ULLONG_MAX
	printf("%s %lld\n", "ULLONG_MAX", (long long)(ULLONG_MAX));
#else
	printf("ULLONG_MAX missing\n");
#endif
#ifdef ARG_MAX
	printf("ARG_MAX defined (glibc leaves it to sysconf)\n");
#endif
#ifdef CHILD_MAX
	printf("CHILD_MAX defined (glibc leaves it to sysconf)\n");
#endif
#ifdef LINK_MAX
	printf("LINK_MAX defined (glibc leaves it to sysconf)\n");
#endif
#ifdef OPEN_MAX
	printf("OPEN_MAX defined (glibc leaves it to sysconf)\n");
#endif
#ifdef STREAM_MAX
	printf("STREAM_MAX defined (glibc leaves it to sysconf)\n");
#endif
#ifdef TZNAME_MAX
	printf("TZNAME_MAX defined (glibc leaves it to sysconf)\n");
#endif
#ifdef SYMLOOP_MAX
	printf("SYMLOOP_MAX defined (glibc leaves it to sysconf)\n");
#endif
#ifdef TIMER_MAX
	printf("TIMER_MAX defined (glibc leaves it to sysconf)\n");
#endif
	/* The limits sysconf reports agree with the constants. */
	printf("sysconf HOST_NAME_MAX %d, LOGIN_NAME_MAX %d, IOV_MAX %d\n",
	       sysconf(_SC_HOST_NAME_MAX) == HOST_NAME_MAX, sysconf(_SC_LOGIN_NAME_MAX) == LOGIN_NAME_MAX,
	       sysconf(_SC_IOV_MAX) == IOV_MAX);
	return 0;
}
