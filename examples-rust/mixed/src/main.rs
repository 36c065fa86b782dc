//! A mixed Rust/C program: Rust calls a C library (compiled by `cc`, bound by `bindgen`)
//! that calls back into Rust; both share one C library (newlib in Eremit), one heap and
//! stdio.  Its output is checked by tests/mixed_tests.py, in Eremit and natively.

#[cfg(target_os = "hermit")]
use hermit as _;

use std::collections::BTreeMap;
use std::ffi::{CStr, CString, c_char, c_long, c_void};
use std::thread;

#[allow(non_camel_case_types, dead_code)]
mod ffi {
    include!(concat!(env!("OUT_DIR"), "/greet.rs"));
}

unsafe extern "C" {
    fn malloc(size: usize) -> *mut c_void;
    fn free(p: *mut c_void);
}

/// Called from C (greet_sum_weights).
#[unsafe(no_mangle)]
pub extern "C" fn rust_weight(i: i32) -> c_long {
    let squares: Vec<c_long> = (0..=i as c_long).map(|x| x * x).collect();
    squares[i as usize] + 1
}

fn format(name: &str, n: i32) -> String {
    let name = CString::new(name).unwrap();
    let mut buf = [0 as c_char; 64];
    let r = unsafe { ffi::greet_format(buf.as_mut_ptr(), buf.len(), name.as_ptr(), n) };
    assert!(r > 0);
    unsafe { CStr::from_ptr(buf.as_ptr()) }.to_str().unwrap().to_owned()
}

fn main() {
    // Rust -> C: snprintf into a Rust buffer.
    println!("format: {}", format("Eremit", 5));

    // C malloc -> Rust frees with libc's free.
    let name = CString::new("ab").unwrap();
    let p = unsafe { ffi::greet_repeat(name.as_ptr(), 3) };
    assert!(!p.is_null());
    let s = unsafe { CStr::from_ptr(p) }.to_str().unwrap().to_owned();
    unsafe { free(p.cast()) };
    println!("repeat: {s}");

    // Rust malloc -> C frees.
    let text = b"from rust\0";
    let q = unsafe { malloc(text.len()) }.cast::<u8>();
    unsafe { q.copy_from_nonoverlapping(text.as_ptr(), text.len()) };
    let n = unsafe { ffi::greet_consume(q.cast()) };
    println!("consumed: {n}");

    // C -> Rust callback.
    println!("weights: {}", unsafe { ffi::greet_sum_weights(5) });

    // C's errno.
    let missing = CString::new("/no/such/file").unwrap();
    let e = unsafe { ffi::greet_fail_open(missing.as_ptr()) };
    println!("c errno after open: {} (ENOENT: {})", e, e == 2);
    // Rust's view of the same failure.
    let err = std::fs::File::open("/no/such/file").unwrap_err();
    println!("rust error: {:?} {:?}", err.kind(), err.raw_os_error());
    // One errno: a failing C call sets what std's last_os_error reads, and a failing std
    // call what C's errno reads (std's own errors come from return values).
    let _ = std::fs::create_dir("/"); // EEXIST
    unsafe { ffi::greet_fail_open(missing.as_ptr()) }; // ENOENT
    println!("errno C->Rust: {:?}", std::io::Error::last_os_error().raw_os_error());
    let _ = std::fs::create_dir("/"); // EEXIST
    println!("errno Rust->C: {}", unsafe { ffi::greet_errno() });

    // C from several Rust threads at once (per-thread C state: errno, snprintf).
    let handles: Vec<_> = (0..4)
        .map(|t| thread::spawn(move || (0..50).map(|i| format("t", t * 100 + i).len()).sum::<usize>()))
        .collect();
    let total: usize = handles.into_iter().map(|h| h.join().unwrap()).sum();
    println!("threads: {total}");

    // A Rust collection of C-formatted strings.
    let mut map = BTreeMap::new();
    for i in 0..3 {
        map.insert(i, format("map", i));
    }
    println!("map: {:?}", map.values().last());

    let mut stats = ffi::greet_stats { calls: 0, total_len: 0 };
    unsafe { ffi::greet_stats(&mut stats) };
    println!("stats: calls={} total_len={}", stats.calls, stats.total_len);

    // C stdio: std's exit does not flush it, so flush here.
    let msg = CString::new("bye").unwrap();
    unsafe {
        ffi::greet_print(msg.as_ptr());
        ffi::greet_flush();
    }
    std::process::exit(7);
}
