//! The state a pipe's two ends share: the bytes written and not read yet (at most
//! `CAPACITY`, Linux's default 64 KiB) and whether each end is still open. Plain data,
//! so the rules are tested on the host: a read of an empty pipe waits while a writer
//! exists and is end-of-file once none does; a write with no reader is `EPIPE`; a write
//! of at most `PIPE_BUF` bytes goes in whole or waits (POSIX's atomicity), a longer one
//! takes what fits. The blocking and the wake-ups are the kind's (`kind::pipe`).

use alloc::collections::VecDeque;

use crate::abi::net::{POLLERR, POLLHUP, POLLIN, POLLOUT};

/// Bytes a pipe holds before writers wait (Linux's default pipe size).
pub const CAPACITY: usize = 65536;
/// Writes up to this size are atomic (Linux's PIPE_BUF).
pub const PIPE_BUF: usize = 4096;

/// What a read or write could do now.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    /// This many bytes moved (0 for a read only at end-of-file).
    Done(usize),
    /// Nothing can move yet: wait, or `EAGAIN` without blocking.
    Wait,
    /// The write has no reader (`EPIPE`).
    Broken,
}

pub struct PipeBuffer {
    data: VecDeque<u8>,
    reader_open: bool,
    writer_open: bool,
}

impl Default for PipeBuffer {
    fn default() -> Self {
        Self::new()
    }
}

impl PipeBuffer {
    pub fn new() -> PipeBuffer {
        PipeBuffer {
            data: VecDeque::new(),
            reader_open: true,
            writer_open: true,
        }
    }

    /// Takes up to `buf.len()` bytes (all of them stay with `peek`).
    pub fn read(&mut self, buf: &mut [u8], peek: bool) -> Outcome {
        if buf.is_empty() {
            return Outcome::Done(0);
        }
        if self.data.is_empty() {
            return if self.writer_open {
                Outcome::Wait
            } else {
                Outcome::Done(0)
            };
        }
        let n = buf.len().min(self.data.len());
        let (a, b) = self.data.as_slices();
        let from_a = n.min(a.len());
        buf[..from_a].copy_from_slice(&a[..from_a]);
        buf[from_a..n].copy_from_slice(&b[..n - from_a]);
        if !peek {
            self.data.drain(..n);
        }
        Outcome::Done(n)
    }

    /// Adds what may go in now of `data`: all of it when it fits, nothing of a write of
    /// at most `PIPE_BUF` bytes that does not, else as much as fits. `whole` is the size
    /// of the whole write `data` is the rest of (atomicity is decided on it).
    pub fn write(&mut self, data: &[u8], whole: usize) -> Outcome {
        if !self.reader_open {
            return Outcome::Broken;
        }
        if data.is_empty() {
            return Outcome::Done(0);
        }
        let free = CAPACITY - self.data.len();
        if free == 0 || (whole <= PIPE_BUF && free < data.len()) {
            return Outcome::Wait;
        }
        let n = free.min(data.len());
        self.data.extend(&data[..n]);
        Outcome::Done(n)
    }

    /// `poll`'s answer for the read end: data, or the writer gone (`POLLHUP`, and a read
    /// returns 0 at once).
    pub fn read_readiness(&self) -> i16 {
        let mut r = 0;
        if !self.data.is_empty() {
            r |= POLLIN;
        }
        if !self.writer_open {
            r |= POLLHUP;
        }
        r
    }

    /// `poll`'s answer for the write end: room for an atomic write, or the reader gone
    /// (`POLLERR`, as Linux).
    pub fn write_readiness(&self) -> i16 {
        if !self.reader_open {
            return POLLERR;
        }
        if CAPACITY - self.data.len() >= PIPE_BUF {
            POLLOUT
        } else {
            0
        }
    }

    /// Bytes waiting (`FIONREAD`).
    pub fn len(&self) -> usize {
        self.data.len()
    }

    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    /// The last descriptor of the read end went away: unread data is dropped.
    pub fn close_reader(&mut self) {
        self.reader_open = false;
        self.data = VecDeque::new();
    }

    /// The last descriptor of the write end went away.
    pub fn close_writer(&mut self) {
        self.writer_open = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    #[test]
    fn bytes_come_out_in_order_across_the_ring() {
        let mut p = PipeBuffer::new();
        let mut buf = [0u8; 5];
        assert_eq!(p.write(b"hello", 5), Outcome::Done(5));
        assert_eq!(p.read(&mut buf[..3], false), Outcome::Done(3));
        assert_eq!(&buf[..3], b"hel");
        assert_eq!(p.write(b" world", 6), Outcome::Done(6));
        assert_eq!(p.read(&mut buf, true), Outcome::Done(5));
        assert_eq!(&buf, b"lo wo");
        assert_eq!(p.len(), 8);
        let mut all = [0u8; 16];
        assert_eq!(p.read(&mut all, false), Outcome::Done(8));
        assert_eq!(&all[..8], b"lo world");
        assert!(p.is_empty());
    }

    #[test]
    fn empty_pipe_waits_until_the_writer_closes_then_reads_eof() {
        let mut p = PipeBuffer::new();
        let mut buf = [0u8; 4];
        assert_eq!(p.read(&mut buf, false), Outcome::Wait);
        assert_eq!(p.read_readiness(), 0);
        p.write(b"ab", 2);
        p.close_writer();
        assert_eq!(p.read_readiness(), POLLIN | POLLHUP);
        assert_eq!(p.read(&mut buf, false), Outcome::Done(2));
        assert_eq!(p.read(&mut buf, false), Outcome::Done(0));
        assert_eq!(p.read(&mut [], false), Outcome::Done(0));
    }

    #[test]
    fn writing_without_a_reader_is_broken() {
        let mut p = PipeBuffer::new();
        p.write(b"x", 1);
        p.close_reader();
        assert_eq!(p.write(b"y", 1), Outcome::Broken);
        assert_eq!(p.write(b"", 0), Outcome::Broken);
        assert_eq!(p.write_readiness(), POLLERR);
        assert!(p.is_empty());
    }

    #[test]
    fn small_writes_are_atomic_large_ones_fill_the_pipe() {
        let mut p = PipeBuffer::new();
        let big = vec![7u8; CAPACITY - 10];
        assert_eq!(p.write(&big, big.len()), Outcome::Done(CAPACITY - 10));
        assert_eq!(p.write_readiness(), 0);
        // 20 bytes (<= PIPE_BUF) do not fit in the 10 left: nothing goes in.
        assert_eq!(p.write(&[1; 20], 20), Outcome::Wait);
        // The tail of a large write takes what fits.
        assert_eq!(p.write(&[1; 20], 20000), Outcome::Done(10));
        assert_eq!(p.write(&[1; 1], 20000), Outcome::Wait);
        let mut buf = vec![0u8; PIPE_BUF];
        assert_eq!(p.read(&mut buf, false), Outcome::Done(PIPE_BUF));
        assert_eq!(p.write_readiness(), POLLOUT);
        assert_eq!(p.len(), CAPACITY - PIPE_BUF);
    }
}
