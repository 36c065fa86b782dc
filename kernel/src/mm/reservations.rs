//! Address space reserved by `mmap(PROT_NONE)` and filled page by page when `mprotect`
//! makes pages accessible: Wasm runtimes (wasmtime) reserve 4 GiB and more per linear
//! memory and make only what the module uses readable and writable. Such a reservation
//! cannot come from the heap (RAM is identity-mapped and far smaller), so it takes
//! addresses from a window of the lower half where nothing else is mapped; each page
//! that becomes accessible gets a frame of its own from the heap (`paging::commit_page`).
//!
//! This file keeps the ranges only: which parts of the window are reserved, where a new
//! reservation fits, what an unmap releases. Independent of the page tables, so tested
//! on the host.

use alloc::vec::Vec;

/// The window: 32 TiB from 64 TiB up, below the soft-TLB alias window (0x7000_0000_0000)
/// and far above any RAM a guest has.
pub const WINDOW_START: usize = 0x4000_0000_0000;
pub const WINDOW_END: usize = 0x6000_0000_0000;

const PAGE: usize = 4096;

/// Whether `[start, end)` lies inside the window (then only reservations may map it).
pub fn in_window(start: usize, end: usize) -> bool {
    start >= WINDOW_START && end <= WINDOW_END && start <= end
}

/// The reserved ranges, sorted, never overlapping nor touching another's end (two
/// reservations next to each other stay two: each was one mmap).
#[derive(Default)]
pub struct Reservations {
    ranges: Vec<(usize, usize)>,
}

/// No room: the window is full or the list could not grow.
#[derive(Debug, PartialEq, Eq)]
pub struct NoRoom;

impl Reservations {
    pub const fn new() -> Self {
        Self { ranges: Vec::new() }
    }

    /// Reserves `len` bytes (a multiple of the page size, not zero): the first gap of the
    /// window that holds them, with a free page before it so that two reservations never
    /// touch (an overrun of one faults instead of reaching the next).
    pub fn reserve(&mut self, len: usize) -> Result<usize, NoRoom> {
        debug_assert!(len > 0 && len.is_multiple_of(PAGE));
        self.ranges.try_reserve(1).map_err(|_| NoRoom)?;
        let mut from = WINDOW_START;
        let mut at = 0;
        for (i, &(s, e)) in self.ranges.iter().enumerate() {
            if s.saturating_sub(from) >= len + PAGE {
                break;
            }
            from = e + PAGE;
            at = i + 1;
        }
        let end = from.checked_add(len).ok_or(NoRoom)?;
        if end > WINDOW_END - PAGE {
            return Err(NoRoom);
        }
        self.ranges.insert(at, (from, end));
        Ok(from)
    }

    /// Whether every page of `[start, end)` is reserved.
    pub fn covers(&self, start: usize, end: usize) -> bool {
        let mut a = start;
        let i = self.ranges.partition_point(|&(_, e)| e <= a);
        for &(s, e) in &self.ranges[i..] {
            if a >= end || s > a {
                break;
            }
            a = e;
        }
        a >= end
    }

    /// Whether any page of `[start, end)` is reserved.
    pub fn any(&self, start: usize, end: usize) -> bool {
        let i = self.ranges.partition_point(|&(_, e)| e <= start);
        self.ranges.get(i).is_some_and(|&(s, _)| s < end)
    }

