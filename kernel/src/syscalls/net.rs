//! The socket calls of the hermit ABI and name resolution. Sockets are descriptors in
//! the file-descriptor table (`net::socket_file`), so `read`, `write`, `close`, `dup`,
//! `fcntl(O_NONBLOCK)`, `ioctl(FIONBIO)` and `poll` work on them as on files, and
//! `send`/`recv` are writes and reads with flags; the blocking ones sleep until the
//! network task reports a change.
//!
//! Addresses are hermit's: AF_INET is 3, AF_INET6 1, and a `sockaddr` starts with a
//! length byte. IPv4 and IPv6 (docs/ipv6.md).

use core::ffi::{c_char, c_void};

#[cfg(feature = "net")]
use super::size_or_errno;
use super::uaccess;
use super::{fail, status};
#[cfg(feature = "net")]
use crate::abi::O_NONBLOCK;
use crate::abi::errno::*;
use crate::abi::net::*;
use crate::abi::{addrinfo, sockaddr, socklen_t};
#[cfg(feature = "net")]
use crate::fd::OpenFile;
use crate::fd::global;
#[cfg(feature = "net")]
use crate::net::socket;

/// The open socket behind descriptor `fd`, and its id; ENOTSOCK for other files.
#[cfg(feature = "net")]
fn socket_file(fd: i32) -> Result<(alloc::sync::Arc<OpenFile>, socket::SocketId), Errno> {
    let file = global::get(fd)?;
    let id = file.object().socket_id().ok_or(ENOTSOCK)?;
    Ok((file, id))
}

/// The socket behind descriptor `fd` and its O_NONBLOCK; ENOTSOCK for other files.
#[cfg(feature = "net")]
fn socket_of(fd: i32) -> Result<(socket::SocketId, bool), Errno> {
    let (file, id) = socket_file(fd)?;
    Ok((id, file.nonblocking()))
}

/// A descriptor for the new socket `id`, a UDP one if `datagram` (closed again if
/// there is none).
#[cfg(feature = "net")]
fn install_socket(
    id: socket::SocketId,
    datagram: bool,
    status: i32,
    cloexec: bool,
) -> Result<i32, Errno> {
    use crate::fd::files::new_open_file;
    use crate::fd::flags::Access;
    // From here the object owns the socket: dropping it closes it.
    let object = crate::net::socket_file::socket_object(id, datagram)?;
    global::install(new_open_file(object, Access::ReadWrite, status)?, cloexec)
}

#[cfg(feature = "net")]
/// The address the application passed, and its family.
///
/// # Safety
/// `name` must be valid for `len` bytes (checked for null and range).
unsafe fn address_in(name: *const sockaddr, len: socklen_t) -> Result<(SockAddr, i32), Errno> {
    // SAFETY: the caller's buffer, checked by uaccess.
    let bytes = unsafe { uaccess::bytes(name as *const u8, len as usize) }?;
    parse_sockaddr(bytes)
}

