//! Which bytes of the signal channel are signals, and the set of signals received and
//! not yet taken. A standard signal already pending is not queued twice (Linux's rule),
//! so a set is all it takes.

use core::sync::atomic::{AtomicU64, Ordering};

pub const SIGHUP: u8 = 1;
pub const SIGINT: u8 = 2;
pub const SIGUSR1: u8 = 10;
pub const SIGUSR2: u8 = 12;
pub const SIGTERM: u8 = 15;

/// The signals the runner forwards; any other byte is ignored (a runner and a kernel of
/// different versions must not end the program with a signal neither meant).
pub fn from_byte(byte: u8) -> Option<u8> {
    matches!(byte, SIGHUP | SIGINT | SIGUSR1 | SIGUSR2 | SIGTERM).then_some(byte)
}

/// The name of a forwarded signal, for the log.
pub fn name(sig: u8) -> &'static str {
    match sig {
        SIGHUP => "SIGHUP",
        SIGINT => "SIGINT",
        SIGUSR1 => "SIGUSR1",
        SIGUSR2 => "SIGUSR2",
        SIGTERM => "SIGTERM",
        _ => "signal",
    }
}

/// The exit status of a program a signal ended (what a shell shows).
pub fn exit_status(sig: u8) -> i32 {
    128 + sig as i32
}

/// Signals received, bit n-1 for signal n; set from the device's interrupt, taken by
/// any task.
pub struct PendingSet(AtomicU64);

impl PendingSet {
    pub const fn new() -> Self {
        PendingSet(AtomicU64::new(0))
    }

    /// Marks `sig` (1..=64) pending; false when it already was.
    pub fn post(&self, sig: u8) -> bool {
        debug_assert!((1..=64).contains(&sig));
        let bit = 1u64 << (sig - 1);
        self.0.fetch_or(bit, Ordering::AcqRel) & bit == 0
    }

    /// Takes the lowest-numbered pending signal (Linux delivers standard signals in
    /// that order).
    pub fn take(&self) -> Option<u8> {
        let mut cur = self.0.load(Ordering::Acquire);
        loop {
            if cur == 0 {
                return None;
            }
            let bit = cur & cur.wrapping_neg();
            match self
                .0
                .compare_exchange(cur, cur & !bit, Ordering::AcqRel, Ordering::Acquire)
            {
                Ok(_) => return Some(bit.trailing_zeros() as u8 + 1),
                Err(now) => cur = now,
            }
        }
    }
}

impl Default for PendingSet {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_forwarded_signals_are_accepted() {
        let accepted: alloc::vec::Vec<u8> = (0..=255u8).filter_map(from_byte).collect();
        assert_eq!(accepted, [1, 2, 10, 12, 15]);
        assert_eq!(exit_status(SIGTERM), 143);
        assert_eq!(exit_status(SIGINT), 130);
        assert_eq!(name(SIGUSR2), "SIGUSR2");
    }

    #[test]
    fn pending_signals_are_taken_lowest_first_and_once() {
        let p = PendingSet::new();
        assert_eq!(p.take(), None);
        assert!(p.post(SIGTERM));
        assert!(p.post(SIGHUP));
        assert!(
            !p.post(SIGTERM),
            "a pending standard signal is not queued twice"
        );
        assert_eq!(p.take(), Some(SIGHUP));
        assert_eq!(p.take(), Some(SIGTERM));
        assert_eq!(p.take(), None);
        assert!(p.post(64));
        assert_eq!(p.take(), Some(64));
    }
}
