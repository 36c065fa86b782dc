//! The one heap, shared by the kernel, Rust's allocator (`sys_alloc`) and C's `malloc`:
//! every free RAM range becomes a `linked_list_allocator` region, so the heap is as
//! large as the VM's memory.

use core::alloc::{GlobalAlloc, Layout};
use core::ptr::NonNull;
use hermit_sync::InterruptSpinMutex;
use linked_list_allocator::Heap;

use super::regions::Range;
use super::size_classes::{CLASS_ALIGN, ClassCache, chunk_size, class_of};

const MAX_REGIONS: usize = 8;

struct Regions {
    heaps: [Option<Heap>; MAX_REGIONS],
    cache: ClassCache,
}

impl Regions {
    fn first_fit(&mut self, layout: Layout) -> *mut u8 {
        for heap in self.heaps.iter_mut().flatten() {
            if let Ok(p) = heap.allocate_first_fit(layout) {
                return p.as_ptr();
            }
        }
        core::ptr::null_mut()
    }

    /// # Safety
    /// `ptr` must come from `first_fit` with `layout`.
    unsafe fn give_back(&mut self, ptr: *mut u8, layout: Layout) {
        let addr = ptr as usize;
        for heap in self.heaps.iter_mut().flatten() {
            if addr >= heap.bottom() as usize && addr < heap.top() as usize {
                // SAFETY: the pointer belongs to this region (checked) and the caller
                // guarantees the layout.
                unsafe { heap.deallocate(NonNull::new_unchecked(ptr), layout) };
                return;
            }
        }
    }
}

pub struct KernelHeap {
    regions: InterruptSpinMutex<Regions>,
}

#[global_allocator]
pub static HEAP: KernelHeap = KernelHeap {
    regions: InterruptSpinMutex::new(Regions {
        heaps: [const { None }; MAX_REGIONS],
        cache: ClassCache::new(),
    }),
};

impl KernelHeap {
    /// Adds free RAM to the heap.
    ///
    /// # Safety
    /// The range must be mapped, writable RAM that nothing else uses.
    pub unsafe fn add_region(&self, r: Range) {
        let mut regions = self.regions.lock();
        if let Some(slot) = regions.heaps.iter_mut().find(|s| s.is_none()) {
            // SAFETY: the caller hands over this memory.
            *slot = Some(unsafe { Heap::new(r.start as *mut u8, r.len() as usize) });
        }
    }

    pub fn allocate(&self, layout: Layout) -> *mut u8 {
        let mut regions = self.regions.lock();
        let Some(class) = class_of(layout) else {
            return regions.first_fit(layout);
        };
        if let Some(p) = regions.cache.pop(class) {
            return p.as_ptr();
        }
        let chunk =
            regions.first_fit(Layout::from_size_align(chunk_size(class), CLASS_ALIGN).unwrap());
        let Some(chunk) = NonNull::new(chunk) else {
            return core::ptr::null_mut();
        };
        // SAFETY: a fresh chunk from the heap, handed to the class for good.
        unsafe { regions.cache.refill(class, chunk) };
        regions
            .cache
            .pop(class)
            .map_or(core::ptr::null_mut(), |p| p.as_ptr())
    }

    /// Whether a block allocated with `old` can serve `new` unchanged (same size class).
    pub fn fits_in_place(old: Layout, new: Layout) -> bool {
        matches!((class_of(old), class_of(new)), (Some(a), Some(b)) if a == b)
    }

    /// # Safety
    /// `ptr` must come from `allocate` with the same layout.
    pub unsafe fn release(&self, ptr: *mut u8, layout: Layout) {
        let Some(block) = NonNull::new(ptr) else {
            return;
        };
        let mut regions = self.regions.lock();
        match class_of(layout) {
            // SAFETY: the caller hands back a block of this class.
            Some(class) => unsafe { regions.cache.push(class, block) },
            // SAFETY: as the caller guarantees.
            None => unsafe { regions.give_back(ptr, layout) },
        }
    }

    /// Bytes free and total, over all regions.
    pub fn usage(&self) -> (usize, usize) {
        let regions = self.regions.lock();
        let (free, total) = regions
            .heaps
            .iter()
            .flatten()
            .fold((0, 0), |(f, t), h| (f + h.free(), t + h.size()));
        // Blocks held by the size-class cache are free as far as applications go.
        (free + regions.cache.cached_bytes(), total)
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
}

impl KernelHeap {
    /// Checks the heap's own bookkeeping (see `heap_check`): every region's bounds and
    /// counters agree, and its whole free list can be walked: a first-fit search for more
    /// than the region has free visits every hole and must fail.
    pub fn check(&self) -> Result<(), &'static str> {
        let mut regions = self.regions.lock();
        let cached = regions.cache.cached_bytes();
        let mut total = 0;
        for heap in regions.heaps.iter_mut().flatten() {
            let span = (heap.top() as usize).checked_sub(heap.bottom() as usize);
            if span != Some(heap.size()) || heap.used() > heap.size() {
                return Err("a region's bounds or counters are inconsistent");
            }
            let Ok(beyond) = Layout::from_size_align(heap.free() + 1, 1) else {
                return Err("a region's free count is absurd");
            };
            if heap.allocate_first_fit(beyond).is_ok() {
                return Err("a region handed out more than it has free");
            }
            total += heap.size();
        }
        if cached > total {
            return Err("the size-class cache holds more than the heap");
        }
        Ok(())
    }
}