#[cfg(feature = "net")]
/// Stores `a` for the application, as a `sockaddr_in6` for an AF_INET6 socket (`v6`):
/// truncated to `*len` bytes, `*len` set to the full length. Nothing when `name` is
/// null (accept and recvfrom allow that).
///
/// # Safety
/// `name` and `len` as the socket calls document them.
unsafe fn address_out(
    (a, v6): (SockAddr, bool),
    name: *mut sockaddr,
    len: *mut socklen_t,
) -> Result<(), Errno> {
    if name.is_null() {
        return Ok(());
    }
    let capacity = uaccess::read(len as *const u32)? as usize;
    uaccess::check_write(len as *mut u8, 4)?;
    // SAFETY: the caller's buffer of `capacity` bytes, checked by uaccess.
    let out = unsafe { uaccess::bytes_mut(name as *mut u8, capacity.min(28)) }?;
    let full = write_sockaddr(a, v6, out);
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
            let datagram = type_ & !(SOCK_NONBLOCK | SOCK_CLOEXEC) == SOCK_DGRAM;
            install_socket(id, datagram, status, cloexec)
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
        let r = unsafe { address_in(name, namelen) }
            .and_then(|(a, family)| socket::bind(socket_of(s)?.0, a, family));
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
            let (conn, peer, v6) = socket::accept(id, nb)?;
            // A connection `accept` made is TCP's.
            let fd = install_socket(conn, false, 0, false)?;
            // SAFETY: the caller's buffers, checked by uaccess. As Linux, a bad address
            // buffer loses the connection.
            unsafe { address_out((peer, v6), addr, addrlen) }.inspect_err(|_| {
                let _ = global::close(fd);
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
        let r = unsafe { address_in(name, namelen) }.and_then(|(a, family)| {
            let (id, nb) = socket_of(s)?;
            socket::connect(id, a, family, nb)
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
            let (file, id) = socket_file(s)?;
            // SAFETY: the caller's buffer, checked by uaccess.
            let data = unsafe { uaccess::bytes_prefix(mem as *const u8, len) }?;
            if to.is_null() {
                // `send` is a write.
                return file.write(data);
            }
            // SAFETY: the caller's address.
            let dest = unsafe { address_in(to, tolen) }?;
            socket::send(
                &socket::ItsOwnKind,
                id,
                data,
                Some(dest),
                file.nonblocking(),
            )
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
            let (file, id) = socket_file(socket)?;
            // SAFETY: the caller's buffer, checked by uaccess.
            let b = unsafe { uaccess::bytes_prefix_mut(buf, len) }?;
            let peek = flags & MSG_PEEK != 0;
            if addr.is_null() {
                // `recv` is a read with flags.
                return file.read(b, peek);
            }
            let (n, from, v6) = socket::recv(&socket::ItsOwnKind, id, b, peek, file.nonblocking())?;
            let from = match from {
                Some(f) => Some((f, v6)),
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
fn check_out(name: *mut sockaddr) -> Result<(), Errno> {
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
    fail(match global::get(fd) {
        Ok(_) => ENOTSOCK,
        Err(e) => e,
    })
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
unsafe fn c_str<'a>(s: *const c_char) -> Result<Option<&'a str>, Errno> {
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

/// The addresses of `name` for `family` (AF_INET, AF_INET6 or AF_UNSPEC: IPv4 first,
/// as glibc orders them without global IPv6 connectivity), each with its family, IPv4
/// ones IPv4-mapped: numeric addresses, "localhost" (127.0.0.1 and ::1), A and AAAA
/// records.
fn lookup(name: &str, family: i32) -> Result<alloc::vec::Vec<([u8; 16], i32)>, i32> {
    use crate::net::ipv6_text::parse_ipv6;
    if let Some(a) = parse_ipv6(name) {
        return if family == AF_INET {
            Err(EAI_NONAME)
        } else {
            let mut v = alloc::vec::Vec::new();
            v.try_reserve_exact(1).map_err(|_| EAI_MEMORY)?;
            v.push((a, AF_INET6));
            Ok(v)
        };
    }
    let v4 = if family == AF_INET6 {
        Err(EAI_NONAME)
    } else {
        resolve(name)
    };
    // No AAAA query when the A one could not reach a server: it would wait as long.
    let v6 = match &v4 {
        _ if family == AF_INET => Err(EAI_NONAME),
        Err(e) if *e != EAI_NONAME => Err(*e),
        _ => resolve_v6(name),
    };
    let (n4, n6) = (
        v4.as_ref().map_or(0, |v| v.len()),
        v6.as_ref().map_or(0, |v| v.len()),
    );
    if n4 + n6 == 0 {
        return Err(v4.and(v6).err().unwrap_or(EAI_NONAME));
    }
    let mut all = alloc::vec::Vec::new();
    all.try_reserve_exact(n4 + n6).map_err(|_| EAI_MEMORY)?;
    if let Ok(v) = v4 {
        all.extend(v.into_iter().map(|a| (mapped(a), AF_INET)));
    }
    if let Ok(v) = v6 {
        all.extend(v.into_iter().map(|a| (a, AF_INET6)));
    }
    Ok(all)
}

/// POSIX getaddrinfo for IPv4 and IPv6: numeric hosts, "localhost", DNS names; numeric
/// services (and "http", "https"). Returns 0 or an EAI_* code; free the list with
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
    if family != AF_UNSPEC && family != AF_INET && family != AF_INET6 {
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
        Some(s) => match crate::net::service::service_port(s) {
            Some(p) => p,
            None => return EAI_SERVICE,
        },
    };
    // Without a node, glibc's order: the wildcards IPv4 first, the loopbacks IPv6 first.
    const ANY4: ([u8; 16], i32) = (ANY_V4, AF_INET);
    const ANY6: ([u8; 16], i32) = (ANY_V6, AF_INET6);
    const LO4: ([u8; 16], i32) = (mapped([127, 0, 0, 1]), AF_INET);
    const LO6: ([u8; 16], i32) = (LOOPBACK_V6, AF_INET6);
    let (wildcards, loopbacks) = match family {
        AF_INET => (&[ANY4][..], &[LO4][..]),
        AF_INET6 => (&[ANY6][..], &[LO6][..]),
        _ => (&[ANY4, ANY6][..], &[LO6, LO4][..]),
    };
    let addrs = match node {
        Some(n) => match lookup(n, family) {
            Ok(a) => a,
            Err(e) => return e,
        },
        None if service.is_none() => return EAI_NONAME,
        None if flags & AI_PASSIVE != 0 => wildcards.to_vec(),
        None => loopbacks.to_vec(),
    };
    let Some(list) = crate::abi::addrinfo_list::build(&addrs, port, kinds) else {
        return EAI_MEMORY;
    };
    let handed_out = ADDRINFO_LISTS.lock().try_reserve(1).is_ok();
    if !handed_out || uaccess::write(res, list).is_err() {
        // SAFETY: the list just built, not handed out.
        unsafe { crate::abi::addrinfo_list::free(list) };
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
        unsafe { crate::abi::addrinfo_list::free(ai) }
    }
}

/// Resolves `name` into `inaddr`: `len` says which kind of address the caller wants, as
/// in Hermit: 4 bytes (an `in_addr`) asks DNS for an A record, 16 bytes (an `in6_addr`)
/// for an AAAA record (a query needs no IPv6 connectivity, so this works on an IPv4-only
/// network); any other length is `-EINVAL`. The first address found is written.
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
