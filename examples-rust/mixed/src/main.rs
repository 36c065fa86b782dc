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

/// Threads that leave about 1 MiB each in C's malloc cache.
const CACHE_THREADS: usize = 48;

/// Called from C (greet_sum_weights).
#[unsafe(no_mangle)]
pub extern "C" fn rust_weight(i: i32) -> c_long {
    let squares: Vec<c_long> = (0..=i as c_long).map(|x| x * x).collect();
    squares[i as usize] + 1
}

fn format(name: &str, n: i32) -> String {
    let name = CString::new(name).unwrap();
    let mut buf = [0 as c_char; 64];
    // SAFETY: a call into the example's C library (csrc/greet.c) with valid, NUL-terminated or sized arguments.
    let r = unsafe { ffi::greet_format(buf.as_mut_ptr(), buf.len(), name.as_ptr(), n) };
    assert!(r > 0);
    // SAFETY: the pointer is a NUL-terminated string owned by the C side (or SQLite) and alive for this use.
    unsafe { CStr::from_ptr(buf.as_ptr()) }.to_str().unwrap().to_owned()
}

fn main() {
    // Rust -> C: snprintf into a Rust buffer.
    println!("format: {}", format("Eremit", 5));

    // C malloc -> Rust frees with libc's free.
    let name = CString::new("ab").unwrap();
    // SAFETY: a call into the example's C library (csrc/greet.c) with valid, NUL-terminated or sized arguments.
    let p = unsafe { ffi::greet_repeat(name.as_ptr(), 3) };
    assert!(!p.is_null());
    // SAFETY: the pointer is a NUL-terminated string owned by the C side (or SQLite) and alive for this use.
    let s = unsafe { CStr::from_ptr(p) }.to_str().unwrap().to_owned();
    // SAFETY: the pointer came from the same allocator (malloc/alloc) and is not used again.
    unsafe { free(p.cast()) };
    println!("repeat: {s}");

    // Rust malloc -> C frees.
    let text = b"from rust\0";
    // SAFETY: the C library's allocator, called with a size (and alignment) taken from the layout.
    let q = unsafe { malloc(text.len()) }.cast::<u8>();
    // SAFETY: source and destination are separate allocations, each valid for the length copied.
    unsafe { q.copy_from_nonoverlapping(text.as_ptr(), text.len()) };
    // SAFETY: a call into the example's C library (csrc/greet.c) with valid, NUL-terminated or sized arguments.
    let n = unsafe { ffi::greet_consume(q.cast()) };
    println!("consumed: {n}");

    // C -> Rust callback.
    // SAFETY: a call into the example's C library (csrc/greet.c) with valid, NUL-terminated or sized arguments.
    println!("weights: {}", unsafe { ffi::greet_sum_weights(5) });

    // C's errno.
    let missing = CString::new("/no/such/file").unwrap();
    // SAFETY: a call into the example's C library (csrc/greet.c) with valid, NUL-terminated or sized arguments.
    let e = unsafe { ffi::greet_fail_open(missing.as_ptr()) };
    println!("c errno after open: {} (ENOENT: {})", e, e == 2);
    // Rust's view of the same failure.
    let err = std::fs::File::open("/no/such/file").unwrap_err();
    println!("rust error: {:?} {:?}", err.kind(), err.raw_os_error());
    // One errno: a failing C call sets what std's last_os_error reads, and a failing std
    // call what C's errno reads (std's own errors come from return values).
    let _ = std::fs::create_dir("/"); // EEXIST
    // SAFETY: a call into the example's C library (csrc/greet.c) with valid, NUL-terminated or sized arguments.
    unsafe { ffi::greet_fail_open(missing.as_ptr()) }; // ENOENT
    println!("errno C->Rust: {:?}", std::io::Error::last_os_error().raw_os_error());
    let _ = std::fs::create_dir("/"); // EEXIST
    // SAFETY: a call into the example's C library (csrc/greet.c) with valid, NUL-terminated or sized arguments.
    println!("errno Rust->C: {}", unsafe { ffi::greet_errno() });

    // C from several Rust threads at once (per-thread C state: errno, snprintf).
    let handles: Vec<_> = (0..4)
        .map(|t| thread::spawn(move || (0..50).map(|i| format("t", t * 100 + i).len()).sum::<usize>()))
        .collect();
    let total: usize = handles.into_iter().map(|h| h.join().unwrap()).sum();
    println!("threads: {total}");

    // Rust threads that malloc and free through C, one after the other: each ends with
    // about 1 MiB freed into C's per-thread malloc cache, which goes back to the shared
    // heap as the thread ends (tests/mixed_tests.py checks the heap at exit).
    for _ in 0..CACHE_THREADS {
        thread::spawn(|| {
            let blocks: Vec<*mut c_void> = (0..256)
                // SAFETY: the C library's allocator; each block is freed once below.
                .map(|_| unsafe { malloc(4000) })
                .collect();
            assert!(blocks.iter().all(|b| !b.is_null()));
            for b in blocks {
                // SAFETY: allocated above with malloc, not used again.
                unsafe { free(b) };
            }
        })
        .join()
        .unwrap();
    }
    println!("cache threads: {CACHE_THREADS} x 1 MiB malloc'd and freed in C");

    // A Rust collection of C-formatted strings.
    let mut map = BTreeMap::new();
    for i in 0..3 {
        map.insert(i, format("map", i));
    }
    println!("map: {:?}", map.values().last());

    let mut stats = ffi::greet_stats { calls: 0, total_len: 0 };
    // SAFETY: a call into the example's C library (csrc/greet.c) with valid, NUL-terminated or sized arguments.
    unsafe { ffi::greet_stats(&mut stats) };
    println!("stats: calls={} total_len={}", stats.calls, stats.total_len);

    // C stdio: std's exit does not flush it, so flush here.
    let msg = CString::new("bye").unwrap();
    // SAFETY: a call into the example's C library (csrc/greet.c) with valid, NUL-terminated or sized arguments.
    unsafe {
        ffi::greet_print(msg.as_ptr());
        ffi::greet_flush();
    }
    std::process::exit(7);
}
