//! The one heap, shared by the kernel, Rust's allocator (`sys_alloc`) and C's `malloc`:
//! every free RAM range becomes a `linked_list_allocator` region, so the heap is as
//! large as the VM's memory.

use core::alloc::{GlobalAlloc, Layout};
use core::ptr::NonNull;
use hermit_sync::InterruptSpinMutex;
use linked_list_allocator::Heap;

use super::regions::Range;

const MAX_REGIONS: usize = 8;

pub struct KernelHeap {
    regions: InterruptSpinMutex<[Option<Heap>; MAX_REGIONS]>,
}

#[global_allocator]
pub static HEAP: KernelHeap = KernelHeap {
    regions: InterruptSpinMutex::new([const { None }; MAX_REGIONS]),
};

impl KernelHeap {
    /// Adds free RAM to the heap.
    ///
    /// # Safety
    /// The range must be mapped, writable RAM that nothing else uses.
    pub unsafe fn add_region(&self, r: Range) {
        let mut regions = self.regions.lock();
        if let Some(slot) = regions.iter_mut().find(|s| s.is_none()) {
            // SAFETY: the caller hands over this memory.
            *slot = Some(unsafe { Heap::new(r.start as *mut u8, r.len() as usize) });
        }
    }

    pub fn allocate(&self, layout: Layout) -> *mut u8 {
        let mut regions = self.regions.lock();
        for heap in regions.iter_mut().flatten() {
            if let Ok(p) = heap.allocate_first_fit(layout) {
                return p.as_ptr();
            }
        }
        core::ptr::null_mut()
    }

    /// # Safety
    /// `ptr` must come from `allocate` with the same layout.
    pub unsafe fn release(&self, ptr: *mut u8, layout: Layout) {
        let mut regions = self.regions.lock();
        let addr = ptr as usize;
        for heap in regions.iter_mut().flatten() {
            if addr >= heap.bottom() as usize && addr < heap.top() as usize {
                // SAFETY: the pointer belongs to this region (checked) and the caller
                // guarantees the layout.
                unsafe { heap.deallocate(NonNull::new_unchecked(ptr), layout) };
                return;
            }
        }
    }

    /// Bytes free and total, over all regions.
    pub fn usage(&self) -> (usize, usize) {
        let regions = self.regions.lock();
        regions
            .iter()
            .flatten()
            .fold((0, 0), |(f, t), h| (f + h.free(), t + h.size()))
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
