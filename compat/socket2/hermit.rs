// socket2's system layer for target_os = "hermit" (Eremit and Hermit kernels).
//
// Written for Eremit (compat/socket2/hermit.rs in the Eremit repository) and installed as
// src/sys/hermit.rs by compat/socket2/adapt.py; MIT OR Apache-2.0, as socket2.
//
// The calls are the `libc` crate's hermit module, which binds the kernel's `sys_*`
// functions directly. Two things differ from Unix and shape this file:
//
// - A failed call returns the negative errno (Linux numbering, as hermit-abi) instead of
//   -1 with `errno` set, so `cvt` turns any negative result into that error.
// - The ABI's socket options are a small set (hermit-abi: SO_REUSEADDR, SO_KEEPALIVE,
//   SO_BROADCAST, SO_LINGER, SO_SNDBUF, SO_RCVBUF, SO_SNDTIMEO, SO_RCVTIMEO, SO_ERROR,
//   TCP_NODELAY, IP_TTL, IP_TOS, multicast). Options socket2's generic code names that the
//   ABI lacks (SO_TYPE, IPV6_UNICAST_HOPS, ...) get numbers no kernel option uses, so the
//   kernel answers ENOPROTOOPT; options that only exist behind a function here (TCP
//   keepalive timing) fail with `ErrorKind::Unsupported`. Nothing succeeds silently.
//
// Addresses: hermit's `sockaddr_in`/`sockaddr_in6` start with a length byte and use
// AF_INET = 3, AF_INET6 = 1; the generic sockaddr code fills in `ss_len` for hermit
// already, so this file only converts the address fields.

use std::cmp::min;
use std::io;
use std::marker::PhantomData;
use std::mem::{self, MaybeUninit};
use std::net::{Ipv4Addr, Ipv6Addr, Shutdown};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd, IntoRawFd, OwnedFd, RawFd};
use std::ptr;
use std::time::{Duration, Instant};

use crate::{Domain, Protocol, SockAddr, TcpKeepalive, Type};

pub(crate) use std::ffi::c_int;

// Types.
pub(crate) use libc::{in6_addr, in_addr, sa_family_t, socklen_t};
pub(crate) use libc::{sockaddr, sockaddr_in, sockaddr_in6, sockaddr_storage};
// Domains, types and protocols.
pub(crate) use libc::{AF_INET, AF_INET6, SOCK_DGRAM, SOCK_STREAM};
pub(crate) use libc::{IPPROTO_IP, IPPROTO_IPV6, IPPROTO_TCP, IPPROTO_UDP};
// Options the hermit ABI defines.
pub(crate) use libc::{
    IPV6_ADD_MEMBERSHIP, IPV6_DROP_MEMBERSHIP, IPV6_MULTICAST_LOOP, IPV6_V6ONLY, IP_ADD_MEMBERSHIP,
    IP_DROP_MEMBERSHIP, IP_MULTICAST_LOOP, IP_MULTICAST_TTL, IP_TOS, IP_TTL, MSG_PEEK, SOL_SOCKET,
    SO_BROADCAST, SO_ERROR, SO_KEEPALIVE, SO_LINGER, SO_RCVBUF, SO_RCVTIMEO, SO_REUSEADDR,
    SO_SNDBUF, SO_SNDTIMEO, TCP_NODELAY,
};

// Options socket2's generic code uses that the hermit ABI does not define. The numbers
// are outside the ABI's option space at their level, so the kernel rejects them with
// ENOPROTOOPT (no Linux or BSD numbering that could alias a supported option).
pub(crate) const SO_TYPE: c_int = 0x7f01;
pub(crate) const IPV6_UNICAST_HOPS: c_int = 0x7f02;

/// `setsockopt` and `getsockopt` booleans are C ints.
pub(crate) type Bool = c_int;

/// `struct linger` as the hermit ABI (and Eremit's kernel) lay it out.
#[repr(C)]
#[derive(Clone, Copy)]
#[allow(non_camel_case_types)]
pub(crate) struct linger {
    pub(crate) l_onoff: c_int,
    pub(crate) l_linger: c_int,
}

