//! virtio-net (virtio 1.x, 5.1) as a smoltcp `Device`: queue 0 receives, queue 1
//! transmits. Every receive buffer is posted up front and reposted once smoltcp has
//! read it; transmit buffers come back when the device has sent them. Each buffer holds
//! the 12-byte virtio-net header and one Ethernet frame. When the device offers both
//! checksum offloads (a tap backend does; QEMU's user network does not), TCP checksums
//! are left to it going out and taken from its verdict coming in (net_checksum.rs);
//! otherwise the header is all zeroes going out and ignored coming in. With them, a tap
//! device's host may also send TCP segments of up to 64 KiB, spread over several
//! buffers and put together here (net_large_rx.rs).

use alloc::alloc::{Layout, alloc_zeroed};
use alloc::vec::Vec;
use core::ptr::NonNull;

use smoltcp::phy::{self, Checksum, DeviceCapabilities, Medium};
use smoltcp::time::Instant;

use super::net_checksum;
use super::net_counters::{NOTIFICATIONS, RX_DROPPED, RX_FRAMES, RX_LARGE, TX_FRAMES};
use super::net_large_rx::{self, Assembly, F_CSUM, F_GUEST_CSUM};
use super::net_rx_watch;
use super::net_tx_notify;
use super::queue::{Buffer, SplitQueue};
use super::{Transport, read_config};

pub const F_MAC: u64 = 1 << 5;
/// Interrupts and notifications asked for by ring index (event_index.rs): a burst of
/// received frames raises one interrupt, not one per frame.
pub const F_EVENT_IDX: u64 = 1 << 29;
/// virtio_net_hdr.flags (5.1.6).
const HDR_F_NEEDS_CSUM: u8 = 1;
const HDR_F_DATA_VALID: u8 = 2;

const RX_QUEUE: u16 = 0;
const TX_QUEUE: u16 = 1;
/// Ring size used when the device allows it.
const QUEUE_SIZE: u16 = 256;
const HEADER_LEN: usize = 12;
/// Ethernet header and a 1500-byte payload.
pub const MTU: usize = 1514;
const BUFFER_LEN: usize = 2048;

/// Fixed-size DMA buffers in one allocation that lives as long as the driver (the
/// device may write into it at any time, so it is only ever reached through raw
/// pointers and never freed).
struct Pool {
    base: NonNull<u8>,
    count: usize,
}

// SAFETY: the pool owns its allocation (never freed, reached only through the driver,
// which the network stack's lock serialises); moving it between CPUs is like a Box.
unsafe impl Send for Pool {}

impl Pool {
    fn new(count: usize) -> Option<Pool> {
        let layout = Layout::from_size_align(count * BUFFER_LEN, 4096).ok()?;
        // SAFETY: non-zero size.
        let base = NonNull::new(unsafe { alloc_zeroed(layout) })?;
        Some(Pool { base, count })
    }

    fn addr(&self, i: u16) -> u64 {
        self.ptr(i) as u64
    }

    fn ptr(&self, i: u16) -> *mut u8 {
        assert!((i as usize) < self.count);
        // SAFETY: inside the allocation.
        unsafe { self.base.as_ptr().add(i as usize * BUFFER_LEN) }
    }

    /// Buffer `i`, which the device does not own at the moment.
    ///
    /// # Safety
    /// The buffer must not be posted to the device, and no other slice of it may live.
    #[allow(clippy::mut_from_ref)]
    unsafe fn slice(&self, i: u16) -> &mut [u8] {
        // SAFETY: BUFFER_LEN bytes of the allocation; exclusivity is the caller's.
        unsafe { core::slice::from_raw_parts_mut(self.ptr(i), BUFFER_LEN) }
    }
}

struct Rx {
    queue: SplitQueue,
    pool: Pool,
    /// Buffer index of the chain headed by each descriptor.
    buffer_of: Vec<u16>,
    /// Buffers were posted since the device was last notified.
    posted: bool,
    /// The next frame was shown to `peek_received`'s caller; only then does `receive`
    /// hand it to smoltcp (a frame the device publishes between the two must not slip
    /// through unseen).
    peeked: bool,
    /// Where a frame spanning several buffers is put together (large segments taken).
    large: Option<Assembly>,
    /// `large` holds the next frame (its buffers went back to the device already).
    assembled: bool,
}

