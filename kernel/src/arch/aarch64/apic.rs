//! This CPU's id as interrupt routing names it (the affinity fields of `MPIDR_EL1`) and
//! the interrupt controller's start (the GIC).

pub fn id() -> u32 {
    let mpidr: u64;
    // SAFETY: reading MPIDR_EL1 has no side effects.
    unsafe { core::arch::asm!("mrs {}, mpidr_el1", out(reg) mpidr, options(nomem, nostack)) };
    (mpidr & 0xff_ffff) as u32
}

pub fn init() {
    super::gic::init();
}
