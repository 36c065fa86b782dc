//! CPU features and the control-register setup applications need (SSE, AVX, XSAVE).

use core::arch::x86_64::{__cpuid, __cpuid_count};
use core::sync::atomic::{AtomicBool, Ordering};
use x86_64::registers::control::{Cr0, Cr0Flags, Cr4, Cr4Flags};
use x86_64::registers::xcontrol::{XCr0, XCr0Flags};

static HAS_RDRAND: AtomicBool = AtomicBool::new(false);
static HAS_RDSEED: AtomicBool = AtomicBool::new(false);

pub fn cpuid(leaf: u32, sub: u32) -> (u32, u32, u32, u32) {
    let r = __cpuid_count(leaf, sub);
    (r.eax, r.ebx, r.ecx, r.edx)
}

/// Enables the FPU, SSE, and (where present) XSAVE with AVX and AVX-512 state, so that
/// application code compiled for x86-64 runs; also FSGSBASE for cheap TLS switches.
pub fn init() {
    let max_leaf = __cpuid(0).eax;
    let (_, _, ecx1, _) = cpuid(1, 0);
    let ebx7 = if max_leaf >= 7 { cpuid(7, 0).1 } else { 0 };
    HAS_RDRAND.store(ecx1 & (1 << 30) != 0, Ordering::Relaxed);
    HAS_RDSEED.store(ebx7 & (1 << 18) != 0, Ordering::Relaxed);

    let mut cr0 = Cr0::read();
    cr0.remove(Cr0Flags::EMULATE_COPROCESSOR | Cr0Flags::TASK_SWITCHED);
    cr0.insert(Cr0Flags::MONITOR_COPROCESSOR | Cr0Flags::NUMERIC_ERROR | Cr0Flags::WRITE_PROTECT);
    // SAFETY: enabling the FPU and write protection changes nothing the kernel relies on.
    unsafe { Cr0::write(cr0) };

    let mut cr4 = Cr4::read();
    cr4.insert(Cr4Flags::OSFXSR | Cr4Flags::OSXMMEXCPT_ENABLE);
    let has_xsave = ecx1 & (1 << 26) != 0;
    if has_xsave {
        cr4.insert(Cr4Flags::OSXSAVE);
    }
    if ebx7 & 1 != 0 {
        cr4.insert(Cr4Flags::FSGSBASE);
    }
    // SAFETY: each bit set here was checked in CPUID (OSFXSR/OSXMMEXCPT exist on x86-64).
    unsafe { Cr4::write(cr4) };

    if has_xsave {
        let supported = cpuid(0xd, 0).0 as u64;
        let mut xcr0 = XCr0Flags::X87 | XCr0Flags::SSE;
        if ecx1 & (1 << 28) != 0 && supported & 4 != 0 {
            xcr0 |= XCr0Flags::AVX;
            let avx512 = XCr0Flags::OPMASK | XCr0Flags::ZMM_HI256 | XCr0Flags::HI16_ZMM;
            if ebx7 & (1 << 16) != 0 && supported & avx512.bits() == avx512.bits() {
                xcr0 |= avx512;
            }
        }
        // SAFETY: only state components the CPU reports as supported are enabled.
        unsafe { XCr0::write(xcr0) };
    }
    // SAFETY: resets the x87 unit to its defined initial state; no state is live yet.
    unsafe { core::arch::asm!("fninit", options(nomem, nostack)) };
}

pub fn rdtsc() -> u64 {
    // SAFETY: RDTSC has no side effects and is available on every x86-64 CPU.
    unsafe { core::arch::x86_64::_rdtsc() }
}

/// One 64-bit random value from RDRAND (or RDSEED), retrying as Intel recommends: RDRAND
/// 10 times, RDSEED (which can run dry for a while) 100 times with a pause between.
pub fn hardware_random() -> Option<u64> {
    if HAS_RDRAND.load(Ordering::Relaxed) {
        if let Some(v) = (0..10).find_map(|_| rdrand()) {
            return Some(v);
        }
    }
    if HAS_RDSEED.load(Ordering::Relaxed) {
        return (0..100).find_map(|_| {
            let v = rdseed();
            if v.is_none() {
                core::hint::spin_loop();
            }
            v
        });
    }
    None
}

/// One RDRAND or RDSEED (`$insn`): the value, or None when the CPU had none ready.
macro_rules! random_instruction {
    ($insn:literal) => {{
        let value: u64;
        let ok: u8;
        // SAFETY: callers run this only when CPUID lists the instruction; it only
        // writes the two registers.
        unsafe {
            core::arch::asm!(concat!($insn, " {v}"), "setc {ok}", v = out(reg) value, ok = out(reg_byte) ok, options(nomem, nostack));
        }
        (ok != 0).then_some(value)
    }};
}

/// Only called when CPUID lists RDRAND.
fn rdrand() -> Option<u64> {
    random_instruction!("rdrand")
}

/// Only called when CPUID lists RDSEED.
fn rdseed() -> Option<u64> {
    random_instruction!("rdseed")
}

/// Stops this CPU for good.
pub fn halt_forever() -> ! {
    loop {
        // SAFETY: with interrupts off, HLT simply parks the CPU.
        unsafe { core::arch::asm!("cli; hlt", options(nomem, nostack)) };
    }
}
