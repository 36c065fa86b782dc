//! The UDP kind of socket: datagrams through smoltcp, or over loopback straight into
//! the inbox of the socket bound to the destination. One attempt at each call, under
//! the stack's lock; `transfer` retries it.

use super::*;

pub struct Udp;

impl Protocol for Udp {
    fn send(
        &self,
        st: &mut Stack,
        sock: &mut Sock,
        data: &[u8],
        to: Option<SockAddr>,
    ) -> Attempt<usize> {
        let dest = match &sock.kind {
            Kind::Udp { peer, .. } => to.or(*peer),
            _ => return Poll::Ready(Err(EBADF)),
        };
        let ttl = sock.ttl;
        let Kind::Udp { handle, .. } = &mut sock.kind else {
            return Poll::Ready(Err(EBADF));
        };
        let Some(dest) = dest else {
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
                    s.set_hop_limit(ttl);
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
            let bound = udp_local(&st.set, h, sock);
            let from = SockAddr {
                addr: loopback::source_for(bound.addr, dest.addr),
                port: bound.port,
            };
            // To itself, or to the socket bound there; nobody: dropped.
            let receives_itself = sock.receives(bound, dest);
            let Kind::Udp { inbox, .. } = &mut sock.kind else {
                return Poll::Ready(Err(EBADF));
            };
            let target = if receives_itself {
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

    fn recv(&self, st: &mut Stack, sock: &mut Sock, buf: &mut [u8], peek: bool) -> Attempt<Got> {
        let (v6, v6only) = (sock.is_v6(), sock.v6only);
        let Kind::Udp { handle, inbox, .. } = &mut sock.kind else {
            return Poll::Ready(Err(EBADF));
        };

        if let Some((n, from)) = inbox.pop(buf, peek) {
            return Poll::Ready(Ok((n, Some(from))));
        }
        let Some(h) = *handle else {
            return Poll::Pending;
        };
        let s = st.set.get_mut::<udp::Socket>(h);
        // smoltcp delivers both families to a wildcard: drop what the socket's family
        // (or IPV6_V6ONLY) does not take, as Linux never queues it.
        while let Ok((_, m)) = s.peek() {
            let v4 = matches!(m.endpoint.addr, IpAddress::Ipv4(_));
            if (v4 && v6only) || (!v4 && !v6) {
                let _ = s.recv();
            } else {
                break;
            }
        }
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

    fn readiness(&self, st: &Stack, sock: &Sock) -> i16 {
        let Kind::Udp { handle, inbox, .. } = &sock.kind else {
            return POLLNVAL;
        };
        match handle {
            None => POLLOUT,
            Some(h) => {
                let s = st.set.get::<udp::Socket>(*h);
                (if s.can_recv() || !inbox.is_empty() {
                    POLLIN
                } else {
                    0
                }) | (if s.can_send() { POLLOUT } else { 0 })
            }
        }
    }
}
