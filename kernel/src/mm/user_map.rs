//! Which memory is the application's, as the system-call boundary sees it: a small,
//! sorted table of address ranges and what the kernel may do there on the application's
//! behalf. `syscalls::uaccess` builds it at boot and checks every pointer against it.
//!
//! In a one-address-space kernel the application could reach any byte with its own
//! loads and stores; what it may hand to a system call is narrower, so that a wrong
//! pointer gives `EFAULT` (as on Linux) instead of faulting in the kernel or silently
//! writing kernel state. The rule:
//!
//! - **Read and write**: the heap (every range of RAM handed to the heap: `malloc`,
//!   `mmap`, thread stacks, TLS blocks, `argv` and the environment all live there) and
//!   the image's writable segment (the application's `.data` and `.bss`).
//! - **Read only**: the image's other loaded segments: code, read-only data (string
//!   literals, `const` tables), the ELF headers; and the RELRO part of the writable
//!   segment (read-only on Linux once relocations are applied).
//! - **Nothing**: page 0, the low 1 MiB (firmware, the SMP trampoline) and everything
//!   else below the image (the boot code keeps it out of the heap), the page
//!   tables, the kernel's own statics (`.data`/`.bss` of the kernel, when the link keeps
//!   them apart), device memory, every address outside RAM and the image, and every
//!   non-canonical or upper-half address. A range that wraps around is refused.
//! - Pages inside the heap may be missing (guard pages under stacks): areas marked
//!   `holes` are checked against the page tables as well (see `accessible`).
//!
//! Kernel objects that live on the shared heap (descriptor tables, task structures,
//! buffers) cannot be told apart from the application's blocks: the application could
//! overwrite them with a stray store as well, and the heap check (`mm::heap_check`, which the fuzzer runs)
//! reports that kind of damage.

/// The first address above the lower canonical half: nothing from there on is the
/// application's (Linux's `TASK_SIZE`, near enough).
pub const USER_TOP: u64 = 0x0000_8000_0000_0000;
/// Nothing below this is the application's: page 0 (null pointers) and the low 1 MiB.
pub const LOW_LIMIT: u64 = 1 << 20;
/// How many areas the table holds: the image's segments, its carve-outs and up to the
/// heap's region count fit with room to spare.
pub const MAX_AREAS: usize = 32;

/// What the kernel may do in an area for the application.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    Read,
    ReadWrite,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Area {
    pub start: u64,
    pub end: u64,
    pub access: Access,
    /// Some pages may be unmapped: ask the page tables.
    pub holes: bool,
}

const EMPTY: Area = Area {
    start: 0,
    end: 0,
    access: Access::Read,
    holes: false,
};

/// Why a range is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// It wraps around or reaches beyond `USER_TOP` (Linux's `access_ok` fails).
    Range,
    /// Part of it is not the application's, or not writable where the kernel writes.
    Denied,
}

/// The table: sorted, non-overlapping areas.
pub struct UserMap {
    areas: [Area; MAX_AREAS],
    len: usize,
}

impl Default for UserMap {
    fn default() -> Self {
        Self::new()
    }
}

impl UserMap {
    pub const fn new() -> Self {
        Self {
            areas: [EMPTY; MAX_AREAS],
            len: 0,
        }
    }

    pub fn areas(&self) -> &[Area] {
        &self.areas[..self.len]
    }

    /// Says that `[start, end)` is `access` (`None`: not the application's), replacing
    /// what earlier calls said about any part of it. Nothing below `LOW_LIMIT` or from
    /// `USER_TOP` on is ever added. `false` (and no change) when the table is full.
    pub fn set(&mut self, start: u64, end: u64, access: Option<Access>, holes: bool) -> bool {
        let start = start.max(LOW_LIMIT);
        let end = end.min(USER_TOP);
        if start >= end {
            return true;
        }
        let mut out = [EMPTY; MAX_AREAS];
        let mut n = 0;
        let mut push = |a: Area| {
            if n == MAX_AREAS {
                return false;
            }
            out[n] = a;
            n += 1;
            true
        };
        for a in self.areas() {
            let kept = if a.end <= start || a.start >= end {
                push(*a)
            } else {
                (a.start >= start || push(Area { end: start, ..*a }))
                    && (a.end <= end || push(Area { start: end, ..*a }))
            };
            if !kept {
                return false;
            }
        }
        if let Some(access) = access
            && !push(Area {
                start,
                end,
                access,
                holes,
            })
        {
            return false;
        }
        out[..n].sort_unstable_by_key(|a| a.start);
        self.areas = out;
        self.len = n;
        true
    }

