//! virtio-rng, the entropy device (virtio 1.x, 5.4): one queue, on which the driver posts
//! a buffer and the device fills it with random bytes. `crate::entropy` asks it when the
//! CPU has no random instruction (an aarch64 core without `FEAT_RNG`'s `RNDR`). Found at
//! the first request among the machine's virtio-mmio transports; one request at a time,
//! polled (QEMU answers at once), under one lock.

use alloc::boxed::Box;
use core::sync::atomic::{Ordering, fence};
use hermit_sync::SpinMutex;

use super::Transport;
use super::mmio::{self, MmioTransport};
use super::queue::{Buffer, SplitQueue};

pub const DEVICE_RNG: u32 = 4;
const QUEUE: u16 = 0;
/// One request is in flight at a time.
const QUEUE_SIZE: u16 = 2;
/// Bytes asked for per request.
const CHUNK: usize = 64;
/// How long the device may take before it counts as gone.
const TIMEOUT_NS: u64 = 1_000_000_000;

struct Device {
    transport: MmioTransport,
    queue: SplitQueue,
    /// The buffer the device writes (never freed: after a timeout it might still).
    buf: &'static mut [u8; CHUNK],
}

enum State {
    NotLooked,
    Absent,
    Ready(Device),
}

static RNG: SpinMutex<State> = SpinMutex::new(State::NotLooked);

fn start(transport: MmioTransport) -> Result<Device, &'static str> {
    super::negotiate(&transport, 0, 0)?;
    let max = transport.queue_max_size(QUEUE);
    if max == 0 {
        return Err("the request queue is missing");
    }
    let size = QUEUE_SIZE.min(1 << (15 - max.leading_zeros()));
    let mut queue = SplitQueue::new(size).ok_or("no memory for the queue")?;
    // Completions are polled for.
    queue.set_interrupts(false);
    transport.setup_queue(QUEUE, size, queue.addresses())?;
    super::driver_ok(&transport);
    Ok(Device {
        transport,
        queue,
        buf: Box::leak(Box::new([0; CHUNK])),
    })
}

fn look() -> State {
    // A PCI machine (q35) has no virtio-mmio transports (and its CPU RDRAND).
    if super::any_transport::pci_present() {
        return State::Absent;
    }
    for slot in mmio::transports() {
        if let Some((DEVICE_RNG, t)) = mmio::probe(slot.base) {
            match start(t) {
                Ok(dev) => {
                    crate::klog!("eremit: virtio-rng at {:#x}", slot.base);
                    return State::Ready(dev);
                }
                Err(e) => crate::klog!("eremit: virtio-rng at {:#x}: {e}", slot.base),
            }
        }
    }
    State::Absent
}

impl Device {
    /// One request: how many random bytes the device wrote into `buf` (`None` when it did
    /// not answer in time).
    fn request(&mut self) -> Option<usize> {
        let chain = [Buffer {
            addr: self.buf.as_mut_ptr() as u64,
            len: CHUNK as u32,
            writable: true,
        }];
        let head = self.queue.add(&chain).ok()?;
        if self.queue.needs_notify() {
            self.transport.notify(QUEUE);
        }
        let deadline = crate::clock::uptime_ns() + TIMEOUT_NS;
        loop {
            if let Some(used) = self.queue.pop_used() {
                // The device's writes to the buffer before they are read.
                fence(Ordering::Acquire);
                return (used.head == head).then_some((used.len as usize).min(CHUNK));
            }
            if crate::clock::uptime_ns() > deadline {
                return None;
            }
            core::hint::spin_loop();
        }
    }
}

/// Fills the start of `out` with the device's random bytes: how many (0 without a device,
/// or once it stopped answering, when it is given up).
pub fn fill(out: &mut [u8]) -> usize {
    let mut state = RNG.lock();
    if matches!(*state, State::NotLooked) {
        *state = look();
    }
    let State::Ready(dev) = &mut *state else {
        return 0;
    };
    let mut done = 0;
    let mut failed = false;
    while done < out.len() {
        match dev.request() {
            Some(n) if n > 0 => {
                let n = n.min(out.len() - done);
                out[done..done + n].copy_from_slice(&dev.buf[..n]);
                done += n;
            }
            _ => {
                failed = true;
                break;
            }
        }
    }
    if failed {
        crate::kreport!("eremit: virtio-rng does not answer; no longer used");
        dev.transport.set_status(0);
        *state = State::Absent;
    }
    done
}
