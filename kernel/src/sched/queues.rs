//! The ready queues by priority, free of hardware so `cargo test` and Miri check them:
//! FIFO lists threaded through one link per wait slot (`slots::Slot`), so making a task
//! ready never allocates (the links are reserved with the slot, when the task is
//! created), not even from an interrupt handler.

use alloc::collections::TryReserveError;
use alloc::vec::Vec;

use super::slots::Slot;

/// Priorities 0..=31 (hermit-abi's `NO_PRIORITIES`); higher runs first.
pub const PRIORITIES: usize = 32;
/// No slot (end of a list).
const NIL: u32 = u32::MAX;

#[derive(Clone, Copy, Debug)]
struct Link {
    next: u32,
    queued: bool,
}

/// Runnable tasks, FIFO within a priority.
pub struct ReadyQueue {
    /// Per slot.
    links: Vec<Link>,
    head: [u32; PRIORITIES],
    tail: [u32; PRIORITIES],
    nonempty: u32,
    len: usize,
}

impl Default for ReadyQueue {
    fn default() -> Self {
        Self::new()
    }
}

impl ReadyQueue {
    pub const fn new() -> Self {
        Self {
            links: Vec::new(),
            head: [NIL; PRIORITIES],
            tail: [NIL; PRIORITIES],
            nonempty: 0,
            len: 0,
        }
    }

    /// Makes room for slots below `slots`, so that `push` never allocates.
    pub fn reserve(&mut self, slots: usize) -> Result<(), TryReserveError> {
        let more = slots.saturating_sub(self.links.len());
        self.links.try_reserve(more)?;
        let idle = Link {
            next: NIL,
            queued: false,
        };
        self.links.resize(self.links.len().max(slots), idle);
        Ok(())
    }

    /// Queues `slot`'s task last at priority `prio` (clamped to 31).
    ///
    /// # Panics
    /// If `reserve` did not cover `slot`, or it is queued already (scheduler bugs).
    pub fn push(&mut self, slot: Slot, prio: u8) {
        let s = slot.index();
        assert!(!self.links[s].queued, "slot {s} is queued twice");
        let p = (prio as usize).min(PRIORITIES - 1);
        self.links[s] = Link {
            next: NIL,
            queued: true,
        };
        match self.tail[p] {
            NIL => self.head[p] = s as u32,
            last => self.links[last as usize].next = s as u32,
        }
        self.tail[p] = s as u32;
        self.nonempty |= 1 << p;
        self.len += 1;
    }

    /// The first task of the highest priority: its slot.
    pub fn pop(&mut self) -> Option<Slot> {
        let p = self.top_priority()? as usize;
        let s = self.head[p] as usize;
        let link = self.links[s];
        self.head[p] = link.next;
        if link.next == NIL {
            self.tail[p] = NIL;
            self.nonempty &= !(1 << p);
        }
        self.links[s].queued = false;
        self.links[s].next = NIL;
        self.len -= 1;
        Some(Slot::from_index(s as u32))
    }

    /// Highest priority with a runnable task.
    pub fn top_priority(&self) -> Option<u8> {
        (self.nonempty != 0).then(|| (31 - self.nonempty.leading_zeros()) as u8)
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slot(i: u32) -> Slot {
        Slot::from_index(i)
    }

    #[test]
    fn ready_queue_orders_by_priority_then_fifo() {
        let mut q = ReadyQueue::new();
        q.reserve(5).unwrap();
        q.push(slot(1), 2);
        q.push(slot(2), 3);
        q.push(slot(3), 2);
        q.push(slot(4), 200); // clamped to the top priority
        assert_eq!(q.len(), 4);
        assert_eq!(q.top_priority(), Some(31));
        assert_eq!(
            [q.pop(), q.pop(), q.pop(), q.pop(), q.pop()],
            [
                Some(slot(4)),
                Some(slot(2)),
                Some(slot(1)),
                Some(slot(3)),
                None
            ]
        );
        assert!(q.is_empty());
        assert_eq!(q.top_priority(), None);
        // Slots go round again without allocating.
        let cap = q.links.capacity();
        for round in 0..1000u32 {
            q.push(slot(round % 5), (round % 3) as u8);
            if round % 2 == 1 {
                q.pop().unwrap();
                q.pop().unwrap();
            }
        }
        assert!(q.is_empty());
        assert_eq!(q.links.capacity(), cap);
    }
}
