//! Sending and receiving: a stream (TCP or loopback connection) or datagrams (UDP,
//! loopback datagrams in the bound socket's inbox).

use super::*;

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
