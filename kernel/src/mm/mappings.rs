//! Which pages anonymous `mmap` handed out, so that `munmap` releases only those: a
//! range that no mapping covers (unmapped twice, a page inside a malloc block, a stack)
//! is left alone, as Linux leaves alone what is not mapped.
//!
//! Each mapping is one heap block. `munmap` may take any part of it: the registry keeps
//! the pages still mapped as a sorted list of page ranges, each naming its block. When no
//! page of a block remains mapped the block is freed; when the pages at its end are
//! unmapped the block shrinks, so they return to the heap at once. Pages unmapped at the
//! start or in the middle of a block stay reserved until the rest of the block goes (a
//! heap block can only be cut short at its end).
//!
//! The logic is independent of the heap: `unmap` reports what to release and the caller
//! does it, so it is tested on the host.

use alloc::vec::Vec;

/// What the caller must do with a heap block after an unmap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Release {
    /// No page of the block `[base, base + len)` is mapped any more: free it.
    Free { base: usize, len: usize },
    /// Only the first `new_len` bytes of the block `[base, base + len)` can still be
    /// mapped: shrink it to them.
    Shrink {
        base: usize,
        len: usize,
        new_len: usize,
    },
}

/// Mapped pages `[start, end)` of the heap block `[block, block + block_len)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Piece {
    start: usize,
    end: usize,
    block: usize,
    block_len: usize,
}

/// The registry: pieces sorted by address, never overlapping.
#[derive(Default)]
pub struct Mappings {
    pieces: Vec<Piece>,
}

/// The registry could not grow (out of memory).
#[derive(Debug, PartialEq, Eq)]
pub struct NoMemory;

impl Mappings {
    pub const fn new() -> Self {
        Self { pieces: Vec::new() }
    }

    /// Records the new mapping `[start, start + len)`, which is a whole heap block.
    pub fn insert(&mut self, start: usize, len: usize) -> Result<(), NoMemory> {
        self.pieces.try_reserve(1).map_err(|_| NoMemory)?;
        let at = self.pieces.partition_point(|p| p.start < start);
        self.pieces.insert(
            at,
            Piece {
                start,
                end: start + len,
                block: start,
                block_len: len,
            },
        );
        Ok(())
    }

    /// Unmaps whatever lies inside `[start, end)` (page-aligned, `start < end`) and calls
    /// `release` for every block that is freed or shrinks. Nothing mapped there is fine.
    /// Fails only when a mapping must be split in two and the registry cannot grow; then
    /// nothing changes.
    pub fn unmap(
        &mut self,
        start: usize,
        end: usize,
        mut release: impl FnMut(Release),
    ) -> Result<(), NoMemory> {
        let first = self.pieces.partition_point(|p| p.end <= start);
        let last = first + self.pieces[first..].partition_point(|p| p.start < end);
        if first == last {
            return Ok(());
        }
        let head = self.pieces[first];
        let tail = self.pieces[last - 1];
        let head_kept = (head.start < start).then_some(Piece { end: start, ..head });
        let tail_kept = (tail.end > end).then_some(Piece { start: end, ..tail });
        if head_kept.is_some() && tail_kept.is_some() && first + 1 == last {
            // One piece cut in the middle becomes two.
            self.pieces.try_reserve(1).map_err(|_| NoMemory)?;
        }

        // Every block that keeps a piece above the range keeps its end: it is untouched.
        // A block whose pieces all lie inside the range is freed. Only the first block
        // can keep pieces below the range alone: it shrinks to the last of them.
        let mut shrunk = None;
        let mut prev_block = None;
        for p in &self.pieces[first..last] {
            if prev_block == Some(p.block) {
                continue;
            }
            prev_block = Some(p.block);
            let kept_above = p.block == tail.block
                && (tail_kept.is_some()
                    || self.pieces.get(last).is_some_and(|n| n.block == p.block));
            if kept_above {
                continue;
            }
            let below_end = if p.block != head.block {
                None
            } else if let Some(h) = head_kept {
                Some(h.end)
            } else {
                first
                    .checked_sub(1)
                    .map(|i| self.pieces[i])
                    .filter(|b| b.block == p.block)
                    .map(|b| b.end)
            };
            match below_end {
                None => release(Release::Free {
                    base: p.block,
                    len: p.block_len,
                }),
                Some(e) if e < p.block + p.block_len => {
                    release(Release::Shrink {
                        base: p.block,
                        len: p.block_len,
                        new_len: e - p.block,
                    });
                    shrunk = Some((p.block, e - p.block));
                }
                Some(_) => {}
            }
        }

        // The pieces: [first, last) becomes what is kept of the head and the tail.
        let kept = [head_kept, tail_kept];
        let mut at = first;
        for piece in kept.into_iter().flatten() {
            if at < last {
                self.pieces[at] = piece;
            } else {
                self.pieces.insert(at, piece);
            }
            at += 1;
        }
        if at < last {
            self.pieces.drain(at..last);
        }
        if let Some((block, new_len)) = shrunk {
            for p in self.pieces[..first + head_kept.is_some() as usize]
                .iter_mut()
                .rev()
                .take_while(|p| p.block == block)
            {
                p.block_len = new_len;
            }
        }
        Ok(())
    }

