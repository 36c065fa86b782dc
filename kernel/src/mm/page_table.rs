//! Four-level page tables, built over an abstract physical memory so the same code runs
//! on the host under `cargo test` and Miri. Entries are handled in x86-64's form; the
//! memory's `encode`/`decode` turn them into the hardware's (`mm::descriptor`: identity
//! on x86-64, VMSAv8-64 descriptors on aarch64).

pub const PAGE: u64 = 4096;
pub const HUGE: u64 = 2 * 1024 * 1024;

pub const PRESENT: u64 = 1;
pub const WRITABLE: u64 = 1 << 1;
pub const WRITE_THROUGH: u64 = 1 << 3;
pub const NO_CACHE: u64 = 1 << 4;
pub const HUGE_PAGE: u64 = 1 << 7;
pub const NO_EXECUTE: u64 = 1 << 63;
pub const ADDR_MASK: u64 = 0x000f_ffff_ffff_f000;
/// Permission bits copied when a 2 MiB page is split.
const LEAF_FLAGS: u64 = PRESENT | WRITABLE | WRITE_THROUGH | NO_CACHE | NO_EXECUTE;

/// Where page tables live: the kernel uses identity-mapped RAM, tests a vector.
pub trait TableMemory {
    /// A zeroed, 4 KiB aligned table; `None` when memory is exhausted.
    fn alloc_table(&mut self) -> Option<u64>;
    /// The table at physical address `phys`.
    fn table(&mut self, phys: u64) -> &mut [u64; 512];
    /// The hardware form of x86-64-form entry `e` at `level` (0: page table, 3: root).
    fn encode(&self, _level: u32, e: u64) -> u64 {
        e
    }
    /// The x86-64 form of hardware entry `e` at `level`.
    fn decode(&self, _level: u32, e: u64) -> u64 {
        e
    }
}

#[derive(Debug, PartialEq, Eq)]
pub enum MapError {
    OutOfMemory,
    Unaligned,
}

pub struct Mapper<'m, M: TableMemory> {
    mem: &'m mut M,
    root: u64,
}

fn index(va: u64, level: u32) -> usize {
    ((va >> (12 + 9 * level)) & 511) as usize
}

impl<'m, M: TableMemory> Mapper<'m, M> {
    pub fn new(mem: &'m mut M) -> Result<Self, MapError> {
        let root = mem.alloc_table().ok_or(MapError::OutOfMemory)?;
        Ok(Self { mem, root })
    }

    pub fn with_root(mem: &'m mut M, root: u64) -> Self {
        Self { mem, root }
    }

    pub fn root(&self) -> u64 {
        self.root
    }

    /// Entry `idx` of `table` (at `level`), in x86-64 form.
    fn get(&mut self, table: u64, level: u32, idx: usize) -> u64 {
        let raw = self.mem.table(table)[idx];
        self.mem.decode(level, raw)
    }

    /// Writes x86-64-form entry `e` as entry `idx` of `table` (at `level`).
    fn set(&mut self, table: u64, level: u32, idx: usize, e: u64) {
        let raw = self.mem.encode(level, e);
        self.mem.table(table)[idx] = raw;
    }

    /// The table one level down from entry `idx` of `table` (at `level`), created when
    /// absent. A 2 MiB leaf in the way is split into 512 4 KiB leaves with the same
    /// permissions.
    fn next_table(&mut self, table: u64, level: u32, idx: usize) -> Result<u64, MapError> {
        let entry = self.get(table, level, idx);
        if entry & PRESENT != 0 && entry & HUGE_PAGE == 0 {
            return Ok(entry & ADDR_MASK);
        }
        let new = self.mem.alloc_table().ok_or(MapError::OutOfMemory)?;
        if entry & PRESENT != 0 {
            let base = entry & ADDR_MASK & !(HUGE - 1);
            let flags = entry & LEAF_FLAGS;
            for i in 0..512 {
                self.set(new, level - 1, i, (base + i as u64 * PAGE) | flags);
            }
        }
        self.set(table, level, idx, new | PRESENT | WRITABLE);
        Ok(new)
    }

