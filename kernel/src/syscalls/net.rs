//! The socket calls of the hermit ABI, eventfd, poll and name resolution. Sockets are
//! descriptors in the file-descriptor table (`Object::Socket`), so `read`, `write`,
//! `close`, `dup`, `fcntl(O_NONBLOCK)` and `ioctl(FIONBIO)` work on them as on files;
//! the blocking ones sleep until the network task reports a change.
//!
//! Addresses are hermit's: AF_INET is 3 and a `sockaddr` starts with a length byte.
//! Only IPv4 is supported (AF_INET6 gets EAFNOSUPPORT).

use core::ffi::{c_char, c_void};

use super::fail;
use super::io::status;
use super::uaccess;
use crate::abi::errno::*;
use crate::abi::net::*;
use crate::abi::{O_NONBLOCK, addrinfo, nfds_t, pollfd, sockaddr, socklen_t};
use crate::fd::global;
use crate::fd::open_file::{Object, Stream};
use crate::net::events;
#[cfg(feature = "net")]
use crate::net::socket;

/// I/O on a socket or eventfd descriptor (from sys_read and friends).
pub(super) fn read_outside(o: Object, nonblocking: bool, buf: &mut [u8]) -> Result<usize, i32> {
    match o {
        #[cfg(feature = "net")]
        Object::Socket(id) => socket::recv(id, buf, false, nonblocking).map(|(n, _)| n),
        Object::EventFd(id) => crate::net::eventfd::get(id)
            .ok_or(EBADF)?
            .read(buf, nonblocking),
        _ => Err(EBADF),
    }
}

pub(super) fn write_outside(o: Object, nonblocking: bool, data: &[u8]) -> Result<usize, i32> {
    match o {
        #[cfg(feature = "net")]
        Object::Socket(id) => socket::send(id, data, None, nonblocking),
        Object::EventFd(id) => crate::net::eventfd::get(id)
            .ok_or(EBADF)?
            .write(data, nonblocking),
        _ => Err(EBADF),
    }
}

#[cfg(feature = "net")]
fn size_or_errno(r: Result<usize, i32>) -> isize {
    match r {
        Ok(n) => n as isize,
        Err(e) => fail(e) as isize,
    }
}

/// The socket behind descriptor `fd` and its O_NONBLOCK; ENOTSOCK for other files.
#[cfg(feature = "net")]
fn socket_of(fd: i32) -> Result<(socket::SocketId, bool), i32> {
    match global::with(|f| f.object(fd))? {
        (Object::Socket(id), nb) => Ok((id, nb)),
        _ => Err(ENOTSOCK),
    }
}

#[cfg(feature = "net")]
/// The address the application passed.
///
/// # Safety
/// `name` must be valid for `len` bytes (checked for null and range).
unsafe fn address_in(name: *const sockaddr, len: socklen_t) -> Result<V4, i32> {
    // SAFETY: the caller's buffer, checked by uaccess.
    let bytes = unsafe { uaccess::bytes(name as *const u8, len as usize) }?;
    parse_sockaddr(bytes)
}

#[cfg(feature = "net")]
/// Stores `a` for the application: truncated to `*len` bytes, `*len` set to the full
/// length. Nothing when `name` is null (accept and recvfrom allow that).
///
/// # Safety
/// `name` and `len` as the socket calls document them.
unsafe fn address_out(a: V4, name: *mut sockaddr, len: *mut socklen_t) -> Result<(), i32> {
    if name.is_null() {
        return Ok(());
    }
    let capacity = uaccess::read(len as *const u32)? as usize;
    uaccess::check_write(len as *mut u8, 4)?;
    // SAFETY: the caller's buffer of `capacity` bytes, checked by uaccess.
    let out = unsafe { uaccess::bytes_mut(name as *mut u8, capacity.min(16)) }?;
    let full = write_sockaddr(a, out);
    uaccess::write(len, full)
}

/// A new socket descriptor (SOCK_NONBLOCK and SOCK_CLOEXEC may be or-ed into `type_`).
#[unsafe(no_mangle)]
pub extern "C" fn sys_socket(domain: i32, type_: i32, protocol: i32) -> i32 {
    #[cfg(feature = "net")]
    {
        let r = socket::socket(domain, type_, protocol).and_then(|id| {
            let status = if type_ & SOCK_NONBLOCK != 0 {
                O_NONBLOCK
            } else {
                0
            };
            let cloexec = type_ & SOCK_CLOEXEC != 0;
            global::with(|f| f.install(Object::Socket(id), status, cloexec))
                .inspect_err(|_| socket::close(id))
        });
        r.unwrap_or_else(fail)
    }
    #[cfg(not(feature = "net"))]
    {
        let _ = (domain, type_, protocol);
        fail(EAFNOSUPPORT)
    }
}