    /// Whether any page of `[start, end)` is mapped.
    pub fn any_mapped(&self, start: usize, end: usize) -> bool {
        let i = self.pieces.partition_point(|p| p.end <= start);
        self.pieces.get(i).is_some_and(|p| p.start < end)
    }

    /// Whether every page of `[start, end)` (`start < end`) is mapped: what `mprotect`
    /// may change.
    pub fn all_mapped(&self, start: usize, end: usize) -> bool {
        let mut at = start;
        let first = self.pieces.partition_point(|p| p.end <= start);
        for p in &self.pieces[first..] {
            if p.start > at || at >= end {
                break;
            }
            at = p.end;
        }
        at >= end
    }

    /// The parts of `[start, end)` that lie inside blocks still alive (some page of them
    /// mapped): after an unmap of that range, exactly the pages it took out of blocks that
    /// were neither freed nor shrunk past them, which must now fault.
    pub fn live_blocks_in(
        &self,
        start: usize,
        end: usize,
    ) -> impl Iterator<Item = (usize, usize)> + '_ {
        let mut prev = None;
        self.pieces
            .iter()
            .filter(move |p| {
                let new = prev != Some(p.block);
                prev = Some(p.block);
                new
            })
            .filter(move |p| p.block < end && p.block + p.block_len > start)
            .map(move |p| (p.block.max(start), (p.block + p.block_len).min(end)))
    }

    /// The mapped parts of `[start, end)`, in order (each clipped to the range).
    pub fn mapped_in(&self, start: usize, end: usize) -> impl Iterator<Item = (usize, usize)> + '_ {
        let first = self.pieces.partition_point(|p| p.end <= start);
        self.pieces[first..]
            .iter()
            .take_while(move |p| p.start < end)
            .map(move |p| (p.start.max(start), p.end.min(end)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    const P: usize = 4096;

    fn unmap(m: &mut Mappings, start: usize, end: usize) -> Vec<Release> {
        let mut out = Vec::new();
        m.unmap(start, end, |r| out.push(r)).unwrap();
        out
    }

    fn free(base: usize, pages: usize) -> Release {
        Release::Free {
            base,
            len: pages * P,
        }
    }

    #[test]
    fn whole_mapping_is_freed_once() {
        let mut m = Mappings::new();
        m.insert(10 * P, 4 * P).unwrap();
        assert_eq!(unmap(&mut m, 10 * P, 14 * P), vec![free(10 * P, 4)]);
        assert!(unmap(&mut m, 10 * P, 14 * P).is_empty(), "twice: nothing");
        assert!(!m.any_mapped(0, usize::MAX));
    }

    #[test]
    fn ranges_outside_every_mapping_release_nothing() {
        let mut m = Mappings::new();
        m.insert(10 * P, 4 * P).unwrap();
        assert!(unmap(&mut m, 0, 10 * P).is_empty());
        assert!(unmap(&mut m, 14 * P, 100 * P).is_empty());
        assert!(m.any_mapped(10 * P, 11 * P));
    }

    #[test]
    fn tail_shrinks_head_and_middle_wait_for_the_rest() {
        let mut m = Mappings::new();
        m.insert(0x10 * P, 8 * P).unwrap();
        // The last two pages: the block shrinks to six.
        assert_eq!(
            unmap(&mut m, 0x16 * P, 0x18 * P),
            vec![Release::Shrink {
                base: 0x10 * P,
                len: 8 * P,
                new_len: 6 * P
            }]
        );
        // The first page and a middle page: nothing can go yet.
        assert!(unmap(&mut m, 0x10 * P, 0x11 * P).is_empty());
        assert!(unmap(&mut m, 0x13 * P, 0x14 * P).is_empty());
        assert!(!m.any_mapped(0x13 * P, 0x14 * P));
        assert!(m.any_mapped(0x12 * P, 0x13 * P));
        // Cutting [4, 6): the last mapped page is now page 2; the shrink uses the new length.
        assert_eq!(
            unmap(&mut m, 0x14 * P, 0x16 * P),
            vec![Release::Shrink {
                base: 0x10 * P,
                len: 6 * P,
                new_len: 3 * P
            }]
        );
        // The rest: freed with its current length.
        assert_eq!(unmap(&mut m, 0x11 * P, 0x13 * P), vec![free(0x10 * P, 3)]);
        assert!(!m.any_mapped(0, usize::MAX));
    }

    #[test]
    fn one_range_over_several_mappings() {
        let mut m = Mappings::new();
        m.insert(0x10 * P, 2 * P).unwrap();
        m.insert(0x20 * P, 2 * P).unwrap();
        m.insert(0x30 * P, 2 * P).unwrap();
        m.insert(0x40 * P, 2 * P).unwrap();
        // Cuts the first's last page, all of the second and third, the fourth's first.
        let r = unmap(&mut m, 0x11 * P, 0x41 * P);
        assert_eq!(
            r,
            vec![
                Release::Shrink {
                    base: 0x10 * P,
                    len: 2 * P,
                    new_len: P
                },
                free(0x20 * P, 2),
                free(0x30 * P, 2),
            ]
        );
        assert!(m.any_mapped(0x10 * P, 0x11 * P) && m.any_mapped(0x41 * P, 0x42 * P));
        assert_eq!(
            unmap(&mut m, 0, usize::MAX & !(P - 1)),
            vec![free(0x10 * P, 1), free(0x40 * P, 2)]
        );
    }

    #[test]
    fn a_split_keeps_both_sides_mapped() {
        let mut m = Mappings::new();
        m.insert(0x10 * P, 3 * P).unwrap();
        assert!(unmap(&mut m, 0x11 * P, 0x12 * P).is_empty());
        assert!(m.any_mapped(0x10 * P, 0x11 * P));
        assert!(!m.any_mapped(0x11 * P, 0x12 * P));
        assert!(m.any_mapped(0x12 * P, 0x13 * P));
        assert!(unmap(&mut m, 0x12 * P, 0x13 * P).len() == 1);
        assert_eq!(unmap(&mut m, 0x10 * P, 0x11 * P), vec![free(0x10 * P, 1)]);
    }

    #[test]
    fn coverage_and_mapped_parts() {
        let mut m = Mappings::new();
        m.insert(0x10 * P, 2 * P).unwrap();
        m.insert(0x12 * P, 2 * P).unwrap();
        m.insert(0x20 * P, 2 * P).unwrap();
        assert!(
            m.all_mapped(0x10 * P, 0x14 * P),
            "adjacent mappings cover together"
        );
        assert!(m.all_mapped(0x11 * P, 0x12 * P));
        assert!(!m.all_mapped(0x13 * P, 0x15 * P));
        assert!(!m.all_mapped(0x0f * P, 0x11 * P));
        unmap(&mut m, 0x11 * P, 0x12 * P);
        assert!(!m.all_mapped(0x10 * P, 0x13 * P), "a hole");
        let parts: Vec<_> = m.mapped_in(0x10 * P, 0x21 * P).collect();
        assert_eq!(
            parts,
            vec![
                (0x10 * P, 0x11 * P),
                (0x12 * P, 0x14 * P),
                (0x20 * P, 0x21 * P)
            ]
        );
        assert_eq!(m.mapped_in(0x30 * P, 0x40 * P).count(), 0);
    }

    #[test]
    fn pages_taken_out_of_live_blocks() {
        let mut m = Mappings::new();
        m.insert(0x10 * P, 4 * P).unwrap();
        m.insert(0x20 * P, 2 * P).unwrap();
        // The middle of the first: a hole inside a live block.
        assert!(unmap(&mut m, 0x11 * P, 0x12 * P).is_empty());
        let live: Vec<_> = m.live_blocks_in(0x11 * P, 0x12 * P).collect();
        assert_eq!(live, vec![(0x11 * P, 0x12 * P)]);
        // The tail of the first and all of the second: the first shrinks to its last
        // mapped page, the second is freed; nothing of the range stays in a live block.
        let r = unmap(&mut m, 0x12 * P, 0x22 * P);
        assert_eq!(r.len(), 2);
        assert_eq!(m.live_blocks_in(0x12 * P, 0x22 * P).count(), 0);
        // Only the first page is left: the block shrank to it (the hole went back too).
        let live: Vec<_> = m.live_blocks_in(0, 0x30 * P).collect();
        assert_eq!(live, vec![(0x10 * P, 0x11 * P)]);
    }

    #[test]
    fn adjacent_blocks_stay_apart() {
        let mut m = Mappings::new();
        m.insert(0x10 * P, 2 * P).unwrap();
        m.insert(0x12 * P, 2 * P).unwrap();
        // The second block's first page and the first block's last: both blocks keep a
        // page; the first shrinks, the second (head cut) waits.
        assert_eq!(
            unmap(&mut m, 0x11 * P, 0x13 * P),
            vec![Release::Shrink {
                base: 0x10 * P,
                len: 2 * P,
                new_len: P
            }]
        );
        assert_eq!(unmap(&mut m, 0x13 * P, 0x14 * P), vec![free(0x12 * P, 2)]);
        assert_eq!(unmap(&mut m, 0x10 * P, 0x11 * P), vec![free(0x10 * P, 1)]);
    }
}
