//! Event counters of the network device, to see what one request costs (interrupts,
//! notifications, polls per frame) without a profiler: under TCG every interrupt and
//! every notification is an exit to QEMU, which dominates small packets' cost. With
//! the `verbose` kernel option they are logged when the program exits.

use core::sync::atomic::{AtomicU64, Ordering};

pub struct Counter(AtomicU64);

impl Counter {
    const fn new() -> Counter {
        Counter(AtomicU64::new(0))
    }

    pub fn add(&self, n: u64) {
        self.0.fetch_add(n, Ordering::Relaxed);
    }

    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// Interrupts the device raised.
pub static INTERRUPTS: Counter = Counter::new();
/// Frames received and handed to the stack.
pub static RX_FRAMES: Counter = Counter::new();
/// Of those, TCP segments larger than the MTU, put together from several buffers.
pub static RX_LARGE: Counter = Counter::new();
/// Received frames dropped for a wrong TCP checksum (with checksum offload).
pub static RX_DROPPED: Counter = Counter::new();
/// Frames queued for sending.
pub static TX_FRAMES: Counter = Counter::new();
/// Notifications written to the device (receive and transmit queues).
pub static NOTIFICATIONS: Counter = Counter::new();
/// Rounds of the network task's polling.
pub static TASK_POLLS: Counter = Counter::new();

/// Times the idle loop found frames in the receive ring while it watched
/// (net_rx_watch.rs) and woke the network task, each of which would otherwise have
/// been an interrupt.
pub static WATCH_FOUND: Counter = Counter::new();
/// Watches that ended without a frame (the interrupt was turned back on).
pub static WATCH_ENDED_IDLE: Counter = Counter::new();

/// One line with every counter.
pub fn summary() -> impl core::fmt::Display {
    struct S;
    impl core::fmt::Display for S {
        fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
            write!(
                f,
                "interrupts {}, rx frames {} ({} large, {} dropped), tx frames {}, notifications {}, task polls {}, rx watch found frames {} times ({} ended idle)",
                INTERRUPTS.get(),
                RX_FRAMES.get(),
                RX_LARGE.get(),
                RX_DROPPED.get(),
                TX_FRAMES.get(),
                NOTIFICATIONS.get(),
                TASK_POLLS.get(),
                WATCH_FOUND.get(),
                WATCH_ENDED_IDLE.get()
            )
        }
    }
    S
}
