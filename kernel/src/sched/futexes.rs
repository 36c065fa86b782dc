//! Tasks waiting on futex words: FIFO queues threaded through one node per wait slot
//! (`slots::Slot`), in a fixed number of hash buckets. Waiting, waking and cancelling
//! never allocate (the nodes are reserved with the slot, when the task is created), so
//! `futex_wait` cannot fail for lack of memory, and a wait that ends (woken, timed out)
//! leaves nothing behind.

use alloc::collections::TryReserveError;
use alloc::vec::Vec;

use super::slots::Slot;

/// Hash buckets (a power of two); waiters on different words that share one are skipped
/// when waking. 256: a few thousand threads each waiting on a word of its own make lists
/// of a dozen or so.
const BUCKETS: usize = 256;
/// No node (end of a list).
const NIL: u32 = u32::MAX;

#[derive(Clone, Copy, Debug)]
struct Node {
    addr: usize,
    prev: u32,
    next: u32,
    queued: bool,
}

const IDLE: Node = Node {
    addr: 0,
    prev: NIL,
    next: NIL,
    queued: false,
};

pub struct FutexQueues {
    /// Per slot.
    nodes: Vec<Node>,
    /// First and last node of each bucket's list.
    head: [u32; BUCKETS],
    tail: [u32; BUCKETS],
    waiters: usize,
}

impl Default for FutexQueues {
    fn default() -> Self {
        Self::new()
    }
}

fn bucket(addr: usize) -> usize {
    // Fibonacci hashing: futex words are often neighbours in one structure.
    ((addr as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15) >> (64 - BUCKETS.trailing_zeros())) as usize
}

impl FutexQueues {
    pub const fn new() -> Self {
        Self {
            nodes: Vec::new(),
            head: [NIL; BUCKETS],
            tail: [NIL; BUCKETS],
            waiters: 0,
        }
    }

    /// Makes room for slots below `slots`, so that `wait` never allocates.
    pub fn reserve(&mut self, slots: usize) -> Result<(), TryReserveError> {
        let more = slots.saturating_sub(self.nodes.len());
        self.nodes.try_reserve(more)?;
        self.nodes.resize(self.nodes.len().max(slots), IDLE);
        Ok(())
    }

    /// Queues `slot`'s task last among the waiters of `addr`.
    ///
    /// # Panics
    /// If `reserve` did not cover `slot`, or it is queued already (scheduler bugs).
    pub fn wait(&mut self, slot: Slot, addr: usize) {
        let s = slot.index();
        assert!(!self.nodes[s].queued, "slot {s} waits twice");
        let b = bucket(addr);
        let last = self.tail[b];
        self.nodes[s] = Node {
            addr,
            prev: last,
            next: NIL,
            queued: true,
        };
        match last {
            NIL => self.head[b] = s as u32,
            l => self.nodes[l as usize].next = s as u32,
        }
        self.tail[b] = s as u32;
        self.waiters += 1;
    }

    /// Takes up to `out.len()` waiters of `addr`, oldest first, into `out`; how many.
    pub fn wake(&mut self, addr: usize, out: &mut [Slot]) -> usize {
        let mut n = 0;
        let mut at = self.head[bucket(addr)];
        while at != NIL && n < out.len() {
            let node = self.nodes[at as usize];
            if node.addr == addr {
                out[n] = Slot::from_index(at);
                n += 1;
                self.unlink(at as usize);
            }
            at = node.next;
        }
        n
    }

    /// Takes `slot` out of its queue (its wait ended otherwise); false if not queued.
    pub fn cancel(&mut self, slot: Slot) -> bool {
        let s = slot.index();
        if !self.nodes.get(s).is_some_and(|n| n.queued) {
            return false;
        }
        self.unlink(s);
        true
    }

    fn unlink(&mut self, s: usize) {
        let Node {
            addr, prev, next, ..
        } = self.nodes[s];
        let b = bucket(addr);
        match prev {
            NIL => self.head[b] = next,
            p => self.nodes[p as usize].next = next,
        }
        match next {
            NIL => self.tail[b] = prev,
            n => self.nodes[n as usize].prev = prev,
        }
        self.nodes[s] = IDLE;
        self.waiters -= 1;
    }

    pub fn waiters(&self) -> usize {
        self.waiters
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slot(i: u32) -> Slot {
        Slot::from_index(i)
    }

    fn wake(f: &mut FutexQueues, addr: usize, count: usize) -> Vec<u32> {
        let mut out = alloc::vec![Slot::default(); count];
        let n = f.wake(addr, &mut out);
        out[..n].iter().map(|s| s.index() as u32).collect()
    }

    #[test]
    fn wake_counts_order_and_cancel() {
        let mut f = FutexQueues::new();
        f.reserve(8).unwrap();
        for i in 1..=4 {
            f.wait(slot(i), 0x1000);
        }
        f.wait(slot(5), 0x2000);
        assert_eq!(wake(&mut f, 0x1000, 2), [1, 2]);
        assert!(f.cancel(slot(4)));
        assert!(!f.cancel(slot(4)));
        assert_eq!(wake(&mut f, 0x1000, 10), [3]);
        assert_eq!(wake(&mut f, 0x1000, 1), []);
        assert_eq!(f.waiters(), 1);
        assert_eq!(wake(&mut f, 0x2000, 0), []);
        assert_eq!(wake(&mut f, 0x2000, 1), [5]);
        assert_eq!(f.waiters(), 0);
        // A slot whose wait ended waits again.
        f.wait(slot(1), 0x3000);
        assert_eq!(wake(&mut f, 0x3000, 1), [1]);
    }

    #[test]
    fn words_sharing_a_bucket_stay_apart() {
        let mut f = FutexQueues::new();
        f.reserve(200).unwrap();
        // 200 waiters on 50 words: several per word, and some words share a bucket.
        for i in 0..200u32 {
            f.wait(slot(i), 0x10_0000 + 4 * (i as usize % 50));
        }
        assert_eq!(f.waiters(), 200);
        // Every fourth waiter times out.
        for i in (0..200).step_by(4) {
            assert!(f.cancel(slot(i)));
        }
        for w in 0..50usize {
            let got = wake(&mut f, 0x10_0000 + 4 * w, 10);
            let want: Vec<u32> = (0..200u32)
                .filter(|&i| i as usize % 50 == w && i % 4 != 0)
                .collect();
            assert_eq!(got, want);
        }
        assert_eq!(f.waiters(), 0);
        assert!(f.head.iter().chain(f.tail.iter()).all(|&x| x == NIL));
    }

    #[test]
    fn colliding_words_in_one_bucket() {
        let a = 0x1000usize;
        let b = (1..)
            .map(|i| a + 4 * i)
            .find(|&w| bucket(w) == bucket(a))
            .unwrap();
        let mut f = FutexQueues::new();
        f.reserve(4).unwrap();
        f.wait(slot(0), a);
        f.wait(slot(1), b);
        f.wait(slot(2), a);
        f.wait(slot(3), b);
        assert_eq!(wake(&mut f, b, 1), [1]);
        assert!(f.cancel(slot(0)));
        assert_eq!(wake(&mut f, a, 5), [2]);
        assert_eq!(wake(&mut f, b, 5), [3]);
        assert_eq!(f.waiters(), 0);
    }

    #[test]
    fn unreserved_slot_is_not_queued() {
        let mut f = FutexQueues::new();
        assert!(!f.cancel(slot(3)));
        assert_eq!(wake(&mut f, 8, 4), []);
    }
}
