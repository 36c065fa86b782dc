//! The application's standard input: eremit's own stdin, forwarded to the guest's
//! virtio console through a socket pair whose other end QEMU reads (`-chardev socket`
//! on an inherited descriptor).
//!
//! QEMU's character devices never tell the guest that the host side ended, so what is
//! sent is framed: chunks of a 4-byte little-endian length and that many bytes, and a
//! chunk of length 0 at end of file (the kernel's `stdin::framing` reads it).
//!
//! Nothing is read from eremit's stdin until the guest asks (it sends one byte when
//! the application first reads or polls descriptor 0): a program that never reads its
//! input leaves eremit's stdin alone, as a native one would, and an eremit started in
//! the background of a terminal is not stopped by SIGTTIN for reading it.

use std::fs::File;
use std::io::{self, Read, Write};
use std::mem::ManuallyDrop;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::net::UnixStream;
use std::thread;

use crate::channels::Channels;

/// Bytes read from stdin per chunk.
const CHUNK: usize = 128 * 1024;
/// Linux's /dev/null (character device 1:3).
const DEV_NULL: (u32, u32) = (1, 3);

/// What eremit's descriptor 0 is, as far as forwarding goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// Closed, or /dev/null: the guest reads end of file at once, no device needed.
    Nothing,
    /// A pipe, a file, a terminal, a socket...: forwarded.
    Forward,
}

/// Looks at eremit's descriptor 0.
pub fn source() -> Source {
    source_of(0)
}

fn source_of(fd: RawFd) -> Source {
    // SAFETY: a `struct stat` is plain data, valid when zeroed.
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    // SAFETY: `st` is valid for writing a `struct stat`; a closed `fd` fails (EBADF).
    if unsafe { libc::fstat(fd, &mut st) } != 0 {
        return Source::Nothing;
    }
    let is_dev_null = st.st_mode & libc::S_IFMT == libc::S_IFCHR
        && (libc::major(st.st_rdev), libc::minor(st.st_rdev)) == DEV_NULL;
    if is_dev_null {
        Source::Nothing
    } else {
        Source::Forward
    }
}

/// The header of a chunk of `len` bytes; `len` 0 ends the stream.
pub fn header(len: u32) -> [u8; 4] {
    len.to_le_bytes()
}

/// When `source` is forwarded: a connected pair of stream sockets, QEMU's end given
/// to `channels`, eremit's end returned (for `spawn_forwarder`).
pub fn connect(source: Source, channels: &mut Channels) -> io::Result<Option<UnixStream>> {
    if source == Source::Nothing {
        return Ok(None);
    }
    let (ours, theirs) = UnixStream::pair()?;
    channels.set_input(OwnedFd::from(theirs))?;
    Ok(Some(ours))
}

/// Reads `input` to its end, writing it to `out` framed. Waits for anything `input`
/// cannot give at once (a non-blocking descriptor is polled). Returns the payload bytes.
pub fn pump(input: &mut impl Read, out: &mut impl Write, poll_fd: Option<i32>) -> io::Result<u64> {
    let mut buf = vec![0u8; 4 + CHUNK];
    let mut total = 0u64;
    loop {
        let n = match input.read(&mut buf[4..]) {
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                if let Some(fd) = poll_fd {
                    wait_readable(fd);
                }
                continue;
            }
            // A read error ends the input, as end of file would for the application.
            Err(_) => 0,
        };
        buf[..4].copy_from_slice(&header(n as u32));
        out.write_all(&buf[..4 + n])?;
        if n == 0 {
            return Ok(total);
        }
        total += n as u64;
    }
}

fn wait_readable(fd: i32) {
    let mut p = libc::pollfd {
        fd,
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: one valid pollfd.
    unsafe { libc::poll(&mut p, 1, -1) };
}

/// Starts the thread that waits for the guest's request on `socket`, then forwards
/// eremit's stdin. The socket is kept open after the end of file (QEMU would otherwise
/// see its character device close); it goes with the process.
pub fn spawn_forwarder(socket: UnixStream) {
    thread::spawn(move || {
        let mut socket = socket;
        let mut request = [0u8; 1];
        if !matches!(socket.read(&mut request), Ok(1)) {
            return; // QEMU ended before the guest asked
        }
        // SAFETY: descriptor 0 stays open for the life of the process (`source` saw it
        // open); ManuallyDrop keeps it from being closed here.
        let mut stdin = ManuallyDrop::new(unsafe { File::from_raw_fd(0) });
        let fd = stdin.as_raw_fd();
        let _ = pump(&mut *stdin, &mut socket, Some(fd));
        std::mem::forget(socket);
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader that gives its data in the pieces listed, with a `WouldBlock` between.
    struct Pieces(Vec<Vec<u8>>, bool);
    impl Read for Pieces {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            self.1 = !self.1;
            if self.1 && !self.0.is_empty() {
                return Err(io::ErrorKind::WouldBlock.into());
            }
            if self.0.is_empty() {
                return Ok(0);
            }
            let p = self.0.remove(0);
            buf[..p.len()].copy_from_slice(&p);
            Ok(p.len())
        }
    }

    #[test]
    fn frames_every_read_and_ends_with_an_empty_chunk() {
        let mut input = Pieces(vec![b"hi\n".to_vec(), vec![7; 5]], false);
        let mut out = Vec::new();
        assert_eq!(pump(&mut input, &mut out, None).unwrap(), 8);
        let want = [
            &[3, 0, 0, 0][..],
            b"hi\n",
            &[5, 0, 0, 0],
            &[7; 5],
            &[0, 0, 0, 0],
        ]
        .concat();
        assert_eq!(out, want);
    }

    #[test]
    fn large_input_in_chunks() {
        let data: Vec<u8> = (0..1_000_000u32).map(|i| i as u8).collect();
        let mut out = Vec::new();
        pump(&mut &data[..], &mut out, None).unwrap();
        // Unframe.
        let mut got = Vec::new();
        let mut rest = &out[..];
        loop {
            let len = u32::from_le_bytes(rest[..4].try_into().unwrap()) as usize;
            assert!(len <= CHUNK);
            rest = &rest[4..];
            if len == 0 {
                break;
            }
            got.extend_from_slice(&rest[..len]);
            rest = &rest[len..];
        }
        assert!(rest.is_empty());
        assert_eq!(got, data);
    }

    #[test]
    fn dev_null_and_closed_are_nothing() {
        let null = File::open("/dev/null").unwrap();
        assert_eq!(source_of(null.as_raw_fd()), Source::Nothing);
        let zero = File::open("/dev/zero").unwrap();
        assert_eq!(source_of(zero.as_raw_fd()), Source::Forward);
        let file = File::open("/proc/self/status").unwrap();
        assert_eq!(source_of(file.as_raw_fd()), Source::Forward);
        let (a, _b) = UnixStream::pair().unwrap();
        assert_eq!(source_of(a.as_raw_fd()), Source::Forward);
        // A descriptor no test opens (numbers are reused across threads).
        assert_eq!(source_of(4000), Source::Nothing);
    }
}
