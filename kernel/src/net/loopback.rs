//! Loopback (127.0.0.0/8, ::1, and the interface's own addresses): a connection between two
//! sockets of the application is a pair of in-memory pipes, and a datagram goes
//! straight into the receiving socket's queue. No packets, headers, checksums, device
//! or network task are involved: `send` copies into the peer's pipe and wakes its
//! reader. (socket/ routes the calls here; this module holds only the data. Each
//! connection has a lock of its own there, `socket/loop_end.rs`, so two connections
//! carry their data in parallel.)

use alloc::collections::VecDeque;
use alloc::vec::Vec;

use crate::abi::errno::{EPIPE, Errno};
use crate::abi::net::{ANY_V4, ANY_V6, LOOPBACK_V6, SockAddr, ipv4_of, mapped};

/// Whether `addr` (IPv6, IPv4 as ::ffff:a.b.c.d) is ::1 or in 127.0.0.0/8.
pub fn is_loopback(addr: [u8; 16]) -> bool {
    addr == LOOPBACK_V6 || ipv4_of(addr).is_some_and(|a| a[0] == 127)
}

/// The source address of a loopback connection or datagram to `to` from a socket
/// bound to `bound` (0.0.0.0 or :: when unbound): the bound address, else 127.0.0.1
/// for 127/8 (as Linux's `lo` picks), ::1 for ::1, or the destination itself (the
/// interface's own address).
pub fn source_for(bound: [u8; 16], to: [u8; 16]) -> [u8; 16] {
    if bound != ANY_V4 && bound != ANY_V6 {
        bound
    } else if to != LOOPBACK_V6 && is_loopback(to) {
        mapped([127, 0, 0, 1])
    } else {
        to
    }
}

/// Bytes going one way: a ring of fixed capacity, allocated when the connection is
/// made (fallibly).
pub struct Pipe {
    buf: VecDeque<u8>,
    capacity: usize,
    /// The writer sends no more (shutdown or close): the reader gets end of file once
    /// the pipe is empty.
    closed: bool,
}

impl Pipe {
    pub fn new(capacity: usize) -> Option<Pipe> {
        let mut buf = VecDeque::new();
        buf.try_reserve_exact(capacity).ok()?;
        Some(Pipe {
            buf,
            capacity,
            closed: false,
        })
    }

    fn len(&self) -> usize {
        self.buf.len()
    }

    pub fn capacity(&self) -> usize {
        self.capacity
    }

    fn room(&self) -> usize {
        self.capacity - self.buf.len()
    }

    /// Appends as much of `data` as fits; returns how much.
    fn write(&mut self, data: &[u8]) -> usize {
        let n = data.len().min(self.room());
        // Within the reserved capacity: no allocation.
        self.buf.extend(&data[..n]);
        n
    }

    /// Copies up to `out.len()` bytes out; `peek` leaves them in the pipe.
    fn read(&mut self, out: &mut [u8], peek: bool) -> usize {
        let (a, b) = self.buf.as_slices();
        let from_a = a.len().min(out.len());
        out[..from_a].copy_from_slice(&a[..from_a]);
        let from_b = b.len().min(out.len() - from_a);
        out[from_a..from_a + from_b].copy_from_slice(&b[..from_b]);
        let n = from_a + from_b;
        if !peek {
            self.buf.drain(..n);
        }
        n
    }
}

/// A loopback TCP connection: end `i` writes into `pipes[i]` and reads `pipes[1 - i]`.
pub struct Conn {
    pipes: [Pipe; 2],
    /// Whether end `i` still has its socket (it is not closed).
    open: [bool; 2],
    /// End `i` shut reading (shutdown SHUT_RD): its reads return end of file.
    read_shut: [bool; 2],
}

/// What `Conn::recv` found.
#[derive(Debug, PartialEq, Eq)]
pub enum Received {
    /// Bytes copied (more than 0), or end of file (0).
    Bytes(usize),
    /// Nothing yet: wait.
    Empty,
}

impl Conn {
    /// A connection with `capacity` bytes each way; `None` without memory.
    pub fn new(capacity: usize) -> Option<Conn> {
        Some(Conn {
            pipes: [Pipe::new(capacity)?, Pipe::new(capacity)?],
            open: [true, true],
            read_shut: [false, false],
        })
    }

    /// Queues what fits of `data` from end `side`: Ok(0) when the pipe is full (wait),
    /// EPIPE when this end shut writing or the other end is closed.
    pub fn send(&mut self, side: usize, data: &[u8]) -> Result<usize, Errno> {
        if self.pipes[side].closed || !self.open[1 - side] {
            return Err(EPIPE);
        }
        Ok(self.pipes[side].write(data))
    }

