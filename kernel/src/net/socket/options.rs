//! `setsockopt` and `getsockopt`, and the values the application sees.

use super::*;

pub(super) fn read_int(v: &[u8]) -> Result<i32, Errno> {
    v.get(..4)
        .map(|b| i32::from_ne_bytes(b.try_into().unwrap()))
        .ok_or(EINVAL)
}

pub(super) fn read_timeval(v: &[u8]) -> Result<Option<u64>, Errno> {
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

pub(super) fn timeval_bytes(ns: Option<u64>) -> OptValue {
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
            (IPPROTO_IPV6, IPV6_V6ONLY) if sock.is_v6() => {
                // As Linux: only before the socket has an address.
                let unbound = matches!(
                    sock.kind,
                    Kind::Tcp { bound: None } | Kind::Udp { handle: None, .. }
                );
                if !unbound {
                    return Err(EINVAL);
                }
                sock.v6only = read_int(value)? != 0;
            }
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
            Kind::Loop { conn, .. } => conn.lock().capacity(),
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
            (IPPROTO_IPV6, IPV6_V6ONLY) if sock.is_v6() => int(sock.v6only as i32),
            (IPPROTO_IP, IP_TTL) => int(sock.ttl.unwrap_or(64) as i32),
            _ => Err(ENOPROTOOPT),
        }
    })
}
