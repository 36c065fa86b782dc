//! The aarch64 guest's one output stream, split into the three channels. On `virt` the
//! kernel has one device it can write from any context, the PL011, and sends the
//! application's stdout and stderr and its log through it as one stream (the kernel's
//! `console_mux.rs`, with the same constants): `ESCAPE c` switches to channel `c` (1
//! stdout, 2 stderr, 3 log), `ESCAPE ESCAPE` is one `ESCAPE` byte, anything else is data.
//!
//! `split` puts a thread between QEMU's pipe and the usual readers: each channel comes
//! out of a pipe of its own, so `crate::output` treats both architectures alike.

use crate::channels::{Readers, pipe};
use std::fs::File;
use std::io::{self, Read, Write};
use std::thread;

/// The byte that starts a control pair.
pub const ESCAPE: u8 = 0xff;

/// The channels, numbered as in the stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    Stdout,
    Stderr,
    Log,
}

impl Channel {
    fn from_number(n: u8) -> Option<Channel> {
        match n {
            1 => Some(Channel::Stdout),
            2 => Some(Channel::Stderr),
            3 => Some(Channel::Log),
            _ => None,
        }
    }
}

/// The decoder's place in the stream, kept between reads (a pair may be cut in two).
#[derive(Debug, Clone)]
pub struct Demux {
    channel: Channel,
    /// The last byte read was an `ESCAPE` that starts a pair.
    escaped: bool,
}

impl Default for Demux {
    fn default() -> Self {
        Self::new()
    }
}

impl Demux {
    /// Bytes before any selection are taken as the kernel's log: the kernel selects a
    /// channel before its first byte, so only a stray writer could send them.
    pub fn new() -> Self {
        Demux {
            channel: Channel::Log,
            escaped: false,
        }
    }

    /// Calls `out` with each run of data in `bytes` and the channel it belongs to.
    /// An unknown pair (`ESCAPE` and neither a channel nor `ESCAPE`) is dropped.
    pub fn feed(&mut self, bytes: &[u8], mut out: impl FnMut(Channel, &[u8])) {
        let mut rest = bytes;
        while !rest.is_empty() {
            if self.escaped {
                self.escaped = false;
                let b = rest[0];
                if b == ESCAPE {
                    out(self.channel, &[ESCAPE]);
                } else if let Some(c) = Channel::from_number(b) {
                    self.channel = c;
                }
                rest = &rest[1..];
                continue;
            }
            match rest.iter().position(|&b| b == ESCAPE) {
                Some(i) => {
                    if i > 0 {
                        out(self.channel, &rest[..i]);
                    }
                    self.escaped = true;
                    rest = &rest[i + 1..];
                }
                None => {
                    out(self.channel, rest);
                    rest = &[];
                }
            }
        }
    }
}

/// Splits `readers.app_stdout` (which carries the multiplexed stream) into three new
/// readers, one per channel. The thread ends, closing them, when the stream ends (QEMU
/// exited or was killed), so the readers see EOF as they would with QEMU's own pipes.
/// `readers`' other two pipes are not used on this machine and are closed.
pub fn split(readers: Readers) -> io::Result<Readers> {
    let (out_r, out_w) = pipe()?;
    let (err_r, err_w) = pipe()?;
    let (log_r, log_w) = pipe()?;
    let mut writers = [File::from(out_w), File::from(err_w), File::from(log_w)];
    let mut stream = readers.app_stdout;
    thread::spawn(move || {
        let mut demux = Demux::new();
        // A channel whose reader is gone is skipped; the stream is drained to the end
        // so QEMU never blocks on it.
        let mut open = [true; 3];
        let mut buf = vec![0u8; 16 * 1024];
        loop {
            let n = match stream.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(_) => break,
            };
            demux.feed(&buf[..n], |channel, bytes| {
                let i = channel as usize;
                if open[i] {
                    open[i] = writers[i].write_all(bytes).is_ok();
                }
            });
        }
    });
    Ok(Readers {
        app_stdout: File::from(out_r),
        app_stderr: File::from(err_r),
        kernel_log: File::from(log_r),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Decodes `stream` fed in pieces of `piece` bytes: (stdout, stderr, log).
    fn decode(stream: &[u8], piece: usize) -> (Vec<u8>, Vec<u8>, Vec<u8>) {
        let mut d = Demux::new();
        let mut got = (Vec::new(), Vec::new(), Vec::new());
        for chunk in stream.chunks(piece) {
            d.feed(chunk, |c, b| match c {
                Channel::Stdout => got.0.extend_from_slice(b),
                Channel::Stderr => got.1.extend_from_slice(b),
                Channel::Log => got.2.extend_from_slice(b),
            });
        }
        got
    }

    /// The bytes kernel/src/console_mux.rs's test encodes: the two ends agree.
    const KERNEL_VECTOR: &[u8] =
        b"\xff\x01out \xff\xff\n\xff\x02err\n\xff\x03\n@@EREMIT-EXIT 3@@\n";

    #[test]
    fn the_kernel_test_vector_in_any_pieces() {
        for piece in 1..=KERNEL_VECTOR.len() {
            let (out, err, log) = decode(KERNEL_VECTOR, piece);
            assert_eq!(out, b"out \xff\n", "pieces of {piece}");
            assert_eq!(err, b"err\n");
            assert_eq!(log, b"\n@@EREMIT-EXIT 3@@\n");
        }
    }

    #[test]
    fn bytes_before_a_selection_are_log() {
        let (out, err, log) = decode(b"early\xff\x01late", 64);
        assert_eq!((out.as_slice(), err.as_slice()), (&b"late"[..], &b""[..]));
        assert_eq!(log, b"early");
    }

    #[test]
    fn unknown_pairs_are_dropped() {
        let (out, _, _) = decode(b"\xff\x01a\xff\x00b\xff\x07c", 64);
        assert_eq!(out, b"abc");
    }

    #[test]
    fn an_exit_record_on_stdout_stays_stdout() {
        // What the application writes is its own: only the log channel carries records.
        let (out, _, log) = decode(b"\xff\x01@@EREMIT-EXIT 9@@\n", 64);
        assert_eq!(out, b"@@EREMIT-EXIT 9@@\n");
        assert!(log.is_empty());
    }

    #[test]
    fn split_pipes_each_channel_and_ends_with_the_stream() {
        let (r, w) = pipe().unwrap();
        let (e, _) = pipe().unwrap();
        let (l, _) = pipe().unwrap();
        let readers = Readers {
            app_stdout: File::from(r),
            app_stderr: File::from(e),
            kernel_log: File::from(l),
        };
        let mut split = split(readers).unwrap();
        let mut w = File::from(w);
        w.write_all(KERNEL_VECTOR).unwrap();
        drop(w);
        // read_to_end returning proves the split thread closed every channel at EOF.
        let (mut out, mut err, mut log) = (Vec::new(), Vec::new(), Vec::new());
        split.app_stdout.read_to_end(&mut out).unwrap();
        split.app_stderr.read_to_end(&mut err).unwrap();
        split.kernel_log.read_to_end(&mut log).unwrap();
        assert_eq!(out, b"out \xff\n");
        assert_eq!(err, b"err\n");
        assert_eq!(log, b"\n@@EREMIT-EXIT 3@@\n");
    }
}
