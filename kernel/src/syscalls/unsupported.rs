//! Calls of the ABI that are not implemented yet. Each fails with ENOSYS (never a silent
//! success) and README's syscall table lists it; the issue that implements it replaces
//! the stub with the real call.

use core::ffi::{c_char, c_void};

use super::fail;
use crate::abi::errno::ENOSYS;
use crate::abi::{addrinfo, dirent64, nfds_t, pollfd, sockaddr, socklen_t, stat};

macro_rules! enosys {
    ($($name:ident($($arg:ident: $ty:ty),*) -> $ret:ty;)*) => {$(
        #[unsafe(no_mangle)]
        pub extern "C" fn $name($($arg: $ty),*) -> $ret {
            $(let _ = $arg;)*
            fail(ENOSYS) as $ret
        }
    )*};
}

// Files (in-memory filesystem: newlib issue).
enosys! {
    sys_open(name: *const c_char, flags: i32, mode: i32) -> i32;
    sys_opendir(name: *const c_char) -> i32;
    sys_unlink(name: *const c_char) -> i32;
    sys_rmdir(name: *const c_char) -> i32;
    sys_stat(name: *const c_char, st: *mut stat) -> i32;
    sys_lstat(name: *const c_char, st: *mut stat) -> i32;
    sys_mkdir(name: *const i8, mode: u32) -> i32;
    sys_getdents64(fd: i32, dirp: *mut dirent64, count: usize) -> i64;
    sys_fcntl(fd: i32, cmd: i32, arg: i32) -> i32;
    sys_ioctl(s: i32, cmd: i32, argp: *mut c_void) -> i32;
}

// Wait queues of older Hermit releases (threads issue).
enosys! {
    sys_notify(id: usize, count: i32) -> i32;
    sys_add_queue(id: usize, timeout_ns: i64) -> i32;
    sys_wait(id: usize) -> i32;
    sys_init_queue(id: usize) -> i32;
    sys_destroy_queue(id: usize) -> i32;
}

// Networking (networking issue).
enosys! {
    sys_network_init() -> i32;
    sys_getaddrbyname(name: *const c_char, inaddr: *mut u8, len: usize) -> i32;
    sys_socket(domain: i32, type_: i32, protocol: i32) -> i32;
    sys_accept(s: i32, addr: *mut sockaddr, addrlen: *mut socklen_t) -> i32;
    sys_bind(s: i32, name: *const sockaddr, namelen: socklen_t) -> i32;
    sys_connect(s: i32, name: *const sockaddr, namelen: socklen_t) -> i32;
    sys_listen(s: i32, backlog: i32) -> i32;
    sys_recv(socket: i32, buf: *mut u8, len: usize, flags: i32) -> isize;
    sys_recvfrom(socket: i32, buf: *mut u8, len: usize, flags: i32, addr: *mut sockaddr, addrlen: *mut socklen_t) -> isize;
    sys_send(s: i32, mem: *const c_void, len: usize, flags: i32) -> isize;
    sys_sendto(s: i32, mem: *const c_void, len: usize, flags: i32, to: *const sockaddr, tolen: socklen_t) -> isize;
    sys_shutdown(sockfd: i32, how: i32) -> i32;
    sys_shutdown_socket(s: i32, how: i32) -> i32;
    sys_getpeername(s: i32, name: *mut sockaddr, namelen: *mut socklen_t) -> i32;
    sys_getsockname(s: i32, name: *mut sockaddr, namelen: *mut socklen_t) -> i32;
    sys_getsockopt(s: i32, level: i32, optname: i32, optval: *mut c_void, optlen: *mut socklen_t) -> i32;
    sys_setsockopt(s: i32, level: i32, optname: i32, optval: *const c_void, optlen: socklen_t) -> i32;
    sys_poll(fds: *mut pollfd, nfds: nfds_t, timeout: i32) -> i32;
    sys_eventfd(initval: u64, flags: i16) -> i32;
    sys_getaddrinfo(nodename: *const c_char, servname: *const c_char, hints: *const addrinfo, res: *mut *mut addrinfo) -> i32;
}

/// `sys_getaddrinfo` never returns a list yet, so there is nothing to free.
#[unsafe(no_mangle)]
pub extern "C" fn sys_freeaddrinfo(ai: *mut addrinfo) {
    let _ = ai;
}
