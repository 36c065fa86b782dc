//! Sockets: the objects behind the application's socket descriptors, on top of smoltcp's
//! TCP and UDP sockets. All their state lives in the stack (under its lock); a socket
//! descriptor holds only the id of its entry in the `Table`.
//!
//! A TCP listener has no smoltcp socket of its own: when a SYN for its port arrives, the
//! stack asks `Table::admit` before smoltcp sees the frame, and the listener gets a
//! socket listening for exactly that SYN, or the SYN is dropped (the client sends it
//! again a second later) while `backlog` connections wait for `accept` or memory is
//! short, as Linux drops SYNs when its accept queue is full. So memory is spent per
//! real connection, and a burst never meets a missing listener and a reset.
//! Blocking calls sleep on the readiness counter (events.rs) and retry.
//!
//! Loopback (127.0.0.0/8 and the interface's own address) bypasses smoltcp: `connect`
//! finds the listener in this table and queues an in-memory connection for `accept`
//! at once (refused at once when nothing listens), and a datagram goes straight into
//! the inbox of the UDP socket bound to its port (loopback.rs). A listener on 0.0.0.0
//! is reached both ways; its backlog counts both kinds of waiting connections.
//!
//! Memory (memory.rs) is taken fallibly everywhere: a call fails with ENOMEM, and the
//! network task drops what it cannot hold.

use alloc::vec::Vec;
use core::ops::Deref;
use core::task::Poll;

use smoltcp::iface::SocketHandle;
use smoltcp::socket::{AnySocket, tcp, udp};
use smoltcp::time::{Duration, Instant};
use smoltcp::wire::{IpAddress, IpEndpoint, IpListenEndpoint, Ipv4Address};

use super::events;
use super::loopback::{self, Conn, ConnId, Conns, Inbox, Received};
use super::memory::{TCP_BUFFER_FULL, reserve, reserve_total, tcp_buffer_sizes, try_filled};
use super::socket_set::Sockets;
use super::stack::{self, Stack, now};
use super::syn::Syn;
use crate::abi::errno::*;
use crate::abi::net::*;
use crate::arch::clock;

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
    Tcp { bound: Option<V4> },
    Listener {
        local: V4,
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
    LoopConnecting { local: V4, to: V4 },
    /// One end (`side`) of a loopback connection.
    Loop {
        conn: ConnId,
        side: usize,
        local: V4,
        peer: V4,
    },
    Stream {
        handle: SocketHandle,
        /// `connect` was called and the handshake has not finished.
        connecting: bool,
    },
    Udp {
        handle: Option<SocketHandle>,
        /// Default destination set by `connect`.
        peer: Option<V4>,
        /// Datagrams that came over loopback.
        inbox: Inbox,
    },
}

/// A loopback connection waiting for `accept`.
#[derive(Debug, Clone, Copy)]
pub struct LoopPending {
    conn: ConnId,
    /// The client's address (the server's peer).
    client: V4,
    /// The address the client connected to (the server's local address).
    server: V4,
}

