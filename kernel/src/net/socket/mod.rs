//! Sockets: the objects behind the application's socket descriptors, on top of smoltcp's
//! TCP and UDP sockets. Their state lives in the stack (under its lock); a socket
//! descriptor holds the id of its entry in the `Table`. The exception is a loopback
//! connection's data, behind a lock of its own that the descriptor reaches directly
//! (`loop_end`), so loopback connections carry data in parallel.
//!
//! A TCP listener has no smoltcp socket of its own: when a SYN for its port arrives, the
//! stack asks `Table::admit` before smoltcp sees the frame, and the listener gets a
//! socket listening for exactly that SYN, or the SYN is dropped (the client sends it
//! again a second later) while `backlog` connections wait for `accept` or memory is
//! short, as Linux drops SYNs when its accept queue is full. So memory is spent per
//! real connection, and a burst never meets a missing listener and a reset.
//! Blocking calls sleep on the readiness counter (events.rs) and retry.
//!
//! Addresses are `SockAddr`s, IPv4 ones as ::ffff:a.b.c.d, whatever the socket's
//! family: a socket remembers its family (the `sockaddr` it hands out) and
//! IPV6_V6ONLY; smoltcp sees IPv4 endpoints for mapped addresses. A wildcard tells the
//! families apart: 0.0.0.0 (an AF_INET socket's) takes IPv4 only, :: (an AF_INET6
//! socket's) both, unless IPV6_V6ONLY (`receives`).
//!
//! Loopback (127.0.0.0/8, ::1 and the interface's own addresses) bypasses smoltcp: `connect`
//! finds the listener in this table and queues an in-memory connection for `accept`
//! at once (refused at once when nothing listens), and a datagram goes straight into
//! the inbox of the UDP socket bound to its port (loopback.rs). A listener on 0.0.0.0
//! is reached both ways; its backlog counts both kinds of waiting connections.
//!
//! Memory (memory.rs) is taken fallibly everywhere: a call fails with ENOMEM, and the
//! network task drops what it cannot hold.
//!
//! Here: the socket state, the helpers every call uses (`with_sock`, `blocking`),
//! `socket`, `bind`, `shutdown`, `close`, the addresses and readiness. Elsewhere: the
//! table and the accept backlog (`backlog`), `listen`/`accept` (`listener`),
//! `connect` (`connect`), `send`/`recv` (`transfer`, with each kind's part in `stream`
//! (TCP) and `datagram` (UDP)), socket options (`options`).

use alloc::vec::Vec;
use core::ops::Deref;
use core::task::Poll;

use smoltcp::iface::SocketHandle;
use smoltcp::socket::{AnySocket, tcp, udp};
use smoltcp::time::{Duration, Instant};
use smoltcp::wire::{IpAddress, IpEndpoint, IpListenEndpoint, Ipv4Address, Ipv6Address};

use super::binding::overlaps;
use super::events;
use super::loopback::{self, Conn, Inbox, Received};
use super::memory::{TCP_BUFFER_FULL, reserve, reserve_total, tcp_buffer_sizes, try_filled};
use super::socket_set::Sockets;
use super::stack::{self, Stack, now};
use super::syn::Syn;
use crate::abi::errno::*;
use crate::abi::net::*;
use crate::clock;

mod backlog;
mod connect;
mod datagram;
mod listener;
mod loop_end;
mod options;
mod stream;
mod transfer;

pub use connect::connect;
use connect::finish_loop_connect;
pub use datagram::Udp;
pub use listener::{accept, listen};
use loop_end::SharedConn;
pub use loop_end::{LoopEnd, LoopState, loop_state, recv_on, send_on};
pub use options::{OptValue, getsockopt, setsockopt};
pub use stream::Tcp;
pub use transfer::{Attempt, Got, ItsOwnKind, Protocol, readiness, recv, send};

