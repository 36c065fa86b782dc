//! The TCP kind of socket: a stream that is a smoltcp connection or a loopback one
//! (loopback.rs), and the states before it (unbound or bound, listening, a loopback
//! `connect` waiting for room). One attempt at each call, under the stack's lock;
//! `transfer` retries it.

use super::*;

pub struct Tcp;

impl Protocol for Tcp {
    fn may_be_loopback(&self) -> bool {
        true
    }

    fn send(
        &self,
        st: &mut Stack,
        sock: &mut Sock,
        data: &[u8],
        _to: Option<SockAddr>,
    ) -> Attempt<usize> {
        // As Linux, the address of a `sendto` on a connection is not looked at.
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
            // The connection's own lock, inside the stack's (loop_end.rs).
            Kind::Loop { conn, side, .. } => LoopEnd {
                conn: conn.clone(),
                side: *side,
            }
            .send(data),
            // Sent once the backlog has room (finish_loop_connect), as a connection
            // in the handshake would.
            Kind::LoopConnecting { .. } => Poll::Pending,
            Kind::Tcp { .. } | Kind::Listener { .. } => Poll::Ready(Err(ENOTCONN)),
            Kind::Udp { .. } => Poll::Ready(Err(EBADF)),
        }
    }

    fn recv(&self, st: &mut Stack, sock: &mut Sock, buf: &mut [u8], peek: bool) -> Attempt<Got> {
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
                    // With at least half the window still free before this read, the
                    // peer is not held back: the window update can wait for the next
                    // poll (the answer's send, the network task's timer).
                    let free = s.recv_capacity() - s.recv_queue();
                    st.quiet_call = peek || free >= s.recv_capacity() / 2;
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
            Kind::Loop { conn, side, .. } => LoopEnd {
                conn: conn.clone(),
                side: *side,
            }
            .recv(buf, peek)
            .map(|r| r.map(|n| (n, None))),
            // Sent once the backlog has room (finish_loop_connect), as a connection
            // in the handshake would.
            Kind::LoopConnecting { .. } => Poll::Pending,
            Kind::Tcp { .. } | Kind::Listener { .. } => Poll::Ready(Err(ENOTCONN)),
            Kind::Udp { .. } => Poll::Ready(Err(EBADF)),
        }
    }

    fn readiness(&self, st: &Stack, sock: &Sock) -> i16 {
        match &sock.kind {
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
            Kind::Loop { conn, side, .. } => LoopEnd {
                conn: conn.clone(),
                side: *side,
            }
            .readiness(),
            Kind::Udp { .. } => POLLNVAL,
        }
    }
}
