/* Eremit (libc-port/include): resource usage and limits.
 *
 * newlib's header has getrusage only; real programs (LevelDB's env_posix.cc sizes its
 * file-descriptor budget with getrlimit(RLIMIT_NOFILE)) also need the limits.  The
 * numbers and the rusage layout are glibc's, so code written for Linux compiles as is.  */

#ifndef _SYS_RESOURCE_H_
#define _SYS_RESOURCE_H_

#include <sys/cdefs.h>
#include <sys/time.h>
#include <sys/types.h>

#define RUSAGE_SELF 0      /* calling process */
#define RUSAGE_CHILDREN -1 /* terminated child processes */
#define RUSAGE_THREAD 1    /* calling thread */

struct rusage {
	struct timeval ru_utime; /* user time used */
	struct timeval ru_stime; /* system time used */
	long ru_maxrss;
	long ru_ixrss;
	long ru_idrss;
	long ru_isrss;
	long ru_minflt;
	long ru_majflt;
	long ru_nswap;
	long ru_inblock;
	long ru_oublock;
	long ru_msgsnd;
	long ru_msgrcv;
	long ru_nsignals;
	long ru_nvcsw;
	long ru_nivcsw;
};

typedef unsigned long rlim_t;

#define RLIM_INFINITY (~0UL)
#define RLIM_SAVED_MAX RLIM_INFINITY
#define RLIM_SAVED_CUR RLIM_INFINITY

struct rlimit {
	rlim_t rlim_cur; /* soft limit */
	rlim_t rlim_max; /* hard limit */
};

#define RLIMIT_CPU 0
#define RLIMIT_FSIZE 1
#define RLIMIT_DATA 2
#define RLIMIT_STACK 3
#define RLIMIT_CORE 4
#define RLIMIT_RSS 5
#define RLIMIT_NPROC 6
#define RLIMIT_NOFILE 7
#define RLIMIT_MEMLOCK 8
#define RLIMIT_AS 9
#define RLIMIT_LOCKS 10
#define RLIMIT_SIGPENDING 11
#define RLIMIT_MSGQUEUE 12
#define RLIMIT_NICE 13
#define RLIMIT_RTPRIO 14
#define RLIMIT_RTTIME 15
#define RLIMIT_NLIMITS 16
#define RLIM_NLIMITS RLIMIT_NLIMITS

#define PRIO_PROCESS 0
#define PRIO_PGRP 1
#define PRIO_USER 2

__BEGIN_DECLS
int getrusage(int, struct rusage *);
int getrlimit(int, struct rlimit *);
int setrlimit(int, const struct rlimit *);
int prlimit(pid_t, int, const struct rlimit *, struct rlimit *);
int getpriority(int, id_t);
int setpriority(int, id_t, int);
__END_DECLS

#endif /* _SYS_RESOURCE_H_ */
