//! The one heap, shared by the kernel, Rust's allocator (`sys_alloc`), C's `malloc` and
//! anonymous `mmap`: every free RAM range is claimed by one `talc` allocator, so the heap
//! is as large as the VM's memory.
//!
//! talc keeps free blocks in lists binned by size (found through a bitmap, so allocation
//! is near O(1)) and coalesces a freed block with its free neighbours at once (boundary
//! tags, O(1)). In front of it a bounded cache of freed blocks in size classes (up to
//! 256 KiB; at most an eighth of the heap) makes the common free-then-allocate of one
//! size a list pop, several times cheaper than talc's search under TCG. When talc cannot
//! serve a request, the cache is drained back into it first, and then the stacks the
//! scheduler keeps for the next threads: memory freed at any size serves every size.

use core::alloc::{GlobalAlloc, Layout};
use core::ptr::NonNull;
use hermit_sync::InterruptSpinMutex;
use talc::{ErrOnOom, Span, Talc};

use super::regions::Range;
use super::size_classes::{CLASSES, ClassCache, class_layout, class_of};

struct Heap {
    talc: Talc<ErrOnOom>,
    /// Bytes of RAM claimed.
    total: usize,
    /// Bytes handed out (the sizes asked for, without talc's per-block tag).
    in_use: usize,
    /// Freed blocks of the size classes, kept for reuse (counted as free).
    cache: ClassCache,
    /// Allocations and frees so far; the count and TSC at the start of the current
    /// window of QUIET_NS, and whether the last window was quiet (`release_when_quiet`).
    ops: u64,
    window: (u64, u64),
    quiet: bool,
    /// The claimed spans (base, acme), for the memory report's walk.
    spans: [(usize, usize); MAX_SPANS],
}

/// What `release_when_quiet` found.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Quiet {
    /// The heap was used within QUIET_NS.
    No,
    /// Quiet; a batch of the class cache went back, more remains.
    More,
    /// Quiet, and the class cache is empty.
    CacheEmpty,
}

/// Claimed spans remembered for the memory report (the firmware's map has a few ranges).
const MAX_SPANS: usize = 8;

impl Heap {
    /// A block from talc; when it has none, after giving it every cached block.
    fn talc_allocate(&mut self, layout: Layout) -> *mut u8 {
        // SAFETY: the layout is not zero-sized (callers pass `nonzero` layouts).
        if let Ok(p) = unsafe { self.talc.malloc(layout) } {
            return p.as_ptr();
        }
        if self.cache.cached_bytes() == 0 {
            return core::ptr::null_mut();
        }
        let talc = &mut self.talc;
        // SAFETY: cached blocks are free blocks talc handed out with their class layout.
        self.cache.drain(|block, l| unsafe { talc.free(block, l) });
        // SAFETY: as above.
        unsafe { self.talc.malloc(layout) }.map_or(core::ptr::null_mut(), |p| p.as_ptr())
    }
}

pub struct KernelHeap {
    heap: InterruptSpinMutex<Heap>,
}

#[global_allocator]
pub static HEAP: KernelHeap = KernelHeap {
    heap: InterruptSpinMutex::new(Heap {
        talc: Talc::new(ErrOnOom),
        total: 0,
        in_use: 0,
        cache: ClassCache::new(),
        ops: 0,
        window: (0, 0),
        quiet: false,
        spans: [(0, 0); MAX_SPANS],
    }),
};

/// The class cache holds at most this share of the heap (1/N).
const CACHE_SHARE: usize = 8;
/// A window of QUIET_NS with fewer than QUIET_OPS allocations and frees is quiet: idle
/// CPUs then give the class cache back to talc (see `release_when_quiet`). A service at
/// rest still allocates now and then (a connection arriving); a busy one makes
/// thousands of calls in such a window.
pub const QUIET_NS: u64 = 20_000_000;
const QUIET_OPS: u64 = 32;
/// Blocks given back per lock hold, so that a CPU that needs the heap meanwhile waits
/// for a short while only.
const IDLE_BATCH: usize = 64;

/// talc cannot hand out zero bytes; a zero-sized request gets one.
fn nonzero(layout: Layout) -> Layout {
    if layout.size() == 0 {
        // SAFETY: size 1 with an alignment that is already a valid power of two.
        unsafe { Layout::from_size_align_unchecked(1, layout.align()) }
    } else {
        layout
    }
}

impl KernelHeap {
    /// Adds free RAM to the heap.
    ///
    /// # Safety
    /// The range must be mapped, writable RAM that nothing else uses.
    pub unsafe fn add_region(&self, r: Range) {
        let mut heap = self.heap.lock();
        let span = Span::from_base_size(r.start as *mut u8, r.len() as usize);
        // SAFETY: the caller hands over this memory; it overlaps no other region.
        if let Ok(claimed) = unsafe { heap.talc.claim(span) } {
            heap.total += claimed.size();
            if let (Some((base, acme)), Some(free)) = (
                claimed.get_base_acme(),
                heap.spans.iter_mut().find(|s| s.1 == 0),
            ) {
                *free = (base as usize, acme as usize);
            }
        }
    }