/// `struct timeval` of the hermit ABI (SO_RCVTIMEO, SO_SNDTIMEO): 64-bit seconds, 32-bit
/// microseconds, padded to 16 bytes.
#[repr(C)]
#[derive(Clone, Copy)]
struct Timeval {
    tv_sec: i64,
    tv_usec: i32,
}

/// `struct ip_mreq` (IP_ADD_MEMBERSHIP): the libc crate has none for hermit.
#[repr(C)]
pub(crate) struct IpMreq {
    pub(crate) imr_multiaddr: in_addr,
    pub(crate) imr_interface: in_addr,
}

/// `struct ipv6_mreq` (IPV6_ADD_MEMBERSHIP).
#[repr(C)]
pub(crate) struct Ipv6Mreq {
    pub(crate) ipv6mr_multiaddr: in6_addr,
    pub(crate) ipv6mr_interface: u32,
}

/// The kernel's convention: a negative result is the negated errno.
fn cvt<T: Into<i64> + Copy>(res: T) -> io::Result<T> {
    let v: i64 = res.into();
    if v < 0 {
        Err(io::Error::from_raw_os_error((-v) as i32))
    } else {
        Ok(res)
    }
}

fn cvt_size(res: isize) -> io::Result<usize> {
    cvt(res as i64).map(|n| n as usize)
}

/// Largest buffer handed to one call (as on Linux: the count must fit an ssize_t).
const MAX_BUF_LEN: usize = isize::MAX as usize;

impl_debug!(Domain, libc::AF_INET, libc::AF_INET6);

impl Type {
    /// Sets `SOCK_NONBLOCK` on the `Type`.
    #[cfg(feature = "all")]
    pub const fn nonblocking(self) -> Type {
        Type(self.0 | libc::SOCK_NONBLOCK)
    }

    /// Sets `SOCK_CLOEXEC` on the `Type` (accepted; a unikernel never executes another
    /// program, so it changes nothing).
    #[cfg(feature = "all")]
    pub const fn cloexec(self) -> Type {
        Type(self.0 | libc::SOCK_CLOEXEC)
    }
}

impl_debug!(Type, libc::SOCK_STREAM, libc::SOCK_DGRAM);

impl_debug!(
    Protocol,
    libc::IPPROTO_IP,
    libc::IPPROTO_TCP,
    libc::IPPROTO_UDP,
    libc::IPPROTO_IPV6,
);

/// A buffer for vectored I/O. Hermit has no `recvmsg`/`sendmsg`, so socket2 offers no
/// vectored calls here and this only carries the slice.
pub(crate) struct MaybeUninitSlice<'a> {
    ptr: *mut MaybeUninit<u8>,
    len: usize,
    _lifetime: PhantomData<&'a mut [MaybeUninit<u8>]>,
}

// SAFETY: it stands for a `&mut [MaybeUninit<u8>]`, which is Send and Sync.
unsafe impl Send for MaybeUninitSlice<'_> {}
// SAFETY: as above.
unsafe impl Sync for MaybeUninitSlice<'_> {}

