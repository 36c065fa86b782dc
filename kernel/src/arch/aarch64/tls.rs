//! Thread-local storage, the aarch64 layout (ELF TLS variant I): the thread pointer
//! (`TPIDR_EL0`) points at a 16-byte control block, and the TLS block follows it at the
//! next multiple of the segment's alignment, where the linker's initial-exec offsets
//! expect it.

use alloc::alloc::{Layout, alloc_zeroed, dealloc};

use crate::elf::Segment;

/// The control block before the TLS data (two words, reserved by the ABI).
const TCB_SIZE: usize = 16;

pub struct TlsBlock {
    block: *mut u8,
    layout: Layout,
    tp: u64,
}

// SAFETY: the block is owned by one task and freed once, by its owner.
unsafe impl Send for TlsBlock {}

impl TlsBlock {
    /// A block for `template` (the image's `PT_TLS`), initialised from it.
    pub fn new(template: Option<&Segment>) -> Option<Self> {
        let (memsz, filesz, align) = template.map_or((0, 0, 1), |t| {
            (t.memsz as usize, t.filesz as usize, t.align.max(1) as usize)
        });
        let align = align.max(16);
        let data_offset = TCB_SIZE.next_multiple_of(align);
        let layout = Layout::from_size_align(data_offset + memsz.max(1), align).ok()?;
        // SAFETY: the layout has non-zero size.
        let block = unsafe { alloc_zeroed(layout) };
        if block.is_null() {
            return None;
        }
        if let Some(t) = template {
            // SAFETY: the template's initialised bytes lie in the loaded image; the
            // destination has room for memsz >= filesz bytes after the offset.
            unsafe {
                core::ptr::copy_nonoverlapping(
                    t.vaddr as *const u8,
                    block.add(data_offset),
                    filesz.min(memsz),
                )
            };
        }
        Some(Self {
            block,
            layout,
            tp: block as u64,
        })
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

/// Makes `tp` the running task's thread pointer.
pub fn activate(tp: u64) {
    // SAFETY: writing TPIDR_EL0 only changes where this CPU's TLS accesses go.
    unsafe { core::arch::asm!("msr tpidr_el0, {}", in(reg) tp, options(nomem, nostack)) };
}
