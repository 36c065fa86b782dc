/* errno: the kernel reports Linux's values, newlib numbers most codes above 34
 * differently (ENOSYS is 38 on Linux and 88 in newlib, ETIMEDOUT 110 and 116, ...). */

/* Also the Linux-only codes (ENOTBLK, EBADFD, ...), which newlib numbers too. */
#define __LINUX_ERRNO_EXTENSIONS__
#include <errno.h>

#include "port.h"

/* Linux value -> newlib value, by name.  Linux's EOPNOTSUPP, which is also its ENOTSUP,
 * becomes newlib's ENOTSUP.  The codes newlib lacks (ERESTART, EUCLEAN, ..., EHWPOISON)
 * have numbers of their own in libc-port/include/sys/errno.h. */
static const unsigned char from_linux[LINUX_ERRNO_MAX + 1] = {
    [HERMIT_EPERM] = EPERM,
    [HERMIT_ENOENT] = ENOENT,
    [HERMIT_ESRCH] = ESRCH,
    [HERMIT_EINTR] = EINTR,
    [HERMIT_EIO] = EIO,
    [HERMIT_ENXIO] = ENXIO,
    [LINUX_E2BIG] = E2BIG,
    [LINUX_ENOEXEC] = ENOEXEC,
    [HERMIT_EBADF] = EBADF,
    [LINUX_ECHILD] = ECHILD,
    [HERMIT_EAGAIN] = EAGAIN,
    [HERMIT_ENOMEM] = ENOMEM,
    [HERMIT_EACCES] = EACCES,
    [HERMIT_EFAULT] = EFAULT,
    [LINUX_ENOTBLK] = ENOTBLK,
    [HERMIT_EBUSY] = EBUSY,
    [HERMIT_EEXIST] = EEXIST,
    [HERMIT_EXDEV] = EXDEV,
    [LINUX_ENODEV] = ENODEV,
    [HERMIT_ENOTDIR] = ENOTDIR,
    [HERMIT_EISDIR] = EISDIR,
    [HERMIT_EINVAL] = EINVAL,
    [LINUX_ENFILE] = ENFILE,
    [HERMIT_EMFILE] = EMFILE,
    [HERMIT_ENOTTY] = ENOTTY,
    [LINUX_ETXTBSY] = ETXTBSY,
    [HERMIT_EFBIG] = EFBIG,
    [HERMIT_ENOSPC] = ENOSPC,
    [HERMIT_ESPIPE] = ESPIPE,
    [HERMIT_EROFS] = EROFS,
    [HERMIT_EMLINK] = EMLINK,
    [HERMIT_EPIPE] = EPIPE,
    [LINUX_EDOM] = EDOM,
    [HERMIT_ERANGE] = ERANGE,
    [HERMIT_EDEADLK] = EDEADLK,
    [HERMIT_ENAMETOOLONG] = ENAMETOOLONG,
    [HERMIT_ENOLCK] = ENOLCK,
    [HERMIT_ENOSYS] = ENOSYS,
    [HERMIT_ENOTEMPTY] = ENOTEMPTY,
    [HERMIT_ELOOP] = ELOOP,
    [LINUX_ENOMSG] = ENOMSG,
    [LINUX_EIDRM] = EIDRM,
    [LINUX_ECHRNG] = ECHRNG,
    [LINUX_EL2NSYNC] = EL2NSYNC,
    [LINUX_EL3HLT] = EL3HLT,
    [LINUX_EL3RST] = EL3RST,
    [LINUX_ELNRNG] = ELNRNG,
    [LINUX_EUNATCH] = EUNATCH,
    [LINUX_ENOCSI] = ENOCSI,
    [LINUX_EL2HLT] = EL2HLT,
    [LINUX_EBADE] = EBADE,
    [LINUX_EBADR] = EBADR,
    [LINUX_EXFULL] = EXFULL,
    [LINUX_ENOANO] = ENOANO,
    [LINUX_EBADRQC] = EBADRQC,
    [LINUX_EBADSLT] = EBADSLT,
    [LINUX_EBFONT] = EBFONT,
    [LINUX_ENOSTR] = ENOSTR,
    [HERMIT_ENODATA] = ENODATA,
    [LINUX_ETIME] = ETIME,
    [LINUX_ENOSR] = ENOSR,
    [LINUX_ENONET] = ENONET,
    [LINUX_ENOPKG] = ENOPKG,
    [LINUX_EREMOTE] = EREMOTE,
    [LINUX_ENOLINK] = ENOLINK,
    [LINUX_EADV] = EADV,
    [LINUX_ESRMNT] = ESRMNT,
    [LINUX_ECOMM] = ECOMM,
    [HERMIT_EPROTO] = EPROTO,
    [LINUX_EMULTIHOP] = EMULTIHOP,
    [LINUX_EDOTDOT] = EDOTDOT,
    [LINUX_EBADMSG] = EBADMSG,
    [HERMIT_EOVERFLOW] = EOVERFLOW,
    [LINUX_ENOTUNIQ] = ENOTUNIQ,
    [LINUX_EBADFD] = EBADFD,
    [LINUX_EREMCHG] = EREMCHG,
    [LINUX_ELIBACC] = ELIBACC,
    [LINUX_ELIBBAD] = ELIBBAD,
    [LINUX_ELIBSCN] = ELIBSCN,
    [LINUX_ELIBMAX] = ELIBMAX,
    [LINUX_ELIBEXEC] = ELIBEXEC,
    [LINUX_EILSEQ] = EILSEQ,
    [LINUX_ESTRPIPE] = ESTRPIPE,
    [LINUX_EUSERS] = EUSERS,
    [HERMIT_ENOTSOCK] = ENOTSOCK,
    [HERMIT_EDESTADDRREQ] = EDESTADDRREQ,
    [HERMIT_EMSGSIZE] = EMSGSIZE,
    [HERMIT_EPROTOTYPE] = EPROTOTYPE,
    [HERMIT_ENOPROTOOPT] = ENOPROTOOPT,
    [HERMIT_EPROTONOSUPPORT] = EPROTONOSUPPORT,
    [LINUX_ESOCKTNOSUPPORT] = ESOCKTNOSUPPORT,
    [HERMIT_EOPNOTSUPP] = ENOTSUP,
    [LINUX_EPFNOSUPPORT] = EPFNOSUPPORT,
    [HERMIT_EAFNOSUPPORT] = EAFNOSUPPORT,
    [HERMIT_EADDRINUSE] = EADDRINUSE,
    [HERMIT_EADDRNOTAVAIL] = EADDRNOTAVAIL,
    [HERMIT_ENETDOWN] = ENETDOWN,
    [HERMIT_ENETUNREACH] = ENETUNREACH,
    [LINUX_ENETRESET] = ENETRESET,
    [HERMIT_ECONNABORTED] = ECONNABORTED,
    [HERMIT_ECONNRESET] = ECONNRESET,
    [HERMIT_ENOBUFS] = ENOBUFS,
    [HERMIT_EISCONN] = EISCONN,
    [HERMIT_ENOTCONN] = ENOTCONN,
    [LINUX_ESHUTDOWN] = ESHUTDOWN,
    [LINUX_ETOOMANYREFS] = ETOOMANYREFS,
    [HERMIT_ETIMEDOUT] = ETIMEDOUT,
    [HERMIT_ECONNREFUSED] = ECONNREFUSED,
    [LINUX_EHOSTDOWN] = EHOSTDOWN,
    [HERMIT_EHOSTUNREACH] = EHOSTUNREACH,
    [HERMIT_EALREADY] = EALREADY,
    [HERMIT_EINPROGRESS] = EINPROGRESS,
    [HERMIT_ESTALE] = ESTALE,
    [HERMIT_EDQUOT] = EDQUOT,
    [LINUX_ENOMEDIUM] = ENOMEDIUM,
    [LINUX_ECANCELED] = ECANCELED,
    [LINUX_EOWNERDEAD] = EOWNERDEAD,
    [LINUX_ENOTRECOVERABLE] = ENOTRECOVERABLE,
    [LINUX_ERESTART] = ERESTART,
    [LINUX_EUCLEAN] = EUCLEAN,
    [LINUX_ENOTNAM] = ENOTNAM,
    [LINUX_ENAVAIL] = ENAVAIL,
    [LINUX_EISNAM] = EISNAM,
    [LINUX_EREMOTEIO] = EREMOTEIO,
    [LINUX_EMEDIUMTYPE] = EMEDIUMTYPE,
    [LINUX_ENOKEY] = ENOKEY,
    [LINUX_EKEYEXPIRED] = EKEYEXPIRED,
    [LINUX_EKEYREVOKED] = EKEYREVOKED,
    [LINUX_EKEYREJECTED] = EKEYREJECTED,
    [LINUX_ERFKILL] = ERFKILL,
    [LINUX_EHWPOISON] = EHWPOISON,
};

int __hermit_errno(int e)
{
    if (e > 0 && e <= LINUX_ERRNO_MAX && from_linux[e] != 0)
        return from_linux[e];
    return EINVAL;
}

/* newlib's strerror() asks this hook for codes it has no text for: the Linux codes added
 * in libc-port/include/sys/errno.h get glibc's messages. */
char *_user_strerror(int errnum, int internal, int *errptr)
{
    (void)internal;
    (void)errptr;
    switch (errnum) {
    case ERESTART: return "Interrupted system call should be restarted";
    case EUCLEAN: return "Structure needs cleaning";
    case ENOTNAM: return "Not a XENIX named type file";
    case ENAVAIL: return "No XENIX semaphores available";
    case EISNAM: return "Is a named type file";
    case EREMOTEIO: return "Remote I/O error";
    case EMEDIUMTYPE: return "Wrong medium type";
    case ENOKEY: return "Required key not available";
    case EKEYEXPIRED: return "Key has expired";
    case EKEYREVOKED: return "Key has been revoked";
    case EKEYREJECTED: return "Key was rejected by service";
    case ERFKILL: return "Operation not possible due to RF-kill";
    case EHWPOISON: return "Memory page has hardware error";
    default: return 0;
    }
}
