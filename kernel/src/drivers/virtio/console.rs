//! virtio-console (virtio 1.x, 5.3) with one port and no multiport support: queue 0
//! receives what the host sends to the port, queue 1 sends to the host. Used for the
//! application's standard input (`crate::stdin`): every receive buffer is posted up
//! front and reposted once its bytes were read; the one transmit buffer carries the
//! request that starts the runner's stream.

use alloc::alloc::{Layout, alloc_zeroed};
use alloc::vec::Vec;
use core::ptr::NonNull;

use super::Transport;
use super::queue::{Buffer, SplitQueue};

/// VIRTIO_CONSOLE_F_MULTIPORT (virtio 1.x, 5.3.3): QEMU offers it when a device has room
/// for more than one port. The runner gives the signal channel's device two port slots
/// (`max_ports=2`) and standard input's one, so the feature tells them apart; this driver
/// never accepts it and uses port 0 only.
const F_MULTIPORT: u64 = 1 << 1;

/// Whether the console behind `t` is the runner's signal channel (`crate::signals`)
/// rather than standard input's.
pub fn is_signal_channel(t: &dyn Transport) -> bool {
    t.device_features() & F_MULTIPORT != 0
}

const RX_QUEUE: u16 = 0;
const TX_QUEUE: u16 = 1;
/// Receive buffers for a stream (standard input), when the device allows that many
/// (QEMU's queues have 128 entries).
pub const RX_BUFFERS: u16 = 128;
/// QEMU hands a port at most 4 KiB per read of its character device and fills one
/// buffer per read, so larger buffers would not hold more.
pub const RX_BUFFER_LEN: usize = 4096;

/// Receive buffers in one allocation that lives as long as the driver (the device may
/// write into posted buffers at any time, so they are reached through raw pointers
/// only, and the allocation is never freed).
struct Pool {
    base: NonNull<u8>,
    count: usize,
}

// SAFETY: the pool owns its allocation (never freed); the driver that holds it is behind
// the standard input's lock, so moving it between CPUs is like moving a Box.
unsafe impl Send for Pool {}

impl Pool {
    fn new(count: usize) -> Option<Pool> {
        let layout = Layout::from_size_align(count * RX_BUFFER_LEN, 4096).ok()?;
        // SAFETY: non-zero size.
        let base = NonNull::new(unsafe { alloc_zeroed(layout) })?;
        Some(Pool { base, count })
    }

    fn ptr(&self, i: u16) -> *mut u8 {
        assert!((i as usize) < self.count);
        // SAFETY: inside the allocation.
        unsafe { self.base.as_ptr().add(i as usize * RX_BUFFER_LEN) }
    }
}

pub struct VirtioConsole<T: Transport> {
    transport: T,
    rx: SplitQueue,
    pool: Pool,
    /// Buffer index of the chain headed by each descriptor.
    buffer_of: Vec<u16>,
    /// Buffers were posted since the device was last notified.
    posted: bool,
    tx: SplitQueue,
    /// The transmit buffer (one byte, never freed: the device may read it at any time
    /// until it is used).
    tx_byte: NonNull<u8>,
}

// SAFETY: as for `Pool`: the transmit byte is owned by the driver and never freed.
unsafe impl<T: Transport + Send> Send for VirtioConsole<T> {}