struct Tx {
    queue: SplitQueue,
    pool: Pool,
    buffer_of: Vec<u16>,
    free: Vec<u16>,
    queued: bool,
    /// No buffer was free at the last attempt to send (completion interrupts are on).
    blocked: bool,
}

pub struct VirtioNet<T: Transport> {
    transport: T,
    mac: [u8; 6],
    /// Both checksum offloads were negotiated: smoltcp leaves TCP checksums alone.
    checksum_offload: bool,
    rx: Rx,
    tx: Tx,
}

impl Rx {
    fn post(&mut self, buffer: u16) {
        let b = Buffer {
            addr: self.pool.addr(buffer),
            len: BUFFER_LEN as u32,
            writable: true,
        };
        // The ring has a descriptor for every buffer, so this cannot fail.
        if let Ok(head) = self.queue.add(&[b]) {
            self.buffer_of[head as usize] = buffer;
            self.posted = true;
        }
    }
}

impl Tx {
    /// Takes back the buffers the device has sent.
    fn reclaim(&mut self) {
        while let Some(used) = self.queue.pop_used() {
            self.free.push(self.buffer_of[used.head as usize]);
        }
    }
}

impl<T: Transport> VirtioNet<T> {
    /// Initialises the device behind `transport` (already known to be a network device).
    pub fn new(transport: T) -> Result<Self, &'static str> {
        let features = super::negotiate_by(
            &transport,
            |offered| offered & (F_MAC | F_EVENT_IDX) | net_large_rx::offloads(offered),
            F_MAC,
        )?;
        let checksum_offload = features & (F_CSUM | F_GUEST_CSUM) == F_CSUM | F_GUEST_CSUM;
        let large_rx = features & net_large_rx::F_MRG_RXBUF != 0;
        let mac = read_config::<6>(&transport, 0);
        let size = |q| {
            let max = transport.queue_max_size(q);
            if max == 0 {
                return Err("a queue is missing");
            }
            // Power of two, at most QUEUE_SIZE.
            Ok(1u16 << (15 - max.min(QUEUE_SIZE).leading_zeros() as u16))
        };
        let (rx_size, tx_size) = (size(RX_QUEUE)?, size(TX_QUEUE)?);
        let no_memory = "no memory for the queues";
        let mut rx = Rx {
            queue: SplitQueue::new(rx_size).ok_or(no_memory)?,
            pool: Pool::new(rx_size as usize).ok_or(no_memory)?,
            buffer_of: alloc::vec![0; rx_size as usize],
            posted: false,
            peeked: false,
            large: large_rx.then(Assembly::new),
            assembled: false,
        };
        let mut tx = Tx {
            queue: SplitQueue::new(tx_size).ok_or(no_memory)?,
            pool: Pool::new(tx_size as usize).ok_or(no_memory)?,
            buffer_of: alloc::vec![0; tx_size as usize],
            free: (0..tx_size).rev().collect(),
            queued: false,
            blocked: false,
        };
        if features & F_EVENT_IDX != 0 {
            rx.queue.use_event_index();
            tx.queue.use_event_index();
        }
        transport.setup_queue(RX_QUEUE, rx_size, rx.queue.addresses())?;
        transport.setup_queue(TX_QUEUE, tx_size, tx.queue.addresses())?;
        // Sent buffers are reclaimed when the next frame goes out; their completion
        // only needs an interrupt while the ring is full.
        tx.queue.set_interrupts(false);
        for i in 0..rx_size {
            rx.post(i);
        }
        super::driver_ok(&transport);
        net_tx_notify::install(transport.doorbell(TX_QUEUE), tx.queue.notify_hint())?;
        net_rx_watch::install(rx.queue.used_progress().0);
        let mut dev = VirtioNet {
            transport,
            mac,
            checksum_offload,
            rx,
            tx,
        };
        dev.flush();
        Ok(dev)
    }

    pub fn mac(&self) -> [u8; 6] {
        self.mac
    }

    /// Whether TCP checksums are left to the device (both checksum offloads negotiated).
    pub fn checksum_offload(&self) -> bool {
        self.checksum_offload
    }

    /// Whether the device may send TCP segments larger than the MTU.
    pub fn large_receive(&self) -> bool {
        self.rx.large.is_some()
    }

    /// Tells the device about buffers posted or queued since the last call (and about
    /// frames whose notification was held back). Called after each round of smoltcp's
    /// polling, so a burst of frames costs one notification.
    pub fn flush(&mut self) {
        self.flush_holding_tx();
        net_tx_notify::flush();
    }

    /// As `flush`, but the notification for frames queued is held back until the
    /// application's batch of calls ends (net_tx_notify.rs says when that is).
    pub fn flush_holding_tx(&mut self) {
        // Every poll ends here: the receive watch compares the ring with this.
        net_rx_watch::seen(self.rx.queue.used_progress().1);
        if core::mem::take(&mut self.rx.posted) && self.rx.queue.needs_notify() {
            NOTIFICATIONS.add(1);
            self.transport.notify(RX_QUEUE);
        }
        if core::mem::take(&mut self.tx.queued) {
            net_tx_notify::hold();
        }
    }

    /// Whether the last attempt to send found the ring full; the device interrupts
    /// when it frees a buffer.
    pub fn tx_blocked(&self) -> bool {
        self.tx.blocked
    }

    /// Frames given to the device that it has not yet sent (reclaims those it has). The
    /// exit waits for none: QEMU sends a notified frame from its I/O thread, and a VM that
    /// stops first loses it.
    pub fn tx_in_flight(&mut self) -> bool {
        self.tx.reclaim();
        self.tx.free.len() < self.tx.queue.size() as usize
    }

    /// Frames waiting in the receive ring (or put together from it).
    pub fn rx_pending(&self) -> bool {
        self.rx.assembled || self.rx.queue.has_used()
    }

    /// Leaves the receive interrupt off and has the idle loop watch the ring until TSC
    /// `until` instead (net_rx_watch.rs; the poll before told it how far frames were
    /// taken, see `flush_holding_tx`); whether frames are waiting already.
    pub fn watch_rx(&mut self, until: u64) -> bool {
        net_rx_watch::arm(until);
        self.rx_pending()
    }

    /// Asks the device to interrupt at the next received frame (with the event index it
    /// interrupts once after each such request, however many frames follow); whether
    /// frames came before the request took effect, which the caller must poll for rather
    /// than wait for an interrupt.
    pub fn unmute_rx(&mut self) -> bool {
        // set_interrupts fences: the device sees the flag before the ring is read.
        self.rx.queue.set_interrupts(true);
        self.rx_pending()
    }

    /// Runs `f` on the next received frame (Ethernet header onwards) without taking it:
    /// smoltcp's next `receive` returns that frame, unless `drop_received` comes first.
    /// `receive` returns only frames shown here. `None` when no frame is waiting.
    pub fn peek_received<R>(&mut self, f: impl FnOnce(&[u8]) -> R) -> Option<R> {
        loop {
            if self.rx.assembled
                && let Some(a) = &self.rx.large
            {
                self.rx.peeked = true;
                return Some(f(&a.frame()[HEADER_LEN..]));
            }
            // An entry that is not a buffer of ours is skipped (pop_used drops it).
            while self.rx.queue.has_used() && self.rx.queue.peek_used().is_none() {
                self.rx.queue.pop_used();
            }
            let used = self.rx.queue.peek_used();
            self.rx.peeked = used.is_some();
            let used = used?;
            let buffer = self.rx.buffer_of[used.head as usize];
            let len = (used.len as usize).clamp(HEADER_LEN, BUFFER_LEN);
            // SAFETY: the device gave this buffer back (it is in the used ring) and it is
            // reposted only after `pop_used`, which needs `&mut self`; no other slice of
            // it lives while this one does.
            let data = unsafe { self.rx.pool.slice(buffer) };
            if self.rx.large.is_some() {
                match net_large_rx::buffers_of(data) {
                    Some(1) => {}
                    Some(n) if n <= self.rx.queue.used_waiting() => {
                        self.assemble(n);
                        continue;
                    }
                    // The device publishes a frame's buffers together; not yet, then.
                    Some(n) if n <= self.rx.queue.size() => {
                        self.rx.peeked = false;
                        return None;
                    }
                    _ => {
                        RX_DROPPED.add(1);
                        self.drop_received();
                        continue;
                    }
                }
            }
            if self.checksum_offload && !checked_by_device_or_here(&mut data[..len]) {
                RX_DROPPED.add(1);
                self.drop_received();
                continue;
            }
            return Some(f(&data[HEADER_LEN..len]));
        }
    }

    /// Discards the next received frame (the one `peek_received` showed) and gives its
    /// buffer back to the device.
    pub fn drop_received(&mut self) {
        self.rx.peeked = false;
        if core::mem::take(&mut self.rx.assembled) {
            return;
        }
        if let Some(used) = self.rx.queue.pop_used() {
            let buffer = self.rx.buffer_of[used.head as usize];
            self.rx.post(buffer);
        }
    }
}

