/* The kernel's system-call ABI as the C library uses it.
 *
 * Everything the kernel defines comes from <hermit/syscall-prefixed.h>, which cbindgen
 * generates from the kernel together with <hermit/syscall.h> (scripts/gen-header.sh;
 * `make test-abi` fails when it is stale): the sys_* functions, the kernel's structures
 * as struct hermit_* and its constants as HERMIT_*, so that it is included together with
 * newlib's headers, whose struct stat, struct timespec, errno and O_* values differ.
 *
 * What follows is Linux's numbering of what the kernel has no name for (the kernel uses
 * Linux's values throughout): open(2) flags it does not interpret and the errno values
 * it never returns, which errno.c still maps so that every Linux code has newlib's
 * equivalent. tests/c_tests.py checks these values against Linux's. */

#ifndef EREMIT_LIBC_HERMIT_ABI_H
#define EREMIT_LIBC_HERMIT_ABI_H

/* netinet/in.h makes s6_addr a macro (glibc's union member); the kernel's in6_addr has
 * a plain field of that name: hidden while the header is read. Code reaches the
 * kernel's field through a byte pointer to the struct (HERMIT_S6(a)). */
#pragma push_macro("s6_addr")
#undef s6_addr
#include "../../include/hermit/syscall-prefixed.h"
#pragma pop_macro("s6_addr")
#define HERMIT_S6(a) ((uint8_t *)&(a))

/* open(2) flags the kernel has no constant for (Linux values) */
#define LINUX_O_NOCTTY 0400
#define LINUX_O_DIRECT 040000
#define LINUX_O_SYNC 04010000

/* errno values the kernel does not define (Linux, x86-64) */
#define LINUX_E2BIG 7
#define LINUX_ENOEXEC 8
#define LINUX_ECHILD 10
#define LINUX_ENOTBLK 15
#define LINUX_ENODEV 19
#define LINUX_ENFILE 23
#define LINUX_ETXTBSY 26
#define LINUX_EDOM 33
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
#define LINUX_ETIME 62
#define LINUX_ENOSR 63
#define LINUX_ENONET 64
#define LINUX_ENOPKG 65
#define LINUX_EREMOTE 66
#define LINUX_ENOLINK 67
#define LINUX_EADV 68
#define LINUX_ESRMNT 69
#define LINUX_ECOMM 70
#define LINUX_EMULTIHOP 72
#define LINUX_EDOTDOT 73
#define LINUX_EBADMSG 74
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
#define LINUX_ESOCKTNOSUPPORT 94
#define LINUX_EPFNOSUPPORT 96
#define LINUX_ENETRESET 102
#define LINUX_ESHUTDOWN 108
#define LINUX_ETOOMANYREFS 109
#define LINUX_EHOSTDOWN 112
#define LINUX_EUCLEAN 117
#define LINUX_ENOTNAM 118
#define LINUX_ENAVAIL 119
#define LINUX_EISNAM 120
#define LINUX_EREMOTEIO 121
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
/* the largest Linux errno value */
#define LINUX_ERRNO_MAX 133

#endif /* EREMIT_LIBC_HERMIT_ABI_H */