    pub fn map_4k(&mut self, va: u64, pa: u64, flags: u64) -> Result<(), MapError> {
        if va % PAGE != 0 || pa % PAGE != 0 {
            return Err(MapError::Unaligned);
        }
        let mut t = self.root;
        for level in (1..4).rev() {
            t = self.next_table(t, level, index(va, level))?;
        }
        self.set(t, 0, index(va, 0), pa | flags | PRESENT);
        Ok(())
    }

    pub fn map_2m(&mut self, va: u64, pa: u64, flags: u64) -> Result<(), MapError> {
        if va % HUGE != 0 || pa % HUGE != 0 {
            return Err(MapError::Unaligned);
        }
        let mut t = self.root;
        for level in (2..4).rev() {
            t = self.next_table(t, level, index(va, level))?;
        }
        self.set(t, 1, index(va, 1), pa | flags | PRESENT | HUGE_PAGE);
        Ok(())
    }

    /// Identity-maps `[start, end)` (page aligned) with 2 MiB pages where they fit.
    pub fn identity_map(&mut self, start: u64, end: u64, flags: u64) -> Result<(), MapError> {
        if start % PAGE != 0 || end % PAGE != 0 {
            return Err(MapError::Unaligned);
        }
        let mut a = start;
        while a < end {
            if a % HUGE == 0 && end - a >= HUGE {
                self.map_2m(a, a, flags)?;
                a += HUGE;
            } else {
                self.map_4k(a, a, flags)?;
                a += PAGE;
            }
        }
        Ok(())
    }

    /// Makes the 4 KiB page at `va` not present (a guard page), splitting a 2 MiB page.
    pub fn unmap_4k(&mut self, va: u64) -> Result<(), MapError> {
        if va % PAGE != 0 {
            return Err(MapError::Unaligned);
        }
        let mut t = self.root;
        for level in (1..4).rev() {
            let e = self.get(t, level, index(va, level));
            if e & PRESENT == 0 {
                return Ok(());
            }
            t = self.next_table(t, level, index(va, level))?;
        }
        self.set(t, 0, index(va, 0), 0);
        Ok(())
    }

    /// Makes the 2 MiB page at `va` not present again (one that `map_2m` mapped); a
    /// region that is not mapped with a 2 MiB page there is left alone.
    pub fn unmap_2m(&mut self, va: u64) -> Result<(), MapError> {
        if va % HUGE != 0 {
            return Err(MapError::Unaligned);
        }
        let mut t = self.root;
        for level in (2..4).rev() {
            let e = self.get(t, level, index(va, level));
            if e & PRESENT == 0 {
                return Ok(());
            }
            t = e & ADDR_MASK;
        }
        if self.get(t, 1, index(va, 1)) & HUGE_PAGE != 0 {
            self.set(t, 1, index(va, 1), 0);
        }
        Ok(())
    }

    /// The leaf that maps `va`: its flags and the size of the page it maps (4 KiB or
    /// 2 MiB), so a walk over a range can step a whole page at a time.
    pub fn leaf(&mut self, va: u64) -> Option<(u64, u64)> {
        let mut t = self.root;
        for level in (0..4).rev() {
            let e = self.get(t, level, index(va, level));
            if e & PRESENT == 0 {
                return None;
            }
            if level == 0 {
                return Some((e & LEAF_FLAGS, PAGE));
            }
            if level == 1 && e & HUGE_PAGE != 0 {
                return Some((e & LEAF_FLAGS, HUGE));
            }
            t = e & ADDR_MASK;
        }
        None
    }

