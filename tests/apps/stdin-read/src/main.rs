//! Reads standard input with Rust's std as programs do: line by line through
//! `stdin().lock().lines()` (`lines`), or to the end with `read_to_end` (`all`), and
//! prints what it got (or with `tty` whether stdin is a terminal), so tests/stdin_tests.py can compare the run in Eremit with the
//! native one on the same input.

#[cfg(target_os = "hermit")]
use hermit as _;

use std::io::{BufRead, IsTerminal, Read};

/// FNV-1a, 64 bits: a checksum of the bytes read.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ b as u64).wrapping_mul(0x100_0000_01b3)
    })
}

fn main() {
    let mode = std::env::args().nth(1).unwrap_or_else(|| "all".into());
    let stdin = std::io::stdin();
    match mode.as_str() {
        "lines" => {
            let mut count = 0;
            for line in stdin.lock().lines() {
                let line = line.expect("a line of UTF-8");
                count += 1;
                println!("{count}: {}", line.chars().rev().collect::<String>());
            }
            println!("{count} lines");
        }
        "all" => {
            let mut data = Vec::new();
            let n = stdin.lock().read_to_end(&mut data).expect("read_to_end");
            println!("{n} bytes, fnv1a {:016x}", fnv1a(&data));
            // At end of file, further reads keep returning 0.
            let again = stdin.lock().read(&mut [0u8; 16]).expect("read after the end");
            println!("after the end: {again}");
        }
        "tty" => println!("stdin is_terminal: {}", stdin.is_terminal()),
        other => {
            eprintln!("unknown mode {other}");
            std::process::exit(2);
        }
    }
}
