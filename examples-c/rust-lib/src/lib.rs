//! A Rust library called from C (examples-c/rust-lib/main.c): `#[no_mangle] extern "C"`
//! functions that use std's threads and collections and hand C buffers it frees with
//! `free()`.
//!
//! One heap: Rust's global allocator here is C's malloc (libc-port's, on the kernel heap).
//! libc-port's `free()` reads a header that its `malloc` writes before each block, so a
//! block from std's default allocator (sys_malloc directly, no header) must not reach
//! `free()`; with this allocator every Rust allocation is a malloc block, and C frees a
//! Rust `CString`, `Vec` or `Box` with `free()`.  `rustlib_free` exists for C code that
//! prefers to hand buffers back.

use std::collections::{BTreeMap, HashMap};
use std::alloc::{GlobalAlloc, Layout};
use std::ffi::{CStr, CString, c_char, c_int, c_void};
use std::sync::{Arc, Mutex};
use std::thread;

unsafe extern "C" {
    fn malloc(size: usize) -> *mut c_void;
    fn free(p: *mut c_void);
    fn realloc(p: *mut c_void, size: usize) -> *mut c_void;
    fn posix_memalign(p: *mut *mut c_void, align: usize, size: usize) -> c_int;
}

/// Rust's allocations are C's: malloc (16-byte aligned) or posix_memalign.
struct CMalloc;

const MALLOC_ALIGN: usize = 16;

unsafe impl GlobalAlloc for CMalloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if layout.align() <= MALLOC_ALIGN {
            // SAFETY: the C library's allocator, called with a size (and alignment) taken from the layout.
            unsafe { malloc(layout.size()).cast() }
        } else {
            let mut p = std::ptr::null_mut();
            // SAFETY: the C library's allocator, called with a size (and alignment) taken from the layout.
            match unsafe { posix_memalign(&mut p, layout.align(), layout.size()) } {
                0 => p.cast(),
                _ => std::ptr::null_mut(),
            }
        }
    }
    unsafe fn dealloc(&self, p: *mut u8, _layout: Layout) {
        // SAFETY: the pointer came from the same allocator (malloc/alloc) and is not used again.
        unsafe { free(p.cast()) }
    }
    unsafe fn realloc(&self, p: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if layout.align() <= MALLOC_ALIGN {
            // SAFETY: the C library's allocator, called with a size (and alignment) taken from the layout.
            unsafe { realloc(p.cast(), new_size).cast() }
        } else {
            // SAFETY: the layout's alignment is a power of two and the size non-zero (GlobalAlloc contract).
            let new = unsafe { self.alloc(Layout::from_size_align_unchecked(new_size, layout.align())) };
            if !new.is_null() {
                // SAFETY: source and destination are separate allocations, each valid for the length copied.
                unsafe { new.copy_from_nonoverlapping(p, layout.size().min(new_size)) };
                // SAFETY: the pointer came from the same allocator (malloc/alloc) and is not used again.
                unsafe { self.dealloc(p, layout) };
            }
            new
        }
    }
}

#[global_allocator]
static ALLOCATOR: CMalloc = CMalloc;

/// Counts the words of `text` on `threads` threads; returns "word=count word=count ..."
/// sorted by word, as a NUL-terminated string the caller frees with `free()`.
#[unsafe(no_mangle)]
pub extern "C" fn rustlib_word_counts(text: *const c_char, threads: c_int) -> *mut c_char {
    // SAFETY: the pointer is a NUL-terminated string owned by the C side (or SQLite) and alive for this use.
    let text = unsafe { CStr::from_ptr(text) }.to_string_lossy().into_owned();
    let words: Arc<Vec<String>> = Arc::new(text.split_whitespace().map(str::to_owned).collect());
    let threads = threads.max(1) as usize;
    let total = Arc::new(Mutex::new(BTreeMap::<String, usize>::new()));
    let handles: Vec<_> = (0..threads)
        .map(|t| {
            let words = Arc::clone(&words);
            let total = Arc::clone(&total);
            thread::spawn(move || {
                let mut local = HashMap::new();
                for w in words.iter().skip(t).step_by(threads) {
                    *local.entry(w.clone()).or_insert(0usize) += 1;
                }
                let mut total = total.lock().unwrap();
                for (w, n) in local {
                    *total.entry(w).or_insert(0) += n;
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    let total = total.lock().unwrap();
    let out: Vec<String> = total.iter().map(|(w, n)| format!("{w}={n}")).collect();
    CString::new(out.join(" ")).unwrap().into_raw()
}

/// Sum of squares of 0..n computed on `threads` scoped threads.
#[unsafe(no_mangle)]
pub extern "C" fn rustlib_sum_squares(n: u64, threads: c_int) -> u64 {
    let threads = threads.max(1) as u64;
    thread::scope(|s| {
        let parts: Vec<_> = (0..threads)
            .map(|t| s.spawn(move || (t..n).step_by(threads as usize).map(|x| x * x).sum::<u64>()))
            .collect();
        parts.into_iter().map(|h| h.join().unwrap()).sum()
    })
}

/// A Rust Vec<i32> of the first `n` primes, as a buffer the caller frees with `free()`.
#[unsafe(no_mangle)]
pub extern "C" fn rustlib_primes(n: usize) -> *mut i32 {
    let mut v: Vec<i32> = Vec::new();
    let mut x = 2;
    while v.len() < n {
        if v.iter().take_while(|&&p| p * p <= x).all(|&p| x % p != 0) {
            v.push(x);
        }
        x += 1;
    }
    Box::into_raw(v.into_boxed_slice()).cast()
}

/// Frees what this library returned (the same as `free()`).
#[unsafe(no_mangle)]
pub extern "C" fn rustlib_free(p: *mut c_void) {
    // SAFETY: the pointer came from the same allocator (malloc/alloc) and is not used again.
    unsafe { free(p) }
}
