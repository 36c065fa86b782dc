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

/// Stacks kept for reuse after their task ended (creating a thread then rarely touches
/// the page tables). A fixed array, so that caching a stack never allocates: the heap
/// empties this cache when it runs short (`give_back_cached`), and an allocation made
/// under the cache's lock could not wait for that.
const CACHED_STACKS: usize = 16;
static CACHE: InterruptSpinMutex<[Option<Cached>; CACHED_STACKS]> =
    InterruptSpinMutex::new([const { None }; CACHED_STACKS]);

/// A cached stack: its guard page is still unmapped.
struct Cached {
    base: u64,
    layout: Layout,
}

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
                .iter_mut()
                .find(|c| c.as_ref().is_some_and(|c| c.layout == layout))
                .and_then(Option::take)
        };
        let stack = match cached {
            Some(Cached { base, layout }) => Self { base, layout },
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
        if let Some(free) = CACHE.lock().iter_mut().find(|c| c.is_none()) {
            *free = Some(Cached {
                base: self.base,
                layout: self.layout,
            });
            return;
        }
        // The guard page goes back to the heap, so it must be mapped again.
        crate::mm::paging::restore_guard(self.base);
        // SAFETY: allocated in `new` with this layout; no CPU runs on it any more.
        unsafe { dealloc(self.base as *mut u8, self.layout) };
    }
}

/// Whether stacks of ended threads are kept for reuse.
pub fn any_cached() -> bool {
    CACHE.lock().iter().any(Option::is_some)
}

/// Gives every cached stack back to the heap: the heap calls this when it cannot serve
/// an allocation (holding none of its own locks), and an idle CPU when the heap has been
/// quiet for a while, so that memory kept for the next thread serves any request
/// instead, and a stack parked in the middle of free memory does not split it. Returns
/// whether anything was given back. A stack whose guard page cannot be mapped again
/// right now (the page tables are being changed on this CPU, whose allocation may be the
/// one that failed) stays cached.
pub fn give_back_cached() -> bool {
    let mut any = false;
    // One at a time: an allocation that fails on another CPU meanwhile finds the rest
    // still in the cache and frees them itself, rather than failing while they are in
    // flight here.
    for i in 0..CACHED_STACKS {
        let Some(c) = CACHE.lock()[i].take() else {
            continue;
        };
        if !crate::mm::paging::try_restore_guard(c.base) {
            // Back into the cache. Should other CPUs have filled every slot meanwhile,
            // the stack is leaked: never freed with its guard page unmapped.
            if let Some(free) = CACHE.lock().iter_mut().find(|s| s.is_none()) {
                *free = Some(c);
            }
            return any;
        }
        // SAFETY: allocated in `Stack::new` with this layout; its task has ended, and
        // it is out of the cache, so nothing uses it any more.
        unsafe { dealloc(c.base as *mut u8, c.layout) };
        any = true;
    }
    any
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

/// For the memory report: the cached stacks and the live ones (guard page address and
/// owner), as `(base, bytes)` / `(base, owner)` pairs passed to `each`.
pub fn report(mut cached: impl FnMut(u64, usize), mut live: impl FnMut(u64, Owner)) {
    for c in CACHE.lock().iter().flatten() {
        cached(c.base, c.layout.size());
    }
    for &(base, owner) in GUARDS.lock().iter() {
        live(base, owner);
    }
}

/// The task whose guard page contains `addr`.
pub fn guard_owner(addr: u64) -> Option<Owner> {
    let guards = GUARDS.try_lock()?;
    let i = guards.partition_point(|&(page, _)| page <= addr);
    let &(page, owner) = guards.get(i.checked_sub(1)?)?;
    (addr < page + PAGE).then_some(owner)
}