impl<T: Transport> VirtioConsole<T> {
    /// Initialises the console behind `transport` (already known to be one), with at
    /// most `rx_buffers` receive buffers of `RX_BUFFER_LEN` bytes (rounded down to a
    /// power of two).
    pub fn new(transport: T, rx_buffers: u16) -> Result<Self, &'static str> {
        // No features: one port (no MULTIPORT), no console size, no emergency write.
        super::negotiate(&transport, 0, 0)?;
        let size = |q| {
            let max = transport.queue_max_size(q);
            if max == 0 {
                return Err("a queue is missing");
            }
            Ok(1u16 << (15 - max.min(rx_buffers.max(1)).leading_zeros() as u16))
        };
        let (rx_size, tx_size) = (size(RX_QUEUE)?, size(TX_QUEUE)?);
        let no_memory = "no memory for the queues";
        let rx = SplitQueue::new(rx_size).ok_or(no_memory)?;
        let tx = SplitQueue::new(tx_size).ok_or(no_memory)?;
        let pool = Pool::new(rx_size as usize).ok_or(no_memory)?;
        let layout = Layout::from_size_align(64, 64).map_err(|_| no_memory)?;
        // SAFETY: non-zero size.
        let tx_byte = NonNull::new(unsafe { alloc_zeroed(layout) }).ok_or(no_memory)?;
        transport.setup_queue(RX_QUEUE, rx_size, rx.addresses())?;
        transport.setup_queue(TX_QUEUE, tx_size, tx.addresses())?;
        let mut dev = VirtioConsole {
            transport,
            rx,
            pool,
            buffer_of: alloc::vec![0; rx_size as usize],
            posted: false,
            tx,
            tx_byte,
        };
        // The transmit queue's completions are reclaimed when the next byte goes out.
        dev.tx.set_interrupts(false);
        for i in 0..rx_size {
            dev.repost(i);
        }
        super::driver_ok(&dev.transport);
        dev.flush();
        Ok(dev)
    }

    /// Gives buffer `buffer` back to the device.
    pub fn repost(&mut self, buffer: u16) {
        let b = Buffer {
            addr: self.pool.ptr(buffer) as u64,
            len: RX_BUFFER_LEN as u32,
            writable: true,
        };
        // The ring has a descriptor for every buffer, so this cannot fail.
        if let Ok(head) = self.rx.add(&[b]) {
            self.buffer_of[head as usize] = buffer;
            self.posted = true;
        }
    }

    /// Tells the device about buffers posted since the last call.
    pub fn flush(&mut self) {
        if core::mem::take(&mut self.posted) && self.rx.needs_notify() {
            self.transport.notify(RX_QUEUE);
        }
    }

    /// Whether the device has filled buffers not taken yet.
    pub fn has_received(&self) -> bool {
        self.rx.has_used()
    }

    /// Asks for an interrupt when the device fills a buffer (a hint: it may interrupt
    /// anyway).
    pub fn set_receive_interrupts(&mut self, on: bool) {
        self.rx.set_interrupts(on);
    }

    /// The next buffer the device filled: its index and how many bytes it holds.
    pub fn take_received(&mut self) -> Option<(u16, usize)> {
        let used = self.rx.pop_used()?;
        let buffer = self.buffer_of[used.head as usize];
        Some((buffer, (used.len as usize).min(RX_BUFFER_LEN)))
    }

    /// The bytes of received buffer `buffer` from `from` to `to`.
    ///
    /// # Safety
    /// `buffer` must have been returned by `take_received` and not reposted since.
    pub unsafe fn received(&self, buffer: u16, from: usize, to: usize) -> &[u8] {
        assert!(from <= to && to <= RX_BUFFER_LEN);
        // SAFETY: inside the buffer, which the device does not own (the caller's
        // promise), so nothing writes it while the slice lives.
        unsafe { core::slice::from_raw_parts(self.pool.ptr(buffer).add(from), to - from) }
    }

    /// Sends one byte to the host.
    pub fn send_byte(&mut self, byte: u8) -> Result<(), &'static str> {
        while self.tx.pop_used().is_some() {}
        if self.tx.num_free() < self.tx.size() {
            return Err("the previous byte is still being sent");
        }
        // SAFETY: the byte is not in flight (the transmit queue is empty).
        unsafe { self.tx_byte.as_ptr().write_volatile(byte) };
        let b = Buffer {
            addr: self.tx_byte.as_ptr() as u64,
            len: 1,
            writable: false,
        };
        self.tx
            .add(&[b])
            .map_err(|_| "the transmit queue is full")?;
        if self.tx.needs_notify() {
            self.transport.notify(TX_QUEUE);
        }
        Ok(())
    }
}