/// # Safety
/// `name` must point at `namelen` readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sys_bind(s: i32, name: *const sockaddr, namelen: socklen_t) -> i32 {
    #[cfg(feature = "net")]
    {
        // SAFETY: the caller's address.
        let r = unsafe { address_in(name, namelen) }.and_then(|a| socket::bind(socket_of(s)?.0, a));
        status(r)
    }
    #[cfg(not(feature = "net"))]
    {
        let _ = (name, namelen);
        not_a_socket(s)
    }
}

#[unsafe(no_mangle)]
pub extern "C" fn sys_listen(s: i32, backlog: i32) -> i32 {
    #[cfg(feature = "net")]
    {
        status(socket_of(s).and_then(|(id, _)| socket::listen(id, backlog)))
    }
    #[cfg(not(feature = "net"))]
    {
        let _ = backlog;
        not_a_socket(s)
    }
}

/// # Safety
/// `addr`/`addrlen`: null, or a buffer and its length as in POSIX.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sys_accept(s: i32, addr: *mut sockaddr, addrlen: *mut socklen_t) -> i32 {
    #[cfg(feature = "net")]
    {
        let r = socket_of(s).and_then(|(id, nb)| {
            let (conn, peer) = socket::accept(id, nb)?;
            let fd = global::with(|f| f.install(Object::Socket(conn), 0, false))
                .inspect_err(|_| socket::close(conn))?;
            // SAFETY: the caller's buffers, checked by uaccess. As Linux, a bad address
            // buffer loses the connection.
            unsafe { address_out(peer, addr, addrlen) }.inspect_err(|_| {
                let _ = global::with(|f| f.close(fd));
            })?;
            Ok(fd)
        });
        r.unwrap_or_else(fail)
    }
    #[cfg(not(feature = "net"))]
    {
        let _ = (addr, addrlen);
        not_a_socket(s)
    }
}

/// # Safety
/// `name` must point at `namelen` readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sys_connect(s: i32, name: *const sockaddr, namelen: socklen_t) -> i32 {
    #[cfg(feature = "net")]
    {
        // SAFETY: the caller's address.
        let r = unsafe { address_in(name, namelen) }.and_then(|a| {
            let (id, nb) = socket_of(s)?;
            socket::connect(id, a, nb)
        });
        status(r)
    }
    #[cfg(not(feature = "net"))]
    {
        let _ = (name, namelen);
        not_a_socket(s)
    }
}

/// # Safety
/// `mem` must point at `len` readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sys_send(s: i32, mem: *const c_void, len: usize, flags: i32) -> isize {
    // SAFETY: as sys_sendto without an address.
    unsafe { sys_sendto(s, mem, len, flags, core::ptr::null(), 0) }
}

/// Flags (MSG_NOSIGNAL and others) are accepted and ignored: there are no signals.
///
/// # Safety
/// `mem` must point at `len` readable bytes, `to` (if not null) at `tolen`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sys_sendto(
    s: i32,
    mem: *const c_void,
    len: usize,
    flags: i32,
    to: *const sockaddr,
    tolen: socklen_t,
) -> isize {
    let _ = flags;
    #[cfg(feature = "net")]
    {
        let r = (|| {
            let (id, nb) = socket_of(s)?;
            // SAFETY: the caller's buffer, checked by uaccess.
            let data = unsafe { uaccess::bytes_prefix(mem as *const u8, len) }?;
            let dest = if to.is_null() {
                None
            } else {
                // SAFETY: the caller's address.
                Some(unsafe { address_in(to, tolen) }?)
            };
            socket::send(id, data, dest, nb)
        })();
        size_or_errno(r)
    }
    #[cfg(not(feature = "net"))]
    {
        let _ = (mem, len, to, tolen);
        not_a_socket(s) as isize
    }
}