impl<T: Transport> VirtioNet<T> {
    /// Copies the `count` buffers of the next received frame (all in the used ring) into
    /// the assembly buffer and gives them back to the device; `rx.assembled` says whether
    /// the frame is there to be received (else it was dropped: too long, or malformed).
    fn assemble(&mut self, count: u16) {
        let Some(mut a) = self.rx.large.take() else {
            return;
        };
        a.clear();
        let mut whole = true;
        for _ in 0..count {
            let Some(used) = self.rx.queue.pop_used() else {
                whole = false;
                continue;
            };
            let buffer = self.rx.buffer_of[used.head as usize];
            let len = (used.len as usize).min(BUFFER_LEN);
            // SAFETY: the device gave this buffer back (pop_used took it from the used
            // ring) and it is reposted only below, once copied.
            a.push(unsafe { &self.rx.pool.slice(buffer)[..len] });
            self.rx.post(buffer);
        }
        self.rx.assembled = whole
            && match a.get_mut() {
                Some(frame) if frame.len() > HEADER_LEN => {
                    !self.checksum_offload || checked_by_device_or_here(frame)
                }
                _ => false,
            };
        if !self.rx.assembled {
            RX_DROPPED.add(1);
        }
        self.rx.large = Some(a);
    }
}

/// With checksum offload, whether a received buffer (header and frame) may go to
/// smoltcp, which then checks no TCP checksum: the device checked the frame
/// (DATA_VALID), or made it on the host (NEEDS_CSUM: a UDP datagram's checksum is
/// completed for smoltcp, which checks UDP), or the driver checks it now.
fn checked_by_device_or_here(buffer: &mut [u8]) -> bool {
    let flags = buffer[0];
    let start = usize::from(u16::from_le_bytes([buffer[6], buffer[7]]));
    let offset = usize::from(u16::from_le_bytes([buffer[8], buffer[9]]));
    let frame = &mut buffer[HEADER_LEN..];
    if flags & HDR_F_NEEDS_CSUM != 0 {
        net_checksum::complete_partial(frame, start, offset)
    } else if flags & HDR_F_DATA_VALID != 0 {
        true
    } else {
        net_checksum::received_frame_ok(frame)
    }
}

