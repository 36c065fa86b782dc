//! Per-CPU GDTs, each with its own TSS whose interrupt stacks keep fault handlers working
//! even when the faulting stack is gone (a stack overflow hits the guard page). A TSS is
//! busy once loaded, and the interrupt stacks must not be shared between CPUs, hence one
//! GDT, TSS and set of stacks per CPU. The boot CPU's are static (they are needed before
//! the heap exists); the others come from the heap.

use alloc::alloc::{Layout, alloc};
use alloc::boxed::Box;
use x86_64::VirtAddr;
use x86_64::instructions::segmentation::{CS, DS, ES, SS, Segment};
use x86_64::instructions::tables::load_tss;
use x86_64::structures::gdt::{Descriptor, GlobalDescriptorTable, SegmentSelector};
use x86_64::structures::tss::TaskStateSegment;

/// IST slots (1-based in the IDT, 0-based in the TSS).
pub const IST_DOUBLE_FAULT: u16 = 1;
pub const IST_FAULT: u16 = 2;
pub const IST_NMI: u16 = 3;
/// Interrupts enter on this stack and move to the interrupted one (arch/irq_stubs.s).
pub const IST_IRQ: u16 = 4;

const IST_COUNT: usize = 4;
/// Bytes of each IST stack, by slot. Exceptions run the crash report (and fault delivery)
/// on theirs; an interrupt only leaves its frame on its stack before moving to the
/// interrupted one (irq_stubs.s), so 4 KiB is plenty, and the boot CPU's stacks are in
/// the image's .bss, which counts toward the smallest VM (tools/eremit/src/memory.rs).
const IST_SIZES: [usize; IST_COUNT] = [32 * 1024, 32 * 1024, 32 * 1024, 4 * 1024];
const IST_TOTAL: usize = IST_SIZES[0] + IST_SIZES[1] + IST_SIZES[2] + IST_SIZES[3];

#[repr(C, align(16))]
struct Stacks([u8; IST_TOTAL]);

static mut BOOT_IST_STACKS: Stacks = Stacks([0; IST_TOTAL]);

/// The top of each slot's stack in an area of IST_TOTAL bytes from `bottom`.
fn stack_tops(bottom: u64) -> [u64; IST_COUNT] {
    let mut top = bottom;
    core::array::from_fn(|i| {
        top += IST_SIZES[i] as u64;
        top
    })
}
static mut BOOT_TSS: TaskStateSegment = TaskStateSegment::new();
static mut BOOT_GDT: GlobalDescriptorTable = GlobalDescriptorTable::new();

/// A CPU's GDT (which holds its TSS's descriptor) and the selectors to load.
#[derive(Clone, Copy)]
pub struct CpuTables {
    gdt: &'static GlobalDescriptorTable,
    code: SegmentSelector,
    data: SegmentSelector,
    tss: SegmentSelector,
}

fn tss_with_stacks(tops: [u64; IST_COUNT]) -> TaskStateSegment {
    let mut tss = TaskStateSegment::new();
    for (i, top) in tops.into_iter().enumerate() {
        // The TSS is packed: assign by index, no reference to the field.
        tss.interrupt_stack_table[i] = VirtAddr::new(top);
    }
    tss
}

/// Appends the kernel's segments and `tss` to an empty `gdt`: the selectors are the same
/// on every CPU.
fn fill(
    gdt: &mut GlobalDescriptorTable,
    tss: &'static TaskStateSegment,
) -> (SegmentSelector, SegmentSelector, SegmentSelector) {
    let code = gdt.append(Descriptor::kernel_code_segment());
    let data = gdt.append(Descriptor::kernel_data_segment());
    let tss = gdt.append(Descriptor::tss_segment(tss));
    (code, data, tss)
}

impl CpuTables {
    /// Tables for another CPU, with interrupt stacks from the heap. `None` when memory is
    /// short. One allocation holds the stacks and one the TSS with the GDT.
    pub fn allocate() -> Option<Self> {
        let layout = Layout::from_size_align(IST_TOTAL, 16).ok()?;
        // SAFETY: the layout has non-zero size. The stacks are never freed.
        let bottom = unsafe { alloc(layout) } as u64;
        if bottom == 0 {
            return None;
        }
        let tops = stack_tops(bottom);
        let (tss, gdt) = Box::leak(Box::new((
            tss_with_stacks(tops),
            GlobalDescriptorTable::new(),
        )));
        let (code, data, tss_sel) = fill(gdt, tss);
        Some(Self {
            gdt,
            code,
            data,
            tss: tss_sel,
        })
    }

    /// Loads the tables on the running CPU. Each `CpuTables` is for one CPU only.
    pub fn load(self) {
        self.gdt.load();
        // SAFETY: the selectors index the GDT just loaded: flat kernel code and data
        // segments and an available TSS that no other CPU has loaded.
        unsafe {
            CS::set_reg(self.code);
            DS::set_reg(self.data);
            ES::set_reg(self.data);
            SS::set_reg(self.data);
            load_tss(self.tss);
        }
    }
}

/// Installs the GDT and TSS on the boot CPU. Call once.
pub fn init() {
    // SAFETY: runs once on the boot CPU before anything else uses the boot GDT, TSS or
    // interrupt stacks; afterwards they are only read by the CPU.
    let tables = unsafe {
        let stacks = &*core::ptr::addr_of!(BOOT_IST_STACKS);
        let tops = stack_tops(stacks.0.as_ptr() as u64);
        *core::ptr::addr_of_mut!(BOOT_TSS) = tss_with_stacks(tops);
        let gdt = &mut *core::ptr::addr_of_mut!(BOOT_GDT);
        let (code, data, tss) = fill(gdt, &*core::ptr::addr_of!(BOOT_TSS));
        CpuTables {
            gdt: &*core::ptr::addr_of!(BOOT_GDT),
            code,
            data,
            tss,
        }
    };
    tables.load();
}
