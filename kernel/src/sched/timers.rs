//! Deadlines of blocked tasks: a binary min-heap indexed by wait slot (`slots::Slot`), so
//! a wait that ends early (woken, or its futex value changed) takes its entry out at
//! once. The heap never holds more entries than there are tasks, and arming or
//! cancelling a timer never allocates: the room is reserved when a task gets its slot
//! (`reserve`), where a failure fails thread creation with `ENOMEM` instead of a panic
//! in the middle of a wait or a timer interrupt.

use alloc::collections::TryReserveError;
use alloc::vec::Vec;

use super::slots::Slot;

/// A slot with no armed timer.
const UNARMED: u32 = u32::MAX;

#[derive(Clone, Copy, Debug)]
struct Entry {
    deadline: u64,
    slot: Slot,
}

#[derive(Default)]
pub struct Timers {
    /// Min-heap on `deadline` (ties in any order).
    heap: Vec<Entry>,
    /// Per slot: its index in `heap`, or `UNARMED`.
    pos: Vec<u32>,
}

impl Timers {
    pub const fn new() -> Self {
        Self {
            heap: Vec::new(),
            pos: Vec::new(),
        }
    }

    /// Makes room for slots below `slots`, so that `arm` never allocates.
    pub fn reserve(&mut self, slots: usize) -> Result<(), TryReserveError> {
        let more = slots.saturating_sub(self.pos.len());
        self.pos.try_reserve(more)?;
        self.heap
            .try_reserve(slots.saturating_sub(self.heap.len()))?;
        self.pos.resize(self.pos.len().max(slots), UNARMED);
        Ok(())
    }

    /// Arms (or moves) `slot`'s timer: its task is made ready at `deadline`.
    ///
    /// # Panics
    /// If `reserve` did not cover `slot` (a scheduler bug, not a lack of memory).
    pub fn arm(&mut self, slot: Slot, deadline: u64) {
        let s = slot.index();
        assert!(s < self.pos.len(), "timer slot {s} was never reserved");
        if self.pos[s] != UNARMED {
            let i = self.pos[s] as usize;
            self.heap[i].deadline = deadline;
            self.restore(i);
            return;
        }
        // No reallocation: one entry per slot at most, and `reserve` made room for all.
        let i = self.heap.len();
        self.heap.push(Entry { deadline, slot });
        self.pos[s] = i as u32;
        self.sift_up(i);
    }

    /// Disarms `slot`'s timer; false if it was not armed.
    pub fn cancel(&mut self, slot: Slot) -> bool {
        let s = slot.index();
        match self.pos.get(s) {
            Some(&i) if i != UNARMED => {
                self.remove_at(i as usize);
                true
            }
            _ => false,
        }
    }

    /// Takes the earliest timer due at `now` (deadline <= now): its slot.
    pub fn pop_expired(&mut self, now: u64) -> Option<Slot> {
        let first = *self.heap.first()?;
        if first.deadline > now {
            return None;
        }
        self.remove_at(0);
        Some(first.slot)
    }

    /// The earliest armed deadline.
    pub fn next_deadline(&self) -> Option<u64> {
        self.heap.first().map(|e| e.deadline)
    }

