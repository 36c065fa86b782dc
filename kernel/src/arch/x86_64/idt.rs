//! The interrupt descriptor table. Every CPU exception has a stub that saves all
//! registers and hands them to the crash report: in a unikernel an exception is a bug in
//! the application or the kernel, and the VM must end with a report, never hang; except
//! a page fault the program handles itself (`fault_delivery`), after which the stub
//! restores the (changed) registers and returns with `iretq`. One
//! table serves every CPU.

use core::arch::global_asm;

use super::gdt::{IST_DOUBLE_FAULT, IST_FAULT, IST_NMI};

/// Registers as the common stub pushes them, lowest address first.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct ExceptionFrame {
    pub r15: u64,
    pub r14: u64,
    pub r13: u64,
    pub r12: u64,
    pub r11: u64,
    pub r10: u64,
    pub r9: u64,
    pub r8: u64,
    pub rbp: u64,
    pub rdi: u64,
    pub rsi: u64,
    pub rdx: u64,
    pub rcx: u64,
    pub rbx: u64,
    pub rax: u64,
    pub vector: u64,
    pub error_code: u64,
    pub rip: u64,
    pub cs: u64,
    pub rflags: u64,
    pub rsp: u64,
    pub ss: u64,
}

// One stub per exception vector, plus the table of their addresses.
global_asm!(include_str!("exception_stubs.s"));

unsafe extern "C" {
    static eremit_exception_stub_table: [u64; 32];
}

#[repr(C, align(16))]
#[derive(Clone, Copy)]
struct Gate {
    offset_low: u16,
    selector: u16,
    ist: u8,
    attributes: u8,
    offset_mid: u16,
    offset_high: u32,
    reserved: u32,
}

static mut IDT: [Gate; 256] = [Gate {
    offset_low: 0,
    selector: 0,
    ist: 0,
    attributes: 0,
    offset_mid: 0,
    offset_high: 0,
    reserved: 0,
}; 256];

fn ist_for(vector: usize) -> u16 {
    match vector {
        8 => IST_DOUBLE_FAULT,
        2 | 18 => IST_NMI,
        _ => IST_FAULT,
    }
}

fn gate(addr: u64, selector: u16, ist: u16) -> Gate {
    Gate {
        offset_low: addr as u16,
        selector,
        ist: ist as u8,
        attributes: 0x8e, // present, interrupt gate
        offset_mid: (addr >> 16) as u16,
        offset_high: (addr >> 32) as u32,
        reserved: 0,
    }
}

/// Fills the 32 exception gates and loads the IDT. Call once, on the boot CPU, after the
/// GDT; the other CPUs call `load` (arch::irq adds the interrupt gates later).
pub fn init() {
    let cs: u16;
    // SAFETY: reading CS has no side effects.
    unsafe { core::arch::asm!("mov {:x}, cs", out(reg) cs, options(nomem, nostack)) };
    // SAFETY: the table is written before it is loaded, on the boot CPU only (the other
    // CPUs are not started yet), and the stub addresses come from the assembly.
    unsafe {
        let idt = &mut *core::ptr::addr_of_mut!(IDT);
        let stubs = &*core::ptr::addr_of!(eremit_exception_stub_table);
        for (v, &addr) in stubs.iter().enumerate() {
            idt[v] = gate(addr, cs, ist_for(v));
        }
    }
    load();
}

/// Loads the shared IDT on the running CPU (it is only read once `init` has filled it).
pub fn load() {
    #[repr(C, packed)]
    struct Idtr {
        limit: u16,
        base: u64,
    }
    let idtr = Idtr {
        limit: (core::mem::size_of::<[Gate; 256]>() - 1) as u16,
        base: core::ptr::addr_of!(IDT) as u64,
    };
    // SAFETY: the IDT is static and filled by `init` before any other CPU starts; its
    // gates use the kernel code selector, the same in every CPU's GDT.
    unsafe { core::arch::asm!("lidt [{}]", in(reg) &idtr, options(readonly, nostack)) };
}

/// Returns only when the exception was dealt with and `frame` says where to resume
/// (a page fault delivered to the program: `fault_delivery`); otherwise the crash report.
#[unsafe(no_mangle)]
extern "C" fn eremit_exception(frame: &mut ExceptionFrame) {
    if frame.vector == 14 {
        let cr2 = x86_64::registers::control::Cr2::read_raw();
        if super::fault_delivery::page_fault(frame, cr2) {
            return;
        }
    }
    super::crash::exception(frame)
}
