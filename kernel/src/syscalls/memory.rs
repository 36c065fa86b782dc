//! Memory: Rust's allocator entry points, C-style malloc/free and anonymous mmap, all on
//! the one kernel heap; mappings are recorded so munmap releases only what mmap gave.

use core::alloc::Layout;

use hermit_sync::InterruptSpinMutex;

use super::fail;
use crate::abi::errno::{EACCES, EINVAL, ENOMEM};
use crate::mm::heap::{HEAP, reallocate};
use crate::mm::mappings::{Mappings, Release};
use crate::mm::page_table::PAGE;
use crate::mm::reservations::{Reservations, in_window};

fn layout(size: usize, align: usize) -> Option<Layout> {
    Layout::from_size_align(size.max(1), align.max(1)).ok()
}

#[unsafe(no_mangle)]
pub extern "C" fn sys_alloc(size: usize, align: usize) -> *mut u8 {
    match layout(size, align) {
        Some(l) => HEAP.allocate(l),
        None => core::ptr::null_mut(),
    }
}

#[unsafe(no_mangle)]
pub extern "C" fn sys_alloc_zeroed(size: usize, align: usize) -> *mut u8 {
    let p = sys_alloc(size, align);
    if !p.is_null() {
        // SAFETY: p points at a fresh allocation of at least `size` bytes.
        unsafe { core::ptr::write_bytes(p, 0, size) };
    }
    p
}

#[unsafe(no_mangle)]
pub extern "C" fn sys_malloc(size: usize, align: usize) -> *mut u8 {
    sys_alloc(size, align)
}

/// # Safety
/// `ptr` must come from `sys_alloc`/`sys_malloc` with this size and alignment.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sys_dealloc(ptr: *mut u8, size: usize, align: usize) {
    if let (false, Some(l)) = (ptr.is_null(), layout(size, align)) {
        // SAFETY: the caller passes back an allocation with its layout.
        unsafe { HEAP.release(ptr, l) };
    }
}

/// # Safety
/// As `sys_dealloc`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sys_free(ptr: *mut u8, size: usize, align: usize) {
    // SAFETY: same contract.
    unsafe { sys_dealloc(ptr, size, align) }
}

/// # Safety
/// `ptr` must come from `sys_alloc` with `size` and `align`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sys_realloc(
    ptr: *mut u8,
    size: usize,
    align: usize,
    new_size: usize,
) -> *mut u8 {
    if ptr.is_null() {
        return sys_alloc(new_size, align);
    }
    match (layout(size, align), layout(new_size, align)) {
        // SAFETY: the caller passes a live block with its layout.
        (Some(old), Some(_)) => unsafe { reallocate(&HEAP, ptr, old, new_size) },
        _ => core::ptr::null_mut(),
    }
}

/// The anonymous mappings `sys_mmap` made, for `sys_munmap`.
static MAPPINGS: InterruptSpinMutex<Mappings> = InterruptSpinMutex::new(Mappings::new());

/// The `mmap(PROT_NONE)` reservations, filled page by page by `sys_mprotect`.
static RESERVED: InterruptSpinMutex<Reservations> = InterruptSpinMutex::new(Reservations::new());

/// The end of the lower half of the address space, Linux's `TASK_SIZE` on x86-64: a
/// range reaching past it is `EINVAL` for munmap, as there.
const TASK_SIZE: usize = 0x7fff_ffff_f000;

/// The leaf flags for `prot` (`None`: not present), or the errno for a refused one.
fn protection(prot: u32) -> Result<Option<u64>, i32> {
    use crate::mm::protection::{Refused, page_flags};
    match page_flags(prot) {
        Ok(f) => Ok(f),
        Err(Refused::Unknown) => Err(fail(EINVAL)),
        Err(Refused::WriteAndExecute) => Err(fail(EACCES)),
    }
}

/// Gives the pages of `[start, end)` the leaf `flags` and makes every CPU see it.
fn protect(start: usize, end: usize, flags: Option<u64>) {
    let mut a = start;
    while a < end {
        crate::mm::paging::set_page(a as u64, flags);
        a += PAGE as usize;
    }
}