    /// Armed timers.
    pub fn len(&self) -> usize {
        self.heap.len()
    }

    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }

    fn remove_at(&mut self, i: usize) {
        let gone = self.heap.swap_remove(i);
        self.pos[gone.slot.index()] = UNARMED;
        if i < self.heap.len() {
            self.pos[self.heap[i].slot.index()] = i as u32;
            self.restore(i);
        }
    }

    /// Moves the entry at `i` up or down to where the heap order wants it.
    fn restore(&mut self, i: usize) {
        let i = self.sift_up(i);
        self.sift_down(i);
    }

    fn swap(&mut self, a: usize, b: usize) {
        self.heap.swap(a, b);
        self.pos[self.heap[a].slot.index()] = a as u32;
        self.pos[self.heap[b].slot.index()] = b as u32;
    }

    fn sift_up(&mut self, mut i: usize) -> usize {
        while i > 0 {
            let parent = (i - 1) / 2;
            if self.heap[parent].deadline <= self.heap[i].deadline {
                break;
            }
            self.swap(i, parent);
            i = parent;
        }
        i
    }

    fn sift_down(&mut self, mut i: usize) {
        loop {
            let (l, r) = (2 * i + 1, 2 * i + 2);
            let mut least = i;
            if l < self.heap.len() && self.heap[l].deadline < self.heap[least].deadline {
                least = l;
            }
            if r < self.heap.len() && self.heap[r].deadline < self.heap[least].deadline {
                least = r;
            }
            if least == i {
                return;
            }
            self.swap(i, least);
            i = least;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    fn slot(i: u32) -> Slot {
        Slot::from_index(i)
    }

    fn drain(t: &mut Timers, now: u64) -> Vec<usize> {
        let mut out = vec![];
        while let Some(s) = t.pop_expired(now) {
            out.push(s.index());
        }
        out
    }

    #[test]
    fn expire_in_deadline_order() {
        let mut t = Timers::new();
        t.reserve(3).unwrap();
        t.arm(slot(0), 300);
        t.arm(slot(1), 100);
        t.arm(slot(2), 200);
        assert_eq!(t.next_deadline(), Some(100));
        assert_eq!(drain(&mut t, 50), vec![]);
        assert_eq!(drain(&mut t, 250), vec![1, 2]);
        assert_eq!(drain(&mut t, 1000), vec![0]);
        assert!(t.is_empty());
        assert_eq!(t.next_deadline(), None);
    }

    #[test]
    fn waits_cancelled_early_leave_nothing_behind() {
        // A server answering 30 s read timeouts in a millisecond: the heap holds only
        // the waits in progress, however many ended before their deadline.
        let mut t = Timers::new();
        t.reserve(8).unwrap();
        let capacity = t.heap.capacity();
        let mut now = 0u64;
        let rounds = if cfg!(miri) { 2_000 } else { 100_000 };
        for round in 0..rounds {
            let s = slot((round % 8) as u32);
            t.arm(s, now + 30_000_000);
            assert!(t.len() <= 8);
            now += 1_000;
            assert!(t.cancel(s));
            assert!(!t.cancel(s));
        }
        assert!(t.is_empty());
        assert_eq!(t.next_deadline(), None);
        assert_eq!(t.heap.capacity(), capacity, "arming allocated");
        assert_eq!(drain(&mut t, u64::MAX), vec![]);
    }

    #[test]
    fn cancel_and_rearm_anywhere_in_the_heap() {
        let mut t = Timers::new();
        t.reserve(64).unwrap();
        // Deadlines in a scrambled order.
        for i in 0..64u32 {
            t.arm(slot(i), u64::from((i * 37) % 64) * 10);
        }
        for i in (0..64).step_by(3) {
            assert!(t.cancel(slot(i)));
        }
        // Moving a timer later and earlier keeps the order.
        t.arm(slot(1), 5_000);
        t.arm(slot(2), 0);
        let mut last = 0;
        let mut seen = vec![];
        while let Some(d) = t.next_deadline() {
            assert!(d >= last);
            last = d;
            seen.push(t.pop_expired(u64::MAX).unwrap().index());
        }
        assert_eq!(seen.first(), Some(&2));
        assert_eq!(seen.last(), Some(&1));
        let mut expect: Vec<usize> = (0..64).filter(|i| i % 3 != 0).collect();
        seen.sort_unstable();
        expect.sort_unstable();
        assert_eq!(seen, expect);
    }

    #[test]
    fn unreserved_slot_is_not_cancelled() {
        let mut t = Timers::new();
        assert!(!t.cancel(slot(5)));
        assert_eq!(t.pop_expired(u64::MAX), None);
    }
}
