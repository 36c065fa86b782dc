//! `listen` and `accept`: a listener hands out the connections its backlog holds
//! (`backlog`), TCP ones from smoltcp and loopback ones from the in-kernel pipes.

use super::*;

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
                    None => SockAddr {
                        addr: if sock.family == AF_INET6 {
                            ANY_V6
                        } else {
                            ANY_V4
                        },
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

/// Waits for a connection; returns the new socket, the peer's address and whether it
/// is an AF_INET6 socket.
pub fn accept(id: SocketId, nonblocking: bool) -> Result<(SocketId, SockAddr, bool), Errno> {
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
        let r = if let Some(pending) = loop_queue.first().cloned() {
            let conn = Sock::new(
                Kind::Loop {
                    conn: pending.conn,
                    side: 1,
                    local: pending.server,
                    peer: pending.client,
                },
                sock.family,
            );
            st.table.insert(conn).map(|new_id| {
                loop_queue.remove(0);
                (new_id, pending.client, sock.family == AF_INET6)
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
            let peer = s.remote_endpoint().map(from_endpoint).unwrap_or(SockAddr {
                addr: ANY_V6,
                port: 0,
            });
            let mut conn = Sock::new(
                Kind::Stream {
                    handle: h,
                    connecting: false,
                },
                sock.family,
            );
            conn.nodelay = sock.nodelay;
            conn.keepalive = sock.keepalive;
            conn.ttl = sock.ttl;
            st.table.insert(conn).map(|new_id| {
                slots.remove(i);
                (new_id, peer, sock.family == AF_INET6)
            })
        };
        if r.is_ok() {
            // Room in the backlog: loopback connects waiting for it go on.
            st.table
                .admit_waiting(*local, sock.v6only, *backlog, slots.len(), loop_queue);
        }
        Poll::Ready(r)
    })
}
