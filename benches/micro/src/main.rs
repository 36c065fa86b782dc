//! Microbenchmarks of the operations a unikernel should make cheap, built from this one
//! source both natively (Linux) and for Eremit, so that `benches/drivers/bench.py` can compare the
//! two in one run.
//!
//! Usage: `micro [--scale F] BENCH...` where BENCH is one of `getpid`, `call` (an empty
//! function in the same loop: the floor of any call), `yield`, `mutex`,
//! `alloc` (prints `alloc` and `dealloc`), `spawn_join`, `futex_pingpong`,
//! `parallel_speedup[:THREADS]`, or `all`. `--scale` multiplies every iteration count
//! (e.g. 0.1 for a quick check).
//!
//! Each benchmark prints one JSON line on stdout:
//! `{"bench": NAME, "unit": "ticks"|"ns", "median": X, "iterations": N, "batches": B, ...}`:
//! the median over B timed batches (after one discarded warm-up batch) of the cost of one
//! operation, each batch timing N operations in a row. Ticks are the cycle counter's: the
//! TSC on x86-64 (`_rdtsc`; a guest's TSC under QEMU TCG runs at the host's rate), the
//! generic timer's virtual counter on aarch64 (`CNTVCT_EL0`, at its own fixed rate, so
//! compare aarch64 with x86-64 in ns); ns come from `Instant`; every line carries the
//! other unit too (`median_ns` or `median_ticks`).
//!
//! `parallel_speedup` runs a fixed amount of CPU-bound work (a dependent chain of integer
//! hashing, which the compiler cannot vectorise) split over `available_parallelism()`
//! threads, or THREADS when given; its `median` is the wall time of the whole run
//! (spawning and joining included) in ns, with `threads` and `work` (hash steps).

#[cfg(target_os = "hermit")]
use hermit as _;

use std::alloc::{Layout, alloc, dealloc};
use std::hint::black_box;
use std::sync::{Arc, Condvar, Mutex};
use std::thread;
use std::time::Instant;

const BATCHES: usize = 11;
const PARALLEL_REPS: usize = 5;

/// Iteration counts per batch (before `--scale`): each batch takes some ms natively.
const GETPID_ITERS: u64 = 50_000;
const YIELD_ITERS: u64 = 20_000;
const MUTEX_ITERS: u64 = 200_000;
const ALLOC_ITERS: u64 = 1_000;
const SPAWN_ITERS: u64 = 20;
const PINGPONG_ITERS: u64 = 1_000;
const PARALLEL_WORK: u64 = 1 << 25;

const ALLOC_MIN: u64 = 64;
const ALLOC_MAX: u64 = 32 * 1024;

#[cfg(target_arch = "x86_64")]
fn ticks() -> u64 {
    // SAFETY: RDTSC is available on every x86_64 CPU.
    unsafe { std::arch::x86_64::_rdtsc() }
}

#[cfg(target_arch = "aarch64")]
fn ticks() -> u64 {
    let t: u64;
    // SAFETY: reading the virtual counter has no side effects (EL0 may read it: Eremit
    // runs everything at EL1, Linux enables it); the ISB orders it after what came before.
    unsafe { std::arch::asm!("isb", "mrs {}, cntvct_el0", out(reg) t, options(nomem, nostack)) };
    t
}

/// One timed batch: (TSC ticks, ns) for `ops` operations.
#[derive(Clone, Copy)]
struct Sample {
    ticks: f64,
    ns: f64,
}

struct Timer {
    t: u64,
    i: Instant,
}

impl Timer {
    fn start() -> Timer {
        let i = Instant::now();
        Timer { t: ticks(), i }
    }

    /// Cost per operation since `start`.
    fn per_op(&self, ops: u64) -> Sample {
        let t = ticks();
        let ns = self.i.elapsed().as_nanos() as f64;
        Sample { ticks: (t - self.t) as f64 / ops as f64, ns: ns / ops as f64 }
    }
}

/// Runs `batch(n)` once as a warm-up, then `BATCHES` times timed.
fn measure(n: u64, mut batch: impl FnMut(u64)) -> Vec<Sample> {
    batch(n);
    (0..BATCHES)
        .map(|_| {
            let t = Timer::start();
            batch(n);
            t.per_op(n)
        })
        .collect()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 { v[n / 2] } else { (v[n / 2 - 1] + v[n / 2]) / 2.0 }
}

/// Prints the JSON line of one benchmark; `unit` selects the primary figure.
fn report(bench: &str, unit: &str, iterations: u64, samples: &[Sample], extra: &str) {
    let ticks: Vec<f64> = samples.iter().map(|s| s.ticks).collect();
    let ns: Vec<f64> = samples.iter().map(|s| s.ns).collect();
    let (primary, other, other_name) = match unit {
        "ticks" => (ticks, ns, "median_ns"),
        _ => (ns, ticks, "median_ticks"),
    };
    let min = primary.iter().copied().fold(f64::INFINITY, f64::min);
    let max = primary.iter().copied().fold(0.0, f64::max);
    println!(
        "{{\"bench\": \"{bench}\", \"unit\": \"{unit}\", \"median\": {:.2}, \"iterations\": {iterations}, \
         \"batches\": {}, \"min\": {min:.2}, \"max\": {max:.2}, \"{other_name}\": {:.2}{extra}}}",
        median(primary.clone()),
        primary.len(),
        median(other),
    );
}

