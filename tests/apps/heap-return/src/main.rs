//! Memory freed at one size serves another (run at `--memory 64M`): 53 MiB of 1 MiB
//! vectors, dropped, then one 32 MiB vector. Failures are reported, never an abort.
#[cfg(target_os = "hermit")]
use hermit as _;

const MIB: usize = 1 << 20;

/// A vector of `len` bytes, all written, or `None` when memory is short.
fn filled(len: usize, byte: u8) -> Option<Vec<u8>> {
    let mut v = Vec::new();
    v.try_reserve_exact(len).ok()?;
    v.resize(len, byte);
    Some(v)
}

fn main() {
    let mut small = Vec::new();
    if small.try_reserve_exact(53).is_err() {
        println!("no room for the list");
        std::process::exit(1);
    }
    for i in 0..53 {
        match filled(MIB, i as u8) {
            Some(v) => small.push(v),
            None => break,
        }
    }
    println!("1 MiB vectors: {}", small.len());
    drop(small);
    let big = filled(32 * MIB, 7);
    println!(
        "one 32 MiB vector after dropping them: {}",
        big.as_ref().is_some_and(|v| v[32 * MIB - 1] == 7)
    );
}
