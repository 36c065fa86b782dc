//! Watching the receive ring from the idle loop instead of taking an interrupt.
//!
//! Under QEMU's TCG a device interrupt costs the vCPU thread QEMU's global lock (to take
//! the interrupt, and again for the APIC's end-of-interrupt write), and QEMU's I/O
//! thread holds that lock while it moves frames: a guest woken by an interrupt waits
//! for the I/O thread's whole round, and the I/O thread waits for the vCPU's. While the
//! network is busy, a poll that took frames leaves the receive interrupt off and arms
//! this watch instead; the idle loop, with nothing else to run, reads the ring's used
//! index (plain memory, no exit) until a frame lands or the window ends, and wakes the
//! network task either way (after a window without frames it turns the interrupt back
//! on and the CPU halts as before). A guest at rest does not spin: only a poll that took
//! frames arms the watch, for WINDOW_NS. A CPU that stays busy does not look; an
//! interrupt that finds the window over (its time slice's timer at the latest) ends it.

use core::sync::atomic::{AtomicBool, AtomicPtr, AtomicU16, AtomicU64, Ordering};

use super::net_counters::{WATCH_ENDED_IDLE, WATCH_FOUND};

/// How long the idle loop watches after a poll that took frames. Under TCG a request's
/// round trip through QEMU's user network is 100-300 us; 100 us was too short to gain,
/// 300 us and 1 ms gained alike (8 connections, wrk, README).
pub const WINDOW_NS: u64 = 500_000;

/// The receive ring's used index (set once, when the device is up; never freed).
static USED_IDX: AtomicPtr<u16> = AtomicPtr::new(core::ptr::null_mut());
/// The used index the driver has taken frames up to.
static SEEN: AtomicU16 = AtomicU16::new(0);
/// TSC until which the idle loop watches; 0: not watching (the interrupt is on).
static UNTIL: AtomicU64 = AtomicU64::new(0);
/// Whom to wake (the network task's kick), a `fn()` (kept as a pointer, which keeps
/// its provenance, unlike an integer).
static WAKE: AtomicPtr<()> = AtomicPtr::new(core::ptr::null_mut());
/// The last watch ended without a frame: the network task turns the interrupt on.
static EXPIRED: AtomicBool = AtomicBool::new(false);

/// Whom the watch wakes (what the device's interrupt runs).
pub fn wake_with(f: fn()) {
    WAKE.store(f as *mut (), Ordering::Release);
}

/// Makes the watch work on the receive ring whose used index is at `used_idx` (valid
/// for the rest of the run: the driver's queues are never freed).
pub fn install(used_idx: *mut u16) {
    USED_IDX.store(used_idx, Ordering::Release);
}

/// The driver has taken frames up to used index `last_used`.
pub fn seen(last_used: u16) {
    SEEN.store(last_used, Ordering::Release);
}

/// Watches until TSC `until` (the caller has left the receive interrupt off).
pub fn arm(until: u64) {
    EXPIRED.store(false, Ordering::Relaxed);
    UNTIL.store(until, Ordering::Release);
}

/// Until when (TSC) the watch runs; 0 without one.
pub fn until() -> u64 {
    UNTIL.load(Ordering::Acquire)
}

/// Whether the last watch ended without a frame (and forgets it): the network task
/// then turns the receive interrupt back on rather than watch again.
pub fn take_expired() -> bool {
    EXPIRED.swap(false, Ordering::AcqRel)
}

/// Wakes the network task after `spin` said `Ended`.
pub fn wake() {
    let f = WAKE.load(Ordering::Acquire);
    if !f.is_null() {
        // SAFETY: only `wake_with` stores here, and it stores a `fn()`.
        let f: fn() = unsafe { core::mem::transmute::<*mut (), fn()>(f) };
        f();
    }
}

/// An interrupt came (the CPU was busy, or halted): a window that is over ends here,
/// so that a program computing without a network call leaves the interrupt off no
/// longer than its time slice. Takes no lock.
pub fn on_interrupt(now: u64) {
    let until = UNTIL.load(Ordering::Acquire);
    if until != 0 && now >= until && UNTIL.swap(0, Ordering::AcqRel) != 0 {
        EXPIRED.store(true, Ordering::Release);
        WATCH_ENDED_IDLE.add(1);
        wake();
    }
}

