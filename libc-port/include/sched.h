/* Eremit (libc-port/include): newlib 3.3.0's <sched.h>, with glibc's cpu_set_t and
   CPU_* macros (_GNU_SOURCE) and the scheduling calls
   (sched_get_priority_max, sched_getscheduler, ...) declared for __hermit__, where
   libc-port/src/sched.c implements them for the one policy the kernel has (SCHED_OTHER,
   priority 0); newlib declares them only with _POSIX_PRIORITY_SCHEDULING.  */

/*
 *  Written by Joel Sherrill <joel@OARcorp.com>.
 *
 *  COPYRIGHT (c) 1989-2010.
 *  On-Line Applications Research Corporation (OAR).
 *
 *  Permission to use, copy, modify, and distribute this software for any
 *  purpose without fee is hereby granted, provided that this entire notice
 *  is included in all copies of any software which is or includes a copy
 *  or modification of this software.
 *
 *  THIS SOFTWARE IS BEING PROVIDED "AS IS", WITHOUT ANY EXPRESS OR IMPLIED
 *  WARRANTY.  IN PARTICULAR,  THE AUTHOR MAKES NO REPRESENTATION
 *  OR WARRANTY OF ANY KIND CONCERNING THE MERCHANTABILITY OF THIS
 *  SOFTWARE OR ITS FITNESS FOR ANY PARTICULAR PURPOSE.
 *
 *  $Id$
 */

#ifndef _SCHED_H_
#define _SCHED_H_

#include <sys/types.h>
#include <sys/sched.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_POSIX_PRIORITY_SCHEDULING) || defined(__hermit__)
/*
 *  XBD 13 - Set Scheduling Parameters, P1003.1b-2008, p. 1803
 */
int sched_setparam(
  pid_t                     __pid,
  const struct sched_param *__param
);

/*
 *  XBD 13 - Set Scheduling Parameters, P1003.1b-2008, p. 1800
 */
int sched_getparam(
  pid_t                     __pid,
  struct sched_param       *__param
);

/*
 *  XBD 13 - Set Scheduling Policy and Scheduling Parameters,
 *         P1003.1b-2008, p. 1805
 */
int sched_setscheduler(
  pid_t                     __pid,
  int                       __policy,
  const struct sched_param *__param
);

/*
 *  XBD 13 - Get Scheduling Policy, P1003.1b-2008, p. 1801
 */
int sched_getscheduler(
  pid_t                     __pid
);

/*
 *  XBD 13 - Get Scheduling Parameter Limits, P1003.1b-2008, p. 1799
 */
int sched_get_priority_max(
  int __policy
);

int sched_get_priority_min(
  int  __policy
);

/*
 *  XBD 13 - Get Scheduling Parameter Limits, P1003.1b-2008, p. 1802
 */
int sched_rr_get_interval(
  pid_t             __pid,
  struct timespec  *__interval
);
#endif /* _POSIX_PRIORITY_SCHEDULING */

#if defined(_POSIX_THREADS) || defined(_POSIX_PRIORITY_SCHEDULING)

/*
 *  XBD 13 - Yield Processor, P1003.1b-2008, p. 1807
 */
int sched_yield( void );

#endif /* _POSIX_THREADS or _POSIX_PRIORITY_SCHEDULING */

#if __GNU_VISIBLE
int sched_getcpu(void);

/* CPU sets as glibc has them (1024 CPUs, CPU_* macros); libc-port/src/affinity.c
   answers over the VM's vCPUs. */
#define __CPU_SETSIZE 1024
#define __NCPUBITS (8 * sizeof(__cpu_mask))
typedef unsigned long int __cpu_mask;
typedef struct {
  __cpu_mask __bits[__CPU_SETSIZE / __NCPUBITS];
} cpu_set_t;
#define CPU_SETSIZE __CPU_SETSIZE

#define __CPUELT(cpu) ((cpu) / __NCPUBITS)
#define __CPUMASK(cpu) ((__cpu_mask)1 << ((cpu) % __NCPUBITS))
#define CPU_ALLOC_SIZE(count) \
  ((((count) + __NCPUBITS - 1) / __NCPUBITS) * sizeof(__cpu_mask))
#define CPU_ALLOC(count) __sched_cpualloc(count)
#define CPU_FREE(set) __sched_cpufree(set)

#define CPU_ZERO_S(setsize, set) __builtin_memset(set, 0, setsize)
#define CPU_SET_S(cpu, setsize, set) \
  ((size_t)(cpu) / 8 < (setsize) \
   ? (((__cpu_mask *)((set)->__bits))[__CPUELT(cpu)] |= __CPUMASK(cpu)) : 0)
#define CPU_CLR_S(cpu, setsize, set) \
  ((size_t)(cpu) / 8 < (setsize) \
   ? (((__cpu_mask *)((set)->__bits))[__CPUELT(cpu)] &= ~__CPUMASK(cpu)) : 0)
#define CPU_ISSET_S(cpu, setsize, set) \
  ((size_t)(cpu) / 8 < (setsize) \
   ? ((((const __cpu_mask *)((set)->__bits))[__CPUELT(cpu)] & __CPUMASK(cpu)) != 0) : 0)
#define CPU_COUNT_S(setsize, set) __sched_cpucount(setsize, set)
#define CPU_EQUAL_S(setsize, a, b) (__builtin_memcmp(a, b, setsize) == 0)
#define __CPU_OP_S(setsize, dest, a, b, op) \
  (__extension__({ \
    cpu_set_t *__dest = (dest); \
    const __cpu_mask *__a = (a)->__bits, *__b = (b)->__bits; \
    for (size_t __i = 0; __i < (setsize) / sizeof(__cpu_mask); __i++) \
      ((__cpu_mask *)__dest->__bits)[__i] = __a[__i] op __b[__i]; \
    __dest; }))
#define CPU_AND_S(setsize, dest, a, b) __CPU_OP_S(setsize, dest, a, b, &)
#define CPU_OR_S(setsize, dest, a, b) __CPU_OP_S(setsize, dest, a, b, |)
#define CPU_XOR_S(setsize, dest, a, b) __CPU_OP_S(setsize, dest, a, b, ^)

#define CPU_ZERO(set) CPU_ZERO_S(sizeof(cpu_set_t), set)
#define CPU_SET(cpu, set) CPU_SET_S(cpu, sizeof(cpu_set_t), set)
#define CPU_CLR(cpu, set) CPU_CLR_S(cpu, sizeof(cpu_set_t), set)
#define CPU_ISSET(cpu, set) CPU_ISSET_S(cpu, sizeof(cpu_set_t), set)
#define CPU_COUNT(set) CPU_COUNT_S(sizeof(cpu_set_t), set)
#define CPU_EQUAL(a, b) CPU_EQUAL_S(sizeof(cpu_set_t), a, b)
#define CPU_AND(dest, a, b) CPU_AND_S(sizeof(cpu_set_t), dest, a, b)
#define CPU_OR(dest, a, b) CPU_OR_S(sizeof(cpu_set_t), dest, a, b)
#define CPU_XOR(dest, a, b) CPU_XOR_S(sizeof(cpu_set_t), dest, a, b)

int __sched_cpucount(size_t, const cpu_set_t *);
cpu_set_t *__sched_cpualloc(size_t);
void __sched_cpufree(cpu_set_t *);
int sched_getaffinity(pid_t, size_t, cpu_set_t *);
int sched_setaffinity(pid_t, size_t, const cpu_set_t *);

#endif

#ifdef __cplusplus
}
#endif

#endif /* _SCHED_H_ */
