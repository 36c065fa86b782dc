//! Where one thread's TLS block goes in its allocation, for the two ELF TLS layouts:
//!
//! - variant I (aarch64, riscv64): the thread pointer points at a thread control block
//!   of `tcb_size` bytes, and the TLS data follows at the next multiple of the
//!   segment's alignment, where the linker's initial-exec offsets expect it;
//! - variant II (x86-64): the TLS data ends at the thread pointer, and a thread control
//!   block of `tcb_size` bytes starts there (x86-64's: a self pointer at 0, GCC's
//!   stack-protector canary at 0x28).

use crate::elf::Segment;

/// Which layout, and how large the thread control block is.
#[derive(Debug, PartialEq, Eq, Clone, Copy)]
pub enum Variant {
    /// TCB at the thread pointer, TLS data after it.
    I { tcb_size: usize },
    /// TLS data before the thread pointer, TCB from it on.
    II { tcb_size: usize },
}

#[derive(Debug, PartialEq, Eq, Clone, Copy)]
pub struct TlsLayout {
    /// Bytes to allocate (never 0).
    pub size: usize,
    /// Alignment of the allocation (at least 16).
    pub align: usize,
    /// Offset of the thread pointer from the start of the allocation.
    pub tp_offset: usize,
    /// Offset of the TLS data (the template's first byte) from the start.
    pub data_offset: usize,
    /// The thread control block's size; it starts at `tp_offset`.
    pub tcb_size: usize,
}

impl TlsLayout {
    /// The layout for the image's `PT_TLS` segment (none: a TCB alone).
    pub fn for_segment(variant: Variant, tls: Option<&Segment>) -> Self {
        let (memsz, seg_align) =
            tls.map_or((0, 1), |s| (s.memsz as usize, s.align.max(1) as usize));
        let align = seg_align.max(16);
        match variant {
            Variant::I { tcb_size } => {
                let data_offset = tcb_size.next_multiple_of(align);
                Self {
                    size: (data_offset + memsz).max(tcb_size).max(1),
                    align,
                    tp_offset: 0,
                    data_offset,
                    tcb_size,
                }
            }
            Variant::II { tcb_size } => {
                let block = memsz.next_multiple_of(align);
                Self {
                    size: (block + tcb_size).max(1),
                    align,
                    tp_offset: block,
                    // The linker places the template alignTo(memsz, p_align) below the
                    // thread pointer.
                    data_offset: block - memsz.next_multiple_of(seg_align),
                    tcb_size,
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segment(memsz: u64, align: u64) -> Segment {
        Segment {
            kind: crate::elf::PT_TLS,
            flags: 4,
            vaddr: 0,
            filesz: 8,
            memsz,
            align,
        }
    }

    #[test]
    fn variant_ii_ends_the_data_at_the_thread_pointer() {
        let l = TlsLayout::for_segment(Variant::II { tcb_size: 64 }, Some(&segment(40, 8)));
        assert_eq!(
            l,
            TlsLayout {
                size: 48 + 64,
                align: 16,
                tp_offset: 48,
                data_offset: 8,
                tcb_size: 64
            }
        );
        let none = TlsLayout::for_segment(Variant::II { tcb_size: 64 }, None);
        assert_eq!((none.tp_offset, none.size), (0, 64));
    }

    #[test]
    fn variant_i_puts_the_data_after_the_control_block() {
        let l = TlsLayout::for_segment(Variant::I { tcb_size: 16 }, Some(&segment(40, 64)));
        assert_eq!(
            l,
            TlsLayout {
                size: 64 + 40,
                align: 64,
                tp_offset: 0,
                data_offset: 64,
                tcb_size: 16
            }
        );
        let none = TlsLayout::for_segment(Variant::I { tcb_size: 16 }, None);
        assert_eq!((none.tp_offset, none.data_offset, none.size), (0, 16, 16));
    }
}
