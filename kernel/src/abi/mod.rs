//! Types and constants of the hermit syscall ABI (`hermit-abi` 0.5), as the application
//! and the C library see them. Host tests compare their layouts with `hermit-abi`'s.

pub mod addrinfo_list;
pub mod errno;
pub mod net;

/// Thread id.
pub type Tid = u32;
pub type clockid_t = i32;
pub type time_t = i64;
pub type socklen_t = u32;
pub type nfds_t = usize;
pub type sem_t = *const core::ffi::c_void;

pub const CLOCK_REALTIME: clockid_t = 1;
pub const CLOCK_MONOTONIC: clockid_t = 4;

/// `sys_futex_wait` flag: the timeout is a duration, not a point in time.
pub const FUTEX_RELATIVE_TIMEOUT: u32 = 1;
/// `sys_futex_wait` flag (Eremit's, beyond hermit's ABI): a signal for the task ends the
/// wait with `-EINTR` (docs/signals.md). The C library sets it where a handler may run.
pub const FUTEX_INTERRUPTIBLE: u32 = 2;

pub const STDIN_FILENO: i32 = 0;
pub const STDOUT_FILENO: i32 = 1;
pub const STDERR_FILENO: i32 = 2;

pub const S_IFCHR: u32 = 0o2_0000;
pub const S_IFDIR: u32 = 0o4_0000;
pub const S_IFREG: u32 = 0o10_0000;
pub const S_IFLNK: u32 = 0o12_0000;
pub const S_IFMT: u32 = 0o17_0000;

pub const SEEK_SET: i32 = 0;
pub const SEEK_CUR: i32 = 1;
pub const SEEK_END: i32 = 2;

// `sys_open` flags (Linux's values).
pub const O_RDONLY: i32 = 0o0;
pub const O_WRONLY: i32 = 0o1;
pub const O_RDWR: i32 = 0o2;
pub const O_CREAT: i32 = 0o100;
pub const O_EXCL: i32 = 0o200;
pub const O_TRUNC: i32 = 0o1000;
pub const O_APPEND: i32 = 0o2000;
pub const O_NONBLOCK: i32 = 0o4000;
pub const O_DIRECTORY: i32 = 0o200000;
/// Linux's `O_NOFOLLOW`: fail with `ELOOP` if the last component is a symbolic link.
pub const O_NOFOLLOW: i32 = 0o400000;
/// Eremit extension (Linux's value; not in `hermit-abi`): the new descriptor gets
/// `FD_CLOEXEC`.
pub const O_CLOEXEC: i32 = 0o2000000;

// `sys_fcntl` commands.
pub const F_DUPFD: i32 = 0;
pub const F_GETFD: i32 = 1;
pub const F_SETFD: i32 = 2;
pub const F_GETFL: i32 = 3;
pub const F_SETFL: i32 = 4;
/// Eremit extension (Linux's value; not in `hermit-abi`): `F_DUPFD` with `FD_CLOEXEC`.
pub const F_DUPFD_CLOEXEC: i32 = 1030;
pub const FD_CLOEXEC: i32 = 1;

// Record locks (`sys_lock`; Eremit extension, Linux's values).
pub const F_GETLK: i32 = 5;
pub const F_SETLK: i32 = 6;
pub const F_SETLKW: i32 = 7;
pub const F_RDLCK: i16 = 0;
pub const F_WRLCK: i16 = 1;
pub const F_UNLCK: i16 = 2;

// `sys_flock` operations (Eremit extension, Linux's values).
pub const LOCK_SH: i32 = 1;
pub const LOCK_EX: i32 = 2;
pub const LOCK_NB: i32 = 4;
pub const LOCK_UN: i32 = 8;

// `sys_utimensat` (Eremit extension, Linux's values).
pub const AT_FDCWD: i32 = -100;
pub const AT_SYMLINK_NOFOLLOW: i32 = 0x100;
/// `tv_nsec` of a time meaning "now" / "leave unchanged".
pub const UTIME_NOW: i32 = (1 << 30) - 1;
pub const UTIME_OMIT: i32 = (1 << 30) - 2;

/// `f_flag` of `statvfs`: a read-only file system.
pub const ST_RDONLY: u64 = 1;

/// A record lock (`sys_lock`), Linux's `struct flock`.
#[repr(C)]
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct flock {
    pub l_type: i16,
    pub l_whence: i16,
    pub l_start: i64,
    pub l_len: i64,
    pub l_pid: i32,
}

/// File system statistics (`sys_statvfs`), Linux's `struct statvfs` on x86-64.
#[repr(C)]
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct statvfs {
    pub f_bsize: u64,
    pub f_frsize: u64,
    pub f_blocks: u64,
    pub f_bfree: u64,
    pub f_bavail: u64,
    pub f_files: u64,
    pub f_ffree: u64,
    pub f_favail: u64,
    pub f_fsid: u64,
    pub f_flag: u64,
    pub f_namemax: u64,
}

/// `sys_ioctl` request that sets (`*argp != 0`) or clears `O_NONBLOCK`.
pub const FIONBIO: i32 = 0x8008_667e_u32 as i32;

// `sys_access` modes (Eremit extension; Linux's values).
pub const F_OK: i32 = 0;
pub const X_OK: i32 = 1;
pub const W_OK: i32 = 2;
pub const R_OK: i32 = 4;

