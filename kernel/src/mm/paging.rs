//! The kernel's page tables: RAM identity-mapped and never executable (unless the program
//! asks for an executable stack), the image mapped
//! page by page with its segments' permissions (write xor execute), page 0 left out so a
//! null pointer faults, and guard pages under stacks.

use alloc::alloc::{Layout, alloc_zeroed};
use core::sync::atomic::{AtomicU64, Ordering};
use hermit_sync::InterruptSpinMutex;

use super::page_table::{
    HUGE, Mapper, NO_CACHE, NO_EXECUTE, PAGE, TableMemory, WRITABLE, WRITE_THROUGH,
};
use super::regions::Range;
use crate::elf::{PF_W, PF_X, PT_LOAD, Segment};

/// Tables taken from a reserved strip of RAM right after the image (mapped by the boot
/// tables), before the heap exists.
struct BumpTables {
    next: u64,
    end: u64,
}

impl TableMemory for BumpTables {
    fn alloc_table(&mut self) -> Option<u64> {
        if self.next + PAGE > self.end {
            return None;
        }
        let t = self.next;
        self.next += PAGE;
        // SAFETY: [t, t+PAGE) is RAM reserved for page tables and identity-mapped.
        unsafe { core::ptr::write_bytes(t as *mut u8, 0, PAGE as usize) };
        Some(t)
    }
    fn table(&mut self, phys: u64) -> &mut [u64; 512] {
        // SAFETY: page tables are identity-mapped RAM owned by the paging code.
        unsafe { &mut *(phys as *mut [u64; 512]) }
    }
    fn encode(&self, level: u32, e: u64) -> u64 {
        super::descriptor::encode(level, e)
    }
    fn decode(&self, level: u32, e: u64) -> u64 {
        super::descriptor::decode(level, e)
    }
}

/// Tables made once the heap exists: from the pool reserved at boot (`reserve_tables`),
/// then from the heap. A page table is made when a guard page splits a 2 MiB page and
/// is never freed (the page stays split); made one at a time from the heap, each would
/// land wherever the heap had a free page at that moment, and a long-running service
/// that creates threads would end up with a 4 KiB table in the middle of most 2 MiB of
/// its free memory, none of which could then serve a large block. The pool holds them
/// all together.
struct HeapTables;

/// The reserved pool: `[next, end)`, changed only under LOCK (every `alloc_table` runs
/// inside `with_mapper`).
static POOL_NEXT: AtomicU64 = AtomicU64::new(0);
static POOL_END: AtomicU64 = AtomicU64::new(0);

impl TableMemory for HeapTables {
    fn alloc_table(&mut self) -> Option<u64> {
        let next = POOL_NEXT.load(Ordering::Relaxed);
        if next != 0 && next + PAGE <= POOL_END.load(Ordering::Relaxed) {
            POOL_NEXT.store(next + PAGE, Ordering::Relaxed);
            // SAFETY: a page of the pool, reserved for tables and not handed out yet.
            unsafe { core::ptr::write_bytes(next as *mut u8, 0, PAGE as usize) };
            return Some(next);
        }
        // SAFETY: the layout has non-zero size.
        let p =
            unsafe { alloc_zeroed(Layout::from_size_align(PAGE as usize, PAGE as usize).unwrap()) };
        (!p.is_null()).then_some(p as u64)
    }
    fn table(&mut self, phys: u64) -> &mut [u64; 512] {
        // SAFETY: page tables are identity-mapped RAM owned by the paging code.
        unsafe { &mut *(phys as *mut [u64; 512]) }
    }
    fn encode(&self, level: u32, e: u64) -> u64 {
        super::descriptor::encode(level, e)
    }
    fn decode(&self, level: u32, e: u64) -> u64 {
        super::descriptor::decode(level, e)
    }
}

/// Serialises changes to the live tables.
static LOCK: InterruptSpinMutex<()> = InterruptSpinMutex::new(());
static ROOT: AtomicU64 = AtomicU64::new(0);
static CODE_START: AtomicU64 = AtomicU64::new(0);
static CODE_END: AtomicU64 = AtomicU64::new(0);
static RAM_END: AtomicU64 = AtomicU64::new(0);
/// The flags RAM is mapped with (see `init`), which released mapping pages get back.
static RAM_FLAGS: AtomicU64 = AtomicU64::new(WRITABLE | NO_EXECUTE);