    /// Takes (or with `peek` copies) what end `side` has to read: end of file once it
    /// shut reading, and for an empty `out`.
    pub fn recv(&mut self, side: usize, out: &mut [u8], peek: bool) -> Received {
        if self.read_shut[side] || out.is_empty() {
            return Received::Bytes(0);
        }
        let pipe = &mut self.pipes[1 - side];
        if pipe.len() > 0 {
            return Received::Bytes(pipe.read(out, peek));
        }
        if pipe.closed || !self.open[1 - side] {
            return Received::Bytes(0);
        }
        Received::Empty
    }

    /// Whether end `side` shut writing or was closed.
    pub fn write_shut(&self, side: usize) -> bool {
        self.pipes[side].closed
    }

    /// End `side` sends no more (shutdown SHUT_WR): the other end reads end of file.
    pub fn shut_write(&mut self, side: usize) {
        self.pipes[side].closed = true;
    }

    /// End `side` reads no more (shutdown SHUT_RD): its reads return end of file.
    pub fn shut_read(&mut self, side: usize) {
        self.read_shut[side] = true;
    }

    /// End `side` is closed: the other end reads what is left, then end of file, and
    /// its writes fail.
    pub fn close(&mut self, side: usize) {
        self.open[side] = false;
        self.pipes[side].closed = true;
    }

    /// Whether a read on end `side` would not wait (data or end of file).
    pub fn readable(&self, side: usize) -> bool {
        let pipe = &self.pipes[1 - side];
        self.read_shut[side] || pipe.len() > 0 || pipe.closed || !self.open[1 - side]
    }

    /// Whether a write on end `side` would not wait (room, or an error to report).
    pub fn writable(&self, side: usize) -> bool {
        let pipe = &self.pipes[side];
        pipe.room() > 0 || pipe.closed || !self.open[1 - side]
    }

    /// Whether both directions are finished for end `side` (poll's POLLHUP).
    pub fn hung_up(&self, side: usize) -> bool {
        !self.open[1 - side] || (self.pipes[side].closed && self.pipes[1 - side].closed)
    }

    /// Bytes each way.
    pub fn capacity(&self) -> usize {
        self.pipes[0].capacity()
    }
}

/// The datagrams waiting on a UDP socket that came over loopback, oldest first.
#[derive(Default, Debug)]
pub struct Inbox {
    queue: VecDeque<(SockAddr, Vec<u8>)>,
    bytes: usize,
}

impl Inbox {
    /// Queues a datagram from `from` unless `limit` bytes would be exceeded or memory
    /// is short; returns whether it was queued (UDP drops the rest, as Linux does when
    /// the receive buffer is full).
    pub fn push(&mut self, from: SockAddr, data: &[u8], limit: usize) -> bool {
        if self.bytes + data.len() > limit || self.queue.try_reserve(1).is_err() {
            return false;
        }
        let mut copy = Vec::new();
        if copy.try_reserve_exact(data.len()).is_err() {
            return false;
        }
        copy.extend_from_slice(data);
        self.bytes += data.len();
        self.queue.push_back((from, copy));
        true
    }

    /// Copies the oldest datagram into `out` (cut to its length, as POSIX does) and,
    /// unless `peek`, removes it; returns the length copied and the sender.
    pub fn pop(&mut self, out: &mut [u8], peek: bool) -> Option<(usize, SockAddr)> {
        let (from, data) = self.queue.front()?;
        let (from, n) = (*from, data.len().min(out.len()));
        out[..n].copy_from_slice(&data[..n]);
        if !peek {
            let (_, data) = self.queue.pop_front()?;
            self.bytes -= data.len();
        }
        Some((n, from))
    }