    /// A block for `layout`, or null when memory is short. When the heap cannot serve
    /// it, the memory other parts of the kernel keep for reuse (the stacks of ended
    /// threads) comes back first.
    pub fn allocate(&self, layout: Layout) -> *mut u8 {
        let p = self.allocate_now(layout);
        if p.is_null() && crate::mm::stacks::give_back_cached() {
            return self.allocate_now(layout);
        }
        p
    }

    // Inlined into `allocate`: under TCG a call into other code costs about 22 ticks, and
    // C's malloc of blocks over 8 KiB comes here on every call.
    #[inline(always)]
    fn allocate_now(&self, layout: Layout) -> *mut u8 {
        let mut layout = nonzero(layout);
        let mut heap = self.heap.lock();
        heap.ops += 1;
        if let Some(class) = class_of(layout) {
            if let Some(p) = heap.cache.pop(class) {
                heap.in_use += CLASSES[class];
                return p.as_ptr();
            }
            layout = class_layout(class);
        }
        let p = heap.talc_allocate(layout);
        if !p.is_null() {
            heap.in_use += layout.size();
        }
        p
    }

    /// # Safety
    /// `ptr` must come from `allocate` with the same layout (or the layout of its last
    /// `shrink`/`grow_in_place`).
    pub unsafe fn release(&self, ptr: *mut u8, layout: Layout) {
        let Some(block) = NonNull::new(ptr) else {
            return;
        };
        let mut layout = nonzero(layout);
        let mut heap = self.heap.lock();
        heap.ops += 1;
        if let Some(class) = class_of(layout) {
            heap.in_use -= CLASSES[class];
            if heap.cache.cached_bytes() + CLASSES[class] <= heap.total / CACHE_SHARE {
                // SAFETY: a block of this class (allocated with its layout), free now.
                unsafe { heap.cache.push(class, block) };
                return;
            }
            layout = class_layout(class);
        } else {
            heap.in_use -= layout.size();
        }
        // SAFETY: as the caller guarantees; class blocks were allocated with their
        // class's layout.
        unsafe { heap.talc.free(block, layout) };
    }

    /// Shrinks a block in place to `new_size` bytes; what lies past them returns to the
    /// heap at once (when it is large enough to be a block of its own).
    ///
    /// # Safety
    /// As `release`; `new_size` must be at most `layout.size()`; neither size may be in
    /// a size class (`reallocate` sees to that).
    pub unsafe fn shrink(&self, ptr: *mut u8, layout: Layout, new_size: usize) {
        let (Some(block), true) = (NonNull::new(ptr), new_size > 0) else {
            return;
        };
        let layout = nonzero(layout);
        let mut heap = self.heap.lock();
        heap.in_use -= layout.size() - new_size;
        // SAFETY: as the caller guarantees.
        unsafe { heap.talc.shrink(block, layout, new_size) };
    }

