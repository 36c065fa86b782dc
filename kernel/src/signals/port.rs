//! The signal channel's device: found at boot when the runner added it (kernel option
//! `signals`), read entirely from its interrupt, so a signal is acted on whatever the
//! application is doing (a busy loop, a blocking call, nothing at all).

use core::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};

use hermit_sync::InterruptSpinMutex;

use super::pending::{self, PendingSet};
use crate::abi::errno::{EINVAL, ENXIO, Errno};
use crate::drivers::virtio::DEVICE_CONSOLE;
use crate::drivers::virtio::any_transport::{self, AnyTransport};
use crate::drivers::virtio::console::{self, VirtioConsole};
use crate::drivers::virtio::mmio;

static CHANNEL: InterruptSpinMutex<Option<VirtioConsole<AnyTransport>>> =
    InterruptSpinMutex::new(None);
/// The MMIO window whose interrupt the handler acknowledges (0: MSI-X, nothing to do).
static ACK_BASE: AtomicU64 = AtomicU64::new(0);
/// The application takes the signals (`subscribe`); until then the kernel acts on them.
static SUBSCRIBED: AtomicBool = AtomicBool::new(false);
static PENDING: PendingSet = PendingSet::new();
/// Receive buffers (4 KiB each): QEMU puts what one read of the socket gave (any number
/// of signal bytes) in one, and they are reposted at once, so a few are plenty, and a
/// small VM keeps its memory.
const RX_BUFFERS: u16 = 4;
/// Bumped on every signal queued: the futex word `wait` sleeps on.
static ARRIVALS: AtomicU32 = AtomicU32::new(0);

/// Opens the runner's signal channel (called once at boot, interrupts on).
pub fn init() {
    let Some(vector) = crate::arch::irq::register_device(interrupt) else {
        crate::klog!("eremit: signals: no interrupt vector left; none will arrive");
        return;
    };
    let Some(found) = any_transport::find_where(DEVICE_CONSOLE, vector, console::is_signal_channel)
    else {
        crate::klog!("eremit: signals: no signal channel device; none will arrive");
        return;
    };
    ACK_BASE.store(found.ack_base.unwrap_or(0), Ordering::Release);
    match VirtioConsole::new(found.transport, RX_BUFFERS) {
        Ok(dev) => *CHANNEL.lock() = Some(dev),
        Err(e) => {
            crate::klog!("eremit: signals: virtio-console: {e}; none will arrive");
            return;
        }
    }
    crate::klog!("eremit: signals: channel from the runner ready");
    // Anything that arrived before the driver was in place raised no interrupt we saw.
    drain();
}

fn interrupt() {
    let base = ACK_BASE.load(Ordering::Acquire);
    if base != 0 && mmio::ack_interrupt_at(base) == 0 {
        return; // not ours
    }
    drain();
}

/// Acts on every byte received so far and gives the buffers back.
fn drain() {
    let mut guard = CHANNEL.lock();
    let Some(dev) = guard.as_mut() else {
        return;
    };
    while let Some((buffer, len)) = dev.take_received() {
        // SAFETY: `buffer` came from `take_received` and is reposted only after the loop
        // over its bytes, its last use.
        let bytes = unsafe { dev.received(buffer, 0, len) };
        for &byte in bytes {
            arrived(byte);
        }
        dev.repost(buffer);
    }
    dev.flush();
}

fn arrived(byte: u8) {
    let Some(sig) = pending::from_byte(byte) else {
        crate::klog!("eremit: signals: byte {byte} on the channel is no signal; ignored");
        return;
    };
    if SUBSCRIBED.load(Ordering::Acquire) {
        PENDING.post(sig);
        ARRIVALS.fetch_add(1, Ordering::SeqCst);
        crate::sched::futex_wake(&ARRIVALS as *const AtomicU32 as usize, usize::MAX);
        return;
    }
    // The default action of all five: the program ends as one the signal killed. No C
    // stdio flush (Linux does none either); what was written has reached the runner.
    let status = pending::exit_status(sig);
    crate::klog!(
        "eremit: {} from the runner and no handler: exit status {status}",
        pending::name(sig)
    );
    crate::arch::exit::exit_vm(status)
}

/// The application takes the signals from now on (`wait`).
pub fn subscribe() -> Result<(), Errno> {
    if CHANNEL.lock().is_none() {
        return Err(ENXIO);
    }
    SUBSCRIBED.store(true, Ordering::Release);
    Ok(())
}

/// Waits for the next signal from outside and returns its number.
pub fn wait() -> Result<u8, Errno> {
    if !SUBSCRIBED.load(Ordering::Acquire) {
        return Err(EINVAL);
    }
    loop {
        let seen = ARRIVALS.load(Ordering::SeqCst);
        if let Some(sig) = PENDING.take() {
            return Ok(sig);
        }
        let _ = crate::sched::futex_wait(&ARRIVALS, seen, None);
    }
}
