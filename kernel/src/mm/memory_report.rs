//! What holds the heap's memory, for the soak benchmark (`make soak`): the soak guest
//! calls `eremit_memory_report()` (exported beside the `sys_*` calls, not part of
//! hermit-abi) while its service is at rest, and the report on stderr says how much the
//! heap has handed out, how much sits in the class cache, and where the kernel's own
//! long-lived blocks (cached and live thread stacks) lie, and every run of allocated
//! chunks in the heap (its bounds, size and number of chunks, and the first words of a
//! run of one chunk), so that what splits the free memory can be attributed.

use super::heap::HEAP;

/// Prints the report on stderr.
#[unsafe(no_mangle)]
pub extern "C" fn eremit_memory_report() {
    let (in_use, cached, total) = HEAP.counters();
    crate::kreport!(
        "memreport: heap total={} KiB in_use={} KiB class_cache={} KiB",
        total >> 10,
        in_use >> 10,
        cached >> 10
    );
    crate::mm::stacks::report(
        |base, bytes| crate::kreport!("memreport: cached-stack {base:#x} {} KiB", bytes >> 10),
        |base, owner| crate::kreport!("memreport: live-stack {base:#x} {owner}"),
    );
    HEAP.walk_allocated(|start, end, blocks| {
        // A stack's chunk starts with its guard page.
        let words = if crate::mm::paging::is_mapped(start as u64, 16) {
            // SAFETY: the first 16 bytes of an allocated chunk, mapped; reading them
            // races with their owner only in what is printed.
            unsafe {
                [
                    (start as *const u64).read(),
                    (start as *const u64).add(1).read(),
                ]
            }
        } else {
            [0, 0]
        };
        crate::kreport!(
            "memreport: run {start:#x} {} bytes {blocks} chunks [{:#x} {:#x}]",
            end - start,
            words[0],
            words[1]
        );
    });
}
