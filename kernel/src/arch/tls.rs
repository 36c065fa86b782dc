//! Thread-local storage for the application: a copy of the image's TLS template below
//! a thread pointer that points at itself, loaded into FS (x86-64 TLS variant II).

use alloc::alloc::{Layout, alloc_zeroed};
use x86_64::VirtAddr;
use x86_64::registers::model_specific::FsBase;

use crate::elf::{Segment, TlsLayout};

/// Creates a TLS block from `template` and returns its thread pointer.
pub fn create(template: Option<&Segment>) -> Option<u64> {
    let layout = TlsLayout::for_segment(template);
    let alloc_layout = Layout::from_size_align(layout.size, layout.align).ok()?;
    // SAFETY: the layout is non-zero in size.
    let block = unsafe { alloc_zeroed(alloc_layout) };
    if block.is_null() {
        return None;
    }
    let tp = block as u64 + layout.tp_offset as u64;
    if let Some(t) = template {
        // The linker places the template alignTo(memsz, p_align) below the pointer.
        let start = tp - t.memsz.next_multiple_of(t.align.max(1));
        // SAFETY: the template is part of the loaded image; the destination lies inside
        // the new block (filesz <= memsz <= tp_offset).
        unsafe {
            core::ptr::copy_nonoverlapping(
                t.vaddr as *const u8,
                start as *mut u8,
                t.filesz as usize,
            )
        };
    }
    // SAFETY: the self pointer slot lies inside the block.
    unsafe { (tp as *mut u64).write(tp) };
    Some(tp)
}

/// Makes `tp` the current thread pointer.
pub fn activate(tp: u64) {
    FsBase::write(VirtAddr::new(tp));
}