#[derive(Debug)]
pub struct Sock {
    pub kind: Kind,
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
    fn new(kind: Kind) -> Sock {
        Sock {
            kind,
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
    /// Loopback connections.
    loops: Conns,
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

fn to_endpoint(a: V4) -> IpEndpoint {
    IpEndpoint::new(IpAddress::Ipv4(Ipv4Address::from(a.addr)), a.port)
}

fn from_endpoint(e: IpEndpoint) -> V4 {
    #[allow(unreachable_patterns)]
    let addr = match e.addr {
        IpAddress::Ipv4(a) => a.octets(),
        _ => [0; 4],
    };
    V4 { addr, port: e.port }
}

fn listen_endpoint(a: V4) -> IpListenEndpoint {
    IpListenEndpoint {
        addr: (a.addr != [0; 4]).then(|| IpAddress::Ipv4(Ipv4Address::from(a.addr))),
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

impl Table {
    pub fn new() -> Table {
        Table {
            socks: Vec::new(),
            free: Vec::new(),
            orphans: Vec::new(),
            loops: Conns::default(),
            next_port: EPHEMERAL_FIRST + (crate::arch::cpu::rdtsc() % 16384) as u16,
        }
    }

    /// A new id for `sock`; ENOMEM when the table cannot grow.
    fn insert(&mut self, sock: Sock) -> Result<SocketId, Errno> {
        if let Some(id) = self.free.pop() {
            self.socks[id as usize] = Some(sock);
            return Ok(id);
        }
        reserve(&mut self.socks, 1)
            .and_then(|_| reserve_total(&mut self.free, self.socks.len() + 1))
            .ok_or(ENOMEM)?;
        self.socks.push(Some(sock));
        Ok((self.socks.len() - 1) as SocketId)
    }

    /// Adds a TCP socket to the set, keeping room to orphan it later.
    fn add_tcp(
        &mut self,
        set: &mut Sockets,
        s: tcp::Socket<'static>,
    ) -> Result<SocketHandle, Errno> {
        reserve_total(&mut self.orphans, set.len() + 1).ok_or(ENOMEM)?;
        set.add(s)
    }

    fn take(&mut self, id: SocketId) -> Option<Sock> {
        self.socks.get_mut(id as usize)?.take()
    }

    fn put(&mut self, id: SocketId, sock: Sock) {
        self.socks[id as usize] = Some(sock);
    }

    fn release(&mut self, id: SocketId) {
        self.free.push(id);
    }

    /// Whether a TCP (`tcp`) or UDP port is taken by a socket of the application or a
    /// connection of the stack.
    fn port_used(&self, set: &Sockets, tcp: bool, port: u16) -> bool {
        let in_table = self.socks.iter().flatten().any(|s| match &s.kind {
            Kind::Tcp { bound: Some(b) } => tcp && b.port == port,
            Kind::Listener { local, .. } => tcp && local.port == port,
            Kind::Loop { local, .. } | Kind::LoopConnecting { local, .. } => {
                tcp && local.port == port
            }
            _ => false,
        });
        in_table
            || set.iter().any(|(_, s)| {
                if tcp {
                    tcp::Socket::downcast(s).is_some_and(|t| {
                        t.listen_endpoint().port == port
                            || t.local_endpoint().is_some_and(|e| e.port == port)
                    })
                } else {
                    udp::Socket::downcast(s).is_some_and(|u| u.endpoint().port == port)
                }
            })
    }

    fn ephemeral_port(&mut self, set: &Sockets, tcp: bool) -> Result<u16, Errno> {
        for _ in 0..(u16::MAX - EPHEMERAL_FIRST) {
            let p = self.next_port;
            self.next_port = if p == u16::MAX {
                EPHEMERAL_FIRST
            } else {
                p + 1
            };
            if !self.port_used(set, tcp, p) {
                return Ok(p);
            }
        }
        Err(EADDRINUSE)
    }

    /// Decides what becomes of a SYN before smoltcp sees it. For a port the application
    /// listens on, the listener gets a socket listening for it, unless its backlog is
    /// full or memory is short (then the SYN is dropped and the client sends it again);
    /// a SYN repeated for a connection that exists goes to that connection.
    pub fn admit(&mut self, set: &mut Sockets, syn: Syn) -> Admission {
        let Some(sock) = self.socks.iter_mut().flatten().find(|s| {
            matches!(&s.kind, Kind::Listener { local, .. }
                if local.port == syn.dst_port
                    && (local.addr == [0; 4] || local.addr == syn.dst_addr))
        }) else {
            return Admission::Pass;
        };
        let from = to_endpoint(V4 {
            addr: syn.src_addr,
            port: syn.src_port,
        });
        let exists = set.iter().any(|(_, s)| {
            tcp::Socket::downcast(s).is_some_and(|t| {
                t.remote_endpoint() == Some(from)
                    && t.local_endpoint().is_some_and(|e| e.port == syn.dst_port)
            })
        });
        if exists {
            return Admission::Pass;
        }
        let (nodelay, keepalive, ttl) = (sock.nodelay, sock.keepalive, sock.ttl);
        let Kind::Listener {
            local,
            backlog,
            slots,
            loop_queue,
        } = &mut sock.kind
        else {
            return Admission::Pass;
        };
        forget_closed(set, slots);
        if slots.len() + loop_queue.len() >= *backlog {
            return Admission::Drop;
        }
        let Ok(mut s) = new_tcp(slots.len()) else {
            return Admission::Drop;
        };
        if s.listen(listen_endpoint(*local)).is_err() {
            return Admission::Pass;
        }
        // Options set on the listener carry over to its connections.
        s.set_nagle_enabled(!nodelay);
        s.set_keep_alive(keepalive.then_some(KEEPALIVE_INTERVAL));
        s.set_hop_limit(ttl);
        s.set_timeout(Some(HANDSHAKE_TIMEOUT));
        if reserve(slots, 1).is_none() || reserve_total(&mut self.orphans, set.len() + 1).is_none()
        {
            return Admission::Drop;
        }
        match set.add(s) {
            Ok(h) => {
                slots.push(h);
                Admission::Listening(h)
            }
            Err(_) => Admission::Drop,
        }
    }

    /// After smoltcp processed the frame `admit` made socket `h` listen for: if the
    /// SYN did not reach it (a bad checksum, no transmit buffer for the answer), it
    /// goes away again, so no socket is ever left listening (one would take the SYNs
    /// a client repeats for a connection in the handshake).
    pub fn settle(&mut self, set: &mut Sockets, h: SocketHandle) {
        if set.get::<tcp::Socket>(h).state() != tcp::State::Listen {
            return;
        }
        set.remove(h);
        for sock in self.socks.iter_mut().flatten() {
            if let Kind::Listener { slots, .. } = &mut sock.kind {
                slots.retain(|&s| s != h);
            }
        }
    }

    /// After socket state changed: connections reset during the handshake (or before
    /// `accept`) give their place in the backlog back, and the established ones lose
    /// the handshake's timeout.
    pub fn tidy_listeners(&mut self, set: &mut Sockets) {
        for sock in self.socks.iter_mut().flatten() {
            if let Kind::Listener { slots, .. } = &mut sock.kind {
                forget_closed(set, slots);
            }
        }
    }

    /// Frees the connections the application closed once they are done (or have had
    /// LINGER_AFTER_CLOSE to finish).
    pub fn reap(&mut self, set: &mut Sockets) {
        if self.orphans.is_empty() {
            return;
        }
        let now = now();
        self.orphans.retain(|&(h, deadline)| {
            let s = set.get_mut::<tcp::Socket>(h);
            match s.state() {
                tcp::State::Closed | tcp::State::TimeWait => {
                    set.remove(h);
                    false
                }
                _ if now >= deadline => {
                    s.abort();
                    true
                }
                _ => true,
            }
        });
    }

    /// Closes a TCP connection the application is done with: remaining data and the
    /// FIN still go out.
    fn orphan(&mut self, set: &mut Sockets, h: SocketHandle) {
        let s = set.get_mut::<tcp::Socket>(h);
        s.close();
        self.orphans.push((h, now() + LINGER_AFTER_CLOSE));
    }

    /// Queues a loopback connection from `client` to `to` on the listener for `to`:
    /// ECONNREFUSED when nothing listens there, EAGAIN while its backlog is full.
    /// Returns the connection, whose side 0 is the client's.
    fn connect_loopback(&mut self, client: V4, to: V4) -> Result<ConnId, Errno> {
        let listener = self
            .socks
            .iter_mut()
            .flatten()
            .find_map(|s| match &mut s.kind {
                Kind::Listener {
                    local,
                    backlog,
                    slots,
                    loop_queue,
                } if local.port == to.port && (local.addr == [0; 4] || local.addr == to.addr) => {
                    Some((slots.len(), *backlog, loop_queue))
                }
                _ => None,
            });
        let Some((in_handshake, backlog, queue)) = listener else {
            return Err(ECONNREFUSED);
        };
        if in_handshake + queue.len() >= backlog {
            return Err(EAGAIN);
        }
        queue_loop_conn(&mut self.loops, in_handshake, queue, client, to)
    }

    /// After `accept` made room in the backlog of listener `local`: the loopback
    /// connects waiting for it (`LoopConnecting`) get their connections, as long as
    /// there is room, so they complete without another call of their own (as the
    /// client's retransmitted SYN completes them on Linux).
    fn admit_waiting(
        &mut self,
        local: V4,
        backlog: usize,
        in_handshake: usize,
        queue: &mut Vec<LoopPending>,
    ) {
        for s in self.socks.iter_mut().flatten() {
            if in_handshake + queue.len() >= backlog {
                return;
            }
            let Kind::LoopConnecting { local: client, to } = s.kind else {
                continue;
            };
            if to.port != local.port || (local.addr != [0; 4] && local.addr != to.addr) {
                continue;
            }
            // Without memory it stays waiting; its next call tries again.
            if let Ok(conn) = queue_loop_conn(&mut self.loops, in_handshake, queue, client, to) {
                s.kind = Kind::Loop {
                    conn,
                    side: 0,
                    local: client,
                    peer: to,
                };
            }
        }
    }

    /// For a loopback `connect` to `to`: whether the listener there has room in its
    /// backlog; `None` when nothing listens there.
    fn loop_listener_has_room(&self, to: V4) -> Option<bool> {
        self.socks.iter().flatten().find_map(|s| match &s.kind {
            Kind::Listener {
                local,
                backlog,
                slots,
                loop_queue,
            } if local.port == to.port && (local.addr == [0; 4] || local.addr == to.addr) => {
                Some(slots.len() + loop_queue.len() < *backlog)
            }
            _ => None,
        })
    }

    /// The inbox of the UDP socket bound to `to` (port, and address unless 0.0.0.0).
    fn udp_inbox(&mut self, set: &Sockets, to: V4) -> Option<&mut Inbox> {
        self.socks
            .iter_mut()
            .flatten()
            .find_map(|s| match &mut s.kind {
                Kind::Udp {
                    handle: Some(h),
                    inbox,
                    ..
                } if udp_bound_to(set, *h, to) => Some(inbox),
                _ => None,
            })
    }
}

/// A new loopback connection from `client` to `to`, queued for `accept` on a listener
/// with `in_handshake` connections in the handshake and `queue` (which has room).
fn queue_loop_conn(
    loops: &mut Conns,
    in_handshake: usize,
    queue: &mut Vec<LoopPending>,
    client: V4,
    to: V4,
) -> Result<ConnId, Errno> {
    reserve(queue, 1).ok_or(ENOMEM)?;
    let (free, _) = crate::mm::heap::HEAP.usage();
    let conn = tcp_buffer_sizes(in_handshake + queue.len(), free)
        .find_map(Conn::new)
        .ok_or(ENOMEM)?;
    let conn = loops.insert(conn).ok_or(ENOMEM)?;
    queue.push(LoopPending {
        conn,
        client,
        server: to,
    });
    events::signal();
    Ok(conn)
}

/// Whether UDP socket `h` receives datagrams sent to `to`.
fn udp_bound_to(set: &Sockets, h: SocketHandle, to: V4) -> bool {
    let ep = set.get::<udp::Socket>(h).endpoint();
    ep.port == to.port
        && ep
            .addr
            .is_none_or(|a| a == IpAddress::Ipv4(Ipv4Address::from(to.addr)))
}

/// Whether traffic to `addr` stays in this machine: 127.0.0.0/8, or the interface's
/// own address.
fn is_local(st: &Stack, addr: [u8; 4]) -> bool {
    loopback::is_loopback(addr)
        || (st.dev.is_some()
            && addr != [0; 4]
            && st
                .iface
                .has_ip_addr(IpAddress::Ipv4(Ipv4Address::from(addr))))
}

/// Drops the connections of `slots` that were reset (their sockets are freed); clears
/// the handshake's timeout of those that got established.
fn forget_closed(set: &mut Sockets, slots: &mut Vec<SocketHandle>) {
    slots.retain(|&h| {
        let s = set.get_mut::<tcp::Socket>(h);
        match s.state() {
            tcp::State::Closed => {
                set.remove(h);
                false
            }
            tcp::State::Listen | tcp::State::SynReceived => true,
            _ => {
                if s.timeout().is_some() {
                    s.set_timeout(None);
                }
                true
            }
        }
    });
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
        let r = f(st, &mut sock);
        // A loopback connection queued nothing for smoltcp: no poll to pay for.
        let loopback = matches!(sock.kind, Kind::Loop { .. });
        st.table.put(id, sock);
        if !loopback {
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
        if !events::wait(seen, d) {
            return Err(match dir {
                Dir::Connect => ETIMEDOUT,
                _ => EAGAIN,
            });
        }
    }
}

/// `socket(domain, type, protocol)`: a new, unbound socket.
pub fn socket(domain: i32, ty: i32, protocol: i32) -> Result<SocketId, Errno> {
    if domain != AF_INET {
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
    let sock = Sock::new(kind);
    stack::with(|st| st.table.insert(sock)).unwrap_or(Err(ENETDOWN))
}

/// Checks that `a` can be a local address: unspecified, loopback (all of 127/8) or the
/// interface's own.
fn local_address_ok(st: &Stack, a: V4) -> bool {
    if a.addr == [0; 4] || loopback::is_loopback(a.addr) {
        return true;
    }
    if st.dev.is_none() {
        return false;
    }
    st.iface
        .has_ip_addr(IpAddress::Ipv4(Ipv4Address::from(a.addr)))
        || !stack::configured()
}

pub fn bind(id: SocketId, addr: V4) -> Result<(), Errno> {
    with_sock(id, |st, sock| {
        if !local_address_ok(st, addr) {
            return Err(EADDRNOTAVAIL);
        }
        let tcp = matches!(sock.kind, Kind::Tcp { .. });
        let port = match addr.port {
            0 => st.table.ephemeral_port(&st.set, tcp)?,
            p if st.table.port_used(&st.set, tcp, p) => return Err(EADDRINUSE),
            p => p,
        };
        let local = V4 {
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

pub fn listen(id: SocketId, backlog: i32) -> Result<(), Errno> {
    with_sock(id, |st, sock| {
        // As Linux: a negative backlog means the maximum; 0 still lets one connection
        // wait.
        let backlog = usize::try_from(backlog)
            .map_or(MAX_BACKLOG, |b| b.min(MAX_BACKLOG))
            .max(1);
        match &mut sock.kind {
            Kind::Tcp { bound } => {
                let local = match *bound {
                    Some(b) => b,
                    None => V4 {
                        addr: [0; 4],
                        port: st.table.ephemeral_port(&st.set, true)?,
                    },
                };
                sock.kind = Kind::Listener {
                    local,
                    backlog,
                    slots: Vec::new(),
                    loop_queue: Vec::new(),
                };
            }
            Kind::Listener { backlog: b, .. } => *b = backlog,
            Kind::Stream { .. } | Kind::Loop { .. } => return Err(EINVAL),
            Kind::LoopConnecting { .. } => return Err(EALREADY),
            Kind::Udp { .. } => return Err(EOPNOTSUPP),
        }
        // Sockets are made for the SYNs as they come (Table::admit).
        Ok(())
    })
}

/// Waits for a connection; returns the new socket and the peer's address.
pub fn accept(id: SocketId, nonblocking: bool) -> Result<(SocketId, V4), Errno> {
    blocking(id, Dir::Recv, nonblocking, |st, sock| {
        let Kind::Listener {
            local,
            backlog,
            slots,
            loop_queue,
        } = &mut sock.kind
        else {
            return Poll::Ready(Err(EINVAL));
        };
        // Without room in the table for the new socket the connection stays queued and
        // the call fails.
        let r = if let Some(&pending) = loop_queue.first() {
            let conn = Sock::new(Kind::Loop {
                conn: pending.conn,
                side: 1,
                local: pending.server,
                peer: pending.client,
            });
            st.table.insert(conn).map(|new_id| {
                loop_queue.remove(0);
                (new_id, pending.client)
            })
        } else {
            let Some(i) = slots
                .iter()
                .position(|&h| acceptable(st.set.get::<tcp::Socket>(h).state()))
            else {
                return Poll::Pending;
            };
            let h = slots[i];
            let s = st.set.get_mut::<tcp::Socket>(h);
            s.set_timeout(None);
            let peer = s.remote_endpoint().map(from_endpoint).unwrap_or(V4 {
                addr: [0; 4],
                port: 0,
            });
            let mut conn = Sock::new(Kind::Stream {
                handle: h,
                connecting: false,
            });
            conn.nodelay = sock.nodelay;
            conn.keepalive = sock.keepalive;
            conn.ttl = sock.ttl;
            st.table.insert(conn).map(|new_id| {
                slots.remove(i);
                (new_id, peer)
            })
        };
        if r.is_ok() {
            // Room in the backlog: loopback connects waiting for it go on.
            st.table
                .admit_waiting(*local, *backlog, slots.len(), loop_queue);
        }
        Poll::Ready(r)
    })
}

pub fn connect(id: SocketId, to: V4, nonblocking: bool) -> Result<(), Errno> {
    let mut started = false;
    let r = blocking(id, Dir::Connect, nonblocking, |st, sock| {
        if let Kind::Tcp { .. } = sock.kind
            && let Some(e) = sock.error.take()
        {
            // A loopback connect that failed while waiting (finish_loop_connect).
            return Poll::Ready(Err(e));
        }
        if let Kind::Tcp { bound } = sock.kind
            && to.port != 0
            && is_local(st, to.addr)
        {
            let r = connect_loopback(st, sock, bound, to, nonblocking);
            started = true;
            return r;
        }
        match &mut sock.kind {
            Kind::Udp { handle, peer, .. } => {
                if handle.is_none() {
                    let port = match st.table.ephemeral_port(&st.set, false) {
                        Ok(p) => p,
                        Err(e) => return Poll::Ready(Err(e)),
                    };
                    let added = new_udp().and_then(|mut s| {
                        let _ = s.bind(port);
                        st.set.add(s)
                    });
                    match added {
                        Ok(h) => *handle = Some(h),
                        Err(e) => return Poll::Ready(Err(e)),
                    }
                }
                *peer = (to.addr != [0; 4]).then_some(to);
                Poll::Ready(Ok(()))
            }
            Kind::Tcp { bound } => {
                if to.port == 0 || to.addr == [0; 4] {
                    return Poll::Ready(Err(EINVAL));
                }
                if st.dev.is_none() {
                    return Poll::Ready(Err(ENETUNREACH));
                }
                // Before DHCP has answered there is no source address: wait for it.
                if !stack::configured() {
                    return Poll::Pending;
                }
                let local = match *bound {
                    Some(b) => b,
                    None => match st.table.ephemeral_port(&st.set, true) {
                        Ok(p) => V4 {
                            addr: [0; 4],
                            port: p,
                        },
                        Err(e) => return Poll::Ready(Err(e)),
                    },
                };
                let mut s = match new_tcp(0) {
                    Ok(s) => s,
                    Err(e) => return Poll::Ready(Err(e)),
                };
                sock.configure(&mut s);
                let cx = st.iface.context();
                if s.connect(cx, to_endpoint(to), listen_endpoint(local))
                    .is_err()
                {
                    return Poll::Ready(Err(ENETUNREACH));
                }
                let handle = match st.table.add_tcp(&mut st.set, s) {
                    Ok(h) => h,
                    Err(e) => return Poll::Ready(Err(e)),
                };
                sock.kind = Kind::Stream {
                    handle,
                    connecting: true,
                };
                started = true;
                if nonblocking {
                    return Poll::Ready(Err(EINPROGRESS));
                }
                Poll::Pending
            }
            Kind::Stream {
                handle,
                connecting: c @ true,
            } => match st.set.get::<tcp::Socket>(*handle).state() {
                tcp::State::SynSent | tcp::State::SynReceived => {
                    if nonblocking && !started {
                        Poll::Ready(Err(EALREADY))
                    } else {
                        Poll::Pending
                    }
                }
                tcp::State::Closed => {
                    *c = false;
                    sock.error = None;
                    Poll::Ready(Err(ECONNREFUSED))
                }
                _ => {
                    *c = false;
                    Poll::Ready(Ok(()))
                }
            },
            Kind::LoopConnecting { .. } => {
                if nonblocking && !started {
                    Poll::Ready(Err(EALREADY))
                } else {
                    Poll::Pending
                }
            }
            // Connected by this call after waiting for room in the backlog.
            Kind::Loop { .. } if started => Poll::Ready(Ok(())),
            Kind::Stream { .. } | Kind::Loop { .. } => Poll::Ready(Err(EISCONN)),
            Kind::Listener { .. } => Poll::Ready(Err(EINVAL)),
        }
    });
    if r == Err(ETIMEDOUT) {
        // Give up on the handshake.
        let _ = with_sock(id, |st, sock| {
            match &mut sock.kind {
                Kind::Stream { handle, connecting } => {
                    st.set.get_mut::<tcp::Socket>(*handle).abort();
                    *connecting = false;
                }
                Kind::LoopConnecting { local, .. } => {
                    sock.kind = Kind::Tcp {
                        bound: Some(*local),
                    }
                }
                _ => {}
            }
            Ok(())
        });
    }
    r
}

/// Moves a loopback `connect` that waited for room in the listener's backlog on:
/// connected once there is room; with nothing listening any more, back to an unconnected
/// socket with ECONNREFUSED pending (SO_ERROR, or the next `connect`).
fn finish_loop_connect(st: &mut Stack, sock: &mut Sock) {
    let Kind::LoopConnecting { local, to } = sock.kind else {
        return;
    };
    match st.table.connect_loopback(local, to) {
        Ok(conn) => {
            sock.kind = Kind::Loop {
                conn,
                side: 0,
                local,
                peer: to,
            }
        }
        Err(EAGAIN) => {}
        Err(e) => {
            sock.kind = Kind::Tcp { bound: Some(local) };
            sock.error = Some(e);
        }
    }
}

/// `connect` to a local address (see `is_local`): the listener gets the connection at
/// once. While its backlog is full the socket waits in `LoopConnecting` (a blocking
/// call sleeps, a non-blocking one gets EINPROGRESS, as a dropped SYN leaves it on
/// Linux), and any later call on it finishes the connection when there is room.
fn connect_loopback(
    st: &mut Stack,
    sock: &mut Sock,
    bound: Option<V4>,
    to: V4,
    nonblocking: bool,
) -> Poll<Result<(), Errno>> {
    let port = match bound {
        Some(b) => b.port,
        None => match st.table.ephemeral_port(&st.set, true) {
            Ok(p) => p,
            Err(e) => return Poll::Ready(Err(e)),
        },
    };
    let local = V4 {
        addr: loopback::source_for(bound.map_or([0; 4], |b| b.addr), to.addr),
        port,
    };
    match st.table.connect_loopback(local, to) {
        Ok(conn) => {
            sock.kind = Kind::Loop {
                conn,
                side: 0,
                local,
                peer: to,
            };
            Poll::Ready(Ok(()))
        }
        Err(EAGAIN) => {
            sock.kind = Kind::LoopConnecting { local, to };
            if nonblocking {
                Poll::Ready(Err(EINPROGRESS))
            } else {
                Poll::Pending
            }
        }
        Err(e) => Poll::Ready(Err(e)),
    }
}

/// Sends on a connected socket (`to` for unconnected UDP). Returns the bytes queued.
pub fn send(id: SocketId, data: &[u8], to: Option<V4>, nonblocking: bool) -> Result<usize, Errno> {
    blocking(id, Dir::Send, nonblocking, |st, sock| {
        match &mut sock.kind {
            Kind::Stream { handle, connecting } => {
                let s = st.set.get_mut::<tcp::Socket>(*handle);
                if *connecting && matches!(s.state(), tcp::State::SynSent | tcp::State::SynReceived)
                {
                    return Poll::Pending;
                }
                if sock.shut_wr || !s.may_send() {
                    return Poll::Ready(Err(if s.state() == tcp::State::Closed && !*connecting {
                        EPIPE
                    } else if *connecting {
                        ENOTCONN
                    } else {
                        EPIPE
                    }));
                }
                if data.is_empty() {
                    return Poll::Ready(Ok(0));
                }
                match s.send_slice(data) {
                    Ok(0) => Poll::Pending,
                    Ok(n) => Poll::Ready(Ok(n)),
                    Err(_) => Poll::Ready(Err(EPIPE)),
                }
            }
            Kind::Loop { conn, side, .. } => {
                if sock.shut_wr {
                    return Poll::Ready(Err(EPIPE));
                }
                if data.is_empty() {
                    return Poll::Ready(Ok(0));
                }
                match st.table.loops.get_mut(*conn).send(*side, data) {
                    Ok(0) => Poll::Pending,
                    Ok(n) => {
                        events::signal();
                        Poll::Ready(Ok(n))
                    }
                    Err(e) => Poll::Ready(Err(e)),
                }
            }
            Kind::Udp {
                handle,
                peer,
                inbox,
            } => {
                let Some(dest) = to.or(*peer) else {
                    return Poll::Ready(Err(EDESTADDRREQ));
                };
                if dest.port == 0 {
                    return Poll::Ready(Err(EINVAL));
                }
                if data.len() > UDP_BYTES {
                    return Poll::Ready(Err(EMSGSIZE));
                }
                let h = match *handle {
                    Some(h) => h,
                    None => {
                        let port = match st.table.ephemeral_port(&st.set, false) {
                            Ok(p) => p,
                            Err(e) => return Poll::Ready(Err(e)),
                        };
                        let added = new_udp().and_then(|mut s| {
                            let _ = s.bind(port);
                            s.set_hop_limit(sock.ttl);
                            st.set.add(s)
                        });
                        let h = match added {
                            Ok(h) => h,
                            Err(e) => return Poll::Ready(Err(e)),
                        };
                        *handle = Some(h);
                        h
                    }
                };
                if is_local(st, dest.addr) {
                    let ep = st.set.get::<udp::Socket>(h).endpoint();
                    #[allow(unreachable_patterns)]
                    let bound = match ep.addr {
                        Some(IpAddress::Ipv4(a)) => a.octets(),
                        _ => [0; 4],
                    };
                    let from = V4 {
                        addr: loopback::source_for(bound, dest.addr),
                        port: ep.port,
                    };
                    // To itself, or to the socket bound there; nobody: dropped.
                    let target = if udp_bound_to(&st.set, h, dest) {
                        Some(inbox)
                    } else {
                        st.table.udp_inbox(&st.set, dest)
                    };
                    if let Some(target) = target
                        && target.push(from, data, UDP_BYTES)
                    {
                        events::signal();
                    }
                    return Poll::Ready(Ok(data.len()));
                }
                if st.dev.is_none() {
                    return Poll::Ready(Err(ENETUNREACH));
                }
                match st
                    .set
                    .get_mut::<udp::Socket>(h)
                    .send_slice(data, to_endpoint(dest))
                {
                    Ok(()) => Poll::Ready(Ok(data.len())),
                    Err(udp::SendError::BufferFull) => Poll::Pending,
                    Err(udp::SendError::Unaddressable) => Poll::Ready(Err(ENETUNREACH)),
                }
            }
            // Sent once the backlog has room (finish_loop_connect), as a connection
            // in the handshake would.
            Kind::LoopConnecting { .. } => Poll::Pending,
            Kind::Tcp { .. } | Kind::Listener { .. } => Poll::Ready(Err(ENOTCONN)),
        }
    })
}

/// Receives into `buf`; returns the length and, for UDP, the sender. `peek` leaves the
/// data queued (MSG_PEEK).
pub fn recv(
    id: SocketId,
    buf: &mut [u8],
    peek: bool,
    nonblocking: bool,
) -> Result<(usize, Option<V4>), Errno> {
    blocking(id, Dir::Recv, nonblocking, |st, sock| {
        match &mut sock.kind {
            Kind::Stream { handle, connecting } => {
                let s = st.set.get_mut::<tcp::Socket>(*handle);
                if *connecting && matches!(s.state(), tcp::State::SynSent | tcp::State::SynReceived)
                {
                    return Poll::Pending;
                }
                if sock.shut_rd || buf.is_empty() {
                    return Poll::Ready(Ok((0, None)));
                }
                if s.can_recv() {
                    let r = if peek {
                        s.peek_slice(buf)
                    } else {
                        s.recv_slice(buf)
                    };
                    return Poll::Ready(r.map(|n| (n, None)).map_err(|_| ECONNRESET));
                }
                if !s.may_recv() {
                    // The peer closed (FIN, or a reset): end of file.
                    return Poll::Ready(Ok((0, None)));
                }
                Poll::Pending
            }
            Kind::Loop { conn, side, .. } => {
                if sock.shut_rd || buf.is_empty() {
                    return Poll::Ready(Ok((0, None)));
                }
                match st.table.loops.get_mut(*conn).recv(*side, buf, peek) {
                    Received::Bytes(n) => {
                        if n > 0 && !peek {
                            // Room for a writer waiting on a full pipe.
                            events::signal();
                        }
                        Poll::Ready(Ok((n, None)))
                    }
                    Received::Empty => Poll::Pending,
                }
            }
            Kind::Udp { handle, inbox, .. } => {
                if let Some((n, from)) = inbox.pop(buf, peek) {
                    return Poll::Ready(Ok((n, Some(from))));
                }
                let Some(h) = *handle else {
                    return Poll::Pending;
                };
                let s = st.set.get_mut::<udp::Socket>(h);
                let got = if peek {
                    s.peek().map(|(d, m)| (d, m.endpoint))
                } else {
                    s.recv().map(|(d, m)| (d, m.endpoint))
                };
                match got {
                    Ok((data, from)) => {
                        // A datagram longer than the buffer is cut, as POSIX does.
                        let n = data.len().min(buf.len());
                        buf[..n].copy_from_slice(&data[..n]);
                        Poll::Ready(Ok((n, Some(from_endpoint(from)))))
                    }
                    Err(_) => Poll::Pending,
                }
            }
            // Sent once the backlog has room (finish_loop_connect), as a connection
            // in the handshake would.
            Kind::LoopConnecting { .. } => Poll::Pending,
            Kind::Tcp { .. } | Kind::Listener { .. } => Poll::Ready(Err(ENOTCONN)),
        }
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
            if how != SHUT_WR {
                sock.shut_rd = true;
            }
            if how != SHUT_RD {
                sock.shut_wr = true;
                st.table.loops.get_mut(*conn).shut_write(*side);
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
        st.table.release(id);
        match sock.kind {
            Kind::Stream { handle, .. } => st.table.orphan(&mut st.set, handle),
            Kind::Loop { conn, side, .. } => st.table.loops.close(conn, side),
            Kind::Listener {
                slots, loop_queue, ..
            } => {
                // Loopback connections never accepted: their clients read end of file.
                for pending in loop_queue {
                    st.table.loops.close(pending.conn, 1);
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

/// The local address (`getsockname`).
pub fn local_addr(id: SocketId) -> Result<V4, Errno> {
    let any = V4 {
        addr: [0; 4],
        port: 0,
    };
    inspect(id, |st, sock| match &sock.kind {
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
        Kind::Udp { handle, .. } => handle.map_or(any, |h| {
            let ep = st.set.get::<udp::Socket>(h).endpoint();
            #[allow(unreachable_patterns)]
            let addr = match ep.addr {
                Some(IpAddress::Ipv4(a)) => a.octets(),
                _ => [0; 4],
            };
            V4 {
                addr,
                port: ep.port,
            }
        }),
    })
}

/// The peer's address (`getpeername`).
pub fn peer_addr(id: SocketId) -> Result<V4, Errno> {
    inspect(id, |st, sock| match &sock.kind {
        Kind::Stream { handle, .. } => st
            .set
            .get::<tcp::Socket>(*handle)
            .remote_endpoint()
            .map(from_endpoint)
            .ok_or(ENOTCONN),
        Kind::Loop { peer, .. } => Ok(*peer),
        Kind::Udp { peer: Some(p), .. } => Ok(*p),
        _ => Err(ENOTCONN),
    })?
}

fn read_int(v: &[u8]) -> Result<i32, Errno> {
    v.get(..4)
        .map(|b| i32::from_ne_bytes(b.try_into().unwrap()))
        .ok_or(EINVAL)
}

fn read_timeval(v: &[u8]) -> Result<Option<u64>, Errno> {
    if v.len() < core::mem::size_of::<timeval>() {
        return Err(EINVAL);
    }
    let sec = i64::from_ne_bytes(v[..8].try_into().unwrap());
    let usec = i32::from_ne_bytes(v[8..12].try_into().unwrap());
    if sec < 0 || !(0..1_000_000).contains(&usec) {
        return Err(EINVAL);
    }
    let ns = (sec as u64)
        .saturating_mul(1_000_000_000)
        .saturating_add(usec as u64 * 1000);
    Ok((ns != 0).then_some(ns))
}

/// An option's value as the application receives it: at most a `timeval`, kept on the
/// stack (a call must not fail for want of heap to describe an option).
pub struct OptValue {
    bytes: [u8; 16],
    len: usize,
}

impl OptValue {
    fn from_parts(parts: &[&[u8]]) -> OptValue {
        let mut v = OptValue {
            bytes: [0; 16],
            len: 0,
        };
        for p in parts {
            v.bytes[v.len..v.len + p.len()].copy_from_slice(p);
            v.len += p.len();
        }
        v
    }
}

impl Deref for OptValue {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

fn timeval_bytes(ns: Option<u64>) -> OptValue {
    let ns = ns.unwrap_or(0);
    OptValue::from_parts(&[
        &((ns / 1_000_000_000) as i64).to_ne_bytes(),
        &(((ns % 1_000_000_000) / 1000) as i32).to_ne_bytes(),
        &[0; 4],
    ])
}

pub fn setsockopt(id: SocketId, level: i32, name: i32, value: &[u8]) -> Result<(), Errno> {
    with_sock(id, |st, sock| {
        match (level, name) {
            (SOL_SOCKET, SO_REUSEADDR) => sock.reuseaddr = read_int(value)? != 0,
            (SOL_SOCKET, SO_KEEPALIVE) => sock.keepalive = read_int(value)? != 0,
            (SOL_SOCKET, SO_RCVTIMEO) => sock.rcvtimeo = read_timeval(value)?,
            (SOL_SOCKET, SO_SNDTIMEO) => sock.sndtimeo = read_timeval(value)?,
            (SOL_SOCKET, SO_LINGER) => {
                if value.len() < 8 {
                    return Err(EINVAL);
                }
                sock.linger = linger {
                    l_onoff: read_int(&value[..4])?,
                    l_linger: read_int(&value[4..8])?,
                };
            }
            // Buffers are fixed; broadcast needs no permission here.
            (SOL_SOCKET, SO_SNDBUF | SO_RCVBUF | SO_BROADCAST) => {
                read_int(value)?;
            }
            (IPPROTO_TCP, TCP_NODELAY) => sock.nodelay = read_int(value)? != 0,
            (IPPROTO_IP, IP_TTL) => {
                let ttl = read_int(value)?;
                sock.ttl = match ttl {
                    -1 => None,
                    1..=255 => Some(ttl as u8),
                    _ => return Err(EINVAL),
                };
            }
            _ => return Err(ENOPROTOOPT),
        }
        // Apply to the smoltcp sockets that exist already.
        match &sock.kind {
            Kind::Stream { handle, .. } => sock.configure(st.set.get_mut::<tcp::Socket>(*handle)),
            Kind::Listener { slots, .. } => {
                for &h in slots {
                    sock.configure(st.set.get_mut::<tcp::Socket>(h));
                }
            }
            Kind::Udp {
                handle: Some(h), ..
            } => st.set.get_mut::<udp::Socket>(*h).set_hop_limit(sock.ttl),
            _ => {}
        }
        Ok(())
    })
}

/// The option's value as the bytes the application receives.
pub fn getsockopt(id: SocketId, level: i32, name: i32) -> Result<OptValue, Errno> {
    with_sock(id, |st, sock| {
        let int = |v: i32| Ok(OptValue::from_parts(&[&v.to_ne_bytes()]));
        // The buffers of a connection are sized when it is made (memory.rs).
        let capacity = |tx: bool| match &sock.kind {
            Kind::Stream { handle, .. } => {
                let s = st.set.get::<tcp::Socket>(*handle);
                if tx {
                    s.send_capacity()
                } else {
                    s.recv_capacity()
                }
            }
            Kind::Loop { conn, .. } => st.table.loops.get(*conn).capacity(),
            _ => TCP_BUFFER_FULL,
        };
        match (level, name) {
            (SOL_SOCKET, SO_REUSEADDR) => int(sock.reuseaddr as i32),
            (SOL_SOCKET, SO_KEEPALIVE) => int(sock.keepalive as i32),
            (SOL_SOCKET, SO_RCVTIMEO) => Ok(timeval_bytes(sock.rcvtimeo)),
            (SOL_SOCKET, SO_SNDTIMEO) => Ok(timeval_bytes(sock.sndtimeo)),
            (SOL_SOCKET, SO_LINGER) => Ok(OptValue::from_parts(&[
                &sock.linger.l_onoff.to_ne_bytes(),
                &sock.linger.l_linger.to_ne_bytes(),
            ])),
            (SOL_SOCKET, SO_SNDBUF) => int(capacity(true) as i32),
            (SOL_SOCKET, SO_RCVBUF) => int(capacity(false) as i32),
            (SOL_SOCKET, SO_ERROR) => {
                let mut e = sock.error.take();
                // A non-blocking connect that failed reports it here (once).
                if let Kind::Stream {
                    handle,
                    connecting: c @ true,
                } = &mut sock.kind
                    && st.set.get::<tcp::Socket>(*handle).state() == tcp::State::Closed
                {
                    *c = false;
                    e = Some(ECONNREFUSED);
                }
                int(e.map_or(0, Errno::code))
            }
            (IPPROTO_TCP, TCP_NODELAY) => int(sock.nodelay as i32),
            (IPPROTO_IP, IP_TTL) => int(sock.ttl.unwrap_or(64) as i32),
            _ => Err(ENOPROTOOPT),
        }
    })
}

/// poll(2) readiness of the socket: POLLIN, POLLOUT, POLLHUP, POLLERR.
pub fn readiness(id: SocketId) -> i16 {
    inspect(id, |st, sock| match &sock.kind {
        Kind::Tcp { .. } => POLLOUT | POLLHUP,
        // Writable once the connection can be made (or has failed): the next call on
        // the socket (SO_ERROR, send...) makes it.
        Kind::LoopConnecting { to, .. } => match st.table.loop_listener_has_room(*to) {
            Some(false) => 0,
            _ => POLLOUT,
        },
        Kind::Listener {
            slots, loop_queue, ..
        } => {
            if !loop_queue.is_empty()
                || slots
                    .iter()
                    .any(|&h| acceptable(st.set.get::<tcp::Socket>(h).state()))
            {
                POLLIN
            } else {
                0
            }
        }
        Kind::Stream { handle, connecting } => {
            let s = st.set.get::<tcp::Socket>(*handle);
            let state = s.state();
            if *connecting {
                // Once the handshake is done the socket is reported like a connected
                // one (readable data, hang-up), even before `connect` is called again.
                match state {
                    tcp::State::SynSent | tcp::State::SynReceived => return 0,
                    tcp::State::Closed => return POLLOUT | POLLERR | POLLHUP,
                    _ => {}
                }
            }
            let mut r = 0;
            if s.can_recv() || !s.may_recv() || sock.shut_rd {
                r |= POLLIN;
            }
            if s.can_send() {
                r |= POLLOUT;
            }
            if state == tcp::State::Closed || (!s.may_recv() && !s.may_send()) {
                r |= POLLHUP;
            }
            r
        }
        Kind::Loop { conn, side, .. } => {
            let c = st.table.loops.get(*conn);
            let mut r = 0;
            if c.readable(*side) || sock.shut_rd {
                r |= POLLIN;
            }
            if c.writable(*side) {
                r |= POLLOUT;
            }
            if c.hung_up(*side) {
                r |= POLLHUP;
            }
            r
        }
        Kind::Udp { handle, inbox, .. } => match handle {
            None => POLLOUT,
            Some(h) => {
                let s = st.set.get::<udp::Socket>(*h);
                (if s.can_recv() || !inbox.is_empty() {
                    POLLIN
                } else {
                    0
                }) | (if s.can_send() { POLLOUT } else { 0 })
            }
        },
    })
    .unwrap_or(POLLNVAL)
}

/// Whether the network stack exists (a device was found).
pub fn available() -> bool {
    stack::present()
}