    /// The area containing `addr`.
    fn find(&self, addr: u64) -> Option<&Area> {
        let areas = self.areas();
        let i = areas.partition_point(|a| a.start <= addr);
        areas[..i].last().filter(|a| addr < a.end)
    }

    /// How many bytes from `addr` on (at most `len`) the kernel may access for the
    /// application, for writing when `write`. In areas with holes,
    /// `present(from, to, write)` returns the first address of `[from, to)` the page
    /// tables do not map (writable, when `write`), or `to`. `Fault::Range` when the
    /// range wraps or leaves the lower canonical half, whatever is mapped.
    pub fn accessible(
        &self,
        addr: u64,
        len: u64,
        write: bool,
        mut present: impl FnMut(u64, u64, bool) -> u64,
    ) -> Result<u64, Fault> {
        if len == 0 {
            return Ok(0);
        }
        let end = addr
            .checked_add(len)
            .filter(|&e| e <= USER_TOP)
            .ok_or(Fault::Range)?;
        let mut a = addr;
        while a < end {
            let Some(area) = self.find(a) else { break };
            if write && area.access != Access::ReadWrite {
                break;
            }
            let stop = area.end.min(end);
            if area.holes {
                let p = present(a, stop, write);
                if p < stop {
                    a = p.max(a);
                    break;
                }
            }
            a = stop;
        }
        Ok(a - addr)
    }

