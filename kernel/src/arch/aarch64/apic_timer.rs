//! The per-CPU timer for deadlines and time slices (the generic timer's virtual timer)
//! and the wake-up of another CPU. Neither interrupts yet: the GIC is not driven
//! (docs/architecture.md), so a deadline is only seen when the CPU looks at the clock.

/// Arms the virtual timer `ns` from now, masked: its interrupt is not delivered until the
/// GIC routes it.
pub fn oneshot_ns(ns: u64) {
    let ticks = super::clock::ns_to_ticks(ns).clamp(1, i32::MAX as u64);
    // SAFETY: programming this CPU's virtual timer (enabled, interrupt masked) has no
    // effect beyond its own status.
    unsafe {
        core::arch::asm!(
            "msr cntv_tval_el0, {t}",
            "msr cntv_ctl_el0, {c}",
            t = in(reg) ticks,
            c = in(reg) 3u64,
            options(nomem, nostack)
        )
    };
}

/// One CPU only so far: there is no other CPU to wake.
pub fn send_wakeup(_cpu: usize) {}
