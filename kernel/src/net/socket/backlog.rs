//! The table of sockets and the accept backlog: ids handed out and reused, SYNs
//! admitted or dropped while `backlog` connections wait (`Table::admit`), loopback
//! connections queued for `accept`, closed connections still delivering their data.

use super::*;

impl Table {
    pub fn new() -> Table {
        Table {
            socks: Vec::new(),
            free: Vec::new(),
            orphans: Vec::new(),
            next_port: EPHEMERAL_FIRST + (crate::arch::cpu::rdtsc() % 16384) as u16,
        }
    }

    /// A new id for `sock`; ENOMEM when the table cannot grow.
    pub(super) fn insert(&mut self, sock: Sock) -> Result<SocketId, Errno> {
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
    pub(super) fn add_tcp(
        &mut self,
        set: &mut Sockets,
        s: tcp::Socket<'static>,
    ) -> Result<SocketHandle, Errno> {
        reserve_total(&mut self.orphans, set.len() + 1).ok_or(ENOMEM)?;
        set.add(s)
    }

    pub(super) fn take(&mut self, id: SocketId) -> Option<Sock> {
        self.socks.get_mut(id as usize)?.take()
    }

    pub(super) fn put(&mut self, id: SocketId, sock: Sock) {
        self.socks[id as usize] = Some(sock);
    }

    pub(super) fn release(&mut self, id: SocketId) {
        self.free.push(id);
    }

    /// Whether binding a TCP (`tcp`) or UDP `port` conflicts with a socket that has it:
    /// for a `bind` to `local` (with IPV6_V6ONLY: `v6only`), one whose address overlaps
    /// (binding.rs: 0.0.0.0 and a v6-only :: do not); for an ephemeral port (`local`
    /// `None`), any. With `reuseaddr` (the binding socket's SO_REUSEADDR) only a TCP
    /// socket bound or listening there does, as on Linux: a server restarting its
    /// listener (Redis' CONFIG SET bind) rebinds the port while connections accepted on
    /// it are still open.
    pub(super) fn port_used(
        &self,
        set: &Sockets,
        tcp: bool,
        port: u16,
        reuseaddr: bool,
        local: Option<([u8; 16], bool)>,
    ) -> bool {
        let clashes = |addr: [u8; 16], other_v6only: bool| {
            local.is_none_or(|(l, v6only)| overlaps(l, v6only, addr, other_v6only))
        };
        let in_table = self.socks.iter().flatten().any(|s| match &s.kind {
            Kind::Tcp { bound: Some(b) } => tcp && b.port == port && clashes(b.addr, s.v6only),
            Kind::Listener { local, .. } => {
                tcp && local.port == port && clashes(local.addr, s.v6only)
            }
            Kind::Loop { local, .. } | Kind::LoopConnecting { local, .. } => {
                tcp && !reuseaddr && local.port == port
            }
            Kind::Udp {
                handle: Some(h), ..
            } if !tcp => {
                let bound = udp_local(set, *h, s);
                bound.port == port && clashes(bound.addr, s.v6only)
            }
            _ => false,
        });
        // Every UDP socket of the set is one of the table's; TCP connections (accepted
        // or closed and still delivering) are not.
        if !tcp || reuseaddr {
            return in_table;
        }
        in_table
            || set.iter().any(|(_, s)| {
                tcp::Socket::downcast(s).is_some_and(|t| {
                    t.listen_endpoint().port == port
                        || t.local_endpoint().is_some_and(|e| e.port == port)
                })
            })
    }

    pub(super) fn ephemeral_port(&mut self, set: &Sockets, tcp: bool) -> Result<u16, Errno> {
        for _ in 0..(u16::MAX - EPHEMERAL_FIRST) {
            let p = self.next_port;
            self.next_port = if p == u16::MAX {
                EPHEMERAL_FIRST
            } else {
                p + 1
            };
            if !self.port_used(set, tcp, p, false, None) {
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
        let to = SockAddr {
            addr: syn.dst_addr,
            port: syn.dst_port,
        };
        let Some(sock) =
            self.socks.iter_mut().flatten().find(
                |s| matches!(&s.kind, Kind::Listener { local, .. } if s.receives(*local, to)),
            )
        else {
            return Admission::Pass;
        };
        let from = to_endpoint(SockAddr {
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

    /// Frees the connections the application closed once they are closed (or have had
    /// LINGER_AFTER_CLOSE to finish); those in TIME-WAIT wait for `reap_time_wait`.
    /// One that receives data after the close is reset, as Linux resets it: nobody
    /// will read the data, and a peer still sending would otherwise fill the window
    /// and block instead of getting ECONNRESET/EPIPE. Runs before egress, so that the
    /// resets it decides go out in the same poll.
    pub fn reap(&mut self, set: &mut Sockets) {
        if self.orphans.is_empty() {
            return;
        }
        let now = now();
        self.orphans.retain(|&(h, deadline)| {
            let s = set.get_mut::<tcp::Socket>(h);
            match s.state() {
                tcp::State::Closed => {
                    set.remove(h);
                    false
                }
                tcp::State::TimeWait => true,
                _ if now >= deadline || s.recv_queue() > 0 => {
                    s.abort();
                    true
                }
                _ => true,
            }
        });
    }

    /// A closed connection waiting in CLOSING with all its data acknowledged, to which
    /// `fin` (a received FIN) belongs: both FINs crossed and only ours awaits its ACK.
    /// A peer whose FIN went out before ours arrived may send that ACK only inside a
    /// retransmission of its FIN (QEMU's user network does), whose sequence number is
    /// then behind the receive window: smoltcp answers it as a keep-alive and never
    /// reads the ACK, and the connection stayed until our FIN's retransmission a second
    /// later (every ~10th short connection under `wrk -H 'Connection: close'`, each
    /// left in every socket walk meanwhile). The stack frees it after that FIN
    /// (`free_if_closing`).
    pub fn closing_orphan(&self, set: &Sockets, fin: &Syn) -> Option<SocketHandle> {
        self.orphans.iter().map(|&(h, _)| h).find(|&h| {
            let s = set.get::<tcp::Socket>(h);
            s.state() == tcp::State::Closing
                && s.send_queue() == 0
                && s.local_endpoint().map(from_endpoint)
                    == Some(SockAddr {
                        addr: fin.dst_addr,
                        port: fin.dst_port,
                    })
                && s.remote_endpoint().map(from_endpoint)
                    == Some(SockAddr {
                        addr: fin.src_addr,
                        port: fin.src_port,
                    })
        })
    }

    /// Frees `h` (from `closing_orphan`) if it is still in CLOSING after the peer's FIN
    /// came again: the peer has both FINs and is waiting only for our ACK, which smoltcp
    /// sent while processing it. (Should the peer not have had ours after all, it ends
    /// its FIN-WAIT-2 by its own timeout, as after a TIME-WAIT freed at once.)
    pub fn free_if_closing(&mut self, set: &mut Sockets, h: SocketHandle) {
        if set.get::<tcp::Socket>(h).state() == tcp::State::Closing {
            self.orphans.retain(|&(o, _)| o != h);
            set.remove(h);
        }
    }

    /// Frees the closed connections in TIME-WAIT. Runs after egress: a connection gets
    /// there on the peer's FIN (answering our FIN's ACK or crossing it), and that FIN's
    /// ACK leaves in the egress after it. Freed before, the ACK never went out; the
    /// peer, stuck in LAST-ACK, sent its FIN again a few milliseconds later and got a
    /// reset: two frames more per connection and a retransmission on the peer's side
    /// (every short connection whose FIN crossed ours, or came after it).
    /// The TIME-WAIT itself is not kept (it would hold the connection's buffers).
    pub fn reap_time_wait(&mut self, set: &mut Sockets) {
        self.orphans.retain(|&(h, _)| {
            if set.get::<tcp::Socket>(h).state() == tcp::State::TimeWait {
                set.remove(h);
                return false;
            }
            true
        });
    }

    /// Closes a TCP connection the application is done with: remaining data and the
    /// FIN still go out; but with received data left unread the connection is reset
    /// instead (Linux's rule, RFC 2525 2.17), so the peer learns the data was lost.
    pub(super) fn orphan(&mut self, set: &mut Sockets, h: SocketHandle) {
        let s = set.get_mut::<tcp::Socket>(h);
        if s.recv_queue() > 0 {
            s.abort();
        } else {
            s.close();
        }
        self.orphans.push((h, now() + LINGER_AFTER_CLOSE));
    }

    /// Queues a loopback connection from `client` to `to` on the listener for `to`:
    /// ECONNREFUSED when nothing listens there, EAGAIN while its backlog is full.
    /// Returns the connection, whose side 0 is the client's.
    pub(super) fn connect_loopback(
        &mut self,
        client: SockAddr,
        to: SockAddr,
    ) -> Result<SharedConn, Errno> {
        let listener = self.socks.iter_mut().flatten().find_map(|s| {
            let receives =
                matches!(&s.kind, Kind::Listener { local, .. } if s.receives(*local, to));
            match &mut s.kind {
                Kind::Listener {
                    backlog,
                    slots,
                    loop_queue,
                    ..
                } if receives => Some((slots.len(), *backlog, loop_queue)),
                _ => None,
            }
        });
        let Some((in_handshake, backlog, queue)) = listener else {
            return Err(ECONNREFUSED);
        };
        if in_handshake + queue.len() >= backlog {
            return Err(EAGAIN);
        }
        queue_loop_conn(in_handshake, queue, client, to)
    }

    /// After `accept` made room in the backlog of listener `local` (with IPV6_V6ONLY:
    /// `v6only`): the loopback
    /// connects waiting for it (`LoopConnecting`) get their connections, as long as
    /// there is room, so they complete without another call of their own (as the
    /// client's retransmitted SYN completes them on Linux).
    pub(super) fn admit_waiting(
        &mut self,
        local: SockAddr,
        v6only: bool,
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
            if to.port != local.port || !address_receives(local.addr, v6only, to.addr) {
                continue;
            }
            // Without memory it stays waiting; its next call tries again.
            if let Ok(conn) = queue_loop_conn(in_handshake, queue, client, to) {
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
    pub(super) fn loop_listener_has_room(&self, to: SockAddr) -> Option<bool> {
        self.socks.iter().flatten().find_map(|s| match &s.kind {
            Kind::Listener {
                local,
                backlog,
                slots,
                loop_queue,
            } if s.receives(*local, to) => Some(slots.len() + loop_queue.len() < *backlog),
            _ => None,
        })
    }

    /// The inbox of the UDP socket bound to `to` (port, and address unless a wildcard
    /// of the family).
    pub(super) fn udp_inbox(&mut self, set: &Sockets, to: SockAddr) -> Option<&mut Inbox> {
        self.socks.iter_mut().flatten().find_map(|s| {
            let receives = match &s.kind {
                Kind::Udp {
                    handle: Some(h), ..
                } => s.receives(udp_local(set, *h, s), to),
                _ => false,
            };
            match &mut s.kind {
                Kind::Udp { inbox, .. } if receives => Some(inbox),
                _ => None,
            }
        })
    }
}

/// A new loopback connection from `client` to `to`, queued for `accept` on a listener
/// with `in_handshake` connections in the handshake and `queue` (which has room).
pub(super) fn queue_loop_conn(
    in_handshake: usize,
    queue: &mut Vec<LoopPending>,
    client: SockAddr,
    to: SockAddr,
) -> Result<SharedConn, Errno> {
    reserve(queue, 1).ok_or(ENOMEM)?;
    let (free, _) = crate::mm::heap::HEAP.usage();
    let conn = tcp_buffer_sizes(in_handshake + queue.len(), free)
        .find_map(SharedConn::new)
        .ok_or(ENOMEM)?;
    queue.push(LoopPending {
        conn: conn.clone(),
        client,
        server: to,
    });
    events::signal();
    Ok(conn)
}

/// Drops the connections of `slots` that were reset (their sockets are freed); clears
/// the handshake's timeout of those that got established.
pub(super) fn forget_closed(set: &mut Sockets, slots: &mut Vec<SocketHandle>) {
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
