//! virtio-fs (virtio 1.x, 5.11): FUSE requests to a host daemon (virtiofsd). Queue 0
//! is the high-priority queue (FORGET), queue 1 the first request queue; the
//! configuration holds the tag the runner gave the device.
//!
//! One request at a time per device, synchronous: the request and a reply buffer go out
//! as one descriptor chain and the caller waits, letting other tasks run, until the
//! device has used it. FORGETs (no reply) are not waited for: their buffers are kept
//! until the device has used them and freed at the next FORGET. A device that does not answer within `TIMEOUT_NS` (its daemon
//! died) is marked broken: that request and every later one fail with `EIO`, and the
//! buffers of the unanswered request are leaked, since the device might still write
//! them.

use alloc::string::String;
use alloc::vec::Vec;
use core::sync::atomic::{Ordering, fence};
use hermit_sync::SpinMutex;

use super::Transport;
use super::any_transport::AnyTransport;
use super::queue::{Buffer, SplitQueue};
use crate::abi::errno::{EIO, ENOMEM, Errno};
use crate::fs::fuse::{self, volume::Channel};

pub const DEVICE_FS: u32 = 26;
const HIPRIO_QUEUE: u16 = 0;
const REQUEST_QUEUE: u16 = 1;
/// Descriptors of the request queue: a chain has two or three, and one request is in
/// flight at a time.
const QUEUE_SIZE: u16 = 8;
/// Descriptors of the high-priority queue: FORGETs in flight, not waited for.
const HIPRIO_SIZE: u16 = 64;
/// Length of the tag in the configuration (NUL-padded).
const TAG_LEN: usize = 36;
/// How long a request may take before the device counts as gone.
const TIMEOUT_NS: u64 = 20_000_000_000;

struct Inner {
    transport: AnyTransport,
    hiprio: SplitQueue,
    requests: SplitQueue,
    /// The FORGET requests in flight, by head descriptor (the device may read them
    /// until it has used them).
    forgets: Vec<Option<Vec<u8>>>,
    broken: bool,
}

pub struct VirtioFs {
    inner: SpinMutex<Inner>,
}

impl VirtioFs {
    /// Initialises the device behind `transport`; returns it and its tag.
    pub fn new(transport: AnyTransport) -> Result<(VirtioFs, String), &'static str> {
        super::negotiate(&transport, 0, 0)?;
        let size = |q, want: u16| {
            let max = transport.queue_max_size(q);
            if max == 0 {
                return Err("a queue is missing");
            }
            Ok(1u16 << (15 - max.min(want).leading_zeros() as u16))
        };
        let hp_size = size(HIPRIO_QUEUE, HIPRIO_SIZE)?;
        let rq_size = size(REQUEST_QUEUE, QUEUE_SIZE)?;
        let mut hiprio = SplitQueue::new(hp_size).ok_or("no memory for the queues")?;
        let mut requests = SplitQueue::new(rq_size).ok_or("no memory for the queues")?;
        // Completions are polled for.
        hiprio.set_interrupts(false);
        requests.set_interrupts(false);
        transport.setup_queue(HIPRIO_QUEUE, hp_size, hiprio.addresses())?;
        transport.setup_queue(REQUEST_QUEUE, rq_size, requests.addresses())?;
        let tag_bytes = super::read_config::<TAG_LEN>(&transport, 0);
        let end = tag_bytes.iter().position(|&b| b == 0).unwrap_or(TAG_LEN);
        let tag = String::from_utf8_lossy(&tag_bytes[..end]).into_owned();
        super::driver_ok(&transport);
        Ok((
            VirtioFs {
                inner: SpinMutex::new(Inner {
                    transport,
                    hiprio,
                    requests,
                    forgets: (0..hp_size).map(|_| None).collect(),
                    broken: false,
                }),
            },
            tag,
        ))
    }
}

impl Inner {
    /// Puts the request chain `buffers` on the request queue and waits until the device
    /// used it: the bytes it wrote. `EIO` (and the device marked broken) on a timeout.
    fn exchange(&mut self, buffers: &[Buffer]) -> Result<u32, Errno> {
        if self.broken {
            return Err(EIO);
        }
        let head = self.requests.add(buffers).map_err(|_| EIO)?;
        if self.requests.needs_notify() {
            self.transport.notify(REQUEST_QUEUE);
        }
        let deadline = crate::clock::uptime_ns() + TIMEOUT_NS;
        loop {
            if let Some(used) = self.requests.pop_used() {
                // The device's writes to the reply before the caller reads it.
                fence(Ordering::Acquire);
                if used.head != head {
                    // Only one chain is ever in flight on the queue.
                    self.broken = true;
                    return Err(EIO);
                }
                return Ok(used.len);
            }
            if crate::clock::uptime_ns() > deadline {
                self.give_up();
                return Err(EIO);
            }
            fuse::relax();
        }
    }

    /// The daemon does not answer: the device is reset, so it may no longer touch any
    /// buffer it was given (a READ's may be the application's), and stays unusable.
    fn give_up(&mut self) {
        crate::kreport!(
            "eremit: virtio-fs: the host's daemon does not answer; volume unusable (EIO)"
        );
        self.transport.set_status(0);
        self.broken = true;
    }

    /// Frees the FORGETs the device is done with.
    fn reap_forgets(&mut self) {
        while let Some(used) = self.hiprio.pop_used() {
            if let Some(slot) = self.forgets.get_mut(used.head as usize) {
                *slot = None;
            }
        }
    }

