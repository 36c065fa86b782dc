//! Wait slots: small dense numbers, one per task, that index the scheduler's per-task
//! tables (`timers`, `futexes`, the ready queue's links). A task gets its slot when it is
//! created and gives it back when it ends, so the tables are as large as the most tasks
//! alive at once, and everything a task does while alive (block, time out, be woken)
//! needs no memory.

use alloc::collections::TryReserveError;
use alloc::vec::Vec;

/// A task's index into the scheduler's per-task tables (`Default`: slot 0, a
/// placeholder for arrays that are filled before they are read).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Slot(u32);

impl Slot {
    pub fn index(self) -> usize {
        self.0 as usize
    }

    /// Slot `i` (the tables' own indices back as slots).
    pub(super) fn from_index(i: u32) -> Slot {
        Slot(i)
    }
}

/// Hands out slots, the ones given back first.
#[derive(Default)]
pub struct Slots {
    /// Slots given back, reused first.
    free: Vec<u32>,
    /// Slots handed out so far (0..count exist).
    count: u32,
}

impl Slots {
    pub const fn new() -> Self {
        Self {
            free: Vec::new(),
            count: 0,
        }
    }

    /// How many slots exist: every table must cover `0..count()`.
    pub fn count(&self) -> usize {
        self.count as usize
    }

    /// A slot for a new task. A fresh one makes room to give it back later, so that
    /// `give_back` (at the end of a task) never allocates; the caller grows its tables
    /// to `count()` before using it.
    pub fn take(&mut self) -> Result<Slot, TryReserveError> {
        if let Some(i) = self.free.pop() {
            return Ok(Slot(i));
        }
        self.free.try_reserve(self.count as usize + 1)?;
        let i = self.count;
        // Each task has a stack of at least 16 KiB: far fewer than 2^32 fit in memory.
        self.count += 1;
        Ok(Slot(i))
    }

    /// Makes `slot` available again (its task ended).
    pub fn give_back(&mut self, slot: Slot) {
        debug_assert!(slot.0 < self.count && !self.free.contains(&slot.0));
        // No reallocation: `take` made room for every slot that exists.
        self.free.push(slot.0);
    }

    /// Slots in use.
    pub fn in_use(&self) -> usize {
        self.count as usize - self.free.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_are_reused_and_giving_back_never_grows() {
        let mut s = Slots::new();
        let a = s.take().unwrap();
        let b = s.take().unwrap();
        assert_eq!((a.index(), b.index(), s.count()), (0, 1, 2));
        s.give_back(a);
        assert_eq!(s.in_use(), 1);
        let c = s.take().unwrap();
        assert_eq!(c, a);
        assert_eq!(s.count(), 2);
        let cap = s.free.capacity();
        s.give_back(b);
        s.give_back(c);
        assert_eq!(s.free.capacity(), cap);
        assert_eq!(s.in_use(), 0);
    }
}
