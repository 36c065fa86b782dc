//! Memory freed at one size serves another (run at `--memory 64M`): up to 53 MiB of 1 MiB
//! vectors, each grown 4 KiB at a time (so through every size up to 1 MiB, as a vector
//! that is pushed to), dropped, then one 32 MiB vector. Failures are reported, never an
//! abort.
#[cfg(target_os = "hermit")]
use hermit as _;

const MIB: usize = 1 << 20;

/// A vector of `len` bytes, all written, grown `step` bytes at a time; `None` when
/// memory is short.
fn grown(len: usize, step: usize, byte: u8) -> Option<Vec<u8>> {
    let mut v = Vec::new();
    while v.len() < len {
        v.try_reserve(step).ok()?;
        v.resize(v.len() + step, byte);
    }
    Some(v)
}

fn main() {
    let mut small = Vec::new();
    if small.try_reserve_exact(53).is_err() {
        println!("no room for the list");
        std::process::exit(1);
    }
    for i in 0..53 {
        match grown(MIB, 4096, i as u8) {
            Some(v) => small.push(v),
            None => break,
        }
    }
    // Natively all 53 fit; in a 64 MiB VM the kernel, the image and the first MiB are
    // not heap, so a few fewer may: the old heap fitted only 49 (its size classes kept
    // the vectors' smaller steps for good).
    println!("1 MiB vectors, at least 50: {}", small.len() >= 50);
    drop(small);
    let big = grown(32 * MIB, 32 * MIB, 7);
    println!(
        "one 32 MiB vector after dropping them: {}",
        big.as_ref().is_some_and(|v| v[32 * MIB - 1] == 7)
    );
}
