//! A socket as a descriptor's object, one kind per transport: `TcpFile` and `UdpFile`
//! (`SocketFile` with the kind's `Protocol`, `socket/stream.rs` and `socket/datagram.rs`).
//! `read`/`write` (and `recv`/`send`, which are reads and writes with flags) go to the
//! socket in the network stack (`socket`), which is closed when the last descriptor
//! and call let go of it. What the kinds share (stat, the id, closing) is here once.
//!
//! Once a TCP socket is one end of a loopback connection, the object keeps that end
//! and sends, receives and reports readiness on it directly, under the connection's
//! own lock and not the stack's (`socket/loop_end.rs`): loopback connections carry
//! their data in parallel.

use alloc::sync::Arc;
use core::sync::atomic::{AtomicBool, Ordering};

use hermit_sync::OnceCell;

use crate::abi::stat;
use crate::fd::files::new_object;
use crate::fd::object::{FileObject, IoFlags};
use crate::fs::Errno;
use crate::net::socket::{self, LoopEnd, LoopState, Protocol, SocketId, Tcp, Udp};

/// The socket file type (hermit-abi's `S_IFSOCK`).
const S_IFSOCK: u32 = 0o14_0000;

pub struct SocketFile<P: Protocol> {
    id: SocketId,
    /// The kind (a unit struct: no room taken).
    kind: P,
    /// The socket's end of its loopback connection, once it is connected over loopback.
    loop_end: OnceCell<LoopEnd>,
    /// The socket can no longer become a loopback end (it is a smoltcp connection or a
    /// listener, or of a kind that never is): no more asking.
    not_loopback: AtomicBool,
}

/// A TCP socket's descriptor object (listening, connecting or connected).
pub type TcpFile = SocketFile<Tcp>;
/// A UDP socket's descriptor object.
pub type UdpFile = SocketFile<Udp>;

impl<P: Protocol> SocketFile<P> {
    /// Takes over `id`, a socket of kind `kind` (closed on drop).
    pub fn new(id: SocketId, kind: P) -> SocketFile<P> {
        SocketFile {
            id,
            loop_end: OnceCell::new(),
            not_loopback: AtomicBool::new(!kind.may_be_loopback()),
            kind,
        }
    }

    /// The socket's loopback end, if it is connected over loopback. Asks the stack
    /// until the socket is connected one way or the other, then never again.
    fn loop_end(&self) -> Option<&LoopEnd> {
        if let Some(end) = self.loop_end.get() {
            return Some(end);
        }
        if self.not_loopback.load(Ordering::Relaxed) {
            return None;
        }
        match socket::loop_state(self.id) {
            LoopState::Connected(end) => {
                // Another call may have set it first: the same end.
                let _ = self.loop_end.set(end);
                self.loop_end.get()
            }
            LoopState::Never => {
                self.not_loopback.store(true, Ordering::Relaxed);
                None
            }
            LoopState::NotYet => None,
        }
    }
}

/// The descriptor object for the new socket `id`: UDP's for a datagram socket, else
/// TCP's. From here the object owns the socket: dropping it closes it.
pub fn socket_object(id: SocketId, datagram: bool) -> Result<Arc<dyn FileObject>, Errno> {
    if datagram {
        new_object(UdpFile::new(id, Udp))
    } else {
        new_object(TcpFile::new(id, Tcp))
    }
}

impl<P: Protocol> FileObject for SocketFile<P> {
    fn read(&self, buf: &mut [u8], flags: IoFlags) -> Result<usize, Errno> {
        if let Some(end) = self.loop_end() {
            return socket::recv_on(self.id, end, buf, flags.peek, flags.nonblocking);
        }
        socket::recv(&self.kind, self.id, buf, flags.peek, flags.nonblocking).map(|(n, ..)| n)
    }

    fn write(&self, data: &[u8], flags: IoFlags) -> Result<usize, Errno> {
        if let Some(end) = self.loop_end() {
            return socket::send_on(self.id, end, data, flags.nonblocking);
        }
        socket::send(&self.kind, self.id, data, None, flags.nonblocking)
    }

    fn readiness(&self) -> i16 {
        if let Some(end) = self.loop_end() {
            return end.readiness();
        }
        socket::readiness(&self.kind, self.id)
    }

    fn stat(&self) -> Result<stat, Errno> {
        Ok(stat {
            st_mode: S_IFSOCK | 0o777,
            st_nlink: 1,
            st_blksize: 4096,
            ..Default::default()
        })
    }

    fn socket_id(&self) -> Option<u32> {
        Some(self.id)
    }
}

impl<P: Protocol> Drop for SocketFile<P> {
    fn drop(&mut self) {
        socket::close(self.id);
    }
}
