//! Sending, receiving and readiness, the same for every kind of socket: one attempt
//! under the stack's lock, made by the kind's `Protocol` (`stream`: TCP, `datagram`:
//! UDP), retried by `blocking` until it is ready.

use super::*;

/// What one attempt gives: `Pending` (no data or room yet) or the call's result.
pub type Attempt<T> = Poll<Result<T, Errno>>;
/// What a receive gives: the length and, for datagrams, the sender.
pub type Got = (usize, Option<SockAddr>);

/// What a kind of socket does in one attempt, on its state under the stack's lock.
pub trait Protocol: Send + Sync + 'static {
    /// Queues `data` (to `to`, for an unconnected datagram socket): the bytes queued.
    fn send(
        &self,
        st: &mut Stack,
        sock: &mut Sock,
        data: &[u8],
        to: Option<SockAddr>,
    ) -> Attempt<usize>;

    /// Takes (with `peek`: copies) what is there into `buf`.
    fn recv(&self, st: &mut Stack, sock: &mut Sock, buf: &mut [u8], peek: bool) -> Attempt<Got>;

    /// poll(2) readiness: POLLIN, POLLOUT, POLLHUP, POLLERR.
    fn readiness(&self, st: &Stack, sock: &Sock) -> i16;

    /// Whether a socket of this kind can become one end of a loopback connection
    /// (loop_end.rs), which its descriptor then reaches without the stack.
    fn may_be_loopback(&self) -> bool {
        false
    }
}

/// The kind a socket's state says, for calls that reach a socket by its id (`sendto`
/// and `recvfrom` with an address, which the descriptor's object does not serve).
pub struct ItsOwnKind;

fn kind_of(sock: &Sock) -> &'static dyn Protocol {
    if sock.is_datagram() { &Udp } else { &Tcp }
}

impl Protocol for ItsOwnKind {
    fn send(
        &self,
        st: &mut Stack,
        sock: &mut Sock,
        data: &[u8],
        to: Option<SockAddr>,
    ) -> Attempt<usize> {
        kind_of(sock).send(st, sock, data, to)
    }

    fn recv(&self, st: &mut Stack, sock: &mut Sock, buf: &mut [u8], peek: bool) -> Attempt<Got> {
        kind_of(sock).recv(st, sock, buf, peek)
    }

    fn readiness(&self, st: &Stack, sock: &Sock) -> i16 {
        kind_of(sock).readiness(st, sock)
    }
}

/// Sends on socket `id` as `kind` (`to` for unconnected UDP, given as a `sockaddr`
/// of the family it comes with). Returns the bytes queued.
pub fn send(
    kind: &dyn Protocol,
    id: SocketId,
    data: &[u8],
    to: Option<(SockAddr, i32)>,
    nonblocking: bool,
) -> Result<usize, Errno> {
    blocking(id, Dir::Send, nonblocking, |st, sock| {
        // A stream socket ignores the address (stream.rs).
        if let Some((a, family)) = to
            && sock.is_datagram()
            && let Err(e) = sock.check_address(a, family, false)
        {
            return Poll::Ready(Err(e));
        }
        kind.send(st, sock, data, to.map(|(a, _)| a))
    })
}

/// Receives into `buf` from socket `id` as `kind`. `peek` leaves the data queued
/// (MSG_PEEK). Returns the length, the sender (datagrams) and whether the socket is
/// AF_INET6 (which `sockaddr` the sender's address goes out as).
pub fn recv(
    kind: &dyn Protocol,
    id: SocketId,
    buf: &mut [u8],
    peek: bool,
    nonblocking: bool,
) -> Result<(usize, Option<SockAddr>, bool), Errno> {
    blocking(id, Dir::Recv, nonblocking, |st, sock| {
        let v6 = sock.is_v6();
        kind.recv(st, sock, buf, peek)
            .map(|r| r.map(|(n, from)| (n, from, v6)))
    })
}

/// poll(2) readiness of socket `id` as `kind`.
pub fn readiness(kind: &dyn Protocol, id: SocketId) -> i16 {
    inspect(id, |st, sock| kind.readiness(st, sock)).unwrap_or(POLLNVAL)
}
