//! The receive queue's interrupts, off while the network task is busy.
//!
//! Without suppression QEMU's virtio-net signals its MSI for every frame it puts in the
//! receive ring, although the CPU takes one interrupt until the handler has ended: with
//! 8 keep-alive connections it raised 1.05 interrupts per request while the guest took
//! 0.22. Each one costs QEMU's I/O thread an APIC delivery and a kick of the vCPU
//! thread (which then leaves its translated code to look at it). So the interrupt
//! handler mutes the queue (`mute`, lock-free: it cannot take the stack's lock) and
//! wakes the network task, which polls until the ring is empty and unmutes it before it
//! sleeps (`VirtioNet::unmute_rx`); a frame that came between its last poll and the
//! unmuting is seen there, so the task polls again rather than sleeping on it.

use alloc::boxed::Box;
use core::sync::atomic::{AtomicPtr, Ordering};

use super::queue::InterruptMute;
use crate::mm::try_box::try_box;

/// Set once, when the network device is up; never freed.
static TARGET: AtomicPtr<InterruptMute> = AtomicPtr::new(core::ptr::null_mut());

/// Makes `mute` work on the network device's receive queue, which is never freed
/// afterwards (the network stack lives in a static for the rest of the run).
pub fn install(mute: InterruptMute) -> Result<(), &'static str> {
    let target = try_box(mute).map_err(|_| "no memory for the receive queue's handle")?;
    TARGET.store(Box::into_raw(target), Ordering::Release);
    Ok(())
}

/// Asks the device not to interrupt for received frames until the network task has
/// looked at the ring. From the interrupt handler.
pub fn mute() {
    let target = TARGET.load(Ordering::Acquire);
    if target.is_null() {
        return;
    }
    // SAFETY: set by `install` from a leaked Box, never freed; the receive queue outlives
    // the run (see `install`).
    unsafe { (*target).mute() };
}
