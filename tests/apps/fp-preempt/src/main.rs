//! Floating-point work in several threads on one CPU, so that the timer preempts them in
//! the middle of it: each result must equal the native build's (an interrupt that
//! clobbered a vector register would change it).
#[cfg(target_os = "hermit")]
use hermit as _;

/// Eight partial harmonic-like sums: every step matters to the result, which depends on
/// the seed.
fn work(seed: f64, rounds: u32) -> f64 {
    let mut v = [0.0f64; 8];
    for i in 0..rounds {
        for (j, x) in v.iter_mut().enumerate() {
            *x += 1.0 / (i as f64 * 8.0 + j as f64 + seed);
        }
    }
    v.iter().sum()
}

fn main() {
    let rounds: u32 = std::env::args().nth(1).map_or(2_000_000, |a| a.parse().unwrap());
    let handles: Vec<_> = (1..=4)
        .map(|t| std::thread::spawn(move || work(t as f64, rounds)))
        .collect();
    let mine = work(0.5, rounds);
    for (t, h) in handles.into_iter().enumerate() {
        println!("thread {}: {:.15}", t + 1, h.join().unwrap());
    }
    println!("main: {mine:.15}");
}