const UDP_PACKETS: usize = 64;
const UDP_BYTES: usize = 64 * 1024;
/// The largest `listen` backlog (Linux's default somaxconn): a larger one, or a
/// negative one, means this many. That many connections (in the handshake or
/// established) wait for `accept`; SYNs beyond are dropped until `accept` makes room.
pub const MAX_BACKLOG: usize = 4096;
/// How long a connection may stay in the handshake (SYN received, our SYN-ACK not
/// answered) before its place in the backlog is given back; Linux retries the SYN-ACK
/// for about a minute.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(60);
const EPHEMERAL_FIRST: u16 = 49152;
/// How long `connect` waits without SO_SNDTIMEO (Linux gives up after ~2 minutes).
const CONNECT_TIMEOUT_NS: u64 = 75_000_000_000;
/// How long a closed connection may take to deliver its last data and FIN.
const LINGER_AFTER_CLOSE: Duration = Duration::from_secs(60);
const KEEPALIVE_INTERVAL: Duration = Duration::from_secs(60);

pub type SocketId = u32;

#[derive(Debug)]
pub enum Kind {
    /// A TCP socket that is neither listening nor connected (maybe bound).
    Tcp { bound: Option<SockAddr> },
    Listener {
        local: SockAddr,
        backlog: usize,
        /// Connections not accepted yet (in the handshake or established), oldest
        /// first; for a moment also the socket listening for the SYN being processed.
        slots: Vec<SocketHandle>,
        /// Loopback connections not accepted yet, oldest first: the server's end is
        /// side 1 of the connection.
        loop_queue: Vec<LoopPending>,
    },
    /// A loopback `connect` waiting for room in the listener's backlog (see
    /// `finish_loop_connect`).
    LoopConnecting { local: SockAddr, to: SockAddr },
    /// One end (`side`) of a loopback connection.
    Loop {
        conn: SharedConn,
        side: usize,
        local: SockAddr,
        peer: SockAddr,
    },
    Stream {
        handle: SocketHandle,
        /// `connect` was called and the handshake has not finished.
        connecting: bool,
    },
    Udp {
        handle: Option<SocketHandle>,
        /// Default destination set by `connect`.
        peer: Option<SockAddr>,
        /// Datagrams that came over loopback.
        inbox: Inbox,
    },
}

/// A loopback connection waiting for `accept`.
#[derive(Debug, Clone)]
pub struct LoopPending {
    conn: SharedConn,
    /// The client's address (the server's peer).
    client: SockAddr,
    /// The address the client connected to (the server's local address).
    server: SockAddr,
}

#[derive(Debug)]
pub struct Sock {
    pub kind: Kind,
    /// AF_INET or AF_INET6: the kind of `sockaddr` the application gets back.
    family: i32,
    /// IPV6_V6ONLY: an AF_INET6 socket that has nothing to do with IPv4.
    v6only: bool,
    /// SO_RCVTIMEO / SO_SNDTIMEO in nanoseconds.
    rcvtimeo: Option<u64>,
    sndtimeo: Option<u64>,
    nodelay: bool,
    keepalive: bool,
    reuseaddr: bool,
    linger: linger,
    ttl: Option<u8>,
    /// Pending error for SO_ERROR (a failed non-blocking connect).
    error: Option<Errno>,
    shut_rd: bool,
    shut_wr: bool,
}

impl Sock {
    fn new(kind: Kind, family: i32) -> Sock {
        Sock {
            kind,
            family,
            v6only: false,
            rcvtimeo: None,
            sndtimeo: None,
            nodelay: false,
            keepalive: false,
            reuseaddr: false,
            linger: linger::default(),
            ttl: None,
            error: None,
            shut_rd: false,
            shut_wr: false,
        }
    }

    /// Whether this is a UDP socket (the others are TCP's, loopback connections included).
    fn is_datagram(&self) -> bool {
        matches!(self.kind, Kind::Udp { .. })
    }

    /// Whether the application gets `sockaddr_in6`s from this socket.
    pub fn is_v6(&self) -> bool {
        self.family == AF_INET6
    }