    /// Grows a block in place to `new_size` bytes if the memory after it is free.
    ///
    /// # Safety
    /// As `release`; `new_size` must be at least `layout.size()`; neither size may be in
    /// a size class.
    pub unsafe fn grow_in_place(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> bool {
        let Some(block) = NonNull::new(ptr) else {
            return false;
        };
        let layout = nonzero(layout);
        let mut heap = self.heap.lock();
        // SAFETY: as the caller guarantees.
        let grown = unsafe { heap.talc.grow_in_place(block, layout, new_size) }.is_ok();
        if grown {
            heap.in_use += new_size - layout.size();
        }
        grown
    }

    /// Called by a CPU with nothing to run. While the heap is quiet (the last window
    /// of QUIET_NS saw fewer than QUIET_OPS allocations and frees), gives a batch of
    /// the class cache back to talc, where the
    /// blocks coalesce with their free neighbours: a service at rest keeps no freed
    /// blocks scattered through its free memory, so what it allocates next (a waiting
    /// connection's buffers, say) is placed by talc next to what lives on rather than
    /// in a cached block in the middle of free memory. A busy heap keeps its cache.
    pub fn release_when_quiet(&self) -> Quiet {
        let mut guard = self.heap.lock();
        let heap = &mut *guard;
        let now = crate::arch::cpu::rdtsc();
        if crate::clock::ticks_to_ns(now.saturating_sub(heap.window.1)) >= QUIET_NS {
            heap.quiet = heap.ops - heap.window.0 < QUIET_OPS;
            heap.window = (heap.ops, now);
        }
        if !heap.quiet {
            return Quiet::No;
        }
        if heap.cache.cached_bytes() == 0 {
            return Quiet::CacheEmpty;
        }
        let talc = &mut heap.talc;
        // SAFETY: cached blocks are free blocks talc handed out with their class layout.
        let more = heap
            .cache
            .drain_some(IDLE_BATCH, |block, l| unsafe { talc.free(block, l) });
        if more { Quiet::More } else { Quiet::CacheEmpty }
    }

    /// Whether the class cache holds blocks.
    pub fn holds_cache(&self) -> bool {
        self.heap.lock().cache.cached_bytes() != 0
    }

    /// Bytes handed out, bytes in the class cache, bytes claimed.
    pub fn counters(&self) -> (usize, usize, usize) {
        let heap = self.heap.lock();
        (heap.in_use, heap.cache.cached_bytes(), heap.total)
    }

    /// Bytes free and total, over all regions.
    pub fn usage(&self) -> (usize, usize) {
        let heap = self.heap.lock();
        // Cached blocks count as free: they go back to talc whenever it runs short.
        (heap.total.saturating_sub(heap.in_use), heap.total)
    }
}

unsafe impl GlobalAlloc for KernelHeap {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        self.allocate(layout)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: GlobalAlloc's contract is release's contract.
        unsafe { self.release(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: GlobalAlloc's contract: ptr is a live block of `layout`.
        unsafe { reallocate(self, ptr, layout, new_size) }
    }
}

/// Moves a block to `new_size` bytes: in place when it shrinks or the memory after it is
/// free, else by copying; null (and the old block kept) when memory is short.
///
/// # Safety
/// `ptr` must be a live block of `layout` from `heap`.
pub unsafe fn reallocate(
    heap: &KernelHeap,
    ptr: *mut u8,
    layout: Layout,
    new_size: usize,
) -> *mut u8 {
    let new_size = new_size.max(1);
    let old = nonzero(layout);
    let Ok(new_layout) = Layout::from_size_align(new_size, old.align()) else {
        return core::ptr::null_mut();
    };
    match (class_of(old), class_of(new_layout)) {
        (Some(a), Some(b)) if a == b => return ptr,
        (None, None) if new_size <= old.size() => {
            // SAFETY: the caller's block, shrinking; no size class involved.
            unsafe { heap.shrink(ptr, old, new_size) };
            return ptr;
        }
        // SAFETY: the caller's block, growing; no size class involved.
        (None, None) if unsafe { heap.grow_in_place(ptr, old, new_size) } => return ptr,
        _ => {}
    }
    let new = heap.allocate(new_layout);
    if !new.is_null() {
        // SAFETY: both blocks are live and at least old.size() long; they are distinct.
        unsafe {
            core::ptr::copy_nonoverlapping(ptr, new, old.size().min(new_size));
            heap.release(ptr, old);
        }
    }
    new
}

impl KernelHeap {
    /// For the memory report: calls `each(start, end, blocks)` for every run of
    /// allocated chunks (blocks in the class cache count as allocated: talc has them
    /// out), from the top of each span down, with the run's bounds and the number of
    /// chunks in it. Runs `each` under the heap's lock: it must not allocate.
    ///
    /// talc ends every allocated chunk with a tag word (its base, bit 0 set) and every
    /// free chunk with its size (a multiple of 8, bit 0 clear), so a span can be walked
    /// from its top down.
    pub fn walk_allocated(&self, mut each: impl FnMut(usize, usize, usize)) {
        let heap = self.heap.lock();
        for &(base, acme) in heap.spans.iter().filter(|s| s.1 != 0) {
            let (mut top, mut run_end, mut blocks) = (acme, 0, 0);
            // The lowest word is the span's base tag, not a chunk.
            while top > base + 8 {
                // SAFETY: `top` is the end of a chunk inside a claimed span (the span's
                // end, or the base of the chunk above it), so the word below it is that
                // chunk's tag or size, in mapped heap memory.
                let word = unsafe { ((top - 8) as *const usize).read() };
                let chunk_base = if word & 1 == 1 {
                    if blocks == 0 {
                        run_end = top;
                    }
                    blocks += 1;
                    word & !7
                } else {
                    if blocks != 0 {
                        each(top, run_end, blocks);
                        blocks = 0;
                    }
                    top.wrapping_sub(word)
                };
                if chunk_base >= top || chunk_base < base {
                    // The span's first chunk (the base tag's chunk) or a broken walk.
                    break;
                }
                top = chunk_base;
            }
            if blocks != 0 {
                each(top.max(base), run_end, blocks);
            }
        }
    }

    /// Checks the heap's own bookkeeping (see `heap_check`): the counters agree, every
    /// size-class list can be walked to its recorded length with aligned blocks, and
    /// talc refuses a block larger than what it can have free (its search visits every
    /// bin, so a corrupted free list shows up here or as a fault here).
    pub fn check(&self) -> Result<(), &'static str> {
        let mut heap = self.heap.lock();
        let cached = heap.cache.cached_bytes();
        if heap
            .in_use
            .checked_add(cached)
            .is_none_or(|n| n > heap.total)
        {
            return Err("the heap's counters add up to more than its memory");
        }
        heap.cache.verify()?;
        let free = heap.total - heap.in_use - cached;
        let Ok(beyond) = Layout::from_size_align(free + 1, 16) else {
            return Err("the heap's free count is absurd");
        };
        // SAFETY: a non-zero layout; a block it returns is given back at once.
        if let Ok(p) = unsafe { heap.talc.malloc(beyond) } {
            // SAFETY: allocated just above with this layout.
            unsafe { heap.talc.free(p, beyond) };
            return Err("the heap handed out more than it has free");
        }
        Ok(())
    }
}