    pub fn is_empty(&self) -> bool {
        self.queue.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses() {
        assert!(is_loopback(mapped([127, 0, 0, 1])));
        assert!(is_loopback(mapped([127, 255, 3, 2])));
        assert!(!is_loopback(mapped([10, 0, 2, 15])));
        assert!(is_loopback(LOOPBACK_V6));
        assert!(!is_loopback(ANY_V6));
        // 127.0.0.1 without the IPv4-mapped prefix is an IPv6 address like any other.
        assert!(!is_loopback([
            127, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
        ]));
        let m = mapped;
        assert_eq!(source_for(ANY_V4, m([127, 0, 0, 2])), m([127, 0, 0, 1]));
        assert_eq!(source_for(ANY_V6, m([127, 0, 0, 2])), m([127, 0, 0, 1]));
        assert_eq!(
            source_for(m([127, 0, 0, 9]), m([127, 0, 0, 2])),
            m([127, 0, 0, 9])
        );
        assert_eq!(source_for(ANY_V4, m([10, 0, 2, 15])), m([10, 0, 2, 15]));
        assert_eq!(source_for(ANY_V6, LOOPBACK_V6), LOOPBACK_V6);
    }

    #[test]
    fn bytes_go_both_ways_in_order_across_the_ring_end() {
        let mut c = Conn::new(8).unwrap();
        assert_eq!(c.send(0, b"hello world"), Ok(8));
        assert!(!c.writable(0));
        assert_eq!(c.send(0, b"x"), Ok(0));
        let mut out = [0u8; 5];
        assert_eq!(c.recv(1, &mut out, true), Received::Bytes(5));
        assert_eq!(c.recv(1, &mut out, false), Received::Bytes(5));
        assert_eq!(&out, b"hello");
        // Wraps around the ring's end.
        assert_eq!(c.send(0, b"12345"), Ok(5));
        let mut all = [0u8; 16];
        assert_eq!(c.recv(1, &mut all, false), Received::Bytes(8));
        assert_eq!(&all[..8], b" wo12345");
        assert_eq!(c.recv(1, &mut all, false), Received::Empty);
        assert_eq!(c.send(1, b"back"), Ok(4));
        assert_eq!(c.recv(0, &mut all, false), Received::Bytes(4));
        assert_eq!(&all[..4], b"back");
    }

    #[test]
    fn shutdown_and_close_end_the_stream() {
        let mut c = Conn::new(16).unwrap();
        c.send(0, b"last").unwrap();
        c.shut_write(0);
        assert_eq!(c.send(0, b"more"), Err(EPIPE));
        let mut out = [0u8; 16];
        // Data first, then end of file.
        assert_eq!(c.recv(1, &mut out, false), Received::Bytes(4));
        assert_eq!(c.recv(1, &mut out, false), Received::Bytes(0));
        assert!(c.readable(1));
        // The other direction still works until end 1 shuts it too.
        assert!(!c.hung_up(1));
        assert_eq!(c.send(1, b"ok"), Ok(2));
        c.close(1);
        assert!(c.hung_up(0));
        assert_eq!(c.recv(0, &mut out, false), Received::Bytes(2));
        assert_eq!(c.recv(0, &mut out, false), Received::Bytes(0));
    }

    #[test]
    fn writing_to_a_closed_peer_fails() {
        let mut c = Conn::new(16).unwrap();
        c.close(1);
        assert_eq!(c.send(0, b"x"), Err(EPIPE));
        assert!(c.writable(0));
    }

    #[test]
    fn shut_reading_reads_end_of_file_at_once() {
        let mut c = Conn::new(16).unwrap();
        assert_eq!(c.send(0, b"unread"), Ok(6));
        assert!(c.readable(1));
        let mut out = [0u8; 8];
        assert_eq!(c.recv(1, &mut [], false), Received::Bytes(0));
        c.shut_read(1);
        assert!(c.readable(1));
        assert_eq!(c.recv(1, &mut out, false), Received::Bytes(0));
        // The other direction is untouched.
        assert!(!c.readable(0));
        assert_eq!(c.recv(0, &mut out, false), Received::Empty);
        assert_eq!(c.send(1, b"ok"), Ok(2));
        assert_eq!(c.recv(0, &mut out, false), Received::Bytes(2));
    }

    #[test]
    fn datagrams_keep_their_bounds_and_sender() {
        let from = SockAddr::v4([127, 0, 0, 1], 5000);
        let mut inbox = Inbox::default();
        assert!(inbox.push(from, b"first", 8));
        assert!(!inbox.push(from, b"second", 8), "over the limit");
        assert!(inbox.push(from, b"abc", 8));
        let mut out = [0u8; 3];
        assert_eq!(inbox.pop(&mut out, true), Some((3, from)));
        assert_eq!(inbox.pop(&mut out, false), Some((3, from)));
        assert_eq!(&out, b"fir");
        let mut out = [0u8; 8];
        assert_eq!(inbox.pop(&mut out, false), Some((3, from)));
        assert_eq!(&out[..3], b"abc");
        assert!(inbox.is_empty());
        assert_eq!(inbox.pop(&mut out, false), None);
    }
}