/// Anonymous memory: zeroed, page-aligned, from the heap, with the protection asked for
/// (see `sys_mprotect`; read and write is the heap's own and changes no page table);
/// `PROT_NONE` reserves address space only (`mm::reservations`), of any size up to what
/// is left of the 32 TiB window, whose pages take memory when mprotect opens them. A
/// length that cannot be rounded up to whole pages, or that is larger than the address
/// space, is `ENOMEM` (as Linux), never a smaller block.
#[unsafe(no_mangle)]
pub extern "C" fn sys_mmap(size: usize, prot_flags: u32, ret: &mut *mut u8) -> i32 {
    if size == 0 {
        return fail(EINVAL);
    }
    let flags = match protection(prot_flags) {
        Ok(f) => f,
        Err(e) => return e,
    };
    if let Err(e) = super::uaccess::check_write(ret as *mut *mut u8 as *mut u8, 8) {
        return fail(e);
    }
    let Some(len) = size
        .checked_next_multiple_of(PAGE as usize)
        .filter(|&l| l <= TASK_SIZE)
    else {
        return fail(ENOMEM);
    };
    if flags.is_none() {
        // PROT_NONE: address space only (a JIT's or Wasm runtime's reservation, often
        // gigabytes); pages get memory when mprotect makes them accessible.
        return match RESERVED.lock().reserve(len) {
            Ok(p) => {
                *ret = p as *mut u8;
                0
            }
            Err(_) => fail(ENOMEM),
        };
    }
    let p = sys_alloc_zeroed(len, PAGE as usize);
    if p.is_null() {
        return fail(ENOMEM);
    }
    if MAPPINGS.lock().insert(p as usize, len).is_err() {
        // SAFETY: allocated just above with this layout and never handed out.
        unsafe { sys_dealloc(p, len, PAGE as usize) };
        return fail(ENOMEM);
    }
    use crate::mm::protection::{PROT_READ, PROT_WRITE};
    if prot_flags & !PROT_READ != PROT_WRITE {
        // A fresh block: no other CPU has its pages in its TLB with other rights than the
        // heap's (a stale, more generous entry could only let a first access through; the
        // shootdown makes it exact).
        protect(p as usize, p as usize + len, flags);
        if crate::sched::is_running() {
            crate::mm::tlb::shootdown(crate::sched::cpu_index());
        }
    }
    *ret = p;
    0
}

/// Unmaps the pages of `[ptr, ptr + size)` that `sys_mmap` handed out (any part of a
/// mapping, or several); pages it did not hand out (already unmapped, inside a malloc
/// block, a stack) are left alone, as Linux leaves alone what is not mapped. `EINVAL`
/// for an unaligned address, a zero length or a range past the address space.
///
/// # Safety
/// The application must not use the pages it unmaps any more.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sys_munmap(ptr: *mut u8, size: usize) -> i32 {
    let start = ptr as usize;
    let page = PAGE as usize;
    let Some(len) = size.checked_next_multiple_of(page) else {
        return fail(EINVAL);
    };
    if !start.is_multiple_of(page) || len == 0 || len > TASK_SIZE || start > TASK_SIZE - len {
        return fail(EINVAL);
    }
    let end = start + len;
    if in_window(start, end) {
        return unmap_reserved(start, end);
    }
    let mut changed = false;
    let done = {
        let mut maps = MAPPINGS.lock();
        let done = maps.unmap(start, end, |r| {
            let (from, to) = match r {
                Release::Free { base, len } => (base, base + len),
                Release::Shrink { base, len, new_len } => (base + new_len, base + len),
            };
            // Pages that mprotect or an earlier munmap changed are RAM again before the
            // heap writes its bookkeeping into them.
            changed |= crate::mm::paging::restore_ram(from as u64, to as u64);
            match r {
                // SAFETY: the registry reports a block that sys_mmap allocated, with its
                // current length, of which no page is mapped any more.
                Release::Free { base, len } => unsafe { sys_dealloc(base as *mut u8, len, page) },
                // SAFETY: as above; only pages past `new_len` were unmapped.
                Release::Shrink { base, len, new_len } => unsafe {
                    HEAP.shrink(
                        base as *mut u8,
                        Layout::from_size_align_unchecked(len, page),
                        new_len,
                    )
                },
            }
        });
        // The pages taken out of blocks that stay (a head or a middle): they must fault
        // from now on, as on Linux, until the rest of their block goes.
        if done.is_ok() {
            for (from, to) in maps.live_blocks_in(start, end) {
                protect(from, to, None);
                changed = true;
            }
        }
        done
    };
    if changed && crate::sched::is_running() {
        crate::mm::tlb::shootdown(crate::sched::cpu_index());
    }
    match done {
        Ok(()) => 0,
        Err(_) => fail(ENOMEM),
    }
}