pub struct RxToken<'a> {
    rx: &'a mut Rx,
    /// The receive buffer holding the frame, or `None` for the assembled one.
    buffer: Option<u16>,
    len: usize,
}

pub struct TxToken<'a> {
    tx: &'a mut Tx,
    buffer: Option<u16>,
    checksum_offload: bool,
}

impl phy::RxToken for RxToken<'_> {
    fn consume<R, F: FnOnce(&[u8]) -> R>(self, f: F) -> R {
        match (self.buffer, &self.rx.large) {
            (Some(buffer), _) => {
                // SAFETY: the device gave this buffer back; it is reposted only in `drop`.
                let data = unsafe { self.rx.pool.slice(buffer) };
                f(&data[HEADER_LEN..self.len])
            }
            (None, Some(a)) => f(&a.frame()[HEADER_LEN..]),
            (None, None) => f(&[]),
        }
    }
}

impl Drop for RxToken<'_> {
    fn drop(&mut self) {
        match self.buffer {
            Some(buffer) => self.rx.post(buffer),
            None => self.rx.assembled = false,
        }
    }
}

impl phy::TxToken for TxToken<'_> {
    fn consume<R, F: FnOnce(&mut [u8]) -> R>(mut self, len: usize, f: F) -> R {
        let buffer = self.buffer.take().expect("a transmit token holds a buffer");
        // SAFETY: a free buffer, not posted to the device.
        let data = unsafe { self.tx.pool.slice(buffer) };
        let len = len.min(BUFFER_LEN - HEADER_LEN);
        data[..HEADER_LEN].fill(0);
        let r = f(&mut data[HEADER_LEN..HEADER_LEN + len]);
        if self.checksum_offload
            && let Some((start, offset)) =
                net_checksum::prepare_offload(&mut data[HEADER_LEN..HEADER_LEN + len])
        {
            // virtio_net_hdr: flags, gso_type, hdr_len, gso_size, csum_start, csum_offset.
            data[0] = HDR_F_NEEDS_CSUM;
            data[6..8].copy_from_slice(&start.to_le_bytes());
            data[8..10].copy_from_slice(&offset.to_le_bytes());
        }
        let b = Buffer {
            addr: self.tx.pool.addr(buffer),
            len: (HEADER_LEN + len) as u32,
            writable: false,
        };
        match self.tx.queue.add(&[b]) {
            Ok(head) => {
                self.tx.buffer_of[head as usize] = buffer;
                self.tx.queued = true;
                TX_FRAMES.add(1);
            }
            Err(_) => self.tx.free.push(buffer),
        }
        r
    }
}

