//! The host TSC frequency, passed to the guest as `tsc_khz=N`.
//!
//! Under both TCG and KVM the guest's TSC ticks at the host TSC's rate, so
//! the guest can use the host's frequency instead of calibrating. Measuring
//! takes about 20 ms; the result is cached per boot (keyed by
//! `/proc/sys/kernel/random/boot_id`) in `$XDG_CACHE_HOME/eremit/tsc_khz`.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const BOOT_ID_PATH: &str = "/proc/sys/kernel/random/boot_id";
const MEASURE_FOR: Duration = Duration::from_millis(20);

/// Where the cache lives: `$XDG_CACHE_HOME/eremit/tsc_khz`, falling back to
/// `$HOME/.cache/eremit/tsc_khz`. Relative or empty variables are ignored
/// (as the XDG base directory specification asks).
pub fn cache_path(xdg_cache_home: Option<&str>, home: Option<&str>) -> Option<PathBuf> {
    let absolute = |v: Option<&str>| v.filter(|s| s.starts_with('/')).map(PathBuf::from);
    let base = absolute(xdg_cache_home).or_else(|| absolute(home).map(|h| h.join(".cache")))?;
    Some(base.join("eremit").join("tsc_khz"))
}

/// Cache file content: the boot id on the first line, the frequency in kHz
/// on the second.
pub fn format_cache(boot_id: &str, khz: u64) -> String {
    format!("{boot_id}\n{khz}\n")
}

/// Reads the frequency from cache content if it belongs to `boot_id`.
pub fn parse_cache(content: &str, boot_id: &str) -> Option<u64> {
    let mut lines = content.lines();
    if lines.next()? != boot_id {
        return None;
    }
    let khz: u64 = lines.next()?.trim().parse().ok()?;
    (khz > 0).then_some(khz)
}

/// Cycles per millisecond given a cycle count over `elapsed`.
pub fn khz_from(cycles: u64, elapsed: Duration) -> Option<u64> {
    let nanos = elapsed.as_nanos();
    if nanos == 0 {
        return None;
    }
    let khz = u128::from(cycles) * 1_000_000 / nanos;
    u64::try_from(khz).ok().filter(|&k| k > 0)
}

#[cfg(target_arch = "x86_64")]
fn rdtsc() -> u64 {
    // SAFETY: `rdtsc` is available on every x86-64 CPU and only reads the
    // time-stamp counter; it has no memory effects.
    unsafe { core::arch::x86_64::_rdtsc() }
}

/// Measures the host TSC frequency against the monotonic clock.
#[cfg(target_arch = "x86_64")]
pub fn measure() -> Option<u64> {
    // Bracket each TSC read tightly with a clock read.
    let start = Instant::now();
    let tsc_start = rdtsc();
    std::thread::sleep(MEASURE_FOR);
    let tsc_end = rdtsc();
    let elapsed = start.elapsed();
    khz_from(tsc_end.wrapping_sub(tsc_start), elapsed)
}

/// Without an x86-64 host there is no TSC to measure.
#[cfg(not(target_arch = "x86_64"))]
pub fn measure() -> Option<u64> {
    None
}

fn read_boot_id() -> Option<String> {
    let id = fs::read_to_string(BOOT_ID_PATH).ok()?;
    let id = id.trim();
    (!id.is_empty()).then(|| id.to_string())
}

/// Writes the cache atomically (temp file + rename); errors are ignored.
fn store(path: &Path, content: &str) {
    let Some(dir) = path.parent() else { return };
    if fs::create_dir_all(dir).is_err() {
        return;
    }
    let tmp = dir.join(format!(".tsc_khz.{}", std::process::id()));
    if fs::write(&tmp, content).is_ok() && fs::rename(&tmp, path).is_err() {
        let _ = fs::remove_file(&tmp);
    }
}

/// The host TSC frequency in kHz, from the cache when it is from this boot,
/// else measured (and cached). `None` if it cannot be measured.
pub fn host_tsc_khz() -> Option<u64> {
    let boot_id = read_boot_id();
    let xdg = std::env::var("XDG_CACHE_HOME").ok();
    let home = std::env::var("HOME").ok();
    let path = cache_path(xdg.as_deref(), home.as_deref());
    if let (Some(id), Some(path)) = (&boot_id, &path)
        && let Ok(content) = fs::read_to_string(path)
        && let Some(khz) = parse_cache(&content, id)
    {
        return Some(khz);
    }
    let khz = measure()?;
    if let (Some(id), Some(path)) = (&boot_id, &path) {
        store(path, &format_cache(id, khz));
    }
    Some(khz)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cache_location() {
        assert_eq!(
            cache_path(Some("/xdg"), Some("/home/u")),
            Some(PathBuf::from("/xdg/eremit/tsc_khz"))
        );
        assert_eq!(
            cache_path(None, Some("/home/u")),
            Some(PathBuf::from("/home/u/.cache/eremit/tsc_khz"))
        );
        assert_eq!(
            cache_path(Some(""), Some("/home/u")),
            Some(PathBuf::from("/home/u/.cache/eremit/tsc_khz"))
        );
        assert_eq!(
            cache_path(Some("relative"), Some("/root")),
            Some(PathBuf::from("/root/.cache/eremit/tsc_khz"))
        );
        assert_eq!(cache_path(None, None), None);
    }

    #[test]
    fn cache_round_trip() {
        let c = format_cache("abc-123", 2_995_200);
        assert_eq!(parse_cache(&c, "abc-123"), Some(2_995_200));
        assert_eq!(parse_cache(&c, "other-boot"), None);
        assert_eq!(parse_cache("abc-123\n", "abc-123"), None);
        assert_eq!(parse_cache("abc-123\nfast\n", "abc-123"), None);
        assert_eq!(parse_cache("abc-123\n0\n", "abc-123"), None);
        assert_eq!(parse_cache("", "abc-123"), None);
    }

    #[test]
    fn khz_arithmetic() {
        assert_eq!(
            khz_from(60_000_000, Duration::from_millis(20)),
            Some(3_000_000)
        );
        assert_eq!(khz_from(1, Duration::ZERO), None);
        assert_eq!(khz_from(0, Duration::from_millis(20)), None);
    }

    #[cfg(target_arch = "x86_64")]
    #[test]
    fn measurement_is_plausible() {
        let khz = measure().expect("TSC measurable");
        // Between 100 MHz and 10 GHz.
        assert!((100_000..10_000_000).contains(&khz), "{khz}");
    }
}
