//! A queue's "does the device want a notification" decision, made without the queue
//! (split out of queue.rs, which hands these out with `SplitQueue::notify_hint`): the
//! network driver's transmit notification is sent from the idle loop and interrupt
//! handlers, which cannot take the lock that guards the queue (net_tx_notify.rs).

use core::ptr;
use core::sync::atomic::{AtomicU16, Ordering, fence};

use super::event_index;
use super::queue::USED_F_NO_NOTIFY;

/// Where a queue's device says whether it wants notifications (the used ring's flags
/// word, or its avail_event word with the event index): lets a driver decide whether to
/// notify without reaching the queue itself. Valid as long as the queue's memory is,
/// which the holder must ensure (the network driver's queues are never freed). With the
/// event index only the hint may notify of the queue's buffers (it remembers the index
/// it last told of).
#[derive(Debug)]
pub struct NotifyHint {
    pub(super) used_flags: *mut u16,
    pub(super) avail_idx: *mut u16,
    pub(super) avail_event: *mut u16,
    pub(super) event_idx: bool,
    pub(super) notified_at: AtomicU16,
}

impl NotifyHint {
    /// Whether the device wants to hear about new buffers (as `needs_notify`); the
    /// caller notifies when it says so.
    ///
    /// # Safety
    /// The queue this hint came from must still exist.
    pub unsafe fn wants_notification(&self) -> bool {
        // The new available index must be visible before the device's word is read (see
        // `needs_notify`).
        fence(Ordering::SeqCst);
        if self.event_idx {
            // SAFETY: the avail ring's idx and the used ring's avail_event words of a
            // live queue (the caller's promise).
            let (new, event) = unsafe {
                (
                    ptr::read_volatile(self.avail_idx),
                    ptr::read_volatile(self.avail_event),
                )
            };
            let old = self.notified_at.swap(new, Ordering::AcqRel);
            return event_index::crossed(event, new, old);
        }
        // SAFETY: the used ring's flags word of a live queue (the caller's promise).
        unsafe { ptr::read_volatile(self.used_flags) & USED_F_NO_NOTIFY == 0 }
    }
}
