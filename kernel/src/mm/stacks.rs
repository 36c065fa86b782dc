//! Stacks with a guard page below them, and who owns which guard page, so an overflow
//! is reported as one instead of silently corrupting the heap.

use alloc::alloc::{Layout, alloc, dealloc};
use alloc::vec::Vec;
use hermit_sync::InterruptSpinMutex;

use crate::mm::page_table::PAGE;

/// Guard page addresses and their owners, sorted by address, for the crash report. A
/// vector, so that making room for a new stack's entry can fail (thread creation fails
/// with `ENOMEM`) instead of ending the kernel as a tree node allocation would.
static GUARDS: InterruptSpinMutex<Vec<(u64, Owner)>> = InterruptSpinMutex::new(Vec::new());

/// Records `owner` for the guard page at `base`; false when memory is short.
fn register_guard(base: u64, owner: Owner) -> bool {
    let mut guards = GUARDS.lock();
    if guards.try_reserve(1).is_err() {
        return false;
    }
    match guards.binary_search_by_key(&base, |&(page, _)| page) {
        Ok(i) => guards[i].1 = owner,
        Err(i) => guards.insert(i, (base, owner)),
    }
    true
}

fn unregister_guard(base: u64) {
    let mut guards = GUARDS.lock();
    if let Ok(i) = guards.binary_search_by_key(&base, |&(page, _)| page) {
        guards.remove(i);
    }
}

/// Who a stack belongs to, for the crash report.
#[derive(Clone, Copy, Debug)]
pub struct Owner {
    pub what: &'static str,
    /// Task id, 0 for CPU stacks.
    pub tid: u32,
}

impl core::fmt::Display for Owner {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        if self.tid == 0 {
            write!(f, "{}", self.what)
        } else {
            write!(f, "{} (task {})", self.what, self.tid)
        }
    }
}

/// Stacks kept for reuse after their task ended.
const CACHED_STACKS: usize = 16;
static CACHE: InterruptSpinMutex<Vec<Stack>> = InterruptSpinMutex::new(Vec::new());

/// A stack: `[base, base + PAGE)` is the unmapped guard page, the stack lies above it.
pub struct Stack {
    base: u64,
    layout: Layout,
}

impl Stack {
    /// A stack of `size` bytes (rounded up to pages); `None` when memory is short.
    /// Stacks of ended tasks are reused as they are (guard page still unmapped), so
    /// creating a thread rarely touches the page tables.
    pub fn new(size: usize, owner: Owner) -> Option<Self> {
        let size = size.next_multiple_of(PAGE as usize);
        let layout = Layout::from_size_align(size + PAGE as usize, PAGE as usize).ok()?;
        let cached = {
            let mut cache = CACHE.lock();
            cache
                .iter()
                .position(|s| s.layout == layout)
                .map(|i| cache.swap_remove(i))
        };
        let stack = match cached {
            Some(stack) => stack,
            None => {
                // SAFETY: the layout has non-zero size.
                let base = unsafe { alloc(layout) } as u64;
                if base == 0 {
                    return None;
                }
                crate::mm::paging::unmap_guard(base);
                if crate::sched::is_running() {
                    crate::mm::tlb::shootdown(crate::sched::cpu_index());
                }
                Self { base, layout }
            }
        };
        // Dropping the stack on failure puts it back in the cache or the heap.
        register_guard(stack.base, owner).then_some(stack)
    }

    /// The initial stack pointer (16-byte aligned).
    pub fn top(&self) -> u64 {
        self.base + self.layout.size() as u64
    }
}

impl Drop for Stack {
    fn drop(&mut self) {
        unregister_guard(self.base);
        let mut cache = CACHE.lock();
        if cache.len() < CACHED_STACKS && cache.try_reserve(1).is_ok() {
            cache.push(Stack {
                base: self.base,
                layout: self.layout,
            });
            return;
        }
        drop(cache);
        // The guard page goes back to the heap, so it must be mapped again.
        crate::mm::paging::restore_guard(self.base);
        // SAFETY: allocated in `new` with this layout; no CPU runs on it any more.
        unsafe { dealloc(self.base as *mut u8, self.layout) };
    }
}

/// A stack that lives for the rest of the run (CPU idle stacks, the main thread's).
pub fn allocate(size: usize, owner: &'static str) -> Option<u64> {
    let stack = Stack::new(
        size,
        Owner {
            what: owner,
            tid: 0,
        },
    )?;
    let top = stack.top();
    core::mem::forget(stack);
    Some(top)
}

/// The task whose guard page contains `addr`.
pub fn guard_owner(addr: u64) -> Option<Owner> {
    let guards = GUARDS.try_lock()?;
    let i = guards.partition_point(|&(page, _)| page <= addr);
    let &(page, owner) = guards.get(i.checked_sub(1)?)?;
    (addr < page + PAGE).then_some(owner)
}