    /// Checks an address of family `family` given to `bind` (`for_bind`), `connect`
    /// or `sendto`, as Linux does: an AF_INET socket takes only IPv4 addresses
    /// (EAFNOSUPPORT); an AF_INET6 one only IPv6 addresses (EINVAL: too short), except
    /// that a UDP one connects and sends to IPv4 ones; IPV6_V6ONLY refuses IPv4-mapped
    /// ones.
    fn check_address(&self, a: SockAddr, family: i32, for_bind: bool) -> Result<(), Errno> {
        match (self.family, family) {
            (AF_INET, AF_INET) => Ok(()),
            (AF_INET, _) => Err(EAFNOSUPPORT),
            (_, AF_INET) if for_bind || !self.is_datagram() || self.v6only => Err(EINVAL),
            _ if self.v6only && a.ipv4().is_some() => {
                Err(if for_bind { EINVAL } else { ENETUNREACH })
            }
            _ => Ok(()),
        }
    }

    /// Whether traffic to `to` reaches this socket, bound to `local`.
    fn receives(&self, local: SockAddr, to: SockAddr) -> bool {
        local.port == to.port && address_receives(local.addr, self.v6only, to.addr)
    }

    /// Applies the options smoltcp implements to one of its TCP sockets.
    fn configure(&self, s: &mut tcp::Socket<'_>) {
        s.set_nagle_enabled(!self.nodelay);
        s.set_keep_alive(self.keepalive.then_some(KEEPALIVE_INTERVAL));
        s.set_hop_limit(self.ttl);
    }
}

/// The application's sockets, indexed by id, and the connections it closed that are
/// still delivering their data.
pub struct Table {
    socks: Vec<Option<Sock>>,
    /// Ids free for reuse; its capacity covers every id, so `release` never allocates.
    free: Vec<SocketId>,
    /// Its capacity covers every TCP socket of the set, so `orphan` never allocates.
    orphans: Vec<(SocketHandle, Instant)>,
    next_port: u16,
}

/// What the stack does with a SYN (see `Table::admit`).
pub enum Admission {
    /// smoltcp handles it (not for a listener, or for a connection that exists).
    Pass,
    /// Dropped: the backlog is full or memory is short; the client retries.
    Drop,
    /// A socket now listens for it; `Table::settle` after smoltcp processed the frame.
    Listening(SocketHandle),
}

/// Whether a socket bound to address `local` (with IPV6_V6ONLY: `v6only`) receives
/// traffic for `to`: its own address, or its wildcard's family (see the module's
/// comment).
fn address_receives(local: [u8; 16], v6only: bool, to: [u8; 16]) -> bool {
    local == to
        || (local == ANY_V4 && ipv4_of(to).is_some())
        || (local == ANY_V6 && !(v6only && ipv4_of(to).is_some()))
}

/// The address as smoltcp's: IPv4 for an IPv4-mapped one.
fn to_ip(addr: [u8; 16]) -> IpAddress {
    match ipv4_of(addr) {
        Some(a) => IpAddress::Ipv4(Ipv4Address::from(a)),
        None => IpAddress::Ipv6(Ipv6Address::from(addr)),
    }
}

fn from_ip(a: IpAddress) -> [u8; 16] {
    match a {
        IpAddress::Ipv4(a) => mapped(a.octets()),
        IpAddress::Ipv6(a) => a.octets(),
    }
}

fn to_endpoint(a: SockAddr) -> IpEndpoint {
    IpEndpoint::new(to_ip(a.addr), a.port)
}

fn from_endpoint(e: IpEndpoint) -> SockAddr {
    SockAddr {
        addr: from_ip(e.addr),
        port: e.port,
    }
}

fn listen_endpoint(a: SockAddr) -> IpListenEndpoint {
    IpListenEndpoint {
        addr: (!a.is_unspecified()).then(|| to_ip(a.addr)),
        port: a.port,
    }
}

/// A TCP socket with the biggest buffers memory allows (see memory.rs); `waiting`:
/// connections already waiting for `accept` on its listener. ENOMEM when even the
/// smallest do not fit.
fn new_tcp(waiting: usize) -> Result<tcp::Socket<'static>, Errno> {
    let (free, _) = crate::mm::heap::HEAP.usage();
    for size in tcp_buffer_sizes(waiting, free) {
        if let (Some(rx), Some(tx)) = (try_filled(size, 0u8), try_filled(size, 0u8)) {
            return Ok(tcp::Socket::new(
                tcp::SocketBuffer::new(rx),
                tcp::SocketBuffer::new(tx),
            ));
        }
    }
    Err(ENOMEM)
}

