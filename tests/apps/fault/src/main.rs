//! Touching an unmapped address: the kernel prints a crash report and exits non-zero.
#[cfg(target_os = "hermit")]
use hermit as _;

fn main() {
    println!("about to fault");
    let addr = std::env::args().nth(1).map_or(0x7000_0000_0000usize, |a| usize::from_str_radix(a.trim_start_matches("0x"), 16).unwrap());
    // SAFETY: none; this is the point of the test.
    let v = unsafe { std::ptr::read_volatile(addr as *const u64) };
    println!("read {v}");
}