/// # Safety
/// `buf` must point at `len` writable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sys_recv(socket: i32, buf: *mut u8, len: usize, flags: i32) -> isize {
    // SAFETY: as sys_recvfrom without an address.
    unsafe {
        sys_recvfrom(
            socket,
            buf,
            len,
            flags,
            core::ptr::null_mut(),
            core::ptr::null_mut(),
        )
    }
}

/// MSG_PEEK is honoured; other flags are ignored.
///
/// # Safety
/// `buf` must point at `len` writable bytes; `addr`/`addrlen` null or as in POSIX.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sys_recvfrom(
    socket: i32,
    buf: *mut u8,
    len: usize,
    flags: i32,
    addr: *mut sockaddr,
    addrlen: *mut socklen_t,
) -> isize {
    #[cfg(feature = "net")]
    {
        let r = (|| {
            let (id, nb) = socket_of(socket)?;
            // SAFETY: the caller's buffer, checked by uaccess.
            let b = unsafe { uaccess::bytes_prefix_mut(buf, len) }?;
            let (n, from) = socket::recv(id, b, flags & MSG_PEEK != 0, nb)?;
            let from = match from {
                Some(f) => Some(f),
                None if !addr.is_null() => socket::peer_addr(id).ok(),
                None => None,
            };
            if let Some(f) = from {
                // SAFETY: the caller's buffers.
                unsafe { address_out(f, addr, addrlen) }?;
            }
            Ok(n)
        })();
        size_or_errno(r)
    }
    #[cfg(not(feature = "net"))]
    {
        let _ = (buf, len, flags, addr, addrlen);
        not_a_socket(socket) as isize
    }
}

#[unsafe(no_mangle)]
pub extern "C" fn sys_shutdown(sockfd: i32, how: i32) -> i32 {
    #[cfg(feature = "net")]
    {
        status(socket_of(sockfd).and_then(|(id, _)| socket::shutdown(id, how)))
    }
    #[cfg(not(feature = "net"))]
    {
        let _ = how;
        not_a_socket(sockfd)
    }
}

/// The older name of `sys_shutdown`.
#[unsafe(no_mangle)]
pub extern "C" fn sys_shutdown_socket(s: i32, how: i32) -> i32 {
    sys_shutdown(s, how)
}

/// # Safety
/// `name`/`namelen` as in POSIX.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sys_getpeername(
    s: i32,
    name: *mut sockaddr,
    namelen: *mut socklen_t,
) -> i32 {
    #[cfg(feature = "net")]
    {
        let r = socket_of(s).and_then(|(id, _)| {
            let a = socket::peer_addr(id)?;
            check_out(name)?;
            // SAFETY: the caller's buffers.
            unsafe { address_out(a, name, namelen) }
        });
        status(r)
    }
    #[cfg(not(feature = "net"))]
    {
        let _ = (name, namelen);
        not_a_socket(s)
    }
}

/// # Safety
/// `name`/`namelen` as in POSIX.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sys_getsockname(
    s: i32,
    name: *mut sockaddr,
    namelen: *mut socklen_t,
) -> i32 {
    #[cfg(feature = "net")]
    {
        let r = socket_of(s).and_then(|(id, _)| {
            let a = socket::local_addr(id)?;
            check_out(name)?;
            // SAFETY: the caller's buffers.
            unsafe { address_out(a, name, namelen) }
        });
        status(r)
    }
    #[cfg(not(feature = "net"))]
    {
        let _ = (name, namelen);
        not_a_socket(s)
    }
}

/// getsockname/getpeername need somewhere to write.
#[cfg(feature = "net")]
fn check_out(name: *mut sockaddr) -> Result<(), i32> {
    if name.is_null() { Err(EFAULT) } else { Ok(()) }
}

/// SO_REUSEADDR, SO_KEEPALIVE, SO_RCVTIMEO, SO_SNDTIMEO, SO_ERROR, SO_LINGER, SO_SNDBUF,
/// SO_RCVBUF, TCP_NODELAY, IP_TTL; others fail with ENOPROTOOPT.
///
/// # Safety
/// `optval` must point at `*optlen` writable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sys_getsockopt(
    s: i32,
    level: i32,
    optname: i32,
    optval: *mut c_void,
    optlen: *mut socklen_t,
) -> i32 {
    #[cfg(feature = "net")]
    {
        let r = (|| {
            let (id, _) = socket_of(s)?;
            let capacity = uaccess::read(optlen as *const u32)? as usize;
            uaccess::check_write(optlen as *mut u8, 4)?;
            let value = socket::getsockopt(id, level, optname)?;
            let n = capacity.min(value.len());
            // SAFETY: the caller's buffer, checked by uaccess.
            let out = unsafe { uaccess::bytes_mut(optval as *mut u8, n) }?;
            out.copy_from_slice(&value[..n]);
            uaccess::write(optlen, n as u32)
        })();
        status(r)
    }
    #[cfg(not(feature = "net"))]
    {
        let _ = (level, optname, optval, optlen);
        not_a_socket(s)
    }
}