fn new_udp() -> Result<udp::Socket<'static>, Errno> {
    let buf = || {
        Some(udp::PacketBuffer::new(
            try_filled(UDP_PACKETS, udp::PacketMetadata::EMPTY)?,
            try_filled(UDP_BYTES, 0u8)?,
        ))
    };
    match (buf(), buf()) {
        (Some(rx), Some(tx)) => Ok(udp::Socket::new(rx, tx)),
        _ => Err(ENOMEM),
    }
}

/// A connection `accept` may hand out: past the handshake, not reset.
fn acceptable(state: tcp::State) -> bool {
    !matches!(
        state,
        tcp::State::Listen | tcp::State::SynReceived | tcp::State::Closed
    )
}

/// The address UDP socket `h` is bound to (its smoltcp endpoint, the wildcard of
/// the socket's family when it has no address).
fn udp_local(set: &Sockets, h: SocketHandle, sock: &Sock) -> SockAddr {
    let ep = set.get::<udp::Socket>(h).endpoint();
    let any = if sock.is_v6() { ANY_V6 } else { ANY_V4 };
    SockAddr {
        addr: ep.addr.map_or(any, from_ip),
        port: ep.port,
    }
}

/// Whether traffic to `addr` stays in this machine: 127.0.0.0/8, ::1, or one of the
/// interface's own addresses.
fn is_local(st: &Stack, addr: [u8; 16]) -> bool {
    loopback::is_loopback(addr)
        || (st.dev.is_some()
            && addr != ANY_V4
            && addr != ANY_V6
            && st.iface.has_ip_addr(to_ip(addr)))
}

/// Runs `f` on socket `id` with the stack locked, then lets the stack send what `f`
/// queued (nothing for a loopback connection). ENETDOWN before the network is set
/// up, EBADF for an unknown id.
fn with_sock<R>(
    id: SocketId,
    f: impl FnOnce(&mut Stack, &mut Sock) -> Result<R, Errno>,
) -> Result<R, Errno> {
    stack::with(|st| {
        let mut sock = st.table.take(id).ok_or(EBADF)?;
        finish_loop_connect(st, &mut sock);
        st.quiet_call = false;
        let r = f(st, &mut sock);
        // A loopback connection queued nothing for smoltcp: no poll to pay for; nor
        // does a call that said it changed nothing urgent (stack.rs, quiet_call).
        let loopback = matches!(sock.kind, Kind::Loop { .. });
        st.table.put(id, sock);
        if !loopback && !core::mem::take(&mut st.quiet_call) {
            st.after_call();
        }
        r
    })
    .unwrap_or(Err(ENETDOWN))
}

/// Reads socket state without changing it (no poll afterwards).
fn inspect<R>(id: SocketId, f: impl FnOnce(&Stack, &Sock) -> R) -> Result<R, Errno> {
    stack::with(|st| {
        let sock = st
            .table
            .socks
            .get(id as usize)
            .and_then(|s| s.as_ref())
            .ok_or(EBADF)?;
        Ok(f(st, sock))
    })
    .unwrap_or(Err(ENETDOWN))
}

#[derive(Clone, Copy)]
enum Dir {
    Recv,
    Send,
    /// connect: SO_SNDTIMEO or CONNECT_TIMEOUT_NS, then ETIMEDOUT.
    Connect,
}

/// Retries `f` until it is ready, sleeping on the readiness counter in between; a
/// non-blocking socket (`nonblocking`: the descriptor's O_NONBLOCK) gets EAGAIN
/// instead of sleeping, and a timeout (SO_RCVTIMEO or SO_SNDTIMEO) ends the wait with
/// EAGAIN (ETIMEDOUT for connect).
fn blocking<R>(
    id: SocketId,
    dir: Dir,
    nonblocking: bool,
    mut f: impl FnMut(&mut Stack, &mut Sock) -> Poll<Result<R, Errno>>,
) -> Result<R, Errno> {
    let mut deadline: Option<Option<u64>> = None;
    loop {
        let seen = events::current();
        let (r, timeout) = with_sock(id, |st, sock| {
            let r = f(st, sock);
            let timeout = match dir {
                Dir::Recv => sock.rcvtimeo,
                Dir::Send => sock.sndtimeo,
                Dir::Connect => Some(sock.sndtimeo.unwrap_or(CONNECT_TIMEOUT_NS)),
            };
            Ok((r, timeout))
        })?;
        if let Poll::Ready(r) = r {
            return r;
        }
        if nonblocking {
            return Err(EAGAIN);
        }
        let d = *deadline.get_or_insert_with(|| timeout.map(clock::deadline_after_ns));
        if !events::wait_interruptible(seen, d)? {
            return Err(match dir {
                Dir::Connect => ETIMEDOUT,
                _ => EAGAIN,
            });
        }
    }
}

