//! One end of a loopback connection as its socket reaches it. The connection's data
//! (loopback.rs) sits behind a lock of its own, shared by the connection's two sockets,
//! so a `send` or `recv` on it takes neither the network stack's lock nor any other
//! connection's: two loopback connections carry data in parallel on two CPUs, as two
//! files are written in parallel. A socket's descriptor object keeps the end once the
//! socket is connected (`socket_file.rs`) and calls `send`/`recv`/`readiness` here
//! directly. The calls that reach the socket by its id run under the stack's lock and
//! take the connection's inside it; the connection's lock is never held while the
//! stack's is taken, which keeps the two free of deadlock.

use alloc::sync::Arc;

use super::*;
use crate::sched::SleepLock;

/// A loopback connection, shared by its two sockets (and, until `accept`, the
/// listener's queue); freed when the last of them lets go.
#[derive(Clone)]
pub struct SharedConn(Arc<SleepLock<Conn>>);

impl SharedConn {
    /// A connection of `capacity` bytes each way; `None` without memory.
    pub fn new(capacity: usize) -> Option<SharedConn> {
        let conn = Conn::new(capacity)?;
        Arc::try_new(SleepLock::new(conn)).ok().map(SharedConn)
    }

    pub fn lock(&self) -> impl core::ops::DerefMut<Target = Conn> + '_ {
        self.0.lock()
    }
}

impl core::fmt::Debug for SharedConn {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("SharedConn")
    }
}

/// End `side` of connection `conn`.
#[derive(Clone, Debug)]
pub struct LoopEnd {
    pub conn: SharedConn,
    pub side: usize,
}

impl LoopEnd {
    /// Queues what fits of `data`: `Pending` while the pipe is full, EPIPE once this
    /// end shut writing or the other end is closed.
    pub fn send(&self, data: &[u8]) -> Attempt<usize> {
        let r = {
            let mut c = self.conn.lock();
            if c.write_shut(self.side) {
                return Poll::Ready(Err(EPIPE));
            }
            if data.is_empty() {
                return Poll::Ready(Ok(0));
            }
            c.send(self.side, data)
        };
        match r {
            Ok(0) => Poll::Pending,
            Ok(n) => {
                // The reader may be waiting.
                events::signal();
                Poll::Ready(Ok(n))
            }
            Err(e) => Poll::Ready(Err(e)),
        }
    }

    /// Takes (`peek`: copies) what there is to read: `Pending` while there is nothing
    /// and the other end may still write.
    pub fn recv(&self, buf: &mut [u8], peek: bool) -> Attempt<usize> {
        let got = self.conn.lock().recv(self.side, buf, peek);
        match got {
            Received::Bytes(n) => {
                if n > 0 && !peek {
                    // Room for a writer waiting on a full pipe.
                    events::signal();
                }
                Poll::Ready(Ok(n))
            }
            Received::Empty => Poll::Pending,
        }
    }

    /// poll(2) readiness: POLLIN, POLLOUT, POLLHUP.
    pub fn readiness(&self) -> i16 {
        let c = self.conn.lock();
        let mut r = 0;
        if c.readable(self.side) {
            r |= POLLIN;
        }
        if c.writable(self.side) {
            r |= POLLOUT;
        }
        if c.hung_up(self.side) {
            r |= POLLHUP;
        }
        r
    }
}

/// What a TCP socket's descriptor object learns about its loopback end.
pub enum LoopState {
    /// Connected over loopback: this end, for good.
    Connected(LoopEnd),
    /// Connected through smoltcp, or listening: never a loopback end.
    Never,
    /// Not connected yet (or a loopback connect waiting for room): ask again later.
    NotYet,
}

/// Whether socket `id` is (or can still become) one end of a loopback connection.
pub fn loop_state(id: SocketId) -> LoopState {
    inspect(id, |_, sock| match &sock.kind {
        Kind::Loop { conn, side, .. } => LoopState::Connected(LoopEnd {
            conn: conn.clone(),
            side: *side,
        }),
        Kind::Tcp { .. } | Kind::LoopConnecting { .. } => LoopState::NotYet,
        _ => LoopState::Never,
    })
    .unwrap_or(LoopState::NotYet)
}

/// SO_RCVTIMEO (`recv`) or SO_SNDTIMEO of socket `id`, read once when a call first
/// has to wait (as Linux reads it once per call).
fn timeout(id: SocketId, recv: bool) -> Result<Option<u64>, Errno> {
    inspect(
        id,
        |_, sock| if recv { sock.rcvtimeo } else { sock.sndtimeo },
    )
}

/// `blocking` for a loopback end: retries `f` on the connection alone, sleeping on the
/// readiness counter in between; EAGAIN without blocking or after the socket's
/// timeout; EINTR when a signal interrupts the wait.
fn blocking_on<R>(
    id: SocketId,
    recv: bool,
    nonblocking: bool,
    mut f: impl FnMut() -> Attempt<R>,
) -> Result<R, Errno> {
    let mut deadline: Option<Option<u64>> = None;
    loop {
        let seen = events::current();
        if let Poll::Ready(r) = f() {
            return r;
        }
        if nonblocking {
            return Err(EAGAIN);
        }
        let d = match deadline {
            Some(d) => d,
            None => *deadline.insert(timeout(id, recv)?.map(clock::deadline_after_ns)),
        };
        if !events::wait_interruptible(seen, d)? {
            return Err(EAGAIN);
        }
    }
}

/// `send` on socket `id`, whose loopback end is `end`.
pub fn send_on(
    id: SocketId,
    end: &LoopEnd,
    data: &[u8],
    nonblocking: bool,
) -> Result<usize, Errno> {
    blocking_on(id, false, nonblocking, || end.send(data))
}

/// `recv` on socket `id`, whose loopback end is `end`.
pub fn recv_on(
    id: SocketId,
    end: &LoopEnd,
    buf: &mut [u8],
    peek: bool,
    nonblocking: bool,
) -> Result<usize, Errno> {
    blocking_on(id, true, nonblocking, || end.recv(buf, peek))
}
