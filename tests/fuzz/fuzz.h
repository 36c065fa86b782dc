/* The system-call fuzzer's shared part (see README.md in this directory): the argument
 * classes, a thread's state and the pickers every call uses. Only <stdint.h> and
 * <stddef.h> here: fuzz_sys.c includes <hermit/syscall.h>, which defines its own struct
 * stat, struct timespec, ... and cannot meet the C library's headers. */

#ifndef EREMIT_FUZZ_H
#define EREMIT_FUZZ_H

#include <stddef.h>
#include <stdint.h>

/* What an argument was, for the table of calls x classes tried. */
enum fz_class {
    FZ_NULL,        /* null pointer */
    FZ_LOW,         /* page 1 .. the low 1 MiB */
    FZ_BELOW_IMAGE, /* 1 MiB .. 2 MiB: RAM, but not the program's */
    FZ_KCODE,       /* the kernel's code (a sys_* function) */
    FZ_RODATA,      /* a string literal */
    FZ_UNMAPPED,    /* lower half, nothing mapped there */
    FZ_NONCANON,    /* non-canonical or upper half */
    FZ_MISALIGNED,  /* the thread's own memory, at an odd address */
    FZ_VALID,       /* the thread's own memory: heap, stack or .bss */
    FZ_LEN0,        /* a zero length or count */
    FZ_LEN_HUGE,    /* a length reaching past the lower half */
    FZ_LEN_WRAP,    /* a length whose end wraps around */
    FZ_NEGATIVE,    /* a negative length, offset or value */
    FZ_BAD_FD,      /* a descriptor that is not open (or out of range) */
    FZ_BAD_VALUE,   /* flags, clock ids, commands, levels, priorities: odd values */
    FZ_CLASSES
};

extern const char *const fz_class_names[FZ_CLASSES];

/* Descriptors a thread owns: safe for every call (nothing blocks: sockets and eventfds
 * are non-blocking, files never block). */
#define FZ_OWN_FDS 6

struct fz {
    uint64_t rng;
    unsigned mask;        /* classes the current call used */
    int cls;              /* class of the last pointer picked */
    int index;            /* thread number */
    uint8_t *heap;        /* FZ_BUF bytes of heap */
    uint8_t *data;        /* FZ_BUF bytes of .bss */
    int fds[FZ_OWN_FDS];  /* -1 when not open */
    int file_fds;         /* fds[0 .. file_fds) are plain files/dirs (fcntl may touch them) */
    char dir[32];         /* /tmp/fz<index>: the only place destructive calls touch */
    char path[64];        /* scratch for fz_path */
    unsigned long long bad_success; /* a call that must fail succeeded */
};

#define FZ_BUF 8192

uint64_t fz_rand(struct fz *f);
unsigned fz_below(struct fz *f, unsigned n);
int fz_chance(struct fz *f, unsigned percent);

/* A pointer of a random class. When it is the thread's own memory (FZ_VALID,
 * FZ_MISALIGNED), *own is how many bytes from it belong to the thread (at least
 * `need`); otherwise 0. STACK, when not null, is a buffer of STACK_LEN bytes on the
 * caller's stack, one of the valid choices. */
void *fz_ptr_on(struct fz *f, size_t need, size_t *own, void *stack, size_t stack_len);
#define fz_ptr(f, need, own) fz_ptr_on((f), (need), (own), NULL, 0)
/* Whether the class last picked for a pointer is one the kernel must refuse (for
 * reading, code and rodata are fine; for writing they are not). */
int fz_ptr_is_bad(const struct fz *f, int for_write);

/* A length for a buffer of OWN bytes at P (OWN 0: not the thread's memory, any length
 * goes): up to OWN, or one so large that the range leaves the lower half or wraps (which
 * the kernel refuses as a whole, touching nothing). Never a length that would let the
 * kernel write past the thread's own bytes. */
size_t fz_len(struct fz *f, const void *p, size_t own);

/* One of the thread's descriptors, or a bad one. */
int fz_fd(struct fz *f);
/* One of the thread's plain-file descriptors, or a bad one (for fcntl/ioctl, which may
 * change O_NONBLOCK). */
int fz_file_fd(struct fz *f);
/* Flags, commands, levels: 0, -1, INT_MIN, INT_MAX, random bits, or VALID. */
int fz_int(struct fz *f, int valid);
/* A 64-bit offset or length: small, negative, huge. */
int64_t fz_off(struct fz *f);

/* A path: in the thread's directory (always, when DESTRUCTIVE), or "/", "/tmp",
 * "/dev/null", a missing one, one longer than PATH_MAX, or a bad pointer. */
const char *fz_path(struct fz *f, int destructive);

/* sys_wakeup_taskt also on ids of live tasks (option `wake-live`): off by default, see
 * README.md (a known scheduler issue). */
extern int fz_wake_live;

/* A function the kernel runs as a task: returns at once. */
void fz_task(size_t arg);

/* The calls: NAME and RUN (returns the call's result, for the bad-pointer check). */
struct fz_call {
    const char *name;
    long (*run)(struct fz *f);
};
extern const struct fz_call fz_sys_calls[];
extern const int fz_sys_count;
extern const struct fz_call fz_libc_calls[];
extern const int fz_libc_count;

/* Records that a call given a pointer the kernel must refuse did not fail. */
void fz_expect_failure(struct fz *f, const char *call, long result);

#endif
