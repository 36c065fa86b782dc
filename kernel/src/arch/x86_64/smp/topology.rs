//! The APIC IDs of the VM's CPUs. Nothing lists them on `-M microvm` without ACPI, but
//! QEMU derives them from the CPU topology, which CPUID leaf 0xB describes: an APIC ID is
//! the package number, the core number in its package and the thread number in its
//! core, each in a bit field as wide as its count needs. CPU index i (QEMU's order, the
//! boot CPU first) therefore has a computable ID, so APs can be started by ID even when
//! the IDs have gaps (`-smp 6,sockets=2,cores=3` gives 0, 1, 2, 4, 5, 6).

/// Level types in CPUID.0xB:ECX[15:8].
const LEVEL_SMT: u32 = 1;
const LEVEL_CORE: u32 = 2;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Topology {
    /// Threads per core, and the APIC ID bit where the core number starts.
    threads: u32,
    core_shift: u32,
    /// Threads per package, and the APIC ID bit where the package number starts.
    per_package: u32,
    package_shift: u32,
}

impl Topology {
    /// Consecutive IDs 0, 1, 2, ...: QEMU's default topology (`-smp N`: one package,
    /// one thread per core, N cores), assumed when CPUID does not say.
    pub const FLAT: Self = Self {
        threads: 1,
        core_shift: 0,
        per_package: 1 << 16,
        package_shift: 16,
    };

    /// From CPUID leaf 0xB's sub-leaves 0 and 1 as (eax, ebx, ecx); `None` unless they
    /// describe the SMT and core levels consistently.
    pub fn from_cpuid(smt: (u32, u32, u32), core: (u32, u32, u32)) -> Option<Self> {
        let level = |r: (u32, u32, u32)| (r.2 >> 8) & 0xff;
        if level(smt) != LEVEL_SMT || level(core) != LEVEL_CORE {
            return None;
        }
        let t = Self {
            threads: smt.1 & 0xffff,
            core_shift: smt.0 & 0x1f,
            per_package: core.1 & 0xffff,
            package_shift: core.0 & 0x1f,
        };
        let fits = |count: u32, bits: u32| count <= 1 << bits;
        let ok = t.threads > 0
            && t.per_package >= t.threads
            && t.per_package % t.threads == 0
            && t.package_shift >= t.core_shift
            && fits(t.threads, t.core_shift)
            && fits(t.per_package / t.threads, t.package_shift - t.core_shift);
        ok.then_some(t)
    }

    /// The APIC ID of the CPU with index `index`.
    pub fn apic_id(&self, index: usize) -> u32 {
        let i = index as u32;
        let cores = self.per_package / self.threads;
        (i / self.per_package) << self.package_shift
            | (i / self.threads % cores) << self.core_shift
            | i % self.threads
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec::Vec;

    fn ids(t: &Topology, n: usize) -> Vec<u32> {
        (0..n).map(|i| t.apic_id(i)).collect()
    }

    /// Sub-leaves as QEMU reports them for `threads` per core and `cores` per package.
    fn cpuid(threads: u32, cores: u32) -> ((u32, u32, u32), (u32, u32, u32)) {
        let width = |n: u32| 32 - (n - 1).leading_zeros();
        let core_shift = width(threads);
        let package_shift = core_shift + width(cores);
        (
            (core_shift, threads, LEVEL_SMT << 8),
            (package_shift, threads * cores, LEVEL_CORE << 8 | 1),
        )
    }

    #[test]
    fn default_topology_is_consecutive() {
        assert_eq!(ids(&Topology::FLAT, 5), [0, 1, 2, 3, 4]);
        let (smt, core) = cpuid(1, 4);
        assert_eq!(
            ids(&Topology::from_cpuid(smt, core).unwrap(), 4),
            [0, 1, 2, 3]
        );
    }

    #[test]
    fn gaps_between_packages() {
        let (smt, core) = cpuid(1, 3);
        let t = Topology::from_cpuid(smt, core).unwrap();
        assert_eq!(ids(&t, 6), [0, 1, 2, 4, 5, 6]);
    }

    #[test]
    fn threads_cores_and_packages() {
        let (smt, core) = cpuid(2, 3);
        let t = Topology::from_cpuid(smt, core).unwrap();
        assert_eq!(ids(&t, 12), [0, 1, 2, 3, 4, 5, 8, 9, 10, 11, 12, 13]);
    }

    #[test]
    fn inconsistent_leaves_are_rejected() {
        let (smt, core) = cpuid(2, 3);
        assert_eq!(Topology::from_cpuid(core, smt), None, "levels swapped");
        assert_eq!(
            Topology::from_cpuid((0, 0, 0), (0, 0, 0)),
            None,
            "leaf absent"
        );
        let narrow = (core.0 - 1, core.1, core.2);
        assert_eq!(Topology::from_cpuid(smt, narrow), None, "3 cores in 1 bit");
        let uneven = (core.0, 5, core.2);
        assert_eq!(
            Topology::from_cpuid(smt, uneven),
            None,
            "5 threads, 2 per core"
        );
    }
}
