//! The split virtqueue (virtio 1.x, section 2.7): a descriptor table, the ring of
//! descriptor chains the driver makes available and the ring of chains the device has
//! used. One allocation holds all three; the device sees their addresses, which are
//! physical addresses because kernel memory is identity-mapped.
//!
//! Everything the device also touches is read and written with volatile accesses, and
//! fences order the ring index updates against the entries they publish.

use alloc::alloc::{Layout, alloc_zeroed, dealloc};
use core::ptr::{self, NonNull};
use core::sync::atomic::{AtomicU16, Ordering, fence};

use super::event_index;
pub use super::notify_hint::NotifyHint;

/// One entry of the descriptor table.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Descriptor {
    pub addr: u64,
    pub len: u32,
    pub flags: u16,
    pub next: u16,
}

/// One entry of the used ring.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct UsedElem {
    pub id: u32,
    pub len: u32,
}

pub const DESC_F_NEXT: u16 = 1;
pub const DESC_F_WRITE: u16 = 2;
pub const AVAIL_F_NO_INTERRUPT: u16 = 1;
pub const USED_F_NO_NOTIFY: u16 = 1;

/// A buffer handed to the device: `writable` ones are filled by it, the others read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Buffer {
    pub addr: u64,
    pub len: u32,
    pub writable: bool,
}

/// A chain the device is done with: the head descriptor's index (the token `add`
/// returned) and how many bytes it wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Used {
    pub head: u16,
    pub len: u32,
}

/// Where the three parts are, for the transport to tell the device.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Addresses {
    pub desc: u64,
    pub driver: u64,
    pub device: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddError {
    /// Not enough free descriptors for the chain.
    Full,
    /// An empty chain.
    Empty,
}

pub struct SplitQueue {
    base: NonNull<u8>,
    layout: Layout,
    size: u16,
    avail_offset: usize,
    used_offset: usize,
    /// Head of the list of free descriptors, linked through `free_next`. A chain is
    /// taken from the front of that list, so `free_next` also links the descriptors of
    /// every chain in flight: the driver never trusts the (device-visible) table to
    /// find them again.
    free_head: u16,
    free_next: alloc::vec::Vec<u16>,
    /// Length of the chain headed by each descriptor in flight (0: not a head in flight).
    chain_len: alloc::vec::Vec<u16>,
    num_free: u16,
    /// Index the next available entry goes to (free-running, wraps at 2^16).
    next_avail: u16,
    /// Used ring entries consumed so far (free-running).
    last_used: u16,
    /// VIRTIO_F_EVENT_IDX was negotiated: interrupts and notifications are asked for by
    /// index (event_index.rs), the flags words are not used.
    event_idx: bool,
    /// `next_avail` when `needs_notify` last decided (with the event index).
    notified_at: u16,
}

// SAFETY: the queue owns its allocation; the raw pointer is only used through &mut self
// (or &self for reads of device-written fields), so it moves between threads like a Box.
unsafe impl Send for SplitQueue {}

impl SplitQueue {
    /// A queue of `size` entries (a power of two up to 32768), zeroed, all descriptors
    /// free. `None` for a bad size or without memory.
    pub fn new(size: u16) -> Option<SplitQueue> {
        if size == 0 || !size.is_power_of_two() || size > 32768 {
            return None;
        }
        let n = size as usize;
        let avail_offset = 16 * n;
        // flags, idx, ring[n], used_event
        let avail_len = 6 + 2 * n;
        let used_offset = (avail_offset + avail_len).next_multiple_of(64);
        // flags, idx, ring[n], avail_event
        let used_len = 6 + 8 * n;
        let layout = Layout::from_size_align(used_offset + used_len, 4096).ok()?;
        // SAFETY: the layout has a non-zero size.
        let base = NonNull::new(unsafe { alloc_zeroed(layout) })?;
        let mut free_next = alloc::vec::Vec::with_capacity(n);
        free_next.extend((1..=size).map(|i| i % size));
        Some(SplitQueue {
            base,
            layout,
            size,
            avail_offset,
            used_offset,
            free_head: 0,
            free_next,
            chain_len: alloc::vec![0; n],
            num_free: size,
            next_avail: 0,
            last_used: 0,
            event_idx: false,
            notified_at: 0,
        })
    }