fn segment_flags(s: &Segment) -> u64 {
    let mut f = 0;
    if s.flags & PF_W != 0 {
        f |= WRITABLE;
    }
    if s.flags & PF_X == 0 {
        f |= NO_EXECUTE;
    }
    f
}

/// How many pages of tables `init` may need for RAM up to `ram_end`.
pub fn tables_needed(ram_end: u64) -> u64 {
    let gib = ram_end.div_ceil(1 << 30);
    // root + PDPTs + one PD per GiB + page tables for the low 2 MiB, the image and edges
    2 + gib / 512 + gib + 24
}

/// Builds and loads the final tables. `tables` is the reserved strip for them;
/// `exec_stack`: the program's PT_GNU_STACK asks for an executable stack.
pub fn init(
    ram: &[Range],
    image: Range,
    segments: impl Iterator<Item = Segment> + Clone,
    exec_stack: bool,
    tables: Range,
) {
    let mut bump = BumpTables {
        next: tables.start,
        end: tables.end,
    };
    let mut map = Mapper::new(&mut bump).expect("no memory for the root page table");
    let image_end = image.end.next_multiple_of(PAGE);

    for s in segments
        .clone()
        .filter(|s| s.kind == PT_LOAD && s.memsz > 0)
    {
        let start = s.vaddr / PAGE * PAGE;
        let end = (s.vaddr + s.memsz).next_multiple_of(PAGE);
        let mut a = start;
        while a < end {
            map.map_4k(a, a, segment_flags(&s))
                .expect("page tables for the image");
            a += PAGE;
        }
        if s.flags & PF_X != 0 {
            CODE_START.store(start, Ordering::Relaxed);
            CODE_END.store(end, Ordering::Relaxed);
        }
    }

    // RAM (heap and every stack) is never executable, unless the program's PT_GNU_STACK
    // asks for an executable stack, as the linker marks code that builds trampolines on
    // the stack; Linux then makes its stacks executable, and here stacks are heap RAM.
    let ram_flags = if exec_stack {
        crate::klog!(
            "eremit: the program needs an executable stack (PT_GNU_STACK): RAM is executable"
        );
        WRITABLE
    } else {
        WRITABLE | NO_EXECUTE
    };
    RAM_FLAGS.store(ram_flags, Ordering::Relaxed);
    let not_ram = [Range::new(0, PAGE), Range::new(image.start, image_end)];
    let mut ram_end = 0;
    for r in super::regions::usable(ram, &not_ram, PAGE) {
        map.identity_map(r.start, r.end, ram_flags)
            .expect("page tables for RAM");
        ram_end = ram_end.max(r.end);
    }
    // The platform's fixed devices (x86-64: the local APIC and I/O APIC; aarch64 virt:
    // GIC, UART, RTC, virtio-mmio).
    for &(start, end) in crate::arch::platform::MMIO_WINDOWS {
        map.identity_map(start, end, WRITABLE | NO_EXECUTE | NO_CACHE | WRITE_THROUGH)
            .expect("page tables for MMIO");
    }
    let root = map.root();
    RAM_END.store(ram_end, Ordering::Relaxed);
    ROOT.store(root, Ordering::Relaxed);
    // SAFETY: the new tables map the running code, its stack and data with the same
    // addresses as the boot tables do.
    unsafe { crate::arch::mmu::load_root(root) };
}

