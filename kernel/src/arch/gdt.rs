//! The final GDT with a TSS whose interrupt stacks keep fault handlers working even when
//! the faulting stack is gone (a stack overflow hits the guard page).

use x86_64::VirtAddr;
use x86_64::instructions::segmentation::{CS, DS, ES, SS, Segment};
use x86_64::instructions::tables::load_tss;
use x86_64::structures::gdt::{Descriptor, GlobalDescriptorTable};
use x86_64::structures::tss::TaskStateSegment;

/// IST slots (1-based in the IDT, 0-based in the TSS).
pub const IST_DOUBLE_FAULT: u16 = 1;
pub const IST_FAULT: u16 = 2;
pub const IST_NMI: u16 = 3;
/// Interrupts enter on this stack and move to the interrupted one (arch/irq_stubs.s).
pub const IST_IRQ: u16 = 4;

const IST_SIZE: usize = 32 * 1024;

#[repr(C, align(16))]
struct Stack([u8; IST_SIZE]);

static mut IST_STACKS: [Stack; 4] = [const { Stack([0; IST_SIZE]) }; 4];
static mut TSS: TaskStateSegment = TaskStateSegment::new();
static mut GDT: GlobalDescriptorTable = GlobalDescriptorTable::new();

/// Installs the GDT and TSS on the boot CPU. Call once.
pub fn init() {
    // SAFETY: runs once on the boot CPU before anything else uses GDT, TSS or the IST
    // stacks; afterwards they are only read by the CPU.
    unsafe {
        let tss = &mut *core::ptr::addr_of_mut!(TSS);
        let stacks = &mut *core::ptr::addr_of_mut!(IST_STACKS);
        for (i, s) in stacks.iter_mut().enumerate() {
            let top = s.0.as_ptr() as u64 + IST_SIZE as u64;
            tss.interrupt_stack_table[i] = VirtAddr::new(top);
        }
        let gdt = &mut *core::ptr::addr_of_mut!(GDT);
        let code = gdt.append(Descriptor::kernel_code_segment());
        let data = gdt.append(Descriptor::kernel_data_segment());
        let tss_sel = gdt.append(Descriptor::tss_segment(&*core::ptr::addr_of!(TSS)));
        gdt.load();
        CS::set_reg(code);
        DS::set_reg(data);
        ES::set_reg(data);
        SS::set_reg(data);
        load_tss(tss_sel);
    }
}
