//! PSCI, the firmware interface QEMU serves on `virt` for starting CPUs (`smp`) and
//! powering off (`exit`), called through the conduit the device tree's PSCI node names in
//! its `method`: HVC on a machine started at EL1, SMC with `virtualization=on`. There EL2
//! belongs to the guest (an HVC from EL1 would go to this kernel's own, absent, EL2
//! vectors and never come back), so QEMU answers SMC as EL3 firmware would.

use core::arch::asm;
use core::sync::atomic::{AtomicU8, Ordering};

use crate::fdt::Fdt;

pub const CPU_ON: u64 = 0xc400_0003;
pub const SYSTEM_OFF: u64 = 0x8400_0008;
pub const NOT_SUPPORTED: i64 = -1;
pub const INVALID_PARAMETERS: i64 = -2;

const NONE: u8 = 0;
const HVC: u8 = 1;
const SMC: u8 = 2;

/// The conduit `read` found (`NONE` until then, or without a PSCI node).
static CONDUIT: AtomicU8 = AtomicU8::new(NONE);

/// Reads the conduit from `tree` (`arm,psci-0.2` and later; QEMU's node also says
/// `arm,psci`). A tree without PSCI is no error: CPUs then stay off and the exit waits
/// for the runner.
pub fn read(tree: &Fdt) -> Result<(), &'static str> {
    let method = tree.property_of("arm,psci-0.2", "method")?;
    let conduit = match method {
        Some(b"hvc\0") => HVC,
        Some(b"smc\0") => SMC,
        Some(_) => return Err("device tree: PSCI's method is neither hvc nor smc"),
        None => NONE,
    };
    CONDUIT.store(conduit, Ordering::Relaxed);
    Ok(())
}

/// Calls PSCI `function` with three arguments; `NOT_SUPPORTED` without a conduit.
pub fn call(function: u64, a1: u64, a2: u64, a3: u64) -> i64 {
    let mut ret = function as i64;
    match CONDUIT.load(Ordering::Relaxed) {
        // SAFETY: a PSCI call to QEMU's firmware (the conduit the device tree names):
        // it reads x0-x3, returns in x0 and changes nothing of this CPU's state (SMCCC
        // lets it clobber x1-x17, declared so).
        HVC => unsafe {
            asm!("hvc #0", inout("x0") ret, inout("x1") a1 => _, inout("x2") a2 => _,
                 inout("x3") a3 => _, out("x4") _, out("x5") _, out("x6") _, out("x7") _,
                 out("x8") _, out("x9") _, out("x10") _, out("x11") _, out("x12") _,
                 out("x13") _, out("x14") _, out("x15") _, out("x16") _, out("x17") _,
                 options(nostack))
        },
        // SAFETY: as for HVC above.
        SMC => unsafe {
            asm!("smc #0", inout("x0") ret, inout("x1") a1 => _, inout("x2") a2 => _,
                 inout("x3") a3 => _, out("x4") _, out("x5") _, out("x6") _, out("x7") _,
                 out("x8") _, out("x9") _, out("x10") _, out("x11") _, out("x12") _,
                 out("x13") _, out("x14") _, out("x15") _, out("x16") _, out("x17") _,
                 options(nostack))
        },
        _ => ret = NOT_SUPPORTED,
    }
    ret
}