/// How a turn of `spin` ended.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Watch {
    /// No watch armed: halt as usual.
    Off,
    /// A frame landed or the window ended: the caller wakes the network task (`wake`)
    /// once its CPU is no longer counted idle (a wake-up of an idle CPU is an
    /// interrupt).
    Ended,
    /// Something else is due (a task, or the CPU's timer at `limit`): the watch stays.
    Busy,
}

/// The idle loop's turn, with interrupts off: while a watch is armed, reads the used
/// index until a frame lands or the window ends, or `limit` (TSC; the CPU's timer,
/// which cannot interrupt the loop) passes, or `idle()` says something else is to run.
pub fn spin(now: impl Fn() -> u64, limit: u64, idle: impl Fn() -> bool) -> Watch {
    let until = UNTIL.load(Ordering::Acquire);
    let used = USED_IDX.load(Ordering::Acquire);
    if until == 0 || used.is_null() {
        return Watch::Off;
    }
    loop {
        // SAFETY: the receive ring's used index, valid for the rest of the run
        // (`install`); the device writes it, hence the volatile read.
        let idx = unsafe { core::ptr::read_volatile(used) };
        if idx != SEEN.load(Ordering::Acquire) {
            WATCH_FOUND.add(1);
            break;
        }
        let t = now();
        if t >= until {
            EXPIRED.store(true, Ordering::Release);
            WATCH_ENDED_IDLE.add(1);
            break;
        }
        if t >= limit || !idle() {
            return Watch::Busy;
        }
        // No `pause` (spin_loop): under TCG it ends the translated block, and QEMU's
        // vCPU thread takes its global lock at every such exit.
    }
    UNTIL.store(0, Ordering::Release);
    Watch::Ended
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::cell::Cell;
    use core::sync::atomic::AtomicU32;

    static WOKEN: AtomicU32 = AtomicU32::new(0);

    fn armed() -> bool {
        until() != 0
    }

    fn count_wake() {
        WOKEN.fetch_add(1, Ordering::SeqCst);
    }

    // One test: the watch is a set of statics, and tests run in parallel.
    #[test]
    fn watch_ends_on_a_frame_on_the_window_or_an_interrupt() {
        let mut used_idx: u16 = 7;
        let ring = &mut used_idx as *mut u16;
        let clock = Cell::new(100u64);
        let now = || {
            clock.set(clock.get() + 1);
            clock.get()
        };
        // Nothing installed or armed: halt as usual.
        assert_eq!(spin(now, u64::MAX, || true), Watch::Off);
        install(ring);
        wake_with(count_wake);
        seen(7);
        assert_eq!(spin(now, u64::MAX, || true), Watch::Off);

        // A frame is already there: found at once, not expired.
        arm(1_000);
        // SAFETY: `ring` points at the local above, alive for the whole test.
        unsafe { ring.write_volatile(8) };
        assert_eq!(spin(now, u64::MAX, || true), Watch::Ended);
        assert!(!armed() && !take_expired());

        // The window passes without a frame: ended, and the task is told to unmute.
        seen(8);
        arm(clock.get() + 50);
        assert_eq!(spin(now, u64::MAX, || true), Watch::Ended);
        assert!(take_expired() && !take_expired());

        // A task to run, or the CPU's timer due first: the watch stays armed.
        arm(clock.get() + 1_000);
        assert_eq!(spin(now, u64::MAX, || false), Watch::Busy);
        assert_eq!(spin(now, clock.get() + 10, || true), Watch::Busy);
        assert!(armed());

        // An interrupt before the window's end leaves it; one after ends it and wakes.
        let before = WOKEN.load(Ordering::SeqCst);
        on_interrupt(clock.get());
        assert!(armed());
        on_interrupt(clock.get() + 2_000);
        assert!(!armed() && take_expired());
        assert_eq!(WOKEN.load(Ordering::SeqCst), before + 1);
        wake();
        assert_eq!(WOKEN.load(Ordering::SeqCst), before + 2);
    }
}
