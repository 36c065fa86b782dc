//! The per-CPU timer for deadlines and time slices (the generic timer's virtual timer,
//! PPI 27 at the GIC) and the wake-up of another CPU.

/// Arms the virtual timer to interrupt `ns` from now.
pub fn oneshot_ns(ns: u64) {
    let ticks = crate::clock::ns_to_ticks(ns).clamp(1, i32::MAX as u64);
    // SAFETY: programming this CPU's virtual timer (enabled, interrupt unmasked) has no
    // effect beyond its interrupt.
    unsafe {
        core::arch::asm!(
            "msr cntv_tval_el0, {t}",
            "msr cntv_ctl_el0, {c}",
            t = in(reg) ticks,
            c = in(reg) 1u64,
            options(nomem, nostack)
        )
    };
}

/// Stops the timer (after its interrupt: a one-shot).
pub fn stop() {
    // SAFETY: disabling this CPU's virtual timer only silences its interrupt.
    unsafe { core::arch::asm!("msr cntv_ctl_el0, xzr", options(nomem, nostack)) };
}

/// Makes `cpu` look at the run queue (the GIC's wake-up SGI).
pub fn send_wakeup(cpu: usize) {
    super::gic::send_wakeup(cpu);
}
