//! Thread-local storage for the application: one block per task, allocated and laid out
//! as the architecture's ELF TLS variant wants (`layout.rs`), initialised from the
//! image's TLS template, its thread control block filled with the words the
//! architecture's ABI puts there, and freed with the task.
//!
//! Per architecture (`arch::tls`): the variant, the control block's words, and loading
//! the thread pointer into its register (`activate`).

mod layout;

pub use layout::{TlsLayout, Variant};

use alloc::alloc::{Layout, alloc_zeroed, dealloc};

#[cfg(target_os = "none")]
pub use crate::arch::tls::activate;
use crate::elf::Segment;

/// One task's TLS block; freed with the task.
pub struct TlsBlock {
    block: *mut u8,
    layout: Layout,
    tp: u64,
}

// SAFETY: the block is owned by one task and freed once, by its owner; other tasks never
// touch it.
unsafe impl Send for TlsBlock {}

impl TlsBlock {
    /// A fresh block for the image's template, as this architecture lays it out; `None`
    /// when memory is short.
    #[cfg(target_os = "none")]
    pub fn new(template: Option<&Segment>) -> Option<Self> {
        use crate::arch::tls as arch;
        Self::build(template, arch::VARIANT, arch::control_block)
    }

    /// A block laid out as `variant` says, the TLS data copied from `template` (whose
    /// `vaddr` is where its bytes are), and `control_block(tp)`'s (offset, word) pairs
    /// written at the thread pointer.
    ///
    /// # Panics
    /// When a word of the control block lies outside it (a mistake in the architecture's
    /// list, not something an application can cause).
    pub fn build<W: IntoIterator<Item = (usize, u64)>>(
        template: Option<&Segment>,
        variant: Variant,
        control_block: impl FnOnce(u64) -> W,
    ) -> Option<Self> {
        let l = TlsLayout::for_segment(variant, template);
        let layout = Layout::from_size_align(l.size, l.align).ok()?;
        // SAFETY: the layout is non-zero in size (`TlsLayout::size` is at least 1).
        let block = unsafe { alloc_zeroed(layout) };
        if block.is_null() {
            return None;
        }
        if let Some(t) = template {
            let len = t.filesz.min(t.memsz) as usize;
            // SAFETY: the template's initialised bytes are part of the loaded image (its
            // segment's `vaddr`); the destination, `data_offset` plus at most memsz
            // bytes, lies inside the block (`TlsLayout` makes room for memsz >= len).
            unsafe {
                core::ptr::copy_nonoverlapping(t.vaddr as *const u8, block.add(l.data_offset), len)
            };
        }
        // SAFETY: `tp_offset` lies inside the block (the TCB starts there).
        let tp_ptr = unsafe { block.add(l.tp_offset) };
        // Owned from here on, so that the assertion below frees the block as it unwinds.
        let this = Self {
            block,
            layout,
            tp: tp_ptr as u64,
        };
        for (offset, word) in control_block(this.tp) {
            assert!(
                offset + 8 <= l.tcb_size,
                "TLS control block word outside it"
            );
            // SAFETY: the word lies inside the control block, which lies inside the
            // block; `write_unaligned` asks nothing of the offset's alignment.
            unsafe { tp_ptr.add(offset).cast::<u64>().write_unaligned(word) };
        }
        Some(this)
    }

    /// The thread pointer, for `activate`.
    pub fn tp(&self) -> u64 {
        self.tp
    }
}

impl Drop for TlsBlock {
    fn drop(&mut self) {
        // SAFETY: allocated in `build` with this layout, and freed only here.
        unsafe { dealloc(self.block, self.layout) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    /// A template of 8 initialised bytes and 24 zeroed ones, aligned to 8.
    fn template(bytes: &[u8; 8]) -> Segment {
        Segment {
            kind: crate::elf::PT_TLS,
            flags: 4,
            vaddr: bytes.as_ptr() as u64,
            filesz: 8,
            memsz: 32,
            align: 8,
        }
    }

    /// Reads `len` bytes at `tp + offset` (offset may be negative).
    fn at(block: &TlsBlock, offset: isize, len: usize) -> vec::Vec<u8> {
        let tp_offset = (block.tp - block.block as u64) as isize;
        // SAFETY: the tests read only inside the block they built.
        unsafe { core::slice::from_raw_parts(block.block.offset(tp_offset + offset), len).to_vec() }
    }

    #[test]
    fn variant_ii_data_below_the_pointer_and_control_block_at_it() {
        let bytes = *b"TLSDATA!";
        let t = template(&bytes);
        let block = TlsBlock::build(Some(&t), Variant::II { tcb_size: 64 }, |tp| {
            [(0, tp), (0x28, 0x1122_3344_5566_7700)]
        })
        .unwrap();
        assert_eq!(at(&block, -32, 8), b"TLSDATA!");
        assert_eq!(at(&block, -24, 24), vec![0; 24], "the .tbss part is zero");
        assert_eq!(at(&block, 0, 8), block.tp().to_ne_bytes());
        assert_eq!(at(&block, 0x28, 8), 0x1122_3344_5566_7700u64.to_ne_bytes());
        assert_eq!(block.tp() % 16, 0);
    }

    #[test]
    fn variant_i_data_after_the_control_block() {
        let bytes = *b"abcdefgh";
        let t = template(&bytes);
        let block = TlsBlock::build(Some(&t), Variant::I { tcb_size: 16 }, |_| []).unwrap();
        assert_eq!(at(&block, 0, 16), vec![0; 16], "the control block is zero");
        assert_eq!(at(&block, 16, 8), b"abcdefgh");
        assert_eq!(at(&block, 24, 24), vec![0; 24]);
    }

    #[test]
    fn without_a_template() {
        let block = TlsBlock::build(None, Variant::II { tcb_size: 64 }, |tp| [(0, tp)]).unwrap();
        assert_eq!(at(&block, 0, 8), block.tp().to_ne_bytes());
    }

    #[test]
    #[should_panic(expected = "outside")]
    fn a_word_outside_the_control_block_is_refused() {
        let _ = TlsBlock::build(None, Variant::I { tcb_size: 16 }, |_| [(16, 0)]);
    }
}