    /// Takes `[start, end)` out of the reservations, calling `release` with each reserved
    /// part of it (whose pages the caller gives back); a reservation cut in the middle
    /// becomes two. Err (nothing changed) when the list cannot grow for that.
    pub fn unmap(
        &mut self,
        start: usize,
        end: usize,
        mut release: impl FnMut(usize, usize),
    ) -> Result<(), NoRoom> {
        let first = self.ranges.partition_point(|&(_, e)| e <= start);
        if self
            .ranges
            .get(first)
            .is_some_and(|&(s, e)| s < start && e > end)
        {
            // A hole in one reservation: it splits.
            self.ranges.try_reserve(1).map_err(|_| NoRoom)?;
            let (s, e) = self.ranges[first];
            release(start, end);
            self.ranges[first] = (s, start);
            self.ranges.insert(first + 1, (end, e));
            return Ok(());
        }
        let mut i = first;
        while i < self.ranges.len() && self.ranges[i].0 < end {
            let (s, e) = self.ranges[i];
            let (from, to) = (s.max(start), e.min(end));
            release(from, to);
            if s < from {
                self.ranges[i] = (s, from);
                i += 1;
            } else if e > to {
                self.ranges[i] = (to, e);
                i += 1;
            } else {
                self.ranges.remove(i);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    const G: usize = 1 << 30;

    #[test]
    fn reservations_take_the_first_gap_with_a_page_between() {
        let mut r = Reservations::new();
        let a = r.reserve(4 * G).unwrap();
        let b = r.reserve(PAGE).unwrap();
        assert_eq!(a, WINDOW_START);
        assert_eq!(b, a + 4 * G + PAGE);
        let c = r.reserve(2 * PAGE).unwrap();
        assert_eq!(c, b + 2 * PAGE);
        // The first one goes: its place is taken again.
        r.unmap(a, a + 4 * G, |_, _| {}).unwrap();
        assert_eq!(r.reserve(G).unwrap(), WINDOW_START);
        assert!(r.covers(b, b + PAGE) && !r.covers(b, b + 2 * PAGE));
    }

    #[test]
    fn the_window_runs_out() {
        let mut r = Reservations::new();
        assert_eq!(r.reserve(WINDOW_END - WINDOW_START), Err(NoRoom));
        let big = WINDOW_END - WINDOW_START - 2 * PAGE;
        assert_eq!(r.reserve(big), Ok(WINDOW_START));
        assert_eq!(r.reserve(PAGE), Err(NoRoom));
    }

    #[test]
    fn unmap_releases_only_reserved_parts_and_splits() {
        let mut r = Reservations::new();
        let a = r.reserve(16 * PAGE).unwrap();
        let mut got = vec![];
        // The middle: two reservations remain.
        r.unmap(a + 4 * PAGE, a + 6 * PAGE, |s, e| got.push((s, e)))
            .unwrap();
        assert_eq!(got, vec![(a + 4 * PAGE, a + 6 * PAGE)]);
        assert!(r.covers(a, a + 4 * PAGE) && r.covers(a + 6 * PAGE, a + 16 * PAGE));
        assert!(!r.any(a + 4 * PAGE, a + 6 * PAGE));
        // Across the hole, from before the reservation to past it: only the reserved parts.
        got.clear();
        r.unmap(a - PAGE, a + 8 * PAGE, |s, e| got.push((s, e)))
            .unwrap();
        assert_eq!(got, vec![(a, a + 4 * PAGE), (a + 6 * PAGE, a + 8 * PAGE)]);
        assert!(r.covers(a + 8 * PAGE, a + 16 * PAGE) && !r.any(a, a + 8 * PAGE));
        // The tail, then the rest.
        r.unmap(a + 12 * PAGE, a + 20 * PAGE, |_, _| {}).unwrap();
        assert!(r.covers(a + 8 * PAGE, a + 12 * PAGE) && !r.any(a + 12 * PAGE, a + 20 * PAGE));
        r.unmap(a, a + 16 * PAGE, |_, _| {}).unwrap();
        assert!(!r.any(WINDOW_START, WINDOW_END));
    }

    #[test]
    fn covers_spans_neighbours_only_without_gaps() {
        let mut r = Reservations::new();
        let a = r.reserve(2 * PAGE).unwrap();
        let b = r.reserve(2 * PAGE).unwrap();
        assert!(r.covers(a, a + 2 * PAGE) && r.covers(b, b + PAGE));
        // The free page between them is not reserved.
        assert!(!r.covers(a, b + PAGE));
        assert!(r.any(a + PAGE, b) && !r.any(a + 2 * PAGE, b));
        assert!(in_window(a, b) && !in_window(0x1000, 0x2000));
    }
}
