//! A Rust std program that prints "ready" and sleeps until a signal ends it: std has no
//! signal handling on hermit, so the kernel takes SIGTERM's default action (exit 143, as
//! natively). tests/signal_tests.py.
#[cfg(target_os = "hermit")]
use hermit as _;

use std::io::Write;

fn main() {
    println!("ready");
    std::io::stdout().flush().unwrap();
    loop {
        std::thread::sleep(std::time::Duration::from_secs(1));
    }
}
