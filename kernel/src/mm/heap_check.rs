//! A consistency check of the heap, for the system-call fuzzer (`make fuzz`) and tests:
//! `eremit_heap_check()` (exported beside the `sys_*` calls, not part of hermit-abi) asks
//! the heap to check its own bookkeeping (`KernelHeap::check`, which walks every free
//! list) and then allocates, fills, verifies and frees blocks of every size range, so
//! that a kernel write through a bad pointer into the heap's free structure shows up as
//! a failure (or a fault) here rather than as a mystery later.

use core::alloc::Layout;

use super::heap::HEAP;

/// Sizes probed: size classes small and large, the first-fit heap, a multi-megabyte block.
const PROBES: [usize; 7] = [1, 24, 200, 3000, 70_000, 300_000, 3 << 20];

fn probe() -> Result<(), &'static str> {
    for (i, &size) in PROBES.iter().enumerate() {
        let layout = Layout::from_size_align(size, 16).map_err(|_| "probe layout")?;
        let p = HEAP.allocate(layout);
        if p.is_null() {
            if size < 4096 {
                return Err("the heap cannot serve a small block");
            }
            continue;
        }
        let pattern = |j: usize| (j as u8).wrapping_mul(31) ^ i as u8;
        // SAFETY: a fresh block of `size` bytes, ours until released below.
        let block = unsafe { core::slice::from_raw_parts_mut(p, size) };
        for (j, b) in block.iter_mut().enumerate() {
            *b = pattern(j);
        }
        let intact = block.iter().enumerate().all(|(j, &b)| b == pattern(j));
        // SAFETY: allocated above with this layout.
        unsafe { HEAP.release(p, layout) };
        if !intact {
            return Err("a fresh block changed while it was being filled");
        }
    }
    Ok(())
}

/// The heap's bookkeeping and a round of allocations.
pub fn check() -> Result<(), &'static str> {
    HEAP.check()?;
    probe()?;
    HEAP.check()
}

/// 0 when the heap is consistent; -1 (and a kernel message saying why) when not.
#[unsafe(no_mangle)]
pub extern "C" fn eremit_heap_check() -> i32 {
    match check() {
        Ok(()) => 0,
        Err(why) => {
            crate::kreport!("eremit: heap check failed: {why}");
            -1
        }
    }
}
