//! Error numbers of the hermit ABI (Linux's values), typed: every fallible kernel
//! operation returns an `Errno`, from the subsystems up to the system-call layer, which
//! turns it into the negative integer of the ABI in one place (`syscalls::fail`).

use core::fmt;

/// An error number. Only the constants below make one, so a value is always a
/// positive errno (never 0, never negated twice).
///
/// In the C header it is an `int32_t` (`typedef int32_t Errno`), with the values as
/// `#define`s.
#[derive(Clone, Copy, PartialEq, Eq)]
#[repr(transparent)]
pub struct Errno(i32);

impl Errno {
    /// The positive number (the ABI returns it negated and stores it in `errno`).
    pub const fn code(self) -> i32 {
        self.0
    }

    /// The error of a positive `code` (as the scheduler answers them), if it is one of
    /// the numbers below.
    pub fn from_code(code: i32) -> Option<Errno> {
        NAMES.iter().map(|&(e, _)| e).find(|e| e.0 == code)
    }

    /// The name (`"EINVAL"`), for messages and test failures.
    pub fn name(self) -> &'static str {
        NAMES
            .iter()
            .find(|(e, _)| *e == self)
            .map_or("E?", |(_, name)| name)
    }
}

impl fmt::Debug for Errno {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}({})", self.name(), self.0)
    }
}

pub const EPERM: Errno = Errno(1);
pub const ENOENT: Errno = Errno(2);
pub const ESRCH: Errno = Errno(3);
pub const EINTR: Errno = Errno(4);
pub const EIO: Errno = Errno(5);
pub const ENXIO: Errno = Errno(6);
pub const EBADF: Errno = Errno(9);
pub const EAGAIN: Errno = Errno(11);
pub const ENOMEM: Errno = Errno(12);
pub const EACCES: Errno = Errno(13);
pub const EFAULT: Errno = Errno(14);
pub const EBUSY: Errno = Errno(16);
pub const EEXIST: Errno = Errno(17);
pub const ENOTDIR: Errno = Errno(20);
pub const EISDIR: Errno = Errno(21);
pub const EINVAL: Errno = Errno(22);
pub const EMFILE: Errno = Errno(24);
pub const ENOTTY: Errno = Errno(25);
pub const EFBIG: Errno = Errno(27);
pub const ENOSPC: Errno = Errno(28);
pub const ESPIPE: Errno = Errno(29);
pub const ERANGE: Errno = Errno(34);
pub const EDEADLK: Errno = Errno(35);
pub const ENAMETOOLONG: Errno = Errno(36);
pub const ENOSYS: Errno = Errno(38);
pub const ENOTEMPTY: Errno = Errno(39);
pub const EOVERFLOW: Errno = Errno(75);
pub const EOPNOTSUPP: Errno = Errno(95);
pub const ETIMEDOUT: Errno = Errno(110);
// Files on the host (virtio-fs volumes).
pub const EXDEV: Errno = Errno(18);
pub const EROFS: Errno = Errno(30);
pub const EMLINK: Errno = Errno(31);
pub const ELOOP: Errno = Errno(40);
pub const ENOLCK: Errno = Errno(37);
pub const ENODATA: Errno = Errno(61);
pub const ESTALE: Errno = Errno(116);
pub const EPROTO: Errno = Errno(71);
pub const EDQUOT: Errno = Errno(122);
// Sockets.
pub const EPIPE: Errno = Errno(32);
pub const ENOTSOCK: Errno = Errno(88);
pub const EDESTADDRREQ: Errno = Errno(89);
pub const EMSGSIZE: Errno = Errno(90);
pub const EPROTOTYPE: Errno = Errno(91);
pub const ENOPROTOOPT: Errno = Errno(92);
pub const EPROTONOSUPPORT: Errno = Errno(93);
pub const EAFNOSUPPORT: Errno = Errno(97);
pub const EADDRINUSE: Errno = Errno(98);
pub const EADDRNOTAVAIL: Errno = Errno(99);
pub const ENETDOWN: Errno = Errno(100);
pub const ENETUNREACH: Errno = Errno(101);
pub const ECONNABORTED: Errno = Errno(103);
pub const ECONNRESET: Errno = Errno(104);
pub const ENOBUFS: Errno = Errno(105);
pub const EISCONN: Errno = Errno(106);
pub const ENOTCONN: Errno = Errno(107);
pub const ECONNREFUSED: Errno = Errno(111);
pub const EHOSTUNREACH: Errno = Errno(113);
pub const EALREADY: Errno = Errno(114);
pub const EINPROGRESS: Errno = Errno(115);

