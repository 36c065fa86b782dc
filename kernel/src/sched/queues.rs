//! The scheduler's bookkeeping, free of hardware so `cargo test` and Miri check it:
//! ready queues by priority, timer deadlines and futex wait queues.

use alloc::collections::{BTreeMap, BinaryHeap, VecDeque};
use alloc::vec::Vec;
use core::cmp::Reverse;

use crate::abi::Tid;

/// Priorities 0..=31 (hermit-abi's `NO_PRIORITIES`); higher runs first.
pub const PRIORITIES: usize = 32;

/// Runnable tasks, FIFO within a priority.
pub struct ReadyQueue {
    levels: [VecDeque<Tid>; PRIORITIES],
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
            levels: [const { VecDeque::new() }; PRIORITIES],
            nonempty: 0,
            len: 0,
        }
    }

    pub fn push(&mut self, tid: Tid, prio: u8) {
        let p = (prio as usize).min(PRIORITIES - 1);
        self.levels[p].push_back(tid);
        self.nonempty |= 1 << p;
        self.len += 1;
    }

    /// The first task of the highest priority.
    pub fn pop(&mut self) -> Option<Tid> {
        if self.nonempty == 0 {
            return None;
        }
        let p = 31 - self.nonempty.leading_zeros() as usize;
        let tid = self.levels[p].pop_front();
        if self.levels[p].is_empty() {
            self.nonempty &= !(1 << p);
        }
        self.len -= 1;
        tid
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

/// Deadlines of blocked tasks. Each registration gets a ticket; a task woken early keeps
/// its stale entry, which is recognised by its ticket and skipped (lazy deletion).
#[derive(Default)]
pub struct Timers {
    heap: BinaryHeap<Reverse<(u64, u64, Tid)>>,
    next_ticket: u64,
}

impl Timers {
    pub const fn new() -> Self {
        Self {
            heap: BinaryHeap::new(),
            next_ticket: 1,
        }
    }

    pub fn add(&mut self, deadline: u64, tid: Tid) -> u64 {
        let ticket = self.next_ticket;
        self.next_ticket += 1;
        self.heap.push(Reverse((deadline, ticket, tid)));
        ticket
    }

    /// Removes and returns every entry due at `now`.
    pub fn expired(&mut self, now: u64) -> Vec<(Tid, u64)> {
        let mut due = Vec::new();
        while let Some(Reverse((deadline, ticket, tid))) = self.heap.peek().copied() {
            if deadline > now {
                break;
            }
            self.heap.pop();
            due.push((tid, ticket));
        }
        due
    }

    /// The earliest deadline, stale entries included (a spurious early tick is harmless).
    pub fn next_deadline(&self) -> Option<u64> {
        self.heap.peek().map(|Reverse((d, _, _))| *d)
    }

    pub fn len(&self) -> usize {
        self.heap.len()
    }

    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }
}

/// Tasks waiting on futex words, by address, in arrival order.
#[derive(Default)]
pub struct FutexTable {
    queues: BTreeMap<usize, VecDeque<Tid>>,
}

impl FutexTable {
    pub const fn new() -> Self {
        Self {
            queues: BTreeMap::new(),
        }
    }

    pub fn wait(&mut self, addr: usize, tid: Tid) {
        self.queues.entry(addr).or_default().push_back(tid);
    }

    /// Takes up to `count` waiters of `addr`, oldest first.
    pub fn wake(&mut self, addr: usize, count: usize) -> Vec<Tid> {
        let Some(q) = self.queues.get_mut(&addr) else {
            return Vec::new();
        };
        let n = count.min(q.len());
        let woken: Vec<Tid> = q.drain(..n).collect();
        if q.is_empty() {
            self.queues.remove(&addr);
        }
        woken
    }

    /// Removes `tid` from `addr`'s queue (its wait timed out); false if it was not there.
    pub fn cancel(&mut self, addr: usize, tid: Tid) -> bool {
        let Some(q) = self.queues.get_mut(&addr) else {
            return false;
        };
        let Some(pos) = q.iter().position(|&t| t == tid) else {
            return false;
        };
        q.remove(pos);
        if q.is_empty() {
            self.queues.remove(&addr);
        }
        true
    }

    pub fn waiters(&self) -> usize {
        self.queues.values().map(|q| q.len()).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    #[test]
    fn ready_queue_orders_by_priority_then_fifo() {
        let mut q = ReadyQueue::new();
        q.push(1, 2);
        q.push(2, 3);
        q.push(3, 2);
        q.push(4, 200); // clamped to the top priority
        assert_eq!(q.len(), 4);
        assert_eq!(q.top_priority(), Some(31));
        assert_eq!(
            [q.pop(), q.pop(), q.pop(), q.pop(), q.pop()],
            [Some(4), Some(2), Some(1), Some(3), None]
        );
        assert!(q.is_empty());
        assert_eq!(q.top_priority(), None);
    }

    #[test]
    fn timers_expire_in_order_and_keep_tickets() {
        let mut t = Timers::new();
        let a = t.add(300, 1);
        let b = t.add(100, 2);
        let c = t.add(200, 3);
        assert_eq!(t.next_deadline(), Some(100));
        assert_eq!(t.expired(50), vec![]);
        assert_eq!(t.expired(250), vec![(2, b), (3, c)]);
        assert_eq!(t.expired(1000), vec![(1, a)]);
        assert!(t.is_empty());
    }

    #[test]
    fn futex_wake_counts_and_cancel() {
        let mut f = FutexTable::new();
        for tid in 1..=4 {
            f.wait(0x1000, tid);
        }
        f.wait(0x2000, 9);
        assert_eq!(f.wake(0x1000, 2), vec![1, 2]);
        assert!(f.cancel(0x1000, 4));
        assert!(!f.cancel(0x1000, 4));
        assert_eq!(f.wake(0x1000, usize::MAX), vec![3]);
        assert_eq!(f.wake(0x1000, 1), vec![]);
        assert_eq!(f.waiters(), 1);
        assert_eq!(f.wake(0x2000, 0), vec![]);
        assert_eq!(f.wake(0x2000, 1), vec![9]);
        assert_eq!(f.waiters(), 0);
    }
}
