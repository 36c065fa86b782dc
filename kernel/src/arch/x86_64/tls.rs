//! Thread-local storage for the application: a copy of the image's TLS template below
//! a thread pointer that points at itself, loaded into FS (x86-64 TLS variant II).

use alloc::alloc::{Layout, alloc_zeroed, dealloc};
use x86_64::VirtAddr;
use x86_64::registers::model_specific::FsBase;

use crate::elf::{Segment, TlsLayout};

/// One task's TLS block; freed with the task.
pub struct TlsBlock {
    block: *mut u8,
    layout: Layout,
    tp: u64,
}

// SAFETY: the block is owned by one task; other tasks never touch it.
unsafe impl Send for TlsBlock {}

impl TlsBlock {
    /// A fresh block initialised from `template`; `None` when memory is short.
    pub fn new(template: Option<&Segment>) -> Option<Self> {
        let l = TlsLayout::for_segment(template);
        let layout = Layout::from_size_align(l.size, l.align).ok()?;
        // SAFETY: the layout is non-zero in size.
        let block = unsafe { alloc_zeroed(layout) };
        if block.is_null() {
            return None;
        }
        let tp = block as u64 + l.tp_offset as u64;
        if let Some(t) = template {
            // The linker places the template alignTo(memsz, p_align) below the pointer.
            let start = tp - t.memsz.next_multiple_of(t.align.max(1));
            // SAFETY: the template is part of the loaded image; the destination lies
            // inside the new block (filesz <= memsz <= tp_offset).
            unsafe {
                core::ptr::copy_nonoverlapping(
                    t.vaddr as *const u8,
                    start as *mut u8,
                    t.filesz as usize,
                )
            };
        }
        let canary =
            super::cpu::hardware_random().unwrap_or(tp.rotate_left(17) ^ 0x5eed_cafe_f00d_d00d);
        // SAFETY: the thread control block (self pointer, canary) lies inside the block:
        // the layout reserves TCB_SIZE bytes from the thread pointer on.
        unsafe {
            (tp as *mut u64).write(tp);
            ((tp + crate::elf::TCB_CANARY as u64) as *mut u64).write(canary & !0xff);
        }
        Some(Self { block, layout, tp })
    }

    pub fn tp(&self) -> u64 {
        self.tp
    }
}

impl Drop for TlsBlock {
    fn drop(&mut self) {
        // SAFETY: allocated in `new` with this layout.
        unsafe { dealloc(self.block, self.layout) };
    }
}

/// Makes `tp` the current thread pointer.
pub fn activate(tp: u64) {
    FsBase::write(VirtAddr::new(tp));
}
