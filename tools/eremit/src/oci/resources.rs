//! `linux.resources` to the VM's size: a CPU quota or shares become vCPUs, a memory
//! limit becomes guest memory once QEMU's own use is taken off (the limit is for the
//! whole container, and QEMU is the container's process).

use crate::cli::MAX_CPUS;

/// What QEMU itself uses beside guest memory under TCG (binary and libraries, the
/// translation cache, devices, its heap): QEMU running tests/oci/serve.c resides in
/// 46 MiB, 23 MiB of them its binary and libraries and a few the guest's touched
/// pages; rounded up to 64 MiB for a translation cache that grows with the program.
pub const QEMU_OVERHEAD_KIB: u64 = 64 * 1024;
/// Guest memory without a limit: the runner's default.
pub const DEFAULT_MEMORY_KIB: u64 = 512 * 1024;
/// The runner's smallest guest.
pub const MIN_MEMORY_KIB: u64 = 4 * 1024;
/// runc's shares when none are asked for: one CPU's worth.
const SHARES_PER_CPU: u64 = 1024;

/// vCPUs for a quota (µs per period) or for shares; 1 without either. A quota wins:
/// it is a hard limit, shares only a weight (one CPU per 1024, rounded up).
pub fn vcpus(quota: Option<i64>, period: Option<u64>, shares: Option<u64>) -> u32 {
    let n = match (quota, period, shares) {
        (Some(q), Some(p), _) if q > 0 && p > 0 => (q as u64).div_ceil(p),
        (_, _, Some(s)) if s > 0 => s.div_ceil(SHARES_PER_CPU),
        _ => 1,
    };
    n.clamp(1, MAX_CPUS as u64) as u32
}

/// Guest memory in KiB for a memory limit in bytes (none, 0 or -1: no limit).
pub fn guest_memory_kib(limit: Option<i64>) -> Result<u64, String> {
    let Some(limit) = limit.filter(|&l| l > 0) else {
        return Ok(DEFAULT_MEMORY_KIB);
    };
    let limit_kib = limit as u64 / 1024;
    match limit_kib.checked_sub(QEMU_OVERHEAD_KIB) {
        Some(kib) if kib >= MIN_MEMORY_KIB => Ok(kib / 1024 * 1024),
        _ => Err(format!(
            "memory limit {} MiB is too small: QEMU needs {} MiB beside at least {} MiB for the guest",
            limit_kib / 1024,
            QEMU_OVERHEAD_KIB / 1024,
            MIN_MEMORY_KIB / 1024
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpus_from_quota_or_shares() {
        assert_eq!(vcpus(None, None, None), 1);
        assert_eq!(vcpus(Some(200_000), Some(100_000), None), 2);
        assert_eq!(vcpus(Some(150_000), Some(100_000), Some(8192)), 2);
        assert_eq!(vcpus(Some(50_000), Some(100_000), None), 1);
        assert_eq!(vcpus(Some(-1), Some(100_000), Some(2048)), 2);
        assert_eq!(vcpus(None, None, Some(1024)), 1);
        assert_eq!(vcpus(None, None, Some(3000)), 3);
        assert_eq!(vcpus(None, None, Some(0)), 1);
        assert_eq!(vcpus(Some(i64::MAX), Some(1), None), MAX_CPUS);
    }

    #[test]
    fn memory_from_limit() {
        assert_eq!(guest_memory_kib(None), Ok(DEFAULT_MEMORY_KIB));
        assert_eq!(guest_memory_kib(Some(-1)), Ok(DEFAULT_MEMORY_KIB));
        assert_eq!(guest_memory_kib(Some(0)), Ok(DEFAULT_MEMORY_KIB));
        assert_eq!(guest_memory_kib(Some(256 << 20)), Ok(192 * 1024));
        // Whole MiB, rounded down.
        assert_eq!(guest_memory_kib(Some((100 << 20) + 5000)), Ok(36 * 1024));
        assert_eq!(guest_memory_kib(Some(68 << 20)), Ok(4 * 1024));
        assert!(guest_memory_kib(Some(67 << 20)).is_err());
        assert!(guest_memory_kib(Some(6 << 20)).is_err());
    }
}