/// Whether `addr` lies in a page `sys_mmap` handed out and `sys_munmap` did not take
/// back (its protection may be `PROT_NONE`): a fault there is an access error
/// (`SEGV_ACCERR`), elsewhere a missing mapping (`SEGV_MAPERR`). Called for faults in
/// the program's code only: this CPU then holds no kernel lock (another CPU may, for a
/// moment).
pub fn is_mapped_page(addr: usize) -> bool {
    let page = addr / PAGE as usize * PAGE as usize;
    if in_window(page, page + PAGE as usize) {
        return RESERVED.lock().any(page, page + PAGE as usize);
    }
    MAPPINGS.lock().any_mapped(page, page + PAGE as usize)
}

/// Changes the protection of the pages of `[ptr, ptr + size)` that `sys_mmap` handed out
/// (hermit-abi's `mprotect`, which Hermit's JITs call to make code executable and Wasm
/// runtimes to open their reservations page by page, and C's `mprotect`): `PROT_NONE` pages and writes to read-only pages fault (a `SIGSEGV` for the
/// C library, `arch::fault_delivery`). `EINVAL` for an unaligned address or unknown bits,
/// `EACCES` for writable and executable at once (write xor execute), `ENOMEM` when part
/// of the range is not such a page, unless the request is read and write on memory the
/// application already reads and writes (a malloc block, a stack), which changes nothing.
#[unsafe(no_mangle)]
pub extern "C" fn sys_mprotect(ptr: *mut u8, size: usize, prot_flags: u32) -> i32 {
    use crate::mm::protection::{PROT_READ, PROT_WRITE};
    let start = ptr as usize;
    let page = PAGE as usize;
    if !start.is_multiple_of(page) {
        return fail(EINVAL);
    }
    let flags = match protection(prot_flags) {
        Ok(f) => f,
        Err(e) => return e,
    };
    let Some(len) = size.checked_next_multiple_of(page) else {
        return fail(ENOMEM);
    };
    if len == 0 {
        return 0;
    }
    if len > TASK_SIZE || start > TASK_SIZE - len {
        return fail(ENOMEM);
    }
    let end = start + len;
    if in_window(start, end) {
        return protect_reserved(start, end, flags);
    }
    {
        let maps = MAPPINGS.lock();
        if !maps.all_mapped(start, end) {
            drop(maps);
            let already = prot_flags == PROT_READ | PROT_WRITE
                && super::uaccess::check_write(ptr, len).is_ok();
            return if already { 0 } else { fail(ENOMEM) };
        }
        protect(start, end, flags);
    }
    if crate::sched::is_running() {
        crate::mm::tlb::shootdown(crate::sched::cpu_index());
    }
    0
}

/// `mprotect` on reserved memory: every page of `[start, end)` must be reserved
/// (`ENOMEM` otherwise, nothing changed, as Linux for pages not mapped). Accessible pages
/// get a frame the first time (zeroed, as anonymous memory reads) and keep it through
/// `PROT_NONE`, so their contents survive. `ENOMEM` when memory runs out part way (or a
/// concurrent munmap took the rest): the pages done so far keep their new protection, as
/// on Linux. The lock (interrupts off) is held for a batch of pages at a time, so opening
/// hundreds of megabytes does not keep this CPU deaf to interrupts for all of it.
fn protect_reserved(start: usize, end: usize, flags: Option<u64>) -> i32 {
    /// Pages per turn of the lock: 256 KiB to zero at most.
    const BATCH: usize = 64 * PAGE as usize;
    if !RESERVED.lock().covers(start, end) {
        return fail(ENOMEM);
    }
    let mut ok = true;
    let mut a = start;
    while a < end && ok {
        let to = (a + BATCH).min(end);
        {
            // Held for the batch: no munmap gives these pages back meanwhile.
            let reserved = RESERVED.lock();
            if !reserved.covers(a, to) {
                ok = false;
                break;
            }
            match flags {
                Some(f) => {
                    let mut p = a;
                    while p < to && ok {
                        ok = crate::mm::paging::commit_page(p as u64, f);
                        p += PAGE as usize;
                    }
                }
                None => crate::mm::paging::park_pages(a as u64, to as u64),
            }
        }
        a = to;
    }
    if crate::sched::is_running() {
        crate::mm::tlb::shootdown(crate::sched::cpu_index());
    }
    if ok { 0 } else { fail(ENOMEM) }
}

/// `munmap` of window addresses: the reserved pages among them lose their frames and
/// their addresses; the rest is left alone, as Linux leaves what is not mapped.
fn unmap_reserved(start: usize, end: usize) -> i32 {
    let done = RESERVED.lock().unmap(start, end, |from, to| {
        crate::mm::paging::release_pages(from as u64, to as u64);
    });
    if crate::sched::is_running() {
        crate::mm::tlb::shootdown(crate::sched::cpu_index());
    }
    match done {
        Ok(()) => 0,
        Err(_) => fail(ENOMEM),
    }
}