fn with_mapper<R>(f: impl FnOnce(&mut Mapper<'_, HeapTables>) -> R) -> R {
    let _g = LOCK.lock();
    let mut mem = HeapTables;
    let mut m = Mapper::with_root(&mut mem, ROOT.load(Ordering::Relaxed));
    f(&mut m)
}

fn flush(addr: u64) {
    crate::arch::mmu::flush_page(addr);
}

/// 2 MiB chunks of RAM that hold (or once held) a guard page, one bit each, for the
/// first `GUARD_MAP_CHUNKS` chunks: elsewhere in the heap every page is mapped, so the
/// system-call boundary walks the page tables only in these chunks.
const GUARD_MAP_CHUNKS: u64 = 64 * 64;
static GUARD_CHUNKS: [AtomicU64; 64] = [const { AtomicU64::new(0) }; 64];

fn note_guard(addr: u64) {
    let chunk = addr / HUGE;
    if chunk < GUARD_MAP_CHUNKS {
        GUARD_CHUNKS[chunk as usize / 64].fetch_or(1 << (chunk % 64), Ordering::SeqCst);
    }
}

#[inline]
fn may_hold_guard(chunk: u64) -> bool {
    chunk >= GUARD_MAP_CHUNKS
        || GUARD_CHUNKS[chunk as usize / 64].load(Ordering::SeqCst) & (1 << (chunk % 64)) != 0
}

/// For heap RAM, where only guard pages are ever unmapped: the first address of
/// `[from, to)` that is not mapped (or not writable, when `write`), else `to`.
pub fn heap_first_unmapped(from: u64, to: u64, write: bool) -> u64 {
    // Mostly the range lies in one chunk without a guard page: no walk.
    if from / HUGE == to.saturating_sub(1) / HUGE && !may_hold_guard(from / HUGE) {
        return to;
    }
    if ROOT.load(Ordering::Relaxed) == 0 {
        return from;
    }
    // No lock, as in `is_mapped`: entries are only ever replaced whole.
    let mut mem = HeapTables;
    let mut m = Mapper::with_root(&mut mem, ROOT.load(Ordering::Relaxed));
    let mut a = from;
    while a < to {
        if !may_hold_guard(a / HUGE) {
            a = (a / HUGE + 1) * HUGE;
            continue;
        }
        match m.leaf(a) {
            Some((flags, size)) if !write || flags & WRITABLE != 0 => a = (a / size + 1) * size,
            _ => return a,
        }
    }
    to
}

/// Reserves, in one block from the heap (right after boot, so at its low end), a page
/// table for every 2 MiB of `heap_bytes` (1/512 of it), and one more: the tables guard
/// pages will need, whichever 2 MiB pages the stacks of a long run land on. Without
/// memory for it (a tiny VM), tables come from the heap one by one.
pub fn reserve_tables(heap_bytes: usize) {
    let tables = heap_bytes.div_ceil(HUGE as usize) + 1;
    let Ok(layout) = Layout::from_size_align(tables * PAGE as usize, PAGE as usize) else {
        return;
    };
    // SAFETY: the layout has non-zero size.
    let p = unsafe { alloc::alloc::alloc(layout) } as u64;
    if p == 0 {
        return;
    }
    let _g = LOCK.lock();
    POOL_END.store(p + layout.size() as u64, Ordering::Relaxed);
    POOL_NEXT.store(p, Ordering::Relaxed);
}

/// Makes the page at `addr` a guard page.
pub fn unmap_guard(addr: u64) {
    note_guard(addr);
    with_mapper(|m| m.unmap_4k(addr)).expect("no memory to split a page for a guard page");
    flush(addr);
}

/// Makes the mapped RAM page at `addr` executable or, again, not. RAM is never executable
/// otherwise; the SMP trampoline needs its page executable while the other CPUs start.
/// Only this CPU's TLB is flushed. Returns `false` when the page is not mapped.
pub fn set_executable(addr: u64, executable: bool) -> bool {
    let page = addr / PAGE * PAGE;
    let done = with_mapper(|m| {
        let Some((pa, flags)) = m.translate(page) else {
            return false;
        };
        let flags = if executable {
            flags & !NO_EXECUTE
        } else {
            flags | NO_EXECUTE
        };
        m.map_4k(page, pa / PAGE * PAGE, flags).is_ok()
    });
    flush(page);
    done
}

/// Maps device memory (uncached, not executable).
pub fn map_mmio(start: u64, len: u64) {
    let start_page = start / PAGE * PAGE;
    let end = (start + len).next_multiple_of(PAGE);
    with_mapper(|m| {
        let mut a = start_page;
        while a < end {
            m.map_4k(a, a, WRITABLE | NO_EXECUTE | NO_CACHE | WRITE_THROUGH)
                .expect("page tables for MMIO");
            flush(a);
            a += PAGE;
        }
    });
}

/// Whether every byte of `[addr, addr+len)` is mapped. Used before trusting pointers from
/// the application and while walking stacks in a crash report.
pub fn is_mapped(addr: u64, len: u64) -> bool {
    if ROOT.load(Ordering::Relaxed) == 0 || len == 0 {
        return len == 0;
    }
    let Some(last) = addr.checked_add(len - 1) else {
        return false;
    };
    // Avoid the lock: the crash report may run while it is held; reads of the tables
    // are safe because entries are only ever replaced whole.
    let mut mem = HeapTables;
    let mut m = Mapper::with_root(&mut mem, ROOT.load(Ordering::Relaxed));
    let mut page = addr / PAGE * PAGE;
    while page <= last {
        if m.translate(page).is_none() {
            return false;
        }
        page = match page.checked_add(PAGE) {
            Some(p) => p,
            None => break,
        };
    }
    true
}

/// Whether `addr` lies in the image's executable segment.
pub fn is_code(addr: u64) -> bool {
    addr >= CODE_START.load(Ordering::Relaxed) && addr < CODE_END.load(Ordering::Relaxed)
}

/// Highest RAM address, for quick pointer checks.
pub fn ram_end() -> u64 {
    RAM_END.load(Ordering::Relaxed)
}

const _: () = assert!(HUGE % PAGE == 0);

/// Maps a former guard page again (as RAM) before it returns to the heap.
pub fn restore_guard(addr: u64) {
    with_mapper(|m| m.map_4k(addr, addr, WRITABLE | NO_EXECUTE))
        .expect("page tables for a released guard page");
}

/// As `restore_guard`, unless the page tables are being changed on this CPU (whose
/// allocation of a table may be what made the heap reclaim memory): then nothing is done
/// and the answer is `false`. The lock does not say who holds it, so a holder that does
/// not let go within 50 ms is taken to be this CPU; another CPU holds it for a few
/// page-table writes (with interrupts off), but under TCG on a loaded host its vCPU can
/// be descheduled for a while.
pub fn try_restore_guard(addr: u64) -> bool {
    let deadline = crate::clock::deadline_after_ns(50_000_000);
    let _g = loop {
        if let Some(g) = LOCK.try_lock() {
            break g;
        }
        if crate::arch::cpu::rdtsc() > deadline {
            return false;
        }
        core::hint::spin_loop();
    };
    let mut mem = HeapTables;
    let mut m = Mapper::with_root(&mut mem, ROOT.load(Ordering::Relaxed));
    // Mapping the 4 KiB page again reuses the page table made when it was unmapped, so
    // nothing is allocated here.
    m.map_4k(addr, addr, WRITABLE | NO_EXECUTE).is_ok()
}

/// Maps `[va, va + len)` (2 MiB aligned) read-only and not executable with 2 MiB pages
/// that all show the same 2 MiB of RAM at `pa`: a large window of distinct virtual pages
/// that costs one page table and no memory (see soft_tlb). The caller unmaps it again
/// with `unmap_alias_window` and flushes its own TLB.
pub fn map_alias_window(va: u64, len: u64, pa: u64) {
    with_mapper(|m| {
        let mut a = va;
        while a < va + len {
            m.map_2m(a, pa, NO_EXECUTE)
                .expect("page tables for the alias window");
            a += HUGE;
        }
    });
}

/// Removes the window `map_alias_window` made; the caller flushes its TLB.
pub fn unmap_alias_window(va: u64, len: u64) {
    with_mapper(|m| {
        let mut a = va;
        while a < va + len {
            m.unmap_2m(a).expect("alias window is 2 MiB aligned");
            a += HUGE;
        }
    });
}

/// Gives the RAM page at `page` the leaf `flags` (`None`: not present), for `mprotect`
/// and for pages `munmap` takes out of a mapping. The chunk is noted, so the system-call
/// boundary checks its pages in the tables from now on. The caller flushes the TLBs
/// (`tlb::shootdown`) once it has changed all the pages it changes.
pub fn set_page(page: u64, flags: Option<u64>) {
    note_guard(page);
    with_mapper(|m| match flags {
        Some(f) => m.map_4k(page, page, f),
        None => m.unmap_4k(page),
    })
    .expect("page tables for a protected page");
    flush(page);
}

/// A frame for a reserved page (`mm::reservations`): a zeroed page of the heap.
fn frame_layout() -> Layout {
    // SAFETY: a power-of-two alignment equal to the non-zero size.
    unsafe { Layout::from_size_align_unchecked(PAGE as usize, PAGE as usize) }
}

/// Makes the reserved page `page` accessible with the leaf `flags`: the frame it had
/// (present or parked by `park_page`) keeps its contents; a page never used gets a zeroed
/// frame from the heap. `false` when the heap or the page tables have no memory left.
/// The caller serialises calls for the same page and flushes other CPUs' TLBs.
pub fn commit_page(page: u64, flags: u64) -> bool {
    let (frame, fresh) = match with_mapper(|m| m.frame_4k(page)) {
        Some(f) => (f, false),
        None => {
            // SAFETY: the layout has non-zero size.
            let f = unsafe { alloc::alloc::alloc_zeroed(frame_layout()) } as u64;
            if f == 0 {
                return false;
            }
            (f, true)
        }
    };
    if with_mapper(|m| m.map_4k(page, frame, flags)).is_err() {
        if fresh {
            // SAFETY: allocated just above with this layout, never mapped.
            unsafe { alloc::alloc::dealloc(frame as *mut u8, frame_layout()) };
        }
        return false;
    }
    flush(page);
    if fresh {
        // The frame's own (identity) address would stay readable and writable beside the
        // reserved page, a writable alias of code a JIT made read+exec: it leaves the
        // tables until munmap returns the frame. Without a table to split for it (memory
        // exhausted) the alias stays, which changes nothing for the program.
        note_guard(frame);
        if with_mapper(|m| m.unmap_4k(frame)).is_ok() {
            flush(frame);
        }
    }
    true
}

/// Makes the reserved pages of `[from, to)` inaccessible (`PROT_NONE`), keeping their
/// frames. 2 MiB without a table (never opened) are skipped whole.
pub fn park_pages(from: u64, to: u64) {
    let mut a = from;
    while a < to {
        if !with_mapper(|m| m.has_4k_table(a)) {
            a = (a / HUGE + 1) * HUGE;
            continue;
        }
        with_mapper(|m| m.park_4k(a));
        flush(a);
        a += PAGE;
    }
}

/// Takes the reserved pages of `[from, to)` out of the tables and gives their frames
/// back to the heap (munmap); 2 MiB without a table are skipped whole (a 4 GiB
/// reservation of which a few pages were used is a few steps). The caller flushes other
/// CPUs' TLBs.
pub fn release_pages(from: u64, to: u64) {
    let mut a = from;
    while a < to {
        if !with_mapper(|m| m.has_4k_table(a)) {
            a = (a / HUGE + 1) * HUGE;
            continue;
        }
        release_page(a);
        a += PAGE;
    }
}

/// Takes the reserved page `page` out of the tables and gives its frame, if it has one,
/// back to the heap.
fn release_page(page: u64) {
    let frame = with_mapper(|m| {
        let f = m.frame_4k(page);
        if f.is_some() {
            let _ = m.unmap_4k(page);
        }
        f
    });
    if let Some(f) = frame {
        flush(page);
        // Its identity address is RAM again before the heap writes into it.
        restore_ram(f, f + PAGE);
        // SAFETY: the frame came from `commit_page` with this layout and no page maps it
        // any more.
        unsafe { alloc::alloc::dealloc(f as *mut u8, frame_layout()) };
    }
}

/// Maps the RAM pages of `[from, to)` as RAM again (readable, writable), before they
/// return to the heap: only chunks where a page was ever changed are walked, and only
/// pages that differ are written. Returns whether anything changed (then the caller
/// flushes the other CPUs' TLBs).
pub fn restore_ram(from: u64, to: u64) -> bool {
    let ram = RAM_FLAGS.load(Ordering::Relaxed);
    let mut changed = false;
    let mut a = from;
    while a < to {
        if !may_hold_guard(a / HUGE) {
            a = (a / HUGE + 1) * HUGE;
            continue;
        }
        let same = with_mapper(|m| m.leaf(a)).is_some_and(|(f, _)| f & !PRESENT_BIT == ram);
        if !same {
            with_mapper(|m| m.map_4k(a, a, ram)).expect("page tables for a released page");
            flush(a);
            changed = true;
        }
        a += PAGE;
    }
    changed
}

const PRESENT_BIT: u64 = super::page_table::PRESENT;

/// Whether the tables now allow the access a page fault reported (`write`, `exec`) at
/// `addr`: then the fault came from a stale TLB entry (another CPU gave the page more
/// rights) and the instruction can simply run again.
pub fn allows(addr: u64, write: bool, exec: bool) -> bool {
    if ROOT.load(Ordering::Relaxed) == 0 {
        return false;
    }
    // No lock, as in `is_mapped`: entries are only ever replaced whole.
    let mut mem = HeapTables;
    let mut m = Mapper::with_root(&mut mem, ROOT.load(Ordering::Relaxed));
    m.leaf(addr / PAGE * PAGE)
        .is_some_and(|(f, _)| (!write || f & WRITABLE != 0) && (!exec || f & NO_EXECUTE == 0))
}