    /// The device and driver agreed on VIRTIO_F_EVENT_IDX: from now on interrupts and
    /// notifications are asked for by index. Before the queue is used.
    pub fn use_event_index(&mut self) {
        self.event_idx = true;
    }

    pub fn size(&self) -> u16 {
        self.size
    }

    pub fn num_free(&self) -> u16 {
        self.num_free
    }

    pub fn addresses(&self) -> Addresses {
        let base = self.base.as_ptr() as u64;
        Addresses {
            desc: base,
            driver: base + self.avail_offset as u64,
            device: base + self.used_offset as u64,
        }
    }

    fn desc(&self, i: u16) -> *mut Descriptor {
        debug_assert!(i < self.size);
        // SAFETY: i < size, and the table has `size` entries at the start.
        unsafe { (self.base.as_ptr() as *mut Descriptor).add(i as usize) }
    }

    /// avail ring: u16 words; 0 flags, 1 idx, 2.. ring.
    fn avail_word(&self, word: usize) -> *mut u16 {
        debug_assert!(word < 3 + self.size as usize);
        // SAFETY: inside the avail part (6 + 2*size bytes) of the allocation.
        unsafe { self.base.as_ptr().add(self.avail_offset + 2 * word) as *mut u16 }
    }

    /// The avail ring's trailing word: the used index the driver wants an interrupt at.
    fn used_event(&self) -> *mut u16 {
        self.avail_word(2 + self.size as usize)
    }

    /// The used ring's trailing word: the avail index the device wants a notification at.
    fn avail_event(&self) -> *mut u16 {
        // SAFETY: after the used ring's 4-byte header and `size` 8-byte entries, inside
        // the allocation (6 + 8*size bytes from used_offset).
        unsafe {
            self.base
                .as_ptr()
                .add(self.used_offset + 4 + 8 * self.size as usize) as *mut u16
        }
    }

    fn used_flags(&self) -> *mut u16 {
        // SAFETY: the used part starts at used_offset inside the allocation.
        unsafe { self.base.as_ptr().add(self.used_offset) as *mut u16 }
    }

    fn used_idx(&self) -> *mut u16 {
        // SAFETY: as in used_flags, 2 bytes further.
        unsafe { self.base.as_ptr().add(self.used_offset + 2) as *mut u16 }
    }

    fn used_elem(&self, slot: u16) -> *mut UsedElem {
        debug_assert!(slot < self.size);
        // SAFETY: the ring of `size` 8-byte entries starts 4 bytes into the used part.
        unsafe {
            (self.base.as_ptr().add(self.used_offset + 4) as *mut UsedElem).add(slot as usize)
        }
    }

    /// Makes the chain `buffers` available to the device; returns its head descriptor.
    /// The caller still has to notify the device (see `needs_notify`).
    pub fn add(&mut self, buffers: &[Buffer]) -> Result<u16, AddError> {
        if buffers.is_empty() {
            return Err(AddError::Empty);
        }
        if buffers.len() > self.num_free as usize {
            return Err(AddError::Full);
        }
        let head = self.free_head;
        let mut i = head;
        for (k, b) in buffers.iter().enumerate() {
            let last = k + 1 == buffers.len();
            let next = self.free_next[i as usize];
            let d = Descriptor {
                addr: b.addr,
                len: b.len,
                flags: if b.writable { DESC_F_WRITE } else { 0 }
                    | if last { 0 } else { DESC_F_NEXT },
                next: if last { 0 } else { next },
            };
            // SAFETY: a free descriptor, which the device does not read until published.
            unsafe { ptr::write_volatile(self.desc(i), d) };
            i = next;
        }
        self.free_head = i;
        self.num_free -= buffers.len() as u16;
        self.chain_len[head as usize] = buffers.len() as u16;
        let slot = self.next_avail % self.size;
        // SAFETY: ring entry `slot` of the avail ring.
        unsafe { ptr::write_volatile(self.avail_word(2 + slot as usize), head) };
        // The device must see the descriptors and the ring entry before the new index.
        fence(Ordering::Release);
        self.next_avail = self.next_avail.wrapping_add(1);
        // SAFETY: the avail ring's idx word.
        unsafe { ptr::write_volatile(self.avail_word(1), self.next_avail) };
        Ok(head)
    }