impl Drop for TxToken<'_> {
    fn drop(&mut self) {
        if let Some(b) = self.buffer.take() {
            self.tx.free.push(b);
        }
    }
}

impl<T: Transport> VirtioNet<T> {
    fn tx_buffer(&mut self) -> Option<u16> {
        self.tx.reclaim();
        if let Some(b) = self.tx.free.pop() {
            if self.tx.blocked {
                self.tx.blocked = false;
                self.tx.queue.set_interrupts(false);
            }
            return Some(b);
        }
        // Full: make sure the device hears of what is queued, ask for an interrupt
        // when it frees a buffer, and look once more in case it did meanwhile.
        self.flush();
        self.tx.blocked = true;
        self.tx.queue.set_interrupts(true);
        self.tx.reclaim();
        self.tx.free.pop()
    }
}

impl<T: Transport> phy::Device for VirtioNet<T> {
    type RxToken<'a>
        = RxToken<'a>
    where
        Self: 'a;
    type TxToken<'a>
        = TxToken<'a>
    where
        Self: 'a;

    fn receive(&mut self, _: Instant) -> Option<(RxToken<'_>, TxToken<'_>)> {
        if !self.rx.peeked {
            return None;
        }
        let tx_buffer = self.tx_buffer()?;
        self.rx.peeked = false;
        let (buffer, len) = if self.rx.assembled {
            RX_LARGE.add(1);
            (None, 0)
        } else {
            let used = self.rx.queue.pop_used()?;
            let buffer = self.rx.buffer_of[used.head as usize];
            let len = (used.len as usize).clamp(HEADER_LEN, BUFFER_LEN);
            (Some(buffer), len)
        };
        RX_FRAMES.add(1);
        Some((
            RxToken {
                rx: &mut self.rx,
                buffer,
                len,
            },
            TxToken {
                tx: &mut self.tx,
                buffer: Some(tx_buffer),
                checksum_offload: self.checksum_offload,
            },
        ))
    }

    fn transmit(&mut self, _: Instant) -> Option<TxToken<'_>> {
        let buffer = self.tx_buffer()?;
        Some(TxToken {
            tx: &mut self.tx,
            buffer: Some(buffer),
            checksum_offload: self.checksum_offload,
        })
    }

    fn capabilities(&self) -> DeviceCapabilities {
        let mut caps = DeviceCapabilities::default();
        caps.medium = Medium::Ethernet;
        caps.max_transmission_unit = MTU;
        if self.checksum_offload {
            caps.checksum.tcp = Checksum::None;
        }
        caps
    }
}