const NAMES: &[(Errno, &str)] = &[
    (EPERM, "EPERM"),
    (ENOENT, "ENOENT"),
    (ESRCH, "ESRCH"),
    (EINTR, "EINTR"),
    (EIO, "EIO"),
    (ENXIO, "ENXIO"),
    (EBADF, "EBADF"),
    (EAGAIN, "EAGAIN"),
    (ENOMEM, "ENOMEM"),
    (EACCES, "EACCES"),
    (EFAULT, "EFAULT"),
    (EBUSY, "EBUSY"),
    (EEXIST, "EEXIST"),
    (ENOTDIR, "ENOTDIR"),
    (EISDIR, "EISDIR"),
    (EINVAL, "EINVAL"),
    (EMFILE, "EMFILE"),
    (ENOTTY, "ENOTTY"),
    (EFBIG, "EFBIG"),
    (ENOSPC, "ENOSPC"),
    (ESPIPE, "ESPIPE"),
    (ERANGE, "ERANGE"),
    (EDEADLK, "EDEADLK"),
    (ENAMETOOLONG, "ENAMETOOLONG"),
    (ENOSYS, "ENOSYS"),
    (ENOTEMPTY, "ENOTEMPTY"),
    (EOVERFLOW, "EOVERFLOW"),
    (EOPNOTSUPP, "EOPNOTSUPP"),
    (ETIMEDOUT, "ETIMEDOUT"),
    (EXDEV, "EXDEV"),
    (EROFS, "EROFS"),
    (EMLINK, "EMLINK"),
    (ELOOP, "ELOOP"),
    (ENOLCK, "ENOLCK"),
    (ENODATA, "ENODATA"),
    (ESTALE, "ESTALE"),
    (EPROTO, "EPROTO"),
    (EDQUOT, "EDQUOT"),
    (EPIPE, "EPIPE"),
    (ENOTSOCK, "ENOTSOCK"),
    (EDESTADDRREQ, "EDESTADDRREQ"),
    (EMSGSIZE, "EMSGSIZE"),
    (EPROTOTYPE, "EPROTOTYPE"),
    (ENOPROTOOPT, "ENOPROTOOPT"),
    (EPROTONOSUPPORT, "EPROTONOSUPPORT"),
    (EAFNOSUPPORT, "EAFNOSUPPORT"),
    (EADDRINUSE, "EADDRINUSE"),
    (EADDRNOTAVAIL, "EADDRNOTAVAIL"),
    (ENETDOWN, "ENETDOWN"),
    (ENETUNREACH, "ENETUNREACH"),
    (ECONNABORTED, "ECONNABORTED"),
    (ECONNRESET, "ECONNRESET"),
    (ENOBUFS, "ENOBUFS"),
    (EISCONN, "EISCONN"),
    (ENOTCONN, "ENOTCONN"),
    (ECONNREFUSED, "ECONNREFUSED"),
    (EHOSTUNREACH, "EHOSTUNREACH"),
    (EALREADY, "EALREADY"),
    (EINPROGRESS, "EINPROGRESS"),
];

#[cfg(test)]
mod tests {
    #[test]
    fn values_match_hermit_abi() {
        use hermit_abi::errno as h;
        let pairs = [
            (super::EPERM, h::EPERM),
            (super::ENOENT, h::ENOENT),
            (super::ESRCH, h::ESRCH),
            (super::EINTR, h::EINTR),
            (super::EDEADLK, h::EDEADLK),
            (super::EIO, h::EIO),
            (super::EBADF, h::EBADF),
            (super::EAGAIN, h::EAGAIN),
            (super::ENOMEM, h::ENOMEM),
            (super::EFAULT, h::EFAULT),
            (super::EINVAL, h::EINVAL),
            (super::ESPIPE, h::ESPIPE),
            (super::ENOSYS, h::ENOSYS),
            (super::ETIMEDOUT, h::ETIMEDOUT),
            (super::EPIPE, h::EPIPE),
            (super::ENOTSOCK, h::ENOTSOCK),
            (super::EDESTADDRREQ, h::EDESTADDRREQ),
            (super::EMSGSIZE, h::EMSGSIZE),
            (super::EPROTOTYPE, h::EPROTOTYPE),
            (super::ENOPROTOOPT, h::ENOPROTOOPT),
            (super::EPROTONOSUPPORT, h::EPROTONOSUPPORT),
            (super::EAFNOSUPPORT, h::EAFNOSUPPORT),
            (super::EADDRINUSE, h::EADDRINUSE),
            (super::EADDRNOTAVAIL, h::EADDRNOTAVAIL),
            (super::ENETDOWN, h::ENETDOWN),
            (super::ENETUNREACH, h::ENETUNREACH),
            (super::ECONNABORTED, h::ECONNABORTED),
            (super::ECONNRESET, h::ECONNRESET),
            (super::ENOBUFS, h::ENOBUFS),
            (super::EISCONN, h::EISCONN),
            (super::ENOTCONN, h::ENOTCONN),
            (super::ECONNREFUSED, h::ECONNREFUSED),
            (super::EHOSTUNREACH, h::EHOSTUNREACH),
            (super::EALREADY, h::EALREADY),
            (super::EINPROGRESS, h::EINPROGRESS),
            (super::ENXIO, h::ENXIO),
            (super::EACCES, h::EACCES),
            (super::EBUSY, h::EBUSY),
            (super::EEXIST, h::EEXIST),
            (super::ENOTDIR, h::ENOTDIR),
            (super::EISDIR, h::EISDIR),
            (super::EMFILE, h::EMFILE),
            (super::ENOTTY, h::ENOTTY),
            (super::EFBIG, h::EFBIG),
            (super::ENOSPC, h::ENOSPC),
            (super::ERANGE, h::ERANGE),
            (super::ENAMETOOLONG, h::ENAMETOOLONG),
            (super::ENOTEMPTY, h::ENOTEMPTY),
            (super::EOVERFLOW, h::EOVERFLOW),
            (super::EOPNOTSUPP, h::EOPNOTSUPP),
        ];
        for (ours, theirs) in pairs {
            assert_eq!(ours.code(), theirs);
        }
    }

    #[test]
    fn names() {
        assert_eq!(super::EINVAL.name(), "EINVAL");
        assert_eq!(format!("{:?}", super::ENOENT), "ENOENT(2)");
        assert_eq!(super::Errno::from_code(22), Some(super::EINVAL));
        assert_eq!(super::Errno::from_code(0), None);
        assert_eq!(super::Errno::from_code(-22), None);
        // Every number has one name.
        for (i, (e, _)) in super::NAMES.iter().enumerate() {
            assert!(super::NAMES[i + 1..].iter().all(|(f, _)| f != e));
        }
    }
}
