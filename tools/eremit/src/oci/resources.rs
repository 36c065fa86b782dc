//! `linux.resources` and the image's annotations to the VM's size: a CPU quota or
//! shares become vCPUs, a memory limit becomes guest memory once QEMU's own use is taken
//! off (the limit is for the whole container, and QEMU is the container's process).

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

/// The annotations `eremit pkg` records in an image (and `podman run --annotation`
/// sets): the VM's size the image asks for.
pub const ANNOTATION_CPUS: &str = "org.eremit.cpus";
pub const ANNOTATION_MEMORY: &str = "org.eremit.memory";

/// vCPUs for a quota (µs per period), else the image's annotation, else shares; 1
/// without any. What the engine was told for this container (a quota) wins over what
/// the image asks for by default; shares are only a weight (one CPU per 1024, rounded
/// up), used when nothing else says.
pub fn vcpus(
    quota: Option<i64>,
    period: Option<u64>,
    annotation: Option<u32>,
    shares: Option<u64>,
) -> u32 {
    let n = match (quota, period, annotation, shares) {
        (Some(q), Some(p), _, _) if q > 0 && p > 0 => (q as u64).div_ceil(p),
        (_, _, Some(a), _) => u64::from(a),
        (_, _, None, Some(s)) if s > 0 => s.div_ceil(SHARES_PER_CPU),
        _ => 1,
    };
    n.clamp(1, MAX_CPUS as u64) as u32
}

/// Guest memory in KiB for a memory limit in bytes (none, 0 or -1: no limit), else the
/// image's annotation (KiB), else the default. A limit is the container's whole budget:
/// the guest gets it less QEMU's overhead.
pub fn guest_memory_kib(limit: Option<i64>, annotation_kib: Option<u64>) -> Result<u64, String> {
    let Some(limit) = limit.filter(|&l| l > 0) else {
        return Ok(annotation_kib.unwrap_or(DEFAULT_MEMORY_KIB));
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

/// The two annotations' values, parsed as `eremit run --cpus` and `--memory` are.
pub fn annotations(
    cpus: Option<&str>,
    memory: Option<&str>,
) -> Result<(Option<u32>, Option<u64>), String> {
    let bad = |key: &str, e: crate::cli::UsageError| format!("annotation {key}: {e}");
    let cpus = cpus
        .map(|v| crate::cli::parse_cpus(v).map_err(|e| bad(ANNOTATION_CPUS, e)))
        .transpose()?;
    let memory = memory
        .map(|v| crate::cli::parse_memory(v).map_err(|e| bad(ANNOTATION_MEMORY, e)))
        .transpose()?;
    Ok((cpus, memory))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpus_from_quota_annotation_or_shares() {
        assert_eq!(vcpus(None, None, None, None), 1);
        assert_eq!(vcpus(Some(200_000), Some(100_000), None, None), 2);
        assert_eq!(vcpus(Some(150_000), Some(100_000), None, Some(8192)), 2);
        assert_eq!(vcpus(Some(50_000), Some(100_000), None, None), 1);
        assert_eq!(vcpus(Some(-1), Some(100_000), None, Some(2048)), 2);
        assert_eq!(vcpus(None, None, None, Some(1024)), 1);
        assert_eq!(vcpus(None, None, None, Some(3000)), 3);
        assert_eq!(vcpus(None, None, None, Some(0)), 1);
        assert_eq!(vcpus(Some(i64::MAX), Some(1), None, None), MAX_CPUS);
        // A quota over the image's count, the image's count over shares.
        assert_eq!(vcpus(Some(400_000), Some(100_000), Some(2), None), 4);
        assert_eq!(vcpus(Some(100_000), Some(100_000), Some(2), None), 1);
        assert_eq!(vcpus(None, None, Some(3), Some(2)), 3);
        assert_eq!(vcpus(Some(-1), Some(100_000), Some(3), None), 3);
    }

    #[test]
    fn memory_from_limit_and_annotation() {
        assert_eq!(guest_memory_kib(None, None), Ok(DEFAULT_MEMORY_KIB));
        assert_eq!(guest_memory_kib(Some(-1), None), Ok(DEFAULT_MEMORY_KIB));
        assert_eq!(guest_memory_kib(Some(0), None), Ok(DEFAULT_MEMORY_KIB));
        assert_eq!(guest_memory_kib(Some(256 << 20), None), Ok(192 * 1024));
        // Whole MiB, rounded down.
        assert_eq!(
            guest_memory_kib(Some((100 << 20) + 5000), None),
            Ok(36 * 1024)
        );
        assert_eq!(guest_memory_kib(Some(68 << 20), None), Ok(4 * 1024));
        assert!(guest_memory_kib(Some(67 << 20), None).is_err());
        assert!(guest_memory_kib(Some(6 << 20), Some(1024)).is_err());
        assert_eq!(guest_memory_kib(None, Some(64 * 1024)), Ok(64 * 1024));
        // A limit wins over the image's size.
        assert_eq!(
            guest_memory_kib(Some(1 << 30), Some(64 * 1024)),
            Ok(960 * 1024)
        );
        assert_eq!(
            guest_memory_kib(Some(256 << 20), Some(512 * 1024)),
            Ok(192 * 1024)
        );
    }

    #[test]
    fn annotation_values() {
        assert_eq!(annotations(None, None), Ok((None, None)));
        assert_eq!(
            annotations(Some("2"), Some("256M")),
            Ok((Some(2), Some(256 * 1024)))
        );
        assert!(
            annotations(Some("zero"), None)
                .unwrap_err()
                .contains(ANNOTATION_CPUS)
        );
        assert!(
            annotations(None, Some("lots"))
                .unwrap_err()
                .contains(ANNOTATION_MEMORY)
        );
    }
}
