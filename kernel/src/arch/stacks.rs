//! Stacks with a guard page below them, and who owns which guard page, so an overflow
//! is reported as one instead of silently corrupting the heap.

use alloc::alloc::{Layout, alloc};
use hermit_sync::InterruptSpinMutex;

use crate::mm::page_table::PAGE;

const MAX_GUARDS: usize = 64;

struct Guard {
    page: u64,
    owner: &'static str,
}

static GUARDS: InterruptSpinMutex<[Option<Guard>; MAX_GUARDS]> =
    InterruptSpinMutex::new([const { None }; MAX_GUARDS]);

/// Allocates a stack of `size` bytes (rounded up to pages) with an unmapped guard page
/// below it and returns its top. `None` when memory is short.
pub fn allocate(size: usize, owner: &'static str) -> Option<u64> {
    let size = size.next_multiple_of(PAGE as usize);
    let layout = Layout::from_size_align(size + PAGE as usize, PAGE as usize).ok()?;
    // SAFETY: the layout has non-zero size.
    let base = unsafe { alloc(layout) } as u64;
    if base == 0 {
        return None;
    }
    crate::mm::paging::unmap_guard(base);
    let mut guards = GUARDS.lock();
    if let Some(slot) = guards.iter_mut().find(|g| g.is_none()) {
        *slot = Some(Guard { page: base, owner });
    }
    Some(base + PAGE + size as u64)
}

/// The task whose guard page contains `addr`.
pub fn guard_owner(addr: u64) -> Option<&'static str> {
    let guards = GUARDS.try_lock()?;
    guards
        .iter()
        .flatten()
        .find(|g| addr >= g.page && addr < g.page + PAGE)
        .map(|g| g.owner)
}
