//! Error numbers of the hermit ABI (Linux's values). System calls return them negated.
pub const EPERM: i32 = 1;
pub const ENOENT: i32 = 2;
pub const ESRCH: i32 = 3;
pub const EINTR: i32 = 4;
pub const EIO: i32 = 5;
pub const EBADF: i32 = 9;
pub const EAGAIN: i32 = 11;
pub const ENOMEM: i32 = 12;
pub const EFAULT: i32 = 14;
pub const EINVAL: i32 = 22;
pub const ESPIPE: i32 = 29;
pub const EDEADLK: i32 = 35;
pub const ENOSYS: i32 = 38;
pub const ETIMEDOUT: i32 = 110;

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
        ];
        for (ours, theirs) in pairs {
            assert_eq!(ours, theirs);
        }
    }
}