/// # Safety
/// `optval` must point at `optlen` readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sys_setsockopt(
    s: i32,
    level: i32,
    optname: i32,
    optval: *const c_void,
    optlen: socklen_t,
) -> i32 {
    #[cfg(feature = "net")]
    {
        let r = (|| {
            let (id, _) = socket_of(s)?;
            // SAFETY: the caller's buffer, checked by uaccess.
            let value = unsafe { uaccess::bytes(optval as *const u8, optlen as usize) }?;
            socket::setsockopt(id, level, optname, value)
        })();
        status(r)
    }
    #[cfg(not(feature = "net"))]
    {
        let _ = (level, optname, optval, optlen);
        not_a_socket(s)
    }
}

/// Without the network stack no descriptor is a socket.
#[cfg(not(feature = "net"))]
fn not_a_socket(fd: i32) -> i32 {
    fail(match global::with(|f| f.object(fd)) {
        Ok(_) => ENOTSOCK,
        Err(e) => e,
    })
}

/// What `fd` is ready for (POLLIN, POLLOUT, POLLHUP, POLLERR; POLLNVAL when closed).
fn readiness(fd: i32) -> i16 {
    let Ok((object, _)) = global::with(|f| f.object(fd)) else {
        return POLLNVAL;
    };
    match object {
        Object::Console(Stream::Stdin) => crate::stdin::readiness(),
        Object::Console(_) => POLLOUT,
        Object::File(_) | Object::Dir(_) | Object::Device(..) => POLLIN | POLLOUT,
        #[cfg(feature = "net")]
        Object::Socket(id) => socket::readiness(id),
        #[cfg(not(feature = "net"))]
        Object::Socket(_) => POLLNVAL,
        Object::EventFd(id) => crate::net::eventfd::get(id).map_or(POLLNVAL, |e| e.readiness()),
    }
}

/// Waits until one of the descriptors is ready or `timeout` milliseconds pass (-1:
/// no limit). Returns how many have events.
///
/// # Safety
/// `fds` must point at `nfds` entries.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sys_poll(fds: *mut pollfd, nfds: nfds_t, timeout: i32) -> i32 {
    if nfds > crate::fd::table::MAX_FDS {
        return fail(EINVAL);
    }
    let bytes = nfds * core::mem::size_of::<pollfd>();
    // SAFETY: the caller's array, checked by uaccess.
    let raw = match unsafe { uaccess::bytes_mut(fds as *mut u8, bytes) } {
        Ok(b) => b,
        Err(e) => return fail(e),
    };
    let entries = raw.as_mut_ptr() as *mut pollfd;
    let deadline =
        (timeout >= 0).then(|| crate::arch::clock::deadline_after_ns(timeout as u64 * 1_000_000));
    loop {
        let seen = events::current();
        let mut ready = 0;
        for i in 0..nfds {
            // SAFETY: inside the checked array (pollfd is 8 bytes, 4-aligned; read and
            // written unaligned since nothing promises alignment).
            let mut p = unsafe { entries.add(i).read_unaligned() };
            p.revents = 0;
            if p.fd >= 0 {
                let mut wanted = p.events | POLLERR | POLLHUP | POLLNVAL;
                if p.events & POLLRDNORM != 0 {
                    wanted |= POLLIN;
                }
                if p.events & POLLWRNORM != 0 {
                    wanted |= POLLOUT;
                }
                let r = readiness(p.fd);
                let mut got = r & wanted;
                if r & POLLIN != 0 && p.events & POLLRDNORM != 0 {
                    got |= POLLRDNORM;
                }
                if r & POLLOUT != 0 && p.events & POLLWRNORM != 0 {
                    got |= POLLWRNORM;
                }
                p.revents = got & (p.events | POLLERR | POLLHUP | POLLNVAL);
                if p.revents != 0 {
                    ready += 1;
                }
            }
            // SAFETY: as above.
            unsafe { entries.add(i).write_unaligned(p) };
        }
        if ready > 0 || timeout == 0 {
            return ready;
        }
        if !events::wait(seen, deadline) {
            return 0;
        }
    }
}

