//! Arguments, environment, a 64 MiB allocation, a HashMap, float formatting, stdout and
//! stderr, and `process::exit(3)`: the output must equal the native build's.
#[cfg(target_os = "hermit")]
use hermit as _;

use std::collections::HashMap;
use std::io::Write;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    println!("args: {args:?}");
    let mut env: Vec<(String, String)> = std::env::vars().filter(|(k, _)| k.starts_with("EREMIT_T_")).collect();
    env.sort();
    println!("env: {env:?}");
    println!("missing: {:?}", std::env::var("EREMIT_T_MISSING"));

    let mut big = vec![0u8; 64 << 20];
    for (i, b) in big.iter_mut().enumerate().step_by(4096) {
        *b = (i / 4096) as u8;
    }
    let sum: u64 = big.iter().map(|&b| b as u64).sum();
    println!("64 MiB allocated, checksum {sum}");
    drop(big);

    let mut words: HashMap<&str, usize> = HashMap::new();
    for w in "the quick brown fox jumps over the lazy dog the end".split(' ') {
        *words.entry(w).or_default() += 1;
    }
    let mut counts: Vec<_> = words.into_iter().collect();
    counts.sort();
    println!("words: {counts:?}");

    let x = 2.0f64.sqrt();
    println!("floats: {x} {x:.3} {:e} {} {} {}", 1234.5f32, f64::MAX, -0.0f64, 0.1 + 0.2);
    println!("math: {:.6} {:.6} {:.6}", (1.0f64).exp(), (0.5f64).sin(), (10.0f64).ln());

    let t0 = std::time::Instant::now();
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap();
    println!("clock sane: {}", now.as_secs() > 1_700_000_000 && t0.elapsed().as_secs() < 5);

    eprintln!("to stderr: {}", 42);
    std::io::stdout().flush().unwrap();
    std::process::exit(3);
}