// `d_type` of `dirent64`.
pub const DT_UNKNOWN: u8 = 0;
pub const DT_CHR: u8 = 2;
pub const DT_DIR: u8 = 4;
pub const DT_REG: u8 = 8;
pub const DT_LNK: u8 = 10;

/// Most buffers `sys_readv`/`sys_writev` take.
pub const IOV_MAX: usize = 1024;

/// A point or span of time (note the 32-bit nanoseconds of this ABI).
#[repr(C)]
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct timespec {
    pub tv_sec: time_t,
    pub tv_nsec: i32,
}

/// File status, as `sys_stat`/`sys_fstat` fill it.
#[repr(C)]
#[derive(Debug, Default, Clone, Copy)]
pub struct stat {
    pub st_dev: u64,
    pub st_ino: u64,
    pub st_nlink: u64,
    pub st_mode: u32,
    pub st_uid: u32,
    pub st_gid: u32,
    pub st_rdev: u64,
    pub st_size: i64,
    pub st_blksize: i64,
    pub st_blocks: i64,
    pub st_atim: timespec,
    pub st_mtim: timespec,
    pub st_ctim: timespec,
}

/// Scatter/gather buffer.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct iovec {
    pub iov_base: *mut core::ffi::c_void,
    pub iov_len: usize,
}

/// Directory entry filled by `sys_getdents64`.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct dirent64 {
    pub d_ino: u64,
    pub d_off: i64,
    pub d_reclen: u16,
    pub d_type: u8,
    pub d_name: [core::ffi::c_char; 256],
}

/// Generic socket address.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct sockaddr {
    pub sa_len: u8,
    pub sa_family: u8,
    pub sa_data: [core::ffi::c_char; 14],
}

/// Address information returned by `sys_getaddrinfo`.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct addrinfo {
    pub ai_flags: i32,
    pub ai_family: i32,
    pub ai_socktype: i32,
    pub ai_protocol: i32,
    pub ai_addrlen: socklen_t,
    pub ai_canonname: *mut core::ffi::c_char,
    pub ai_addr: *mut sockaddr,
    pub ai_next: *mut addrinfo,
}

/// One entry for `sys_poll`.
#[repr(C)]
#[derive(Debug, Default, Clone, Copy)]
pub struct pollfd {
    pub fd: i32,
    pub events: i16,
    pub revents: i16,
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::mem::{align_of, size_of};

    macro_rules! same_layout {
        ($($t:ident),*) => {$(
            assert_eq!(size_of::<$t>(), size_of::<hermit_abi::$t>(), stringify!($t));
            assert_eq!(align_of::<$t>(), align_of::<hermit_abi::$t>(), stringify!($t));
        )*};
    }

    #[test]
    fn layouts_match_hermit_abi() {
        same_layout!(timespec, stat, iovec, dirent64, sockaddr, addrinfo, pollfd);
        assert_eq!(CLOCK_REALTIME, hermit_abi::CLOCK_REALTIME);
        assert_eq!(CLOCK_MONOTONIC, hermit_abi::CLOCK_MONOTONIC);
        assert_eq!(S_IFCHR, hermit_abi::S_IFCHR);
        assert_eq!(
            [S_IFDIR, S_IFREG, S_IFMT],
            [hermit_abi::S_IFDIR, hermit_abi::S_IFREG, hermit_abi::S_IFMT]
        );
        assert_eq!(
            [SEEK_SET, SEEK_CUR, SEEK_END],
            [
                hermit_abi::SEEK_SET,
                hermit_abi::SEEK_CUR,
                hermit_abi::SEEK_END
            ]
        );
        let open_flags = [
            O_RDONLY, O_WRONLY, O_RDWR, O_CREAT, O_EXCL, O_TRUNC, O_APPEND,
        ];
        let theirs = [
            hermit_abi::O_RDONLY,
            hermit_abi::O_WRONLY,
            hermit_abi::O_RDWR,
            hermit_abi::O_CREAT,
            hermit_abi::O_EXCL,
            hermit_abi::O_TRUNC,
            hermit_abi::O_APPEND,
        ];
        assert_eq!(open_flags, theirs);
        assert_eq!(
            [O_NONBLOCK, O_DIRECTORY],
            [hermit_abi::O_NONBLOCK, hermit_abi::O_DIRECTORY]
        );
        let fcntl = [F_DUPFD, F_GETFD, F_SETFD, F_GETFL, F_SETFL, FD_CLOEXEC];
        let theirs = [
            hermit_abi::F_DUPFD,
            hermit_abi::F_GETFD,
            hermit_abi::F_SETFD,
            hermit_abi::F_GETFL,
            hermit_abi::F_SETFL,
            hermit_abi::FD_CLOEXEC,
        ];
        assert_eq!(fcntl, theirs);
        assert_eq!(FIONBIO, hermit_abi::FIONBIO);
        assert_eq!(
            [DT_UNKNOWN, DT_CHR, DT_DIR, DT_REG],
            [
                hermit_abi::DT_UNKNOWN,
                hermit_abi::DT_CHR,
                hermit_abi::DT_DIR,
                hermit_abi::DT_REG
            ]
        );
        assert_eq!(IOV_MAX, hermit_abi::IOV_MAX);
    }
}
