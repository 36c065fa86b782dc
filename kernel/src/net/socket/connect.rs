//! `connect` of a stream socket: through smoltcp to another machine, or at once to a
//! local listener (loopback), waiting for room in its backlog; and UDP's default peer.

use super::*;

/// How long after boot an IPv6 `connect` waits for SLAAC to give the interface an
/// address (three router solicitations, 4 s apart, and the answer).
const SLAAC_WAIT_NS: u64 = 13_000_000_000;

/// `connect` to `to`, given as a `sockaddr` of `family`.
pub fn connect(id: SocketId, to: SockAddr, family: i32, nonblocking: bool) -> Result<(), Errno> {
    if nonblocking {
        // Not EAGAIN (which connect never gives on Linux but for a lack of ports) while
        // the interface is still being configured at boot: the non-blocking connect waits
        // for its source address as a blocking one does, then goes on without waiting.
        blocking(id, Dir::Connect, false, |st, sock| {
            let remote = matches!(sock.kind, Kind::Tcp { .. }) && !is_local(st, to.addr);
            if remote && st.dev.is_some() && source_pending(st, to) {
                Poll::Pending
            } else {
                Poll::Ready(Ok(()))
            }
        })?;
    }
    let mut started = false;
    let r = blocking(id, Dir::Connect, nonblocking, |st, sock| {
        if !started && let Err(e) = sock.check_address(to, family, false) {
            return Poll::Ready(Err(e));
        }
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
                *peer = (!to.is_unspecified()).then_some(to);
                Poll::Ready(Ok(()))
            }
            Kind::Tcp { bound } => {
                if to.port == 0 || to.is_unspecified() {
                    return Poll::Ready(Err(EINVAL));
                }
                if st.dev.is_none() {
                    return Poll::Ready(Err(ENETUNREACH));
                }
                if source_pending(st, to) {
                    return Poll::Pending;
                }
                let local = match *bound {
                    Some(b) => b,
                    None => match st.table.ephemeral_port(&st.set, true) {
                        Ok(p) => SockAddr {
                            addr: ANY_V6,
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

/// Whether a connection to `to` must wait for the interface's source address: before
/// DHCP has answered there is none; for IPv6, none while SLAAC may still bring one (its
/// solicitations take 12 s): a link-local source would not reach another network.
fn source_pending(st: &Stack, to: SockAddr) -> bool {
    !stack::configured()
        || (to.ipv4().is_none() && !st.has_routable_ipv6() && clock::uptime_ns() < SLAAC_WAIT_NS)
}

/// Moves a loopback `connect` that waited for room in the listener's backlog on:
/// connected once there is room; with nothing listening any more, back to an unconnected
/// socket with ECONNREFUSED pending (SO_ERROR, or the next `connect`).
pub(super) fn finish_loop_connect(st: &mut Stack, sock: &mut Sock) {
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
pub(super) fn connect_loopback(
    st: &mut Stack,
    sock: &mut Sock,
    bound: Option<SockAddr>,
    to: SockAddr,
    nonblocking: bool,
) -> Poll<Result<(), Errno>> {
    let port = match bound {
        Some(b) => b.port,
        None => match st.table.ephemeral_port(&st.set, true) {
            Ok(p) => p,
            Err(e) => return Poll::Ready(Err(e)),
        },
    };
    let local = SockAddr {
        addr: loopback::source_for(bound.map_or(ANY_V6, |b| b.addr), to.addr),
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
