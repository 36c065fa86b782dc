//! Turns the firmware's memory map into the ranges the kernel may hand out.

use alloc::vec::Vec;

/// A half-open physical address range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Range {
    pub start: u64,
    pub end: u64,
}

impl Range {
    pub const fn new(start: u64, end: u64) -> Self {
        Self { start, end }
    }
    pub fn len(&self) -> u64 {
        self.end.saturating_sub(self.start)
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Usable RAM: the `ram` ranges minus every `reserved` range, shrunk to whole pages,
/// sorted and without empty pieces.
pub fn usable(ram: &[Range], reserved: &[Range], page: u64) -> Vec<Range> {
    let mut out: Vec<Range> = Vec::new();
    for r in ram {
        let mut pieces = alloc::vec![Range::new(
            r.start.next_multiple_of(page),
            r.end / page * page
        )];
        for cut in reserved {
            let mut next = Vec::new();
            for p in pieces {
                if cut.end <= p.start || cut.start >= p.end {
                    next.push(p);
                    continue;
                }
                if cut.start > p.start {
                    next.push(Range::new(p.start, cut.start / page * page));
                }
                if cut.end < p.end {
                    next.push(Range::new(cut.end.next_multiple_of(page), p.end));
                }
            }
            pieces = next;
        }
        out.extend(pieces.into_iter().filter(|p| p.start < p.end));
    }
    out.sort_by_key(|r| r.start);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    #[test]
    fn cuts_reserved_and_aligns() {
        let ram = [Range::new(0, 0x9fc00), Range::new(0x100000, 0x2000_0000)];
        let reserved = [Range::new(0, 0x100000), Range::new(0x200000, 0x2345_67)];
        let u = usable(&ram, &reserved, 0x1000);
        assert_eq!(
            u,
            vec![
                Range::new(0x100000, 0x200000),
                Range::new(0x235000, 0x2000_0000)
            ]
        );
    }

    #[test]
    fn reserved_covering_everything_leaves_nothing() {
        let u = usable(
            &[Range::new(0x1000, 0x5000)],
            &[Range::new(0, 0x10000)],
            0x1000,
        );
        assert!(u.is_empty());
        let u = usable(&[Range::new(0x1001, 0x1fff)], &[], 0x1000);
        assert!(
            u.is_empty(),
            "a range smaller than a page after alignment vanishes"
        );
    }
}