    /// Whether the device asked to be notified of new buffers (it may suppress
    /// notifications while it is processing the ring anyway).
    pub fn needs_notify(&mut self) -> bool {
        // The index store above must be visible before the device's word is read, or
        // the device could go idle between the two without a notification.
        fence(Ordering::SeqCst);
        if self.event_idx {
            let old = core::mem::replace(&mut self.notified_at, self.next_avail);
            // SAFETY: the used ring's avail_event word, written by the device.
            let event = unsafe { ptr::read_volatile(self.avail_event()) };
            return event_index::crossed(event, self.next_avail, old);
        }
        // SAFETY: the used ring's flags word, written by the device.
        unsafe { ptr::read_volatile(self.used_flags()) & USED_F_NO_NOTIFY == 0 }
    }

    /// The device's "no notification needed" flag as a handle that outlives this borrow,
    /// for code that notifies without the queue (see `NotifyHint`).
    pub fn notify_hint(&self) -> NotifyHint {
        NotifyHint {
            used_flags: self.used_flags(),
            avail_idx: self.avail_word(1),
            avail_event: self.avail_event(),
            event_idx: self.event_idx,
            notified_at: AtomicU16::new(self.notified_at),
        }
    }

    /// Whether the device has returned chains not taken yet.
    pub fn has_used(&self) -> bool {
        self.used_waiting() != 0
    }

    /// Where the device publishes how far the used ring goes (for a watch that reads it
    /// without the queue, see net_rx_watch.rs), and how far the driver has taken it.
    pub fn used_progress(&self) -> (*mut u16, u16) {
        (self.used_idx(), self.last_used)
    }

    /// How many chains the device has returned that were not taken yet.
    pub fn used_waiting(&self) -> u16 {
        // SAFETY: the used ring's idx word, written by the device.
        unsafe { ptr::read_volatile(self.used_idx()) }.wrapping_sub(self.last_used)
    }

    /// The chain `pop_used` returns next, left in the ring (so the driver can look at a
    /// received buffer before deciding to consume it). `None` also for an entry that is
    /// not a chain in flight, which `pop_used` drops.
    pub fn peek_used(&self) -> Option<Used> {
        if !self.has_used() {
            return None;
        }
        // The entry must not be read before the index that published it.
        fence(Ordering::Acquire);
        let slot = self.last_used % self.size;
        // SAFETY: a used ring entry the device published.
        let elem = unsafe { ptr::read_volatile(self.used_elem(slot)) };
        match self.chain_len.get(elem.id as usize) {
            Some(&n) if n > 0 => Some(Used {
                head: elem.id as u16,
                len: elem.len,
            }),
            _ => None,
        }
    }

    /// Takes the next chain the device returned, freeing its descriptors.
    pub fn pop_used(&mut self) -> Option<Used> {
        if !self.has_used() {
            return None;
        }
        // The entry must not be read before the index that published it.
        fence(Ordering::Acquire);
        let slot = self.last_used % self.size;
        // SAFETY: a used ring entry the device published.
        let elem = unsafe { ptr::read_volatile(self.used_elem(slot)) };
        self.last_used = self.last_used.wrapping_add(1);
        // A device reporting something that is not a chain in flight would corrupt the
        // free list; such an entry is dropped.
        let head = elem.id as u16;
        let count = match self.chain_len.get(elem.id as usize) {
            Some(&n) if n > 0 => n,
            _ => return None,
        };
        self.chain_len[head as usize] = 0;
        let mut tail = head;
        for _ in 1..count {
            tail = self.free_next[tail as usize];
        }
        self.free_next[tail as usize] = self.free_head;
        self.free_head = head;
        self.num_free += count;
        Some(Used {
            head,
            len: elem.len,
        })
    }

