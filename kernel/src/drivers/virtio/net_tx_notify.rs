//! Transmit notifications held back while the application is still serving a batch.
//!
//! Under emulation every notification is an exit to QEMU and a wake-up of its I/O
//! thread, which then sends what the ring holds. When several connections have
//! requests waiting, the application answers them one call after another; notifying
//! after each answer wakes the I/O thread once per answer, notifying after the last one
//! wakes it once for all. So a frame an application call queues while more work is
//! visibly waiting (the stack decides, see `Stack::after_call`) is only marked here, and
//! the notification goes out at the first of:
//!   * a later transmit that is not held back (the batch's last answer);
//!   * the CPU running out of tasks (the idle loop calls `flush` before it halts);
//!   * any interrupt (the irq path calls `flush`), which bounds the wait for a program
//!     that computes without another network call: its time slice ends with one;
//!   * the ring filling up (the driver notifies then anyway).
//!
//! `flush` takes no lock (the idle loop and interrupt handlers cannot take the stack's):
//! it needs only the queue's doorbell and the device's suppression flag.

use alloc::boxed::Box;
use core::sync::atomic::{AtomicBool, AtomicPtr, Ordering};

use super::doorbell::Doorbell;
use super::net_counters::NOTIFICATIONS;
use super::queue::NotifyHint;
use crate::mm::try_box::try_box;

/// The transmit queue's doorbell and suppression flag.
struct Target {
    bell: Doorbell,
    hint: NotifyHint,
}

/// Set once, when the network device is up; never freed.
static TARGET: AtomicPtr<Target> = AtomicPtr::new(core::ptr::null_mut());
/// Frames were made available to the device without a notification.
static PENDING: AtomicBool = AtomicBool::new(false);

/// Makes `flush` work on the network device's transmit queue. Called once the device
/// works; its queues are never freed afterwards (the network stack lives in a static
/// for the rest of the run), which is what `flush` relies on.
pub fn install(bell: Doorbell, hint: NotifyHint) -> Result<(), &'static str> {
    let target = try_box(Target { bell, hint }).map_err(|_| "no memory for the doorbell")?;
    // A second device (none exists today) would replace the first: both stay valid.
    TARGET.store(Box::into_raw(target), Ordering::Release);
    Ok(())
}

/// Frames were made available (their index published) and their notification is held
/// back.
pub fn hold() {
    PENDING.store(true, Ordering::Release);
}

/// The driver is notifying now, which covers every frame held back so far.
pub fn notifying() {
    PENDING.store(false, Ordering::Relaxed);
}

/// Whether a notification is held back.
pub fn pending() -> bool {
    PENDING.load(Ordering::Relaxed)
}

/// Sends the notification held back, if any. Safe from any context: a task, the idle
/// loop, an interrupt handler; two CPUs flushing at once notify at most twice.
pub fn flush() {
    if !PENDING.load(Ordering::Relaxed) || !PENDING.swap(false, Ordering::AcqRel) {
        return;
    }
    let target = TARGET.load(Ordering::Acquire);
    if target.is_null() {
        return;
    }
    // SAFETY: set by `install` from a leaked Box, never freed.
    let t = unsafe { &*target };
    // SAFETY: the transmit queue outlives the run (see `install`).
    if unsafe { t.hint.wants_notification() } {
        NOTIFICATIONS.add(1);
        t.bell.ring();
    }
}