/// An eventfd descriptor; `flags`: EFD_SEMAPHORE, EFD_NONBLOCK, EFD_CLOEXEC.
#[unsafe(no_mangle)]
pub extern "C" fn sys_eventfd(initval: u64, flags: i16) -> i32 {
    if flags & !(EFD_SEMAPHORE | EFD_NONBLOCK | EFD_CLOEXEC) != 0 || initval > u32::MAX as u64 {
        return fail(EINVAL);
    }
    let id = match crate::net::eventfd::create(initval, flags & EFD_SEMAPHORE != 0) {
        Ok(id) => id,
        Err(e) => return fail(e),
    };
    let status = if flags & EFD_NONBLOCK != 0 {
        O_NONBLOCK
    } else {
        0
    };
    global::with(|f| f.install(Object::EventFd(id), status, flags & EFD_CLOEXEC != 0))
        .inspect_err(|_| crate::net::eventfd::release(id))
        .unwrap_or_else(fail)
}

/// The network starts at boot; kept for old Hermit programs.
#[unsafe(no_mangle)]
pub extern "C" fn sys_network_init() -> i32 {
    0
}

/// Longest host or service name accepted (glibc's `NI_MAXHOST`).
const NAME_MAX: usize = 1025;

/// A NUL-terminated string from the application, as UTF-8: `Ok(None)` for null,
/// `EFAULT` for a bad pointer (`uaccess`), `EINVAL` for a name too long or not UTF-8.
///
/// # Safety
/// `s` must be null or point at a NUL-terminated string.
unsafe fn c_str<'a>(s: *const c_char) -> Result<Option<&'a str>, i32> {
    if s.is_null() {
        return Ok(None);
    }
    // SAFETY: the caller's string, checked by uaccess.
    let bytes = unsafe { uaccess::c_string(s, NAME_MAX, EINVAL) }?;
    core::str::from_utf8(bytes).map(Some).map_err(|_| EINVAL)
}

/// IPv4 addresses of `name` (a dotted quad, "localhost" or a DNS name).
fn resolve(name: &str) -> Result<alloc::vec::Vec<[u8; 4]>, i32> {
    #[cfg(feature = "net")]
    {
        crate::net::dns::resolve(name)
    }
    #[cfg(not(feature = "net"))]
    {
        match crate::cmdline::parse_ipv4(name) {
            Some(a) => Ok(alloc::vec![a]),
            None if name.eq_ignore_ascii_case("localhost") => Ok(alloc::vec![[127, 0, 0, 1]]),
            None => Err(EAI_FAIL),
        }
    }
}

/// IPv6 addresses of `name` (AAAA records; "localhost" is ::1).
fn resolve_v6(name: &str) -> Result<alloc::vec::Vec<[u8; 16]>, i32> {
    #[cfg(feature = "net")]
    {
        crate::net::dns::resolve_v6(name)
    }
    #[cfg(not(feature = "net"))]
    {
        let _ = name;
        Err(EAI_FAIL)
    }
}