    /// Whether all of `[addr, addr + len)` is accessible (see `accessible`).
    pub fn check(
        &self,
        addr: u64,
        len: u64,
        write: bool,
        present: impl FnMut(u64, u64, bool) -> u64,
    ) -> Result<(), Fault> {
        match self.accessible(addr, len, write, present)? {
            n if n == len => Ok(()),
            _ => Err(Fault::Denied),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const IMAGE: u64 = 0x20_0000;
    const RODATA_END: u64 = 0x21_0000;
    const CODE_END: u64 = 0x30_0000;
    const DATA_END: u64 = 0x31_0000;
    const HEAP: u64 = 0x40_0000;
    const HEAP_END: u64 = 0x1000_0000;

    fn all_present(_: u64, to: u64, _: bool) -> u64 {
        to
    }

    fn map() -> UserMap {
        let mut m = UserMap::new();
        assert!(m.set(IMAGE, RODATA_END, Some(Access::Read), false));
        assert!(m.set(RODATA_END, CODE_END, Some(Access::Read), false));
        assert!(m.set(CODE_END, DATA_END, Some(Access::ReadWrite), false));
        assert!(m.set(HEAP, HEAP_END, Some(Access::ReadWrite), true));
        m
    }

    #[test]
    fn heap_and_data_are_writable_code_and_rodata_readable() {
        let m = map();
        assert_eq!(m.check(HEAP + 8, 100, true, all_present), Ok(()));
        assert_eq!(m.check(CODE_END + 16, 64, true, all_present), Ok(()));
        assert_eq!(m.check(IMAGE + 64, 64, false, all_present), Ok(()));
        assert_eq!(m.check(RODATA_END + 4, 64, false, all_present), Ok(()));
        assert_eq!(
            m.check(RODATA_END + 4, 64, true, all_present),
            Err(Fault::Denied)
        );
        assert_eq!(m.check(IMAGE, 16, true, all_present), Err(Fault::Denied));
        // Across adjacent areas: reading code and rodata together is fine.
        assert_eq!(m.check(RODATA_END - 8, 16, false, all_present), Ok(()));
    }

    #[test]
    fn low_memory_gaps_and_high_addresses_are_refused() {
        let mut m = map();
        // Claiming the low 1 MiB adds nothing.
        assert!(m.set(0, LOW_LIMIT, Some(Access::ReadWrite), false));
        assert_eq!(m.areas().len(), 4);
        for addr in [0u64, 0x1000, 0x9000, 0x10_0000] {
            assert_eq!(
                m.check(addr, 5, false, all_present),
                Err(Fault::Denied),
                "{addr:#x}"
            );
        }
        assert_eq!(m.check(DATA_END, 1, false, all_present), Err(Fault::Denied));
        assert_eq!(
            m.check(HEAP_END - 4, 8, false, all_present),
            Err(Fault::Denied)
        );
        assert_eq!(
            m.check(0x8000_0000_0000_0000, 1, false, all_present),
            Err(Fault::Range)
        );
        assert_eq!(
            m.check(USER_TOP - 1, 2, false, all_present),
            Err(Fault::Range)
        );
        assert_eq!(
            m.check(HEAP, u64::MAX, true, all_present),
            Err(Fault::Range)
        );
        assert_eq!(
            m.check(0, 0, true, all_present),
            Ok(()),
            "nothing to access"
        );
    }

    #[test]
    fn carving_splits_areas() {
        let mut m = map();
        // Kernel statics in the middle of the writable segment; RELRO at its start.
        assert!(m.set(CODE_END + 0x4000, CODE_END + 0x6000, None, false));
        assert!(m.set(CODE_END, CODE_END + 0x1000, Some(Access::Read), false));
        assert_eq!(
            m.check(CODE_END + 0x4000, 1, false, all_present),
            Err(Fault::Denied)
        );
        assert_eq!(m.check(CODE_END + 0x3ff0, 0x10, true, all_present), Ok(()));
        assert_eq!(m.check(CODE_END + 0x6000, 0x10, true, all_present), Ok(()));
        assert_eq!(
            m.check(CODE_END + 8, 8, true, all_present),
            Err(Fault::Denied)
        );
        assert_eq!(m.check(CODE_END + 8, 8, false, all_present), Ok(()));
        assert_eq!(m.areas().len(), 6);
        let sorted = m.areas().windows(2).all(|w| w[0].end <= w[1].start);
        assert!(sorted);
    }

    #[test]
    fn holes_come_from_the_page_tables() {
        let m = map();
        let guard = HEAP + 0x10_0000;
        let present = |from: u64, to: u64, _: bool| {
            if from <= guard && guard < to {
                guard
            } else {
                to
            }
        };
        assert_eq!(
            m.accessible(guard - 0x100, 0x1000, true, present),
            Ok(0x100)
        );
        assert_eq!(
            m.check(guard - 0x100, 0x1000, true, present),
            Err(Fault::Denied)
        );
        assert_eq!(m.check(guard + 0x1000, 0x1000, true, present), Ok(()));
    }

    #[test]
    fn the_prefix_stops_at_the_first_refused_byte() {
        let m = map();
        assert_eq!(m.accessible(DATA_END - 10, 100, false, all_present), Ok(10));
        assert_eq!(m.accessible(RODATA_END - 10, 100, true, all_present), Ok(0));
    }

    #[test]
    fn a_full_table_refuses_more_areas_unchanged() {
        let mut m = UserMap::new();
        for i in 0..MAX_AREAS as u64 {
            assert!(m.set(
                LOW_LIMIT + i * 0x2000,
                LOW_LIMIT + i * 0x2000 + 0x1000,
                Some(Access::Read),
                false
            ));
        }
        assert!(!m.set(0x1000_0000, 0x1000_1000, Some(Access::Read), false));
        // Splitting one area in two also needs a slot.
        assert!(!m.set(LOW_LIMIT + 0x400, LOW_LIMIT + 0x800, None, false));
        assert_eq!(m.areas().len(), MAX_AREAS);
    }
}
