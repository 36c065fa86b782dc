/* sys/signal.h: Eremit's signals with Linux's numbers, flags and siginfo_t layout
 * (replaces newlib's, whose numbers are BSD's: programs compare exit statuses 128+n and
 * si_code values with Linux's). sigset_t stays newlib's unsigned long: one bit per
 * signal 1..64 (bit n-1 for signal n, as Linux's first word).
 * SIG_SETMASK/SIG_BLOCK/SIG_UNBLOCK keep newlib's values (0/1/2), because newlib's
 * compiled members (hash_page.o, posix_spawn.o) call sigprocmask with them. */

#ifndef _SYS_SIGNAL_H
#define _SYS_SIGNAL_H
#ifdef __cplusplus
extern "C" {
#endif

#include "_ansi.h"
#include <sys/cdefs.h>
#include <sys/features.h>
#include <sys/types.h>
#include <sys/_sigset.h>
#include <sys/_timespec.h>

#if !defined(_SIGSET_T_DECLARED)
#define _SIGSET_T_DECLARED
typedef __sigset_t sigset_t;
#endif

#define SIGHUP 1
#define SIGINT 2
#define SIGQUIT 3
#define SIGILL 4
#define SIGTRAP 5
#define SIGABRT 6
#define SIGIOT 6
#define SIGBUS 7
#define SIGFPE 8
#define SIGKILL 9
#define SIGUSR1 10
#define SIGSEGV 11
#define SIGUSR2 12
#define SIGPIPE 13
#define SIGALRM 14
#define SIGTERM 15
#define SIGSTKFLT 16
#define SIGCHLD 17
#define SIGCLD SIGCHLD
#define SIGCONT 18
#define SIGSTOP 19
#define SIGTSTP 20
#define SIGTTIN 21
#define SIGTTOU 22
#define SIGURG 23
#define SIGXCPU 24
#define SIGXFSZ 25
#define SIGVTALRM 26
#define SIGPROF 27
#define SIGWINCH 28
#define SIGIO 29
#define SIGPOLL SIGIO
#define SIGPWR 30
#define SIGSYS 31
#define SIGUNUSED 31
/* glibc reserves 32 and 33 for its threads library; programs see 34..64. */
#define SIGRTMIN 34
#define SIGRTMAX 64
#define NSIG 65
#define _NSIG NSIG

union sigval {
	int sival_int;
	void *sival_ptr;
};
typedef union sigval sigval_t;

#define SIGEV_SIGNAL 0
#define SIGEV_NONE 1
#define SIGEV_THREAD 2
#define SIGEV_THREAD_ID 4

struct sigevent {
	union sigval sigev_value;
	int sigev_signo;
	int sigev_notify;
	void (*sigev_notify_function)(union sigval);
	void *sigev_notify_attributes; /* pthread_attr_t * */
	int sigev_notify_thread_id;
};

/* si_code values (Linux's). */
#define SI_USER 0
#define SI_KERNEL 0x80
#define SI_QUEUE (-1)
#define SI_TIMER (-2)
#define SI_MESGQ (-3)
#define SI_ASYNCIO (-4)
#define SI_SIGIO (-5)
#define SI_TKILL (-6)
#define ILL_ILLOPC 1
#define ILL_ILLOPN 2
#define ILL_ILLADR 3
#define ILL_ILLTRP 4
#define ILL_PRVOPC 5
#define ILL_PRVREG 6
#define ILL_COPROC 7
#define ILL_BADSTK 8
#define FPE_INTDIV 1
#define FPE_INTOVF 2
#define FPE_FLTDIV 3
#define FPE_FLTOVF 4
#define FPE_FLTUND 5
#define FPE_FLTRES 6
#define FPE_FLTINV 7
#define FPE_FLTSUB 8
#define SEGV_MAPERR 1
#define SEGV_ACCERR 2
#define BUS_ADRALN 1
#define BUS_ADRERR 2
#define BUS_OBJERR 3
#define CLD_EXITED 1
#define CLD_KILLED 2
#define CLD_DUMPED 3
#define CLD_TRAPPED 4
#define CLD_STOPPED 5
#define CLD_CONTINUED 6
#define POLL_IN 1
#define POLL_OUT 2
#define POLL_MSG 3
#define POLL_ERR 4
#define POLL_PRI 5
#define POLL_HUP 6

/* Linux's layout: 128 bytes, three ints then a union at offset 16. */
typedef struct {
	int si_signo;
	int si_errno;
	int si_code;
	int __si_pad0;
	union {
		char __pad[128 - 16];
		struct {
			int __pid;
			unsigned int __uid;
			union sigval __value;
		} __kill;
		struct {
			int __tid;
			int __overrun;
			union sigval __value;
		} __timer;
		struct {
			int __pid;
			unsigned int __uid;
			int __status;
			long __utime;
			long __stime;
		} __chld;
		struct {
			void *__addr;
		} __fault;
		struct {
			long __band;
			int __fd;
		} __poll;
	} __si;
} siginfo_t;

#define si_pid __si.__kill.__pid
#define si_uid __si.__kill.__uid
#define si_value __si.__kill.__value
#define si_int __si.__kill.__value.sival_int
#define si_ptr __si.__kill.__value.sival_ptr
#define si_timerid __si.__timer.__tid
#define si_overrun __si.__timer.__overrun
#define si_status __si.__chld.__status
#define si_utime __si.__chld.__utime
#define si_stime __si.__chld.__stime
#define si_addr __si.__fault.__addr
#define si_band __si.__poll.__band
#define si_fd __si.__poll.__fd

#define SA_NOCLDSTOP 0x00000001
#define SA_NOCLDWAIT 0x00000002
#define SA_SIGINFO 0x00000004
#define SA_ONSTACK 0x08000000
#define SA_RESTART 0x10000000
#define SA_NODEFER 0x40000000
#define SA_RESETHAND 0x80000000
#define SA_NOMASK SA_NODEFER
#define SA_ONESHOT SA_RESETHAND

typedef void (*_sig_func_ptr)(int);

struct sigaction {
	union {
		_sig_func_ptr __sa_handler;
		void (*__sa_sigaction)(int, siginfo_t *, void *);
	} __sa_u;
	sigset_t sa_mask;
	int sa_flags;
	void (*sa_restorer)(void);
};
#define sa_handler __sa_u.__sa_handler
#define sa_sigaction __sa_u.__sa_sigaction

#define MINSIGSTKSZ 2048
#define SIGSTKSZ 8192
#define SS_ONSTACK 1
#define SS_DISABLE 2

typedef struct sigaltstack {
	void *ss_sp;
	int ss_flags;
	size_t ss_size;
} stack_t;

#define SIG_SETMASK 0
#define SIG_BLOCK 1
#define SIG_UNBLOCK 2

int sigprocmask(int, const sigset_t *, sigset_t *);
int pthread_sigmask(int, const sigset_t *, sigset_t *);
#ifdef _COMPILING_NEWLIB
int _kill(pid_t, int);
#endif
int kill(pid_t, int);
int killpg(pid_t, int);
int sigaction(int, const struct sigaction *, struct sigaction *);
int sigaddset(sigset_t *, int);
int sigdelset(sigset_t *, int);
int sigismember(const sigset_t *, int);
int sigfillset(sigset_t *);
int sigemptyset(sigset_t *);
int sigpending(sigset_t *);
int sigsuspend(const sigset_t *);
int sigwait(const sigset_t *, int *);
int sigwaitinfo(const sigset_t *, siginfo_t *);
int sigtimedwait(const sigset_t *, siginfo_t *, const struct timespec *);
int sigqueue(pid_t, int, const union sigval);
int sigaltstack(const stack_t *__restrict, stack_t *__restrict);
int pthread_kill(pthread_t, int);
int siginterrupt(int, int);
int sighold(int);
int sigrelse(int);
int sigignore(int);
#if __GNU_VISIBLE
int sigisemptyset(const sigset_t *);
int sigorset(sigset_t *, const sigset_t *, const sigset_t *);
int sigandset(sigset_t *, const sigset_t *, const sigset_t *);
#endif
#if __XSI_VISIBLE
int sigpause(int) __asm__(__ASMNAME("__xpg_sigpause"));
#elif __BSD_VISIBLE
int sigpause(int);
#endif

#ifdef __cplusplus
}
#endif

#ifndef _SIGNAL_H_
/* glibc's <sys/signal.h> and <signal.h> are the same header; programs rely on it. */
#include <signal.h>
#endif
#endif /* _SYS_SIGNAL_H */
