//! Task ids to wait slots: which tasks exist (alive, or ended and not joined yet), in a
//! sorted vector. Room for a record is reserved when the task is created (`add` fails
//! with the allocation error, so thread creation fails with `ENOMEM`); ending and joining
//! never allocate, so a task can always end, whatever the memory left.

use alloc::collections::TryReserveError;
use alloc::vec::Vec;

use super::slots::Slot;
use crate::abi::Tid;

/// What is known of a task id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Record {
    /// Alive, with its wait slot.
    Alive(Slot),
    /// Ended; kept until a `join` takes it.
    Ended,
}

#[derive(Default)]
pub struct TaskIds {
    /// Sorted by id. Ids are handed out in increasing order, so `add` appends.
    records: Vec<(Tid, Record)>,
}

impl TaskIds {
    pub const fn new() -> Self {
        Self {
            records: Vec::new(),
        }
    }

    fn find(&self, tid: Tid) -> Result<usize, usize> {
        self.records.binary_search_by_key(&tid, |&(t, _)| t)
    }

    pub fn get(&self, tid: Tid) -> Option<Record> {
        self.find(tid).ok().map(|i| self.records[i].1)
    }

    /// The slot of `tid` if it is alive.
    pub fn slot(&self, tid: Tid) -> Option<Slot> {
        match self.get(tid)? {
            Record::Alive(slot) => Some(slot),
            Record::Ended => None,
        }
    }

    pub fn contains(&self, tid: Tid) -> bool {
        self.find(tid).is_ok()
    }

    /// Records `tid` (not known yet) as alive in `slot`.
    pub fn add(&mut self, tid: Tid, slot: Slot) -> Result<(), TryReserveError> {
        self.records.try_reserve(1)?;
        match self.find(tid) {
            Ok(_) => panic!("task id {tid} given out twice"),
            Err(i) => self.records.insert(i, (tid, Record::Alive(slot))),
        }
        Ok(())
    }

    /// `tid` ended; its record stays until `remove` (a join).
    pub fn end(&mut self, tid: Tid) {
        if let Ok(i) = self.find(tid) {
            self.records[i].1 = Record::Ended;
        }
    }

    pub fn remove(&mut self, tid: Tid) -> Option<Record> {
        let i = self.find(tid).ok()?;
        Some(self.records.remove(i).1)
    }

    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alive_ended_joined() {
        let mut ids = TaskIds::new();
        ids.add(5, Slot::from_index(0)).unwrap();
        ids.add(7, Slot::from_index(1)).unwrap();
        // After the ids wrapped around: a smaller id goes in order.
        ids.add(2, Slot::from_index(2)).unwrap();
        assert_eq!(ids.slot(7), Some(Slot::from_index(1)));
        assert_eq!(ids.slot(2), Some(Slot::from_index(2)));
        ids.end(7);
        assert_eq!(ids.get(7), Some(Record::Ended));
        assert_eq!(ids.slot(7), None);
        assert!(ids.contains(7));
        assert_eq!(ids.remove(7), Some(Record::Ended));
        assert_eq!(ids.remove(7), None);
        assert!(!ids.contains(7));
        assert_eq!(ids.get(9), None);
        assert_eq!(ids.len(), 2);
    }
}
