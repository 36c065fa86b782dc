//! The other CPUs: not started yet (PSCI CPU_ON comes after the GIC,
//! docs/architecture.md), so the boot CPU is the only one online.

pub fn online_cpus() -> usize {
    1
}

pub fn is_online(cpu: usize) -> bool {
    cpu == 0
}

/// Starts no other CPU yet; returns how many are online.
pub fn start_aps(_entry: extern "C" fn(usize) -> !) -> usize {
    1
}
