//! Types and constants of the hermit syscall ABI (`hermit-abi` 0.5), as the application
//! and the C library see them. Host tests compare their layouts with `hermit-abi`'s.

pub mod errno;

/// Thread id.
pub type Tid = u32;
pub type clockid_t = i32;
pub type time_t = i64;
pub type socklen_t = u32;
pub type nfds_t = usize;
pub type sem_t = *const core::ffi::c_void;

pub const CLOCK_REALTIME: clockid_t = 1;
pub const CLOCK_MONOTONIC: clockid_t = 4;

pub const STDIN_FILENO: i32 = 0;
pub const STDOUT_FILENO: i32 = 1;
pub const STDERR_FILENO: i32 = 2;

pub const S_IFCHR: u32 = 0o2_0000;
pub const SEEK_SET: i32 = 0;

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
    }
}
