//! The descriptor table: numbers to open files. New descriptors take the lowest free
//! number (POSIX requires it; programs rely on it, e.g. close(1) then open). One table
//! for the whole VM, which is one process.

use alloc::vec::Vec;

use crate::abi::errno::{EBADF, EINVAL, EMFILE, ENOMEM};
use crate::fs::Errno;

/// Most descriptors open at once (Linux's default `RLIMIT_NOFILE`).
pub const MAX_FDS: usize = 1024;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Slot<F> {
    /// The open file (an `Arc<OpenFile>` in the kernel).
    pub file: F,
    /// `FD_CLOEXEC`: kept for `F_GETFD`; nothing is ever executed, so it has no effect.
    pub cloexec: bool,
}

pub struct FdTable<F> {
    slots: Vec<Option<Slot<F>>>,
}

/// `fd` as an index, if it is in range.
fn index(fd: i32) -> Option<usize> {
    usize::try_from(fd).ok().filter(|&i| i < MAX_FDS)
}

impl<F: Clone> FdTable<F> {
    pub const fn new() -> Self {
        FdTable { slots: Vec::new() }
    }

    pub fn get(&self, fd: i32) -> Option<&Slot<F>> {
        self.slots.get(index(fd)?)?.as_ref()
    }

    pub fn get_mut(&mut self, fd: i32) -> Option<&mut Slot<F>> {
        self.slots.get_mut(index(fd)?)?.as_mut()
    }

    /// The lowest free descriptor at or above `from`: `EINVAL` if `from` is out of
    /// range, `EMFILE` if all are taken. Makes room for it, so `install` cannot fail.
    pub fn lowest_free(&mut self, from: i32) -> Result<i32, Errno> {
        let from = index(from).ok_or(EINVAL)?;
        let fd = match self.slots.iter().skip(from).position(Option::is_none) {
            Some(i) => from + i,
            None => self.slots.len().max(from),
        };
        if fd >= MAX_FDS {
            return Err(EMFILE);
        }
        self.make_room(fd)?;
        Ok(fd as i32)
    }

    fn make_room(&mut self, i: usize) -> Result<(), Errno> {
        if i >= self.slots.len() {
            let more = i + 1 - self.slots.len();
            self.slots.try_reserve(more).map_err(|_| ENOMEM)?;
            self.slots.resize(i + 1, None);
        }
        Ok(())
    }

    /// Puts `slot` at `fd` (which `lowest_free` returned, or `dup2` checked); returns
    /// what was there.
    pub fn install(&mut self, fd: i32, slot: Slot<F>) -> Result<Option<Slot<F>>, Errno> {
        let i = index(fd).ok_or(EBADF)?;
        self.make_room(i)?;
        Ok(self.slots[i].replace(slot))
    }

    pub fn remove(&mut self, fd: i32) -> Option<Slot<F>> {
        self.slots.get_mut(index(fd)?)?.take()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slot(file: usize) -> Slot<usize> {
        Slot {
            file,
            cloexec: false,
        }
    }

    #[test]
    fn lowest_free_number() {
        let mut t = FdTable::new();
        for i in 0..3 {
            let fd = t.lowest_free(0).unwrap();
            assert_eq!(fd, i);
            t.install(fd, slot(i as usize)).unwrap();
        }
        assert_eq!(t.remove(1), Some(slot(1)));
        assert_eq!(t.remove(1), None);
        assert_eq!(t.lowest_free(0), Ok(1));
        assert_eq!(t.lowest_free(2), Ok(3));
        assert_eq!(t.lowest_free(10), Ok(10));
        t.install(10, slot(10)).unwrap();
        assert_eq!(t.get(10), Some(&slot(10)));
        assert_eq!(t.lowest_free(10), Ok(11));
        assert_eq!(t.get(5), None);
        assert_eq!(t.get(-1), None);
        assert_eq!(t.get(MAX_FDS as i32), None);
        t.get_mut(0).unwrap().cloexec = true;
        assert!(t.get(0).unwrap().cloexec);
    }

    #[test]
    fn limits() {
        let mut t = FdTable::new();
        assert_eq!(t.lowest_free(-1), Err(EINVAL));
        assert_eq!(t.lowest_free(MAX_FDS as i32), Err(EINVAL));
        let last = MAX_FDS as i32 - 1;
        assert_eq!(t.lowest_free(last), Ok(last));
        t.install(last, slot(0)).unwrap();
        assert_eq!(t.lowest_free(last), Err(EMFILE));
        assert_eq!(t.install(MAX_FDS as i32, slot(0)), Err(EBADF));
        assert_eq!(t.install(last, slot(1)), Ok(Some(slot(0))));
    }
}
