//! Error numbers of the hermit ABI (Linux's values). System calls return them negated.
pub const EPERM: i32 = 1;
pub const ENOENT: i32 = 2;
pub const ESRCH: i32 = 3;
pub const EINTR: i32 = 4;
pub const EIO: i32 = 5;
pub const ENXIO: i32 = 6;
pub const EBADF: i32 = 9;
pub const EAGAIN: i32 = 11;
pub const ENOMEM: i32 = 12;
pub const EACCES: i32 = 13;
pub const EFAULT: i32 = 14;
pub const EBUSY: i32 = 16;
pub const EEXIST: i32 = 17;
pub const ENOTDIR: i32 = 20;
pub const EISDIR: i32 = 21;
pub const EINVAL: i32 = 22;
pub const EMFILE: i32 = 24;
pub const ENOTTY: i32 = 25;
pub const EFBIG: i32 = 27;
pub const ENOSPC: i32 = 28;
pub const ESPIPE: i32 = 29;
pub const ERANGE: i32 = 34;
pub const EDEADLK: i32 = 35;
pub const ENAMETOOLONG: i32 = 36;
pub const ENOSYS: i32 = 38;
pub const ENOTEMPTY: i32 = 39;
pub const EOVERFLOW: i32 = 75;
pub const EOPNOTSUPP: i32 = 95;
pub const ETIMEDOUT: i32 = 110;
// Sockets.
pub const EPIPE: i32 = 32;
pub const ENOTSOCK: i32 = 88;
pub const EDESTADDRREQ: i32 = 89;
pub const EMSGSIZE: i32 = 90;
pub const EPROTOTYPE: i32 = 91;
pub const ENOPROTOOPT: i32 = 92;
pub const EPROTONOSUPPORT: i32 = 93;
pub const EAFNOSUPPORT: i32 = 97;
pub const EADDRINUSE: i32 = 98;
pub const EADDRNOTAVAIL: i32 = 99;
pub const ENETDOWN: i32 = 100;
pub const ENETUNREACH: i32 = 101;
pub const ECONNABORTED: i32 = 103;
pub const ECONNRESET: i32 = 104;
pub const ENOBUFS: i32 = 105;
pub const EISCONN: i32 = 106;
pub const ENOTCONN: i32 = 107;
pub const ECONNREFUSED: i32 = 111;
pub const EHOSTUNREACH: i32 = 113;
pub const EALREADY: i32 = 114;
pub const EINPROGRESS: i32 = 115;

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
            assert_eq!(ours, theirs);
        }
    }
}