    /// Asks the device not to interrupt when it uses buffers (a hint: it may still), or
    /// to interrupt at the next one it uses.
    pub fn set_interrupts(&mut self, enabled: bool) {
        if self.event_idx {
            let at = if enabled {
                self.last_used
            } else {
                event_index::far_from(self.last_used)
            };
            // SAFETY: the avail ring's used_event word.
            unsafe { ptr::write_volatile(self.used_event(), at) };
        } else {
            let flags = if enabled { 0 } else { AVAIL_F_NO_INTERRUPT };
            // SAFETY: the avail ring's flags word.
            unsafe { ptr::write_volatile(self.avail_word(0), flags) };
        }
        fence(Ordering::SeqCst);
    }

    /// Starts both rings at index `idx` (as if that many chains had gone round), so the
    /// tests reach the 2^16 wrap quickly.
    #[cfg(test)]
    fn start_at(&mut self, idx: u16) {
        self.next_avail = idx;
        self.last_used = idx;
        // SAFETY: the idx words of both rings.
        unsafe {
            ptr::write_volatile(self.avail_word(1), idx);
            ptr::write_volatile(self.used_idx(), idx);
        }
    }

    /// Raw views for the device model in the tests.
    #[cfg(test)]
    fn parts(&self) -> (*mut Descriptor, *mut u16, *mut u16, *mut UsedElem) {
        (
            self.desc(0),
            self.avail_word(0),
            self.used_flags(),
            self.used_elem(0),
        )
    }
}