    /// Queues a FORGET without waiting for it (room permitting: else until the device
    /// used an earlier one).
    fn forget(&mut self, request: Vec<u8>) {
        let deadline = crate::clock::uptime_ns() + TIMEOUT_NS;
        loop {
            if self.broken {
                // The device may never use the earlier ones: they stay allocated.
                core::mem::forget(request);
                return;
            }
            self.reap_forgets();
            if self.hiprio.num_free() > 0 {
                break;
            }
            if crate::clock::uptime_ns() > deadline {
                self.give_up();
            }
            fuse::relax();
        }
        let buffer = [device_reads(&request)];
        match self.hiprio.add(&buffer) {
            Ok(head) => {
                if let Some(slot) = self.forgets.get_mut(head as usize) {
                    *slot = Some(request);
                } else {
                    core::mem::forget(request);
                }
                if self.hiprio.needs_notify() {
                    self.transport.notify(HIPRIO_QUEUE);
                }
            }
            Err(_) => drop(request),
        }
    }
}

impl Channel for VirtioFs {
    fn call(&self, request: Vec<u8>, reply_len: usize) -> Result<Vec<u8>, Errno> {
        // Not zeroed: the device writes the reply, and only what it wrote is kept.
        let mut reply: Vec<u8> = Vec::new();
        reply.try_reserve_exact(reply_len).map_err(|_| ENOMEM)?;
        let buffers = [
            device_reads(&request),
            device_writes(reply.as_mut_ptr(), reply_len),
        ];
        let mut inner = fuse::lock(&self.inner);
        match inner.exchange(&buffers) {
            Ok(len) => {
                let len = (len as usize).min(reply_len);
                // SAFETY: the capacity is at least `reply_len`, and the device wrote the
                // first `len` bytes (it reports what it wrote in the used ring).
                unsafe { reply.set_len(len) };
                Ok(reply)
            }
            Err(e) => {
                if inner.broken {
                    // The device may still write these: never free them.
                    core::mem::forget(request);
                    core::mem::forget(reply);
                }
                Err(e)
            }
        }
    }

    fn send(&self, request: Vec<u8>) {
        fuse::lock(&self.inner).forget(request);
    }

    fn call_into(
        &self,
        request: Vec<u8>,
        header_len: usize,
        data: &mut [u8],
    ) -> Result<(Vec<u8>, usize), Errno> {
        let mut header: Vec<u8> = Vec::new();
        header.try_reserve_exact(header_len).map_err(|_| ENOMEM)?;
        header.resize(header_len, 0);
        // `data` is kernel or application memory, identity-mapped like all RAM, so its
        // address is the one the device uses, and it is contiguous there too.
        let buffers = [
            device_reads(&request),
            device_writes(header.as_mut_ptr(), header_len),
            device_writes(data.as_mut_ptr(), data.len()),
        ];
        let mut inner = fuse::lock(&self.inner);
        match inner.exchange(&buffers) {
            Ok(len) => Ok((header, len as usize)),
            Err(e) => {
                if inner.broken {
                    // Reset, but never trust that fully with the kernel's own buffers.
                    core::mem::forget(request);
                    core::mem::forget(header);
                }
                Err(e)
            }
        }
    }
}

/// A buffer the device reads: a request.
fn device_reads(bytes: &[u8]) -> Buffer {
    Buffer {
        addr: bytes.as_ptr() as u64,
        len: bytes.len() as u32,
        writable: false,
    }
}

/// A buffer of `len` bytes at `addr` the device writes: a reply or file data.
fn device_writes(addr: *mut u8, len: usize) -> Buffer {
    Buffer {
        addr: addr as u64,
        len: len as u32,
        writable: true,
    }
}

/// Every virtio-fs device on this machine, with its tag.
pub fn probe_all() -> Vec<(String, VirtioFs)> {
    let mut found = Vec::new();
    for transport in transports() {
        match VirtioFs::new(transport) {
            Ok((dev, tag)) => {
                crate::klog!("eremit: virtio-fs device tagged {tag:?}");
                found.push((tag, dev));
            }
            Err(e) => crate::kreport!("eremit: virtio-fs: {e}"),
        }
    }
    found
}

#[cfg(feature = "pci")]
fn pci_transports(out: &mut Vec<AnyTransport>) {
    use super::pci::{PciTransport, VENDOR_VIRTIO, virtio_device_id};
    use crate::drivers::pci::{PortConfig, enumerate};
    let mut locations = Vec::new();
    enumerate(PortConfig, |f| {
        if f.vendor == VENDOR_VIRTIO && virtio_device_id(f.device) == Some(DEVICE_FS) {
            locations.push(f.location);
        }
    });
    for loc in locations {
        match PciTransport::open(loc, None) {
            Ok(t) => out.push(AnyTransport::Pci(t)),
            Err(e) => crate::kreport!("eremit: virtio-fs on PCI: {e}"),
        }
    }
}

#[cfg(not(feature = "pci"))]
fn pci_transports(_: &mut Vec<AnyTransport>) {
    crate::kreport!("eremit: virtio-fs: PCI present but the kernel was built without `pci`");
}

fn transports() -> Vec<AnyTransport> {
    let mut out = Vec::new();
    if super::any_transport::pci_present() {
        pci_transports(&mut out);
    } else {
        use super::mmio;
        for slot in mmio::transports() {
            if let Some((DEVICE_FS, t)) = mmio::probe(slot.base) {
                out.push(AnyTransport::Mmio(t));
            }
        }
    }
    out
}
