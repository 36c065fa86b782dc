//! The other CPUs, started with PSCI `CPU_ON` (QEMU's firmware interface on `virt`): each
//! enters `eremit_secondary_entry` with the MMU off (at EL2 if the boot CPU started
//! there: it leaves for EL1 as the boot CPU did, `el2`), on the stack `start_aps` gave it,
//! turns on the boot CPU's translation tables, the FP/SIMD unit, the vectors and its GIC
//! interface, and runs the kernel's `entry(cpu)`.

use core::arch::global_asm;
use core::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use crate::klog;

/// CPUs tried: virt numbers them 0.. in `MPIDR_EL1.Aff0` (up to 8 with GICv2, 16 with
/// GICv3, whose SGIs `gic_v3::send_sgi` addresses by that number).
const MAX_CPUS: usize = 8;
const STACK_SIZE: usize = 64 << 10;
/// How long a CPU has to come online.
const TIMEOUT_NS: u64 = 2_000_000_000;

/// One bit per online CPU (bit 0: the boot CPU).
static ONLINE: AtomicU64 = AtomicU64::new(1);
/// The kernel's entry for the other CPUs (an `extern "C" fn(usize) -> !`).
static ENTRY: AtomicUsize = AtomicUsize::new(0);
/// Each CPU's stack top, read by its entry code with the MMU off (hence plain words).
#[unsafe(no_mangle)]
static mut EREMIT_SECONDARY_STACKS: [u64; MAX_CPUS] = [0; MAX_CPUS];

global_asm!(
    r#"
    .section .text.eremit_boot, "ax"
    .global eremit_secondary_entry
    eremit_secondary_entry:
    // PSCI starts this CPU at the boot CPU's first level: EL2 with `virtualization=on`.
    bl eremit_leave_el2
    msr daifset, #0xf
    adrp x9, EREMIT_SECONDARY_STACKS
    add x9, x9, :lo12:EREMIT_SECONDARY_STACKS
    ldr x9, [x9, x0, lsl #3]
    mov sp, x9
    mov x9, #(3 << 20)
    msr cpacr_el1, x9
    adrp x9, eremit_vectors
    add x9, x9, :lo12:eremit_vectors
    msr vbar_el1, x9
    isb
    mov x29, xzr
    mov x30, xzr
    bl eremit_secondary_boot
    1:
    wfi
    b 1b
    "#
);

unsafe extern "C" {
    static eremit_secondary_entry: u8;
}

pub fn online_cpus() -> usize {
    ONLINE.load(Ordering::Acquire).count_ones() as usize
}

pub fn is_online(cpu: usize) -> bool {
    cpu < 64 && ONLINE.load(Ordering::Acquire) & (1 << cpu) != 0
}

fn cpu_on(mpidr: u64, entry: u64, context: u64) -> i64 {
    super::psci::call(super::psci::CPU_ON, mpidr, entry, context)
}

/// Starts every other CPU the machine has; each runs `entry(cpu)` once set up. Returns
/// the number of CPUs online.
pub fn start_aps(entry: extern "C" fn(usize) -> !) -> usize {
    ENTRY.store(entry as usize, Ordering::Release);
    let begin = crate::clock::uptime_ns();
    for cpu in 1..MAX_CPUS.min(crate::sched::MAX_CPUS) {
        let Some(top) = crate::mm::stacks::allocate(STACK_SIZE, "a CPU's boot stack") else {
            klog!("eremit: no memory for CPU {cpu}'s stack");
            break;
        };
        // SAFETY: only this CPU writes the table, before starting the one that reads it.
        unsafe { (*core::ptr::addr_of_mut!(EREMIT_SECONDARY_STACKS))[cpu] = top };
        core::sync::atomic::fence(Ordering::SeqCst);
        let start = core::ptr::addr_of!(eremit_secondary_entry) as u64;
        let ret = cpu_on(cpu as u64, start, cpu as u64);
        if ret == super::psci::INVALID_PARAMETERS {
            break; // no such CPU: the machine has `cpu` CPUs
        }
        if ret != 0 {
            klog!("eremit: PSCI CPU_ON for CPU {cpu} failed ({ret})");
            break;
        }
        let sent = crate::clock::uptime_ns();
        while !is_online(cpu) && crate::clock::uptime_ns() - sent < TIMEOUT_NS {
            core::hint::spin_loop();
        }
        if !is_online(cpu) {
            klog!("eremit: CPU {cpu} did not come online");
            break;
        }
    }
    klog!(
        "eremit: started {} other CPUs in {} us",
        online_cpus() - 1,
        (crate::clock::uptime_ns() - begin) / 1000
    );
    online_cpus()
}

/// The first Rust code of another CPU, on its own stack with the MMU still off.
#[unsafe(no_mangle)]
extern "C" fn eremit_secondary_boot(cpu: usize) -> ! {
    // SAFETY: the boot CPU's tables are complete and never change; this CPU only loads
    // them.
    unsafe { super::translation::enable_secondary() };
    // SAFETY: the kernel's tables, loaded on the boot CPU, map everything the boot
    // tables do that this CPU uses (its stack is heap RAM).
    unsafe { super::mmu::load_current() };
    super::gic::init_cpu();
    let entry = ENTRY.load(Ordering::Acquire);
    ONLINE.fetch_or(1 << cpu, Ordering::AcqRel);
    // SAFETY: ENTRY holds the `extern "C" fn(usize) -> !` start_aps stored before
    // starting this CPU.
    let entry: extern "C" fn(usize) -> ! = unsafe { core::mem::transmute(entry) };
    entry(cpu)
}