/// `socket(domain, type, protocol)`: a new, unbound socket.
pub fn socket(domain: i32, ty: i32, protocol: i32) -> Result<SocketId, Errno> {
    if domain != AF_INET && domain != AF_INET6 {
        return Err(EAFNOSUPPORT);
    }
    let kind = match (ty & !(SOCK_NONBLOCK | SOCK_CLOEXEC), protocol) {
        (SOCK_STREAM, 0 | IPPROTO_TCP) if cfg!(feature = "tcp") => Kind::Tcp { bound: None },
        (SOCK_DGRAM, 0 | IPPROTO_UDP) if cfg!(feature = "udp") => Kind::Udp {
            handle: None,
            peer: None,
            inbox: Inbox::default(),
        },
        (SOCK_STREAM | SOCK_DGRAM, _) => return Err(EPROTONOSUPPORT),
        _ => return Err(EINVAL),
    };
    let sock = Sock::new(kind, domain);
    stack::with(|st| st.table.insert(sock)).unwrap_or(Err(ENETDOWN))
}

/// A UDP socket for the kernel's own use (DNS queries smoltcp cannot make, `dns.rs`):
/// there whether or not the application's build has the `udp` feature, as Hermit's DNS
/// works in a build with `tcp` and `dns` only.
#[cfg(feature = "dns")]
pub fn kernel_udp_socket() -> Result<SocketId, Errno> {
    let sock = Sock::new(
        Kind::Udp {
            handle: None,
            peer: None,
            inbox: Inbox::default(),
        },
        AF_INET,
    );
    stack::with(|st| st.table.insert(sock)).unwrap_or(Err(ENETDOWN))
}

/// Checks that `a` can be a local address: unspecified, loopback (all of 127/8, ::1) or
/// one of the interface's own (any, before it has an IPv4 address).
fn local_address_ok(st: &Stack, a: SockAddr) -> bool {
    if a.is_unspecified() || loopback::is_loopback(a.addr) {
        return true;
    }
    if st.dev.is_none() {
        return false;
    }
    st.iface.has_ip_addr(to_ip(a.addr)) || !stack::configured()
}

/// `bind` to `addr`, given as a `sockaddr` of `family`.
pub fn bind(id: SocketId, addr: SockAddr, family: i32) -> Result<(), Errno> {
    with_sock(id, |st, sock| {
        sock.check_address(addr, family, true)?;
        if !local_address_ok(st, addr) {
            return Err(EADDRNOTAVAIL);
        }
        let tcp = matches!(sock.kind, Kind::Tcp { .. });
        let port = match addr.port {
            0 => st.table.ephemeral_port(&st.set, tcp)?,
            p if st.table.port_used(
                &st.set,
                tcp,
                p,
                sock.reuseaddr,
                Some((addr.addr, sock.v6only)),
            ) =>
            {
                return Err(EADDRINUSE);
            }
            p => p,
        };
        let local = SockAddr {
            addr: addr.addr,
            port,
        };
        match &mut sock.kind {
            Kind::Tcp { bound: b @ None } => *b = Some(local),
            Kind::Udp {
                handle: h @ None, ..
            } => {
                let mut s = new_udp()?;
                s.bind(listen_endpoint(local)).map_err(|_| EINVAL)?;
                s.set_hop_limit(sock.ttl);
                *h = Some(st.set.add(s)?);
            }
            _ => return Err(EINVAL),
        }
        Ok(())
    })
}

