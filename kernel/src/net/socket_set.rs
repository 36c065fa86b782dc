//! smoltcp's socket set, grown without panicking. smoltcp's own `SocketSet::add` pushes
//! onto its `Vec` when every slot is taken, and a failed push is a kernel panic (in the
//! network task, when a SYN needs a socket). Here the set's storage is replaced by a
//! bigger one, allocated fallibly, before an `add` could need more room; every socket
//! keeps its slot, so the handles held elsewhere stay valid.

use alloc::vec::Vec;
use core::ops::{Deref, DerefMut};

use smoltcp::iface::{SocketHandle, SocketSet, SocketStorage};
use smoltcp::socket::{AnySocket, Socket, udp};

use super::memory::{reserve, try_filled};
use crate::abi::errno::{ENOMEM, Errno};

/// Slots of the first storage.
const FIRST_SLOTS: usize = 16;

pub struct Sockets {
    set: SocketSet<'static>,
    /// Length of the set's storage (taken and free slots).
    slots: usize,
    /// Slots that hold a socket.
    taken: usize,
}

/// A socket that owns no memory, to hold a slot while the storage is copied.
fn placeholder() -> udp::Socket<'static> {
    let empty = || udp::PacketBuffer::new(Vec::new(), Vec::new());
    udp::Socket::new(empty(), empty())
}

impl Sockets {
    pub fn new() -> Sockets {
        Sockets {
            set: SocketSet::new(Vec::new()),
            slots: 0,
            taken: 0,
        }
    }

    /// How many sockets the set holds.
    pub fn len(&self) -> usize {
        self.taken
    }

    /// Adds `socket`; ENOMEM when the storage is full and cannot grow.
    pub fn add<T: AnySocket<'static>>(&mut self, socket: T) -> Result<SocketHandle, Errno> {
        if self.taken == self.slots {
            self.grow().ok_or(ENOMEM)?;
        }
        self.taken += 1;
        // A free slot exists, so smoltcp does not allocate.
        Ok(self.set.add(socket))
    }

    pub fn remove(&mut self, handle: SocketHandle) -> Socket<'static> {
        let s = self.set.remove(handle);
        self.taken -= 1;
        s
    }

    /// Doubles the storage: a new one, filled in the order of the old one, so that
    /// every socket gets the slot (and handle) it had.
    fn grow(&mut self) -> Option<()> {
        let slots = (self.slots * 2).max(FIRST_SLOTS);
        let mut storage: Vec<SocketStorage<'static>> = Vec::new();
        reserve(&mut storage, slots)?;
        storage.resize_with(slots, SocketStorage::default);
        let mut handles: Vec<SocketHandle> = Vec::new();
        reserve(&mut handles, self.taken)?;
        handles.extend(self.set.iter().map(|(h, _)| h));
        // Free slots of the old storage below a socket are held by placeholders.
        let mut holes = try_filled(0, SocketHandle::default())?;
        reserve(&mut holes, self.slots - self.taken)?;
        let mut bigger = SocketSet::new(storage);
        for h in handles {
            // `add` takes the lowest free slot; fill up to `h`.
            loop {
                let at = bigger.add(placeholder());
                if at == h {
                    bigger.remove(at);
                    break;
                }
                holes.push(at);
            }
            let moved = bigger.add(self.set.remove(h));
            debug_assert_eq!(moved, h);
        }
        for h in holes {
            bigger.remove(h);
        }
        self.set = bigger;
        self.slots = slots;
        Some(())
    }
}

/// Everything else (get, iter, handing the set to the interface's poll) is smoltcp's.
impl Deref for Sockets {
    type Target = SocketSet<'static>;
    fn deref(&self) -> &SocketSet<'static> {
        &self.set
    }
}

impl DerefMut for Sockets {
    fn deref_mut(&mut self) -> &mut SocketSet<'static> {
        &mut self.set
    }
}