fn scaled(n: u64, scale: f64) -> u64 {
    ((n as f64 * scale) as u64).max(1)
}

/// The platform's getpid: std's `process::id()` (glibc's `getpid`, a system call) on
/// Linux; Rust's std for hermit has no `process::id()` (it panics), so there the
/// benchmark calls the ABI's `sys_getpid`, as the peer's figure does.
#[cfg(not(target_os = "hermit"))]
fn getpid() -> u32 {
    std::process::id()
}

#[cfg(target_os = "hermit")]
fn getpid() -> u32 {
    unsafe extern "C" {
        fn sys_getpid() -> i32;
    }
    // SAFETY: an ABI function without arguments.
    unsafe { sys_getpid() as u32 }
}

fn bench_getpid(scale: f64) {
    let n = scaled(GETPID_ITERS, scale);
    let s = measure(n, |n| {
        for _ in 0..n {
            black_box(getpid());
        }
    });
    report("getpid", "ticks", n, &s, "");
}

// An empty function with the two instructions of Eremit's `sys_getpid`, in assembly so
// that the compiler can neither inline nor fold the call, alone on its own code page as
// a kernel or library function is away from its caller (TCG chains jumps only within a
// page; a call to another page is looked up like a return): `call` times the same loop
// as `getpid` around it, the floor of any call into other code.
#[cfg(target_arch = "x86_64")]
std::arch::global_asm!(
    ".pushsection .text.micro_empty_call, \"ax\", @progbits",
    ".p2align 12",
    ".globl micro_empty_call",
    ".type micro_empty_call, @function",
    "micro_empty_call:",
    "    mov eax, 1",
    "    ret",
    ".size micro_empty_call, .-micro_empty_call",
    ".p2align 12, 0xcc",
    ".popsection",
);
#[cfg(target_arch = "aarch64")]
std::arch::global_asm!(
    ".pushsection .text.micro_empty_call, \"ax\", %progbits",
    ".p2align 12",
    ".globl micro_empty_call",
    ".type micro_empty_call, %function",
    "micro_empty_call:",
    "    mov w0, #1",
    "    ret",
    ".size micro_empty_call, .-micro_empty_call",
    ".p2align 12",
    ".popsection",
);

unsafe extern "C" {
    fn micro_empty_call() -> i32;
}

fn bench_call(scale: f64) {
    let n = scaled(GETPID_ITERS, scale);
    let s = measure(n, |n| {
        for _ in 0..n {
            // SAFETY: the assembly above only writes eax (w0) and returns.
            black_box(unsafe { micro_empty_call() });
        }
    });
    report("call", "ticks", n, &s, "");
}

fn bench_yield(scale: f64) {
    let n = scaled(YIELD_ITERS, scale);
    let s = measure(n, |n| {
        for _ in 0..n {
            thread::yield_now();
        }
    });
    report("yield", "ticks", n, &s, "");
}

fn bench_mutex(scale: f64) {
    let n = scaled(MUTEX_ITERS, scale);
    let m = Mutex::new(0u64);
    let s = measure(n, |n| {
        for _ in 0..n {
            *black_box(&m).lock().unwrap() += 1;
        }
    });
    assert_eq!(*m.lock().unwrap(), n * (BATCHES as u64 + 1));
    report("mutex", "ns", n, &s, "");
}

/// xorshift64 with a fixed seed: the same sizes natively and in Eremit.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
}

fn bench_alloc(scale: f64) {
    let n = scaled(ALLOC_ITERS, scale) as usize;
    let mut rng = XorShift(0x2545_f491_4f6c_dd1d);
    let mut layouts = Vec::with_capacity(n);
    let mut ptrs: Vec<*mut u8> = Vec::with_capacity(n);
    let (mut allocs, mut deallocs) = (Vec::new(), Vec::new());
    for round in 0..=BATCHES {
        // Sizes are drawn before the clock starts.
        layouts.clear();
        layouts.extend((0..n).map(|_| {
            let size = ALLOC_MIN + rng.next() % (ALLOC_MAX - ALLOC_MIN + 1);
            Layout::from_size_align(size as usize, 8).unwrap()
        }));
        let t = Timer::start();
        for l in &layouts {
            // SAFETY: the layouts have a non-zero size.
            ptrs.push(unsafe { alloc(*l) });
        }
        let a = t.per_op(n as u64);
        if ptrs.iter().any(|p| p.is_null()) {
            eprintln!("micro: allocation failed");
            std::process::exit(1);
        }
        let t = Timer::start();
        for (p, l) in ptrs.drain(..).zip(&layouts) {
            // SAFETY: allocated above with this layout.
            unsafe { dealloc(p, *l) };
        }
        let d = t.per_op(n as u64);
        if round > 0 {
            allocs.push(a);
            deallocs.push(d);
        }
    }
    let extra = format!(", \"sizes\": \"{ALLOC_MIN}-{ALLOC_MAX} B\"");
    report("alloc", "ticks", n as u64, &allocs, &extra);
    report("dealloc", "ticks", n as u64, &deallocs, &extra);
}

