//! Thread churn: many short threads, joined in batches. The boot test compares the
//! kernel's heap use at the start and at the end (a leak per thread would show).
#[cfg(target_os = "hermit")]
use hermit as _;

fn main() {
    let total: usize = std::env::args().nth(1).map_or(100_000, |a| a.parse().unwrap());
    let mut done = 0usize;
    while done < total {
        let batch = (total - done).min(64);
        let hs: Vec<_> = (0..batch).map(|i| std::thread::spawn(move || i * 2)).collect();
        done += hs.into_iter().map(|h| h.join().unwrap()).filter(|v| v % 2 == 0).count();
    }
    println!("{done} threads ran");
}
