//! A slab: values stored in numbered slots, the slots of removed values reused. The
//! inode table and the table of open files are slabs. Inserting can fail (`ENOMEM`);
//! removing never allocates.

use alloc::vec::Vec;

use super::Errno;
use crate::abi::errno::ENOMEM;

pub struct Slab<T> {
    slots: Vec<Option<T>>,
    /// Free slots. Its capacity always covers every slot, so removing never allocates.
    free: Vec<usize>,
}

impl<T> Default for Slab<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T> Slab<T> {
    pub const fn new() -> Self {
        Slab {
            slots: Vec::new(),
            free: Vec::new(),
        }
    }

    /// Stores `value`; returns its slot number.
    pub fn insert(&mut self, value: T) -> Result<usize, Errno> {
        if let Some(i) = self.free.pop() {
            self.slots[i] = Some(value);
            return Ok(i);
        }
        self.slots.try_reserve(1).map_err(|_| ENOMEM)?;
        let slots = self.slots.len() + 1;
        self.free
            .try_reserve(slots - self.free.len())
            .map_err(|_| ENOMEM)?;
        self.slots.push(Some(value));
        Ok(slots - 1)
    }

    pub fn get(&self, i: usize) -> Option<&T> {
        self.slots.get(i)?.as_ref()
    }

    pub fn get_mut(&mut self, i: usize) -> Option<&mut T> {
        self.slots.get_mut(i)?.as_mut()
    }

    pub fn remove(&mut self, i: usize) -> Option<T> {
        let value = self.slots.get_mut(i)?.take()?;
        // Cannot allocate: the capacity covers every slot (see `insert`).
        self.free.push(i);
        Some(value)
    }

    /// Values stored.
    pub fn len(&self) -> usize {
        self.slots.len() - self.free.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_are_reused() {
        let mut s = Slab::new();
        assert_eq!(s.insert('a'), Ok(0));
        assert_eq!(s.insert('b'), Ok(1));
        assert_eq!(s.insert('c'), Ok(2));
        assert_eq!(s.remove(1), Some('b'));
        assert_eq!(s.remove(1), None);
        assert_eq!(s.remove(7), None);
        assert!(s.get(1).is_none());
        assert_eq!(s.len(), 2);
        assert_eq!(s.insert('d'), Ok(1));
        *s.get_mut(2).unwrap() = 'e';
        assert_eq!(s.get(2), Some(&'e'));
        assert!(!s.is_empty());
    }
}
