//! The entries of a directory: names to inode numbers, kept sorted by name so lookups
//! are a binary search and listings come out in a stable order. `.` and `..` are not
//! stored (they are implied by the directory and its parent link).

use alloc::vec::Vec;

use super::{Errno, Ino};
use crate::abi::errno::{EEXIST, ENOMEM};

struct Entry {
    name: Vec<u8>,
    ino: Ino,
}

pub struct Dir {
    entries: Vec<Entry>,
    /// The directory this one is an entry of (itself for the root).
    pub parent: Ino,
}

/// A name copied into memory of its own, ready to be inserted: allocating it is the
/// only step of an insertion that can fail, so callers that must not fail half-way
/// (rename) do it first.
pub struct OwnedName(Vec<u8>);

impl OwnedName {
    pub fn new(name: &[u8]) -> Result<Self, Errno> {
        let mut v = Vec::new();
        v.try_reserve_exact(name.len()).map_err(|_| ENOMEM)?;
        v.extend_from_slice(name);
        Ok(OwnedName(v))
    }
}

impl Dir {
    pub const fn new(parent: Ino) -> Self {
        Dir {
            entries: Vec::new(),
            parent,
        }
    }

    fn find(&self, name: &[u8]) -> Result<usize, usize> {
        self.entries
            .binary_search_by(|e| e.name.as_slice().cmp(name))
    }

    pub fn get(&self, name: &[u8]) -> Option<Ino> {
        self.find(name).ok().map(|i| self.entries[i].ino)
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Makes room for one more entry, so a following `insert` cannot fail.
    pub fn reserve_one(&mut self) -> Result<(), Errno> {
        self.entries.try_reserve(1).map_err(|_| ENOMEM)
    }

    /// Adds `name`; `EEXIST` if it is taken.
    pub fn insert(&mut self, name: OwnedName, ino: Ino) -> Result<(), Errno> {
        match self.find(&name.0) {
            Ok(_) => Err(EEXIST),
            Err(i) => {
                self.reserve_one()?;
                self.entries.insert(i, Entry { name: name.0, ino });
                Ok(())
            }
        }
    }

    /// Points an existing entry at another inode (rename over an existing name);
    /// returns the inode it named.
    pub fn replace(&mut self, name: &[u8], ino: Ino) -> Option<Ino> {
        let i = self.find(name).ok()?;
        Some(core::mem::replace(&mut self.entries[i].ino, ino))
    }

    pub fn remove(&mut self, name: &[u8]) -> Option<Ino> {
        let i = self.find(name).ok()?;
        Some(self.entries.remove(i).ino)
    }

    /// The `i`-th entry in name order.
    pub fn entry(&self, i: usize) -> Option<(&[u8], Ino)> {
        self.entries.get(i).map(|e| (e.name.as_slice(), e.ino))
    }

    /// The name under which `ino` is an entry (for `getcwd`).
    pub fn name_of(&self, ino: Ino) -> Option<&[u8]> {
        self.entries
            .iter()
            .find(|e| e.ino == ino)
            .map(|e| e.name.as_slice())
    }

    /// Drops every entry (the directory was removed).
    pub fn clear(&mut self) {
        self.entries = Vec::new();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(s: &str) -> OwnedName {
        OwnedName::new(s.as_bytes()).unwrap()
    }

    #[test]
    fn insert_get_remove_sorted() {
        let mut d = Dir::new(1);
        d.insert(name("b"), 3).unwrap();
        d.insert(name("a"), 2).unwrap();
        d.insert(name("c"), 4).unwrap();
        assert_eq!(d.insert(name("a"), 9), Err(EEXIST));
        assert_eq!(d.get(b"a"), Some(2));
        assert_eq!(d.get(b"zz"), None);
        let names: Vec<&[u8]> = (0..d.len()).map(|i| d.entry(i).unwrap().0).collect();
        assert_eq!(names, [b"a", b"b", b"c"]);
        assert_eq!(d.remove(b"b"), Some(3));
        assert_eq!(d.remove(b"b"), None);
        assert_eq!(d.len(), 2);
        assert_eq!(d.name_of(4), Some(&b"c"[..]));
        assert_eq!(d.replace(b"c", 7), Some(4));
        assert_eq!(d.get(b"c"), Some(7));
        assert_eq!(d.replace(b"q", 7), None);
        d.clear();
        assert!(d.is_empty());
    }
}