pub fn shutdown(id: SocketId, how: i32) -> Result<(), Errno> {
    if !(SHUT_RD..=SHUT_RDWR).contains(&how) {
        return Err(EINVAL);
    }
    with_sock(id, |st, sock| match &sock.kind {
        Kind::Stream { handle, .. } => {
            if how != SHUT_WR {
                sock.shut_rd = true;
            }
            if how != SHUT_RD {
                sock.shut_wr = true;
                st.set.get_mut::<tcp::Socket>(*handle).close();
            }
            events::signal();
            Ok(())
        }
        Kind::Loop { conn, side, .. } => {
            // The connection holds the state too: its sockets' descriptors send and
            // receive on it without the stack (loop_end.rs).
            let mut c = conn.lock();
            if how != SHUT_WR {
                sock.shut_rd = true;
                c.shut_read(*side);
            }
            if how != SHUT_RD {
                sock.shut_wr = true;
                c.shut_write(*side);
            }
            events::signal();
            Ok(())
        }
        Kind::Udp { peer: Some(_), .. } => {
            sock.shut_rd |= how != SHUT_WR;
            sock.shut_wr |= how != SHUT_RD;
            Ok(())
        }
        _ => Err(ENOTCONN),
    })
}

/// Closes the socket (its last descriptor went away).
pub fn close(id: SocketId) {
    stack::with(|st| {
        let Some(sock) = st.table.take(id) else {
            return;
        };
        st.send_deferred();
        st.table.release(id);
        match sock.kind {
            Kind::Stream { handle, .. } => st.table.orphan(&mut st.set, handle),
            Kind::Loop { conn, side, .. } => conn.lock().close(side),
            Kind::Listener {
                slots, loop_queue, ..
            } => {
                // Loopback connections never accepted: their clients read end of file.
                for pending in loop_queue {
                    pending.conn.lock().close(1);
                }
                for h in slots {
                    let s = st.set.get_mut::<tcp::Socket>(h);
                    if s.state() == tcp::State::Listen || s.state() == tcp::State::Closed {
                        st.set.remove(h);
                    } else {
                        // Connections never accepted are reset.
                        s.abort();
                        st.table.orphans.push((h, now()));
                    }
                }
            }
            Kind::Udp {
                handle: Some(h), ..
            } => {
                st.set.remove(h);
            }
            _ => {}
        }
        st.after_call();
        // A task blocked on this socket in another thread gets EBADF on its retry.
        events::signal();
    });
}

/// The local address (`getsockname`), and whether the socket is AF_INET6.
pub fn local_addr(id: SocketId) -> Result<(SockAddr, bool), Errno> {
    inspect(id, |st, sock| {
        let any = SockAddr {
            addr: if sock.is_v6() { ANY_V6 } else { ANY_V4 },
            port: 0,
        };
        let a = match &sock.kind {
            Kind::Tcp { bound } => bound.unwrap_or(any),
            Kind::Listener { local, .. }
            | Kind::Loop { local, .. }
            | Kind::LoopConnecting { local, .. } => *local,
            Kind::Stream { handle, .. } => st
                .set
                .get::<tcp::Socket>(*handle)
                .local_endpoint()
                .map(from_endpoint)
                .unwrap_or(any),
            Kind::Udp { handle, .. } => handle.map_or(any, |h| udp_local(&st.set, h, sock)),
        };
        (a, sock.is_v6())
    })
}

/// The peer's address (`getpeername`), and whether the socket is AF_INET6.
pub fn peer_addr(id: SocketId) -> Result<(SockAddr, bool), Errno> {
    inspect(id, |st, sock| {
        let v6 = sock.is_v6();
        match &sock.kind {
            Kind::Stream { handle, .. } => st
                .set
                .get::<tcp::Socket>(*handle)
                .remote_endpoint()
                .map(from_endpoint)
                .ok_or(ENOTCONN),
            Kind::Loop { peer, .. } => Ok(*peer),
            Kind::Udp { peer: Some(p), .. } => Ok(*p),
            _ => Err(ENOTCONN),
        }
        .map(|a| (a, v6))
    })?
}

/// Whether the network stack exists (a device was found).
pub fn available() -> bool {
    stack::present()
}