impl<'a> MaybeUninitSlice<'a> {
    pub(crate) fn new(buf: &'a mut [MaybeUninit<u8>]) -> MaybeUninitSlice<'a> {
        MaybeUninitSlice {
            ptr: buf.as_mut_ptr(),
            len: buf.len(),
            _lifetime: PhantomData,
        }
    }

    pub(crate) fn as_slice(&self) -> &[MaybeUninit<u8>] {
        // SAFETY: ptr/len come from a slice borrowed for 'a, which outlives self.
        unsafe { std::slice::from_raw_parts(self.ptr, self.len) }
    }

    pub(crate) fn as_mut_slice(&mut self) -> &mut [MaybeUninit<u8>] {
        // SAFETY: as above, and the borrow was mutable.
        unsafe { std::slice::from_raw_parts_mut(self.ptr, self.len) }
    }
}

pub(crate) type Socket = OwnedFd;
pub(crate) type RawSocket = c_int;

pub(crate) unsafe fn socket_from_raw(socket: RawSocket) -> Socket {
    // SAFETY: the caller passes an open descriptor it owns.
    unsafe { Socket::from_raw_fd(socket) }
}

pub(crate) fn socket_as_raw(socket: &Socket) -> RawSocket {
    socket.as_raw_fd()
}

pub(crate) fn socket_into_raw(socket: Socket) -> RawSocket {
    socket.into_raw_fd()
}

pub(crate) fn socket(family: c_int, ty: c_int, protocol: c_int) -> io::Result<RawSocket> {
    // SAFETY: no pointers.
    cvt(unsafe { libc::socket(family, ty, protocol) })
}

pub(crate) fn bind(fd: RawSocket, addr: &SockAddr) -> io::Result<()> {
    // SAFETY: the address is valid for addr.len() bytes.
    cvt(unsafe { libc::bind(fd, addr.as_ptr().cast::<sockaddr>(), addr.len()) }).map(|_| ())
}

pub(crate) fn connect(fd: RawSocket, addr: &SockAddr) -> io::Result<()> {
    // SAFETY: the address is valid for addr.len() bytes.
    cvt(unsafe { libc::connect(fd, addr.as_ptr().cast::<sockaddr>(), addr.len()) }).map(|_| ())
}

/// Waits for a non-blocking connect to finish (Socket::connect_timeout).
pub(crate) fn poll_connect(socket: &crate::Socket, timeout: Duration) -> io::Result<()> {
    let start = Instant::now();
    let mut pollfd = libc::pollfd {
        fd: socket.as_raw(),
        events: libc::POLLIN | libc::POLLOUT,
        revents: 0,
    };
    loop {
        let elapsed = start.elapsed();
        if elapsed >= timeout {
            return Err(io::ErrorKind::TimedOut.into());
        }
        let ms = (timeout - elapsed).as_millis().clamp(1, c_int::MAX as u128) as c_int;
        // SAFETY: one valid pollfd.
        match cvt(unsafe { libc::poll(&mut pollfd, 1, ms) }) {
            Ok(0) => return Err(io::ErrorKind::TimedOut.into()),
            Ok(_) => {
                if pollfd.revents & (libc::POLLHUP | libc::POLLERR) != 0 {
                    return match socket.take_error() {
                        Ok(Some(err)) | Err(err) => Err(err),
                        Ok(None) => Err(io::Error::other("no error set after POLLHUP")),
                    };
                }
                return Ok(());
            }
            Err(ref err) if err.kind() == io::ErrorKind::Interrupted => continue,
            Err(err) => return Err(err),
        }
    }
}

pub(crate) fn listen(fd: RawSocket, backlog: c_int) -> io::Result<()> {
    // SAFETY: no pointers.
    cvt(unsafe { libc::listen(fd, backlog) }).map(|_| ())
}

pub(crate) fn accept(fd: RawSocket) -> io::Result<(RawSocket, SockAddr)> {
    // SAFETY: try_init hands us storage and its length; accept fills in both.
    unsafe { SockAddr::try_init(|storage, len| cvt(libc::accept(fd, storage.cast(), len))) }
}

pub(crate) fn getsockname(fd: RawSocket) -> io::Result<SockAddr> {
    // SAFETY: as accept.
    unsafe { SockAddr::try_init(|storage, len| cvt(libc::getsockname(fd, storage.cast(), len))) }
        .map(|(_, addr)| addr)
}

pub(crate) fn getpeername(fd: RawSocket) -> io::Result<SockAddr> {
    // SAFETY: as accept.
    unsafe { SockAddr::try_init(|storage, len| cvt(libc::getpeername(fd, storage.cast(), len))) }
        .map(|(_, addr)| addr)
}

fn status_flags(fd: RawSocket) -> io::Result<c_int> {
    // SAFETY: no pointers.
    cvt(unsafe { libc::fcntl(fd, libc::F_GETFL, 0) })
}

#[cfg(feature = "all")]
pub(crate) fn nonblocking(fd: RawSocket) -> io::Result<bool> {
    Ok(status_flags(fd)? & libc::O_NONBLOCK != 0)
}

pub(crate) fn set_nonblocking(fd: RawSocket, nonblocking: bool) -> io::Result<()> {
    let old = status_flags(fd)?;
    let new = if nonblocking {
        old | libc::O_NONBLOCK
    } else {
        old & !libc::O_NONBLOCK
    };
    if new != old {
        // SAFETY: no pointers.
        cvt(unsafe { libc::fcntl(fd, libc::F_SETFL, new) })?;
    }
    Ok(())
}

pub(crate) fn shutdown(fd: RawSocket, how: Shutdown) -> io::Result<()> {
    let how = match how {
        Shutdown::Write => libc::SHUT_WR,
        Shutdown::Read => libc::SHUT_RD,
        Shutdown::Both => libc::SHUT_RDWR,
    };
    // SAFETY: no pointers.
    cvt(unsafe { libc::shutdown(fd, how) }).map(|_| ())
}

pub(crate) fn recv(fd: RawSocket, buf: &mut [MaybeUninit<u8>], flags: c_int) -> io::Result<usize> {
    let len = min(buf.len(), MAX_BUF_LEN);
    // SAFETY: buf is writable for len bytes; the kernel writes at most that many.
    cvt_size(unsafe { libc::recv(fd, buf.as_mut_ptr().cast(), len, flags) })
}

pub(crate) fn recv_from(
    fd: RawSocket,
    buf: &mut [MaybeUninit<u8>],
    flags: c_int,
) -> io::Result<(usize, SockAddr)> {
    let len = min(buf.len(), MAX_BUF_LEN);
    // SAFETY: buf as in recv; try_init's storage and length as in accept.
    unsafe {
        SockAddr::try_init(|addr, addrlen| {
            cvt_size(libc::recvfrom(
                fd,
                buf.as_mut_ptr().cast(),
                len,
                flags,
                addr.cast(),
                addrlen,
            ))
        })
    }
}

pub(crate) fn peek_sender(fd: RawSocket) -> io::Result<SockAddr> {
    // A datagram longer than the buffer is truncated, not an error, as on Unix.
    let (_, sender) = recv_from(fd, &mut [MaybeUninit::uninit(); 8], MSG_PEEK)?;
    Ok(sender)
}

pub(crate) fn send(fd: RawSocket, buf: &[u8], flags: c_int) -> io::Result<usize> {
    let len = min(buf.len(), MAX_BUF_LEN);
    // SAFETY: buf is readable for len bytes.
    cvt_size(unsafe { libc::send(fd, buf.as_ptr().cast(), len, flags) })
}

pub(crate) fn send_to(
    fd: RawSocket,
    buf: &[u8],
    addr: &SockAddr,
    flags: c_int,
) -> io::Result<usize> {
    let len = min(buf.len(), MAX_BUF_LEN);
    // SAFETY: buf is readable for len bytes, the address for addr.len().
    cvt_size(unsafe {
        libc::sendto(
            fd,
            buf.as_ptr().cast(),
            len,
            flags,
            addr.as_ptr().cast::<sockaddr>(),
            addr.len(),
        )
    })
}

/// SO_RCVTIMEO / SO_SNDTIMEO; a zero timeval means no timeout.
pub(crate) fn timeout_opt(fd: RawSocket, opt: c_int, val: c_int) -> io::Result<Option<Duration>> {
    // SAFETY: the kernel's timeval for these options is Timeval.
    let tv = unsafe { getsockopt::<Timeval>(fd, opt, val)? };
    if tv.tv_sec == 0 && tv.tv_usec == 0 {
        Ok(None)
    } else {
        Ok(Some(Duration::new(
            tv.tv_sec as u64,
            tv.tv_usec as u32 * 1000,
        )))
    }
}

pub(crate) fn set_timeout_opt(
    fd: RawSocket,
    opt: c_int,
    val: c_int,
    duration: Option<Duration>,
) -> io::Result<()> {
    let tv = match duration {
        // A timeout below a microsecond would read back as "none": round it up, as
        // std does for its sockets.
        Some(d) if d.as_secs() == 0 && d.subsec_micros() == 0 => Timeval {
            tv_sec: 0,
            tv_usec: 1,
        },
        Some(d) => Timeval {
            tv_sec: min(d.as_secs(), i64::MAX as u64) as i64,
            tv_usec: d.subsec_micros() as i32,
        },
        None => Timeval {
            tv_sec: 0,
            tv_usec: 0,
        },
    };
    // SAFETY: the kernel's timeval for these options is Timeval.
    unsafe { setsockopt(fd, opt, val, tv) }
}

fn keepalive_unsupported() -> io::Error {
    io::Error::new(
        io::ErrorKind::Unsupported,
        "TCP keepalive timing (TCP_KEEPIDLE) is not an option of the hermit ABI",
    )
}

#[cfg(feature = "all")]
pub(crate) fn tcp_keepalive_time(_fd: RawSocket) -> io::Result<Duration> {
    Err(keepalive_unsupported())
}

/// SO_KEEPALIVE is set by the caller; keepalive timing cannot be, so asking for it fails.
pub(crate) fn set_tcp_keepalive(_fd: RawSocket, keepalive: &TcpKeepalive) -> io::Result<()> {
    let timing =
        keepalive.time.is_some() || keepalive.interval.is_some() || keepalive.retries.is_some();
    if timing {
        Err(keepalive_unsupported())
    } else {
        Ok(())
    }
}

/// Caller must ensure `T` is the correct type for `opt` and `val`.
pub(crate) unsafe fn getsockopt<T>(fd: RawSocket, opt: c_int, val: c_int) -> io::Result<T> {
    let mut payload: MaybeUninit<T> = MaybeUninit::zeroed();
    let mut len = mem::size_of::<T>() as socklen_t;
    // SAFETY: payload is writable for len bytes.
    cvt(unsafe { libc::getsockopt(fd, opt, val, payload.as_mut_ptr().cast(), &mut len) })?;
    // SAFETY: zeroed, then (partly) written by the kernel: the caller's T is plain data
    // (ints and C structs), for which any bytes are a value.
    Ok(unsafe { payload.assume_init() })
}

/// Caller must ensure `T` is the correct type for `opt` and `val`.
pub(crate) unsafe fn setsockopt<T>(
    fd: RawSocket,
    opt: c_int,
    val: c_int,
    payload: T,
) -> io::Result<()> {
    let ptr = ptr::addr_of!(payload).cast();
    let len = mem::size_of::<T>() as socklen_t;
    // SAFETY: payload is readable for len bytes.
    cvt(unsafe { libc::setsockopt(fd, opt, val, ptr, len) }).map(|_| ())
}

pub(crate) const fn to_in_addr(addr: &Ipv4Addr) -> in_addr {
    // s_addr holds the address in network order: the octets as they are in memory.
    in_addr {
        s_addr: u32::from_ne_bytes(addr.octets()),
    }
}

pub(crate) fn from_in_addr(in_addr: in_addr) -> Ipv4Addr {
    Ipv4Addr::from(in_addr.s_addr.to_ne_bytes())
}

pub(crate) const fn to_in6_addr(addr: &Ipv6Addr) -> in6_addr {
    in6_addr {
        s6_addr: addr.octets(),
    }
}

pub(crate) fn from_in6_addr(addr: in6_addr) -> Ipv6Addr {
    Ipv6Addr::from(addr.s6_addr)
}

impl AsFd for crate::Socket {
    fn as_fd(&self) -> BorrowedFd<'_> {
        // SAFETY: the descriptor stays open while self (and so the borrow) lives.
        unsafe { BorrowedFd::borrow_raw(self.as_raw()) }
    }
}

impl AsRawFd for crate::Socket {
    fn as_raw_fd(&self) -> RawFd {
        self.as_raw()
    }
}

impl From<crate::Socket> for OwnedFd {
    fn from(sock: crate::Socket) -> OwnedFd {
        // SAFETY: into_raw gives up an open descriptor that we now own.
        unsafe { OwnedFd::from_raw_fd(sock.into_raw()) }
    }
}

impl IntoRawFd for crate::Socket {
    fn into_raw_fd(self) -> c_int {
        self.into_raw()
    }
}

impl From<OwnedFd> for crate::Socket {
    fn from(fd: OwnedFd) -> crate::Socket {
        // SAFETY: OwnedFd owns an open descriptor, which moves to the socket.
        unsafe { crate::Socket::from_raw_fd(fd.into_raw_fd()) }
    }
}

impl FromRawFd for crate::Socket {
    unsafe fn from_raw_fd(fd: c_int) -> crate::Socket {
        // The caller passes an open descriptor it owns (FromRawFd's contract).
        crate::Socket::from_raw(fd)
    }
}