    /// The physical address and leaf flags `va` maps to.
    pub fn translate(&mut self, va: u64) -> Option<(u64, u64)> {
        let mut t = self.root;
        for level in (0..4).rev() {
            let e = self.get(t, level, index(va, level));
            if e & PRESENT == 0 {
                return None;
            }
            if level == 0 || (level == 1 && e & HUGE_PAGE != 0) {
                let size = if level == 0 { PAGE } else { HUGE };
                return Some(((e & ADDR_MASK & !(size - 1)) + va % size, e & LEAF_FLAGS));
            }
            t = e & ADDR_MASK;
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::boxed::Box;
    use alloc::vec::Vec;

    /// Tables at fake physical addresses 0x1000, 0x2000, ...
    struct VecMemory {
        tables: Vec<Box<[u64; 512]>>,
        limit: usize,
    }
    impl TableMemory for VecMemory {
        fn alloc_table(&mut self) -> Option<u64> {
            if self.tables.len() == self.limit {
                return None;
            }
            self.tables.push(Box::new([0; 512]));
            Some(self.tables.len() as u64 * PAGE)
        }
        fn table(&mut self, phys: u64) -> &mut [u64; 512] {
            &mut self.tables[(phys / PAGE) as usize - 1]
        }
    }

    fn mem(limit: usize) -> VecMemory {
        VecMemory {
            tables: Vec::new(),
            limit,
        }
    }

    #[test]
    fn identity_map_uses_huge_pages_where_aligned() {
        let mut m = mem(64);
        let mut map = Mapper::new(&mut m).unwrap();
        map.identity_map(0x1000, 0x60_0000, WRITABLE | NO_EXECUTE)
            .unwrap();
        assert_eq!(map.translate(0), None, "page 0 stays unmapped");
        assert_eq!(
            map.translate(0x1234),
            Some((0x1234, PRESENT | WRITABLE | NO_EXECUTE))
        );
        assert_eq!(map.translate(0x40_0123).unwrap().0, 0x40_0123);
        assert_eq!(map.translate(0x60_0000), None);
        // root, pdpt, pd, one page table for the first 2 MiB
        assert_eq!(m.tables.len(), 4);
    }

    /// The same memory, entries stored as aarch64 descriptors (`mm::descriptor`).
    struct VmsaMemory(VecMemory);
    impl TableMemory for VmsaMemory {
        fn alloc_table(&mut self) -> Option<u64> {
            self.0.alloc_table()
        }
        fn table(&mut self, phys: u64) -> &mut [u64; 512] {
            self.0.table(phys)
        }
        fn encode(&self, level: u32, e: u64) -> u64 {
            crate::mm::descriptor::to_vmsa(level, e)
        }
        fn decode(&self, level: u32, e: u64) -> u64 {
            crate::mm::descriptor::from_vmsa(level, e)
        }
    }

    #[test]
    fn aarch64_descriptors_map_split_and_translate_alike() {
        let mut m = VmsaMemory(mem(64));
        let mut map = Mapper::new(&mut m).unwrap();
        map.identity_map(0x4000_0000, 0x4060_0000, WRITABLE | NO_EXECUTE)
            .unwrap();
        map.map_4k(0x4070_0000, 0x4070_0000, 0).unwrap(); // code: read-only, executable
        assert_eq!(
            map.translate(0x4040_0123),
            Some((0x4040_0123, PRESENT | WRITABLE | NO_EXECUTE))
        );
        map.unmap_4k(0x4030_0000).unwrap(); // a guard page splits the block
        assert_eq!(map.translate(0x4030_0010), None);
        assert_eq!(
            map.leaf(0x4030_1000),
            Some((PRESENT | WRITABLE | NO_EXECUTE, PAGE))
        );
        assert_eq!(map.leaf(0x4070_0000), Some((PRESENT, PAGE)));
        assert_eq!(map.translate(0), None);
        // In memory: the split table's pages are page descriptors (bits 1:0 = 0b11),
        // the untouched 2 MiB blocks block descriptors (0b01), the code page read-only.
        let root = map.root();
        let raw = |m: &mut VmsaMemory, va: u64, level: u32| {
            let mut t = root;
            for l in (level + 1..4).rev() {
                t = m.table(t)[index(va, l)] & ADDR_MASK;
            }
            m.table(t)[index(va, level)]
        };
        assert_eq!(raw(&mut m, 0x4040_0000, 1) & 0b11, 0b01);
        assert_eq!(raw(&mut m, 0x4030_1000, 0) & 0b11, 0b11);
        assert_eq!(raw(&mut m, 0x4030_0000, 0), 0);
        assert_ne!(raw(&mut m, 0x4070_0000, 0) & (1 << 7), 0);
    }

    #[test]
    fn guard_page_splits_a_huge_page() {
        let mut m = mem(64);
        let mut map = Mapper::new(&mut m).unwrap();
        map.identity_map(0x20_0000, 0x40_0000, WRITABLE).unwrap();
        map.unmap_4k(0x30_0000).unwrap();
        assert_eq!(map.translate(0x30_0010), None);
        assert_eq!(
            map.translate(0x2f_f010),
            Some((0x2f_f010, PRESENT | WRITABLE))
        );
        assert_eq!(
            map.translate(0x30_1000),
            Some((0x30_1000, PRESENT | WRITABLE))
        );
        map.unmap_4k(0x1234_5000).unwrap(); // unmapped already: nothing to do
    }

    #[test]
    fn alias_pages_map_and_unmap() {
        let mut m = mem(64);
        let mut map = Mapper::new(&mut m).unwrap();
        map.identity_map(0x20_0000, 0x40_0000, WRITABLE).unwrap();
        let window = 0x7000_0000_0000u64;
        for i in 0..4 {
            map.map_2m(window + i * HUGE, 0x20_0000, NO_EXECUTE)
                .unwrap();
        }
        assert_eq!(
            map.translate(window + 3 * HUGE + 0x1234).unwrap().0,
            0x20_1234
        );
        for i in 0..4 {
            map.unmap_2m(window + i * HUGE).unwrap();
        }
        assert_eq!(map.translate(window + HUGE), None);
        assert_eq!(map.unmap_2m(window + 0x1000), Err(MapError::Unaligned));
        map.unmap_2m(0x1234_0000_0000).unwrap(); // unmapped already: nothing to do
        // A region mapped with 4 KiB pages is not a 2 MiB page: left alone.
        map.unmap_4k(0x30_0000).unwrap();
        map.unmap_2m(0x20_0000).unwrap();
        assert_eq!(map.translate(0x20_1000).unwrap().0, 0x20_1000);
        assert_eq!(
            map.translate(0x20_0000).unwrap().0,
            0x20_0000,
            "identity map intact"
        );
    }

    #[test]
    fn leaf_reports_page_size_and_flags() {
        let mut m = mem(64);
        let mut map = Mapper::new(&mut m).unwrap();
        map.identity_map(0x1000, 0x40_0000, WRITABLE).unwrap();
        assert_eq!(map.leaf(0x1234), Some((PRESENT | WRITABLE, PAGE)));
        assert_eq!(map.leaf(0x20_1234), Some((PRESENT | WRITABLE, HUGE)));
        assert_eq!(map.leaf(0), None);
        map.unmap_4k(0x30_0000).unwrap();
        assert_eq!(map.leaf(0x30_0000), None);
        assert_eq!(map.leaf(0x30_1000), Some((PRESENT | WRITABLE, PAGE)));
        assert_eq!(map.leaf(0x7000_0000_0000), None);
    }

    #[test]
    fn errors_are_reported() {
        let mut m = mem(2);
        let mut map = Mapper::new(&mut m).unwrap();
        assert_eq!(map.map_4k(0x1001, 0, 0), Err(MapError::Unaligned));
        assert_eq!(map.map_2m(0x1000, 0x1000, 0), Err(MapError::Unaligned));
        assert_eq!(map.map_4k(0x1000, 0x1000, 0), Err(MapError::OutOfMemory));
    }
}