fn bench_spawn_join(scale: f64) {
    let n = scaled(SPAWN_ITERS, scale);
    let s = measure(n, |n| {
        for _ in 0..n {
            thread::spawn(|| {}).join().unwrap();
        }
    });
    report("spawn_join", "ns", n, &s, "");
}

/// Two threads hand a turn back and forth through a Mutex and a Condvar (futex wait and
/// wake on both sides); one round trip is main -> partner -> main.
fn bench_futex_pingpong(scale: f64) {
    let n = scaled(PINGPONG_ITERS, scale);
    let total = n * (BATCHES as u64 + 1);
    // true: the partner's turn.
    let pair = Arc::new((Mutex::new(false), Condvar::new()));
    let p2 = Arc::clone(&pair);
    let partner = thread::spawn(move || {
        let (m, cv) = &*p2;
        for _ in 0..total {
            let mut turn = cv.wait_while(m.lock().unwrap(), |t| !*t).unwrap();
            *turn = false;
            cv.notify_one();
        }
    });
    let (m, cv) = &*pair;
    let s = measure(n, |n| {
        for _ in 0..n {
            let mut turn = m.lock().unwrap();
            *turn = true;
            cv.notify_one();
            drop(cv.wait_while(turn, |t| *t).unwrap());
        }
    });
    partner.join().unwrap();
    report("futex_pingpong", "ns", n, &s, "");
}

/// A dependent chain of splitmix64 steps: pure integer work, not vectorisable.
fn hash_chain(seed: u64, steps: u64) -> u64 {
    let mut x = seed;
    for i in 0..steps {
        x = x.wrapping_add(i).wrapping_add(0x9e37_79b9_7f4a_7c15);
        x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        x ^= x >> 31;
    }
    x
}

fn bench_parallel(scale: f64, threads: Option<usize>) {
    let work = scaled(PARALLEL_WORK, scale);
    let p = threads
        .unwrap_or_else(|| thread::available_parallelism().map_or(1, |n| n.get()))
        .max(1);
    let run = || {
        let t = Timer::start();
        let handles: Vec<_> = (0..p as u64)
            .map(|k| {
                let steps = work / p as u64 + u64::from(k < work % p as u64);
                thread::spawn(move || hash_chain(black_box(k), steps))
            })
            .collect();
        let check = handles.into_iter().fold(0, |acc, h| acc ^ h.join().unwrap());
        black_box(check);
        t.per_op(1)
    };
    run();
    let s: Vec<Sample> = (0..PARALLEL_REPS).map(|_| run()).collect();
    let extra = format!(", \"threads\": {p}, \"work\": {work}");
    report("parallel_speedup", "ns", 1, &s, &extra);
}

const ALL: &[&str] = &["getpid", "call", "yield", "mutex", "alloc", "spawn_join", "futex_pingpong", "parallel_speedup"];

fn usage() -> ! {
    eprintln!("usage: micro [--scale F] BENCH...   (BENCH: {} | parallel_speedup:THREADS | all)", ALL.join(" | "));
    std::process::exit(2);
}

fn main() {
    let mut scale = 1.0;
    let mut benches = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--scale" => {
                scale = args.next().and_then(|s| s.parse().ok()).filter(|s: &f64| *s > 0.0).unwrap_or_else(|| usage());
            }
            "all" => benches.extend(ALL.iter().map(|s| s.to_string())),
            _ => benches.push(a),
        }
    }
    if benches.is_empty() {
        usage();
    }
    for b in &benches {
        match b.split_once(':') {
            Some(("parallel_speedup", t)) => bench_parallel(scale, Some(t.parse().unwrap_or_else(|_| usage()))),
            Some(_) => usage(),
            None => match b.as_str() {
                "getpid" => bench_getpid(scale),
                "call" => bench_call(scale),
                "yield" => bench_yield(scale),
                "mutex" => bench_mutex(scale),
                "alloc" => bench_alloc(scale),
                "spawn_join" => bench_spawn_join(scale),
                "futex_pingpong" => bench_futex_pingpong(scale),
                "parallel_speedup" => bench_parallel(scale, None),
                _ => {
                    eprintln!("micro: unknown benchmark {b:?}");
                    usage();
                }
            },
        }
    }
}
