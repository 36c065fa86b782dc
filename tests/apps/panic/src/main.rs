//! A panicking application must exit non-zero with its message.
#[cfg(target_os = "hermit")]
use hermit as _;

fn main() {
    println!("before the panic");
    let v: Vec<u32> = std::env::args().skip(1).map(|a| a.parse().unwrap()).collect();
    if v.is_empty() {
        panic!("deliberate panic: {}", 7 * 6);
    }
}