impl Drop for SplitQueue {
    /// Only after the device was reset (or never told about the queue).
    fn drop(&mut self) {
        // SAFETY: allocated in `new` with this layout.
        unsafe { dealloc(self.base.as_ptr(), self.layout) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;
    use alloc::vec::Vec;

    /// The device side, reading and writing the rings through the queue's pointers.
    struct Device {
        desc: *mut Descriptor,
        avail: *mut u16,
        used: *mut u16,
        ring: *mut UsedElem,
        size: u16,
        seen: u16,
        used_idx: u16,
    }

    impl Device {
        fn new(q: &SplitQueue) -> Self {
            let (desc, avail, used, ring) = q.parts();
            // SAFETY (test): the rings' idx words.
            let (seen, used_idx) = unsafe {
                (
                    ptr::read_volatile(avail.add(1)),
                    ptr::read_volatile(used.add(1)),
                )
            };
            Device {
                desc,
                avail,
                used,
                ring,
                size: q.size(),
                seen,
                used_idx,
            }
        }
        /// Takes the next available chain: its head and descriptors.
        fn take(&mut self) -> Option<(u16, Vec<Descriptor>)> {
            // SAFETY (test): pointers into the live queue allocation.
            unsafe {
                let idx = ptr::read_volatile(self.avail.add(1));
                if idx == self.seen {
                    return None;
                }
                let head = ptr::read_volatile(self.avail.add(2 + (self.seen % self.size) as usize));
                self.seen = self.seen.wrapping_add(1);
                let mut chain = Vec::new();
                let mut i = head;
                loop {
                    let d = ptr::read_volatile(self.desc.add(i as usize));
                    chain.push(d);
                    if d.flags & DESC_F_NEXT == 0 {
                        break;
                    }
                    i = d.next;
                }
                Some((head, chain))
            }
        }
        fn give_back(&mut self, head: u16, len: u32) {
            // SAFETY (test): as above.
            unsafe {
                ptr::write_volatile(
                    self.ring.add((self.used_idx % self.size) as usize),
                    UsedElem {
                        id: head as u32,
                        len,
                    },
                );
                self.used_idx = self.used_idx.wrapping_add(1);
                ptr::write_volatile(self.used.add(1), self.used_idx);
            }
        }
    }

    #[test]
    fn rejects_bad_sizes() {
        assert!(SplitQueue::new(0).is_none());
        assert!(SplitQueue::new(3).is_none());
        assert!(SplitQueue::new(65535).is_none());
        let q = SplitQueue::new(8).unwrap();
        let a = q.addresses();
        assert_eq!(a.desc % 4096, 0);
        assert_eq!(a.driver, a.desc + 8 * 16);
        assert!(a.device >= a.driver + 6 + 16 && a.device % 4 == 0);
    }

    #[test]
    fn chains_round_trip() {
        let mut q = SplitQueue::new(4).unwrap();
        let mut dev = Device::new(&q);
        let b = |addr, len, writable| Buffer {
            addr,
            len,
            writable,
        };
        let h1 = q
            .add(&[b(0x1000, 12, false), b(0x2000, 100, false)])
            .unwrap();
        let h2 = q.add(&[b(0x3000, 1500, true)]).unwrap();
        assert_eq!(q.num_free(), 1);
        assert_eq!(
            q.add(&[b(1, 1, false), b(2, 2, false)]),
            Err(AddError::Full)
        );
        assert_eq!(q.add(&[]), Err(AddError::Empty));
        assert!(q.needs_notify());

        let (head, chain) = dev.take().unwrap();
        assert_eq!(head, h1);
        assert_eq!(chain.len(), 2);
        assert_eq!(
            (chain[0].addr, chain[0].len, chain[0].flags),
            (0x1000, 12, DESC_F_NEXT)
        );
        assert_eq!(
            (chain[1].addr, chain[1].len, chain[1].flags),
            (0x2000, 100, 0)
        );
        let (head2, chain2) = dev.take().unwrap();
        assert_eq!(head2, h2);
        assert_eq!(chain2[0].flags, DESC_F_WRITE);
        assert!(dev.take().is_none());

        assert!(q.pop_used().is_none());
        assert!(q.peek_used().is_none());
        dev.give_back(h2, 60);
        dev.give_back(h1, 0);
        // Peeking leaves the entry for pop_used.
        assert_eq!(q.peek_used(), Some(Used { head: h2, len: 60 }));
        assert_eq!(q.peek_used(), Some(Used { head: h2, len: 60 }));
        assert_eq!(q.num_free(), 1);
        assert_eq!(q.pop_used(), Some(Used { head: h2, len: 60 }));
        assert_eq!(q.peek_used(), Some(Used { head: h1, len: 0 }));
        assert_eq!(q.pop_used(), Some(Used { head: h1, len: 0 }));
        assert_eq!(q.pop_used(), None);
        assert_eq!(q.num_free(), 4);
    }

    #[test]
    fn survives_index_wraparound_and_out_of_order_completion() {
        let mut q = SplitQueue::new(8).unwrap();
        // Close to the wrap of the free-running 16-bit indices.
        q.start_at(65_500);
        let mut dev = Device::new(&q);
        let mut outstanding: Vec<u16> = Vec::new();
        let mut next_addr = 0u64;
        let mut expected = vec![];
        // Each round makes up to 4 chains go round: the indices wrap after ~10 rounds.
        for round in 0..40u32 {
            while q.num_free() >= 2 && outstanding.len() < 5 {
                next_addr += 0x10;
                let h = q
                    .add(&[
                        Buffer {
                            addr: next_addr,
                            len: 1,
                            writable: false,
                        },
                        Buffer {
                            addr: next_addr + 8,
                            len: 2,
                            writable: true,
                        },
                    ])
                    .unwrap();
                outstanding.push(h);
                expected.push((h, next_addr));
            }
            while let Some((head, chain)) = dev.take() {
                let want = expected.iter().position(|&(h, _)| h == head).unwrap();
                assert_eq!(chain[0].addr, expected.remove(want).1);
                assert_eq!(chain.len(), 2);
            }
            // Complete in reverse order to scramble the free list.
            if round % 2 == 0 {
                outstanding.reverse();
            }
            for h in outstanding.drain(..) {
                dev.give_back(h, h as u32);
            }
            while let Some(u) = q.pop_used() {
                assert_eq!(u.len, u.head as u32);
            }
            assert_eq!(q.num_free(), 8);
        }
        assert!(
            q.next_avail < 1000 && q.last_used == q.next_avail,
            "wrapped"
        );
    }

    #[test]
    fn interrupt_and_notify_flags() {
        let mut q = SplitQueue::new(2).unwrap();
        let (_, avail, used, _) = q.parts();
        q.set_interrupts(false);
        // SAFETY (test): the avail flags word.
        assert_eq!(unsafe { ptr::read_volatile(avail) }, AVAIL_F_NO_INTERRUPT);
        q.set_interrupts(true);
        // SAFETY (test): the avail flags word.
        assert_eq!(unsafe { ptr::read_volatile(avail) }, 0);
        let hint = q.notify_hint();
        // SAFETY (test): the queue is alive.
        assert!(unsafe { hint.wants_notification() });
        // SAFETY (test): the used flags word, as the device would set it.
        unsafe { ptr::write_volatile(used, USED_F_NO_NOTIFY) };
        assert!(!q.needs_notify());
        // The hint reads the device's current flag, not a copy.
        // SAFETY (test): the queue is alive.
        assert!(!unsafe { hint.wants_notification() });
    }

    #[test]
    fn event_index_asks_by_index() {
        let mut q = SplitQueue::new(4).unwrap();
        q.use_event_index();
        let (used_event, avail_event) = (q.used_event(), q.avail_event());
        let b = Buffer {
            addr: 0x1000,
            len: 8,
            writable: true,
        };
        // The device asks to hear of avail index 0: the first buffer crosses it.
        q.add(&[b]).unwrap();
        assert!(q.needs_notify());
        // Still 0 (the device has not looked): the second buffer does not cross it.
        q.add(&[b]).unwrap();
        assert!(!q.needs_notify());
        // The device, idle again, asks to hear of index 2, which the third crosses.
        // SAFETY (test): the used ring's avail_event word, as the device writes it.
        unsafe { ptr::write_volatile(avail_event, 2) };
        q.add(&[b]).unwrap();
        assert!(q.needs_notify());
        // The hint decides from the index it last told of, as the queue does.
        let hint = q.notify_hint();
        // SAFETY (test): the queue is alive.
        assert!(!unsafe { hint.wants_notification() });
        // SAFETY (test): as above.
        unsafe { ptr::write_volatile(avail_event, 3) };
        q.add(&[b]).unwrap();
        // SAFETY (test): the queue is alive.
        assert!(unsafe { hint.wants_notification() });
        // Interrupts: at the next used entry, or not for half the index space.
        q.set_interrupts(true);
        // SAFETY (test): the avail ring's used_event word.
        assert_eq!(unsafe { ptr::read_volatile(used_event) }, 0);
        q.set_interrupts(false);
        // SAFETY (test): as above.
        assert_eq!(unsafe { ptr::read_volatile(used_event) }, 0x8000);
        // The flags words are left alone.
        let (_, flags, _, _) = q.parts();
        // SAFETY (test): the avail flags word.
        assert_eq!(unsafe { ptr::read_volatile(flags) }, 0);
    }

    #[test]
    fn bogus_used_ids_are_dropped() {
        let mut q = SplitQueue::new(2).unwrap();
        let mut dev = Device::new(&q);
        q.add(&[Buffer {
            addr: 1,
            len: 1,
            writable: true,
        }])
        .unwrap();
        dev.give_back(7, 1);
        assert_eq!(q.peek_used(), None);
        assert_eq!(q.pop_used(), None);
        assert_eq!(q.num_free(), 1);
    }
}