/// POSIX getaddrinfo for IPv4: numeric hosts, "localhost", DNS names; numeric services
/// (and "http", "https"). Returns 0 or an EAI_* code; free the list with
/// `sys_freeaddrinfo`.
///
/// # Safety
/// `nodename`/`servname`: null or NUL-terminated; `hints`: null or an `addrinfo`;
/// `res`: where the list goes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sys_getaddrinfo(
    nodename: *const c_char,
    servname: *const c_char,
    hints: *const addrinfo,
    res: *mut *mut addrinfo,
) -> i32 {
    const AI_PASSIVE: i32 = 1;
    if uaccess::check_write(res as *mut u8, core::mem::size_of::<*mut addrinfo>()).is_err() {
        return EAI_FAIL;
    }
    // SAFETY: the caller's strings.
    let (node, service) = match unsafe { (c_str(nodename), c_str(servname)) } {
        (Ok(n), Ok(s)) => (n, s),
        _ => return EAI_NONAME,
    };
    let hints = if hints.is_null() {
        None
    } else {
        match uaccess::read(hints) {
            Ok(h) => Some(h),
            Err(_) => return EAI_FAIL,
        }
    };
    let (family, socktype, protocol, flags) = hints.map_or((AF_UNSPEC, 0, 0, 0), |h| {
        (h.ai_family, h.ai_socktype, h.ai_protocol, h.ai_flags)
    });
    if family != AF_UNSPEC && family != AF_INET {
        return EAI_FAMILY;
    }
    let kinds: &[(i32, i32)] = match (socktype, protocol) {
        (0, 0) => &[(SOCK_STREAM, IPPROTO_TCP), (SOCK_DGRAM, IPPROTO_UDP)],
        (SOCK_STREAM | 0, IPPROTO_TCP | 0) => &[(SOCK_STREAM, IPPROTO_TCP)],
        (SOCK_DGRAM | 0, IPPROTO_UDP | 0) => &[(SOCK_DGRAM, IPPROTO_UDP)],
        _ => return EAI_SOCKTYPE,
    };
    let port = match service {
        None => 0,
        Some(s) => match crate::net::addrinfo::service_port(s) {
            Some(p) => p,
            None => return EAI_SERVICE,
        },
    };
    let addrs = match node {
        Some(n) => match resolve(n) {
            Ok(a) => a,
            Err(e) => return e,
        },
        None if service.is_none() => return EAI_NONAME,
        None if flags & AI_PASSIVE != 0 => alloc::vec![[0, 0, 0, 0]],
        None => alloc::vec![[127, 0, 0, 1]],
    };
    let Some(list) = crate::net::addrinfo::build(&addrs, port, kinds) else {
        return EAI_MEMORY;
    };
    let handed_out = ADDRINFO_LISTS.lock().try_reserve(1).is_ok();
    if !handed_out || uaccess::write(res, list).is_err() {
        // SAFETY: the list just built, not handed out.
        unsafe { crate::net::addrinfo::free(list) };
        return if handed_out { EAI_FAIL } else { EAI_MEMORY };
    }
    ADDRINFO_LISTS.lock().push(list as usize);
    0
}

/// The lists `sys_getaddrinfo` handed out and `sys_freeaddrinfo` has not freed yet: only
/// those are freed, so that a pointer the kernel never gave out (or gave out and took
/// back) is ignored instead of followed.
static ADDRINFO_LISTS: hermit_sync::InterruptSpinMutex<alloc::vec::Vec<usize>> =
    hermit_sync::InterruptSpinMutex::new(alloc::vec::Vec::new());

/// Frees a list from `sys_getaddrinfo`; null, or any pointer that is not such a list
/// (freed already, made up), is ignored.
///
/// # Safety
/// None beyond the ABI: `ai` is only followed when the kernel handed it out.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sys_freeaddrinfo(ai: *mut addrinfo) {
    let known = {
        let mut lists = ADDRINFO_LISTS.lock();
        match lists.iter().position(|&l| l == ai as usize) {
            Some(i) => {
                lists.swap_remove(i);
                true
            }
            None => false,
        }
    };
    if known {
        // SAFETY: a list `sys_getaddrinfo` built and handed out, taken off the registry
        // just now, so freed once.
        unsafe { crate::net::addrinfo::free(ai) }
    }
}

/// Resolves `name` into `inaddr`: `len` says which kind of address the caller wants, as
/// in Hermit: 4 bytes (an `in_addr`) asks DNS for an A record, 16 bytes (an `in6_addr`)
/// for an AAAA record (a query needs no IPv6 connectivity, so this works in an IPv4-only
/// kernel); any other length is `-EINVAL`. The first address found is written.
///
/// # Safety
/// `name` NUL-terminated; `inaddr` valid for `len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sys_getaddrbyname(
    name: *const c_char,
    inaddr: *mut u8,
    len: usize,
) -> i32 {
    let r = (|| {
        // SAFETY: the caller's string.
        let name = unsafe { c_str(name) }?.ok_or(EINVAL)?;
        if len != 4 && len != 16 {
            return Err(EINVAL);
        }
        // SAFETY: the caller's buffer, checked by uaccess.
        let out = unsafe { uaccess::bytes_mut(inaddr, len) }?;
        if len == 4 {
            let addrs = resolve(name).map_err(|_| ENOENT)?;
            out.copy_from_slice(&addrs[0]);
        } else {
            let addrs = resolve_v6(name).map_err(|_| ENOENT)?;
            out.copy_from_slice(&addrs[0]);
        }
        Ok(())
    })();
    status(r)
}
