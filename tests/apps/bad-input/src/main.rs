//! Bad input gets an error, not a crash: writes to a closed or invalid descriptor, reads
//! from stdin at end-of-file, an invalid clock. The output must equal the native build's.
#[cfg(target_os = "hermit")]
use hermit as _;

use std::io::{Read, Write};
use std::mem::ManuallyDrop;
use std::os::fd::FromRawFd;

fn main() {
    // SAFETY: fd 99 is not open; the File is never dropped (no close of a foreign fd).
    let mut f = ManuallyDrop::new(unsafe { std::fs::File::from_raw_fd(99) });
    println!("write to fd 99: {:?}", f.write(b"x").map_err(|e| e.kind()));
    println!("read from fd 99: {:?}", f.read(&mut [0u8; 4]).map_err(|e| e.kind()));
    let mut buf = Vec::new();
    println!("stdin: {:?}", std::io::stdin().read_to_end(&mut buf));
    println!("try_reserve of isize::MAX: {:?}", Vec::<u8>::new().try_reserve(isize::MAX as usize).is_err());
    let mut v: Vec<u8> = Vec::new();
    println!("try_reserve beyond memory: {:?}", v.try_reserve(64 << 30).is_err());
    println!("done");
}
