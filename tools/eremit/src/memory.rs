//! Guest memory limits: the smallest VM an image boots in, and the largest the runner
//! asks QEMU for. Sizes outside them are the runner's own failure (exit 125, one
//! `eremit:` line), found before QEMU starts, so a VM too small to boot never hangs.

use crate::qemu::memory_arg;

/// What the kernel needs in RAM above the end of the image (QEMU loads it from 2 MiB
/// up) to reach the application's `main` and run a small program: its page tables and
/// the 1 MiB early heap it requires right after them, then its boot-time objects, the
/// main thread's stack (a quarter of the free heap, 64 KiB at least) and the C
/// library's or Rust std's first allocations. Measured (2026-12-06) with a C and a Rust
/// std hello world, whose images end at about 2.47 MiB: they boot from 3712 KiB on
/// microvm and 3840 KiB on q35 with one vCPU; the largest need above the image was
/// 1322 KiB (README: "Memory").
pub const ABOVE_IMAGE_KIB: u64 = 1344;
/// Each vCPU beyond the first: its idle and interrupt stacks, GDT, TSS and XSAVE area
/// (measured: at most 94 KiB).
pub const PER_CPU_KIB: u64 = 128;
/// Sizes are rounded up to this (QEMU takes any multiple of 4 KiB).
const GRANULE_KIB: u64 = 64;
/// Nothing boots in less: the image starts at 2 MiB and the kernel needs 1 MiB after it.
pub const MIN_MEMORY_KIB: u64 = 3 * 1024;
/// The largest size accepted (1 TiB); QEMU and the host refuse far less.
pub const MAX_MEMORY_KIB: u64 = 1024 * 1024 * 1024;

/// The smallest memory in KiB that an image whose loaded segments end at physical
/// address `load_end` boots in with `cpus` vCPUs.
pub fn minimum_kib(load_end: u64, cpus: u32) -> u64 {
    let need =
        load_end.div_ceil(1024) + ABOVE_IMAGE_KIB + PER_CPU_KIB * u64::from(cpus.saturating_sub(1));
    need.next_multiple_of(GRANULE_KIB).max(MIN_MEMORY_KIB)
}

/// Whether `kib` (as `--memory` gave it) can boot the image; the one-line reason if not.
pub fn check(kib: u64, load_end: u64, cpus: u32) -> Result<(), String> {
    if kib > MAX_MEMORY_KIB {
        return Err(format!(
            "--memory {} is too large (at most {})",
            shown(kib),
            memory_arg(MAX_MEMORY_KIB)
        ));
    }
    let min = minimum_kib(load_end, cpus);
    if kib < min {
        let cpus = if cpus > 1 {
            format!(" with {cpus} CPUs")
        } else {
            String::new()
        };
        return Err(format!(
            "--memory {} is too small: this image needs at least {}{cpus}",
            shown(kib),
            memory_arg(min)
        ));
    }
    Ok(())
}

/// A size as the user could have written it (a saturated parse shows as "huge").
fn shown(kib: u64) -> String {
    if kib == u64::MAX {
        "(beyond 2^64 KiB)".to_string()
    } else {
        memory_arg(kib)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The C hello world's image: loaded from 2 MiB to 2518 KiB.
    const HELLO_END: u64 = 0x27_5798;

    #[test]
    fn minimum_follows_the_image_and_the_cpus() {
        // 2518 KiB + 1344 KiB, rounded up to 64 KiB: below the 4 MiB goal.
        assert_eq!(minimum_kib(HELLO_END, 1), 3904);
        assert_eq!(minimum_kib(HELLO_END, 2), 4032);
        assert_eq!(minimum_kib(HELLO_END, 4), 4288);
        assert_eq!(minimum_kib(0, 1), MIN_MEMORY_KIB);
        // A 5 MiB image (ending at 7 MiB) needs 7 MiB + 1344 KiB.
        assert_eq!(minimum_kib(0x70_0000, 1), 7 * 1024 + 1344);
        assert_eq!(minimum_kib(u64::MAX, 1) % GRANULE_KIB, 0);
    }

    #[test]
    fn sizes_outside_the_limits_are_refused_with_the_reason() {
        assert_eq!(check(4 * 1024, HELLO_END, 1), Ok(()));
        assert_eq!(check(3904, HELLO_END, 1), Ok(()));
        assert_eq!(check(512 * 1024, HELLO_END, 64), Ok(()));
        assert_eq!(
            check(3 * 1024, HELLO_END, 1).unwrap_err(),
            "--memory 3M is too small: this image needs at least 3904K"
        );
        assert_eq!(
            check(2 * 1024, 0, 1).unwrap_err(),
            "--memory 2M is too small: this image needs at least 3M"
        );
        assert!(
            check(3900, HELLO_END, 1)
                .unwrap_err()
                .contains("--memory 3900K")
        );
        assert!(check(0, HELLO_END, 1).unwrap_err().contains("too small"));
        assert_eq!(
            check(4 * 1024, HELLO_END, 4).unwrap_err(),
            "--memory 4M is too small: this image needs at least 4288K with 4 CPUs"
        );
        assert_eq!(
            check(MAX_MEMORY_KIB + 1, HELLO_END, 1).unwrap_err(),
            "--memory 1073741825K is too large (at most 1048576M)"
        );
        assert!(
            check(u64::MAX, HELLO_END, 1)
                .unwrap_err()
                .contains("too large")
        );
    }
}
