//! std's threads and synchronisation: the output must equal the native build's.
#[cfg(target_os = "hermit")]
use hermit as _;

use std::cell::Cell;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Barrier, Condvar, Mutex, RwLock, mpsc};
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

thread_local! {
    static LOCAL: Cell<u64> = const { Cell::new(0) };
}

fn main() {
    let total: usize = std::env::args().nth(1).map_or(1000, |a| a.parse().unwrap());

    // Many threads, joined in waves, each with its own thread-local.
    let mut sum = 0u64;
    for wave in 0..total / 100 {
        let handles: Vec<_> = (0..100u64)
            .map(|i| {
                thread::spawn(move || {
                    LOCAL.with(|l| l.set(l.get() + i));
                    LOCAL.with(|l| l.get()) + wave as u64
                })
            })
            .collect();
        sum += handles.into_iter().map(|h| h.join().unwrap()).sum::<u64>();
    }
    println!("spawned {total} threads, sum {sum}");
    println!("main thread-local untouched: {}", LOCAL.with(|l| l.get()));

    // 256 threads alive at once, meeting at a barrier.
    let gate = Arc::new(Barrier::new(257));
    let hs: Vec<_> = (0..256u64)
        .map(|i| {
            let g = Arc::clone(&gate);
            thread::spawn(move || {
                g.wait();
                i
            })
        })
        .collect();
    gate.wait();
    println!("256 concurrent threads, sum {}", hs.into_iter().map(|h| h.join().unwrap()).sum::<u64>());

    // Lock contention.
    let counter = Arc::new(Mutex::new(0u64));
    let hs: Vec<_> = (0..8)
        .map(|_| {
            let c = Arc::clone(&counter);
            thread::spawn(move || {
                for _ in 0..2000 {
                    *c.lock().unwrap() += 1;
                }
            })
        })
        .collect();
    hs.into_iter().for_each(|h| h.join().unwrap());
    println!("mutex counter: {}", *counter.lock().unwrap());

    // Channel pipeline: producer -> doubler -> consumer.
    let (tx, rx) = mpsc::channel::<u64>();
    let (tx2, rx2) = mpsc::sync_channel::<u64>(4);
    let producer = thread::spawn(move || (1..=1000).for_each(|i| tx.send(i).unwrap()));
    let doubler = thread::spawn(move || rx.iter().for_each(|v| tx2.send(v * 2).unwrap()));
    let total_piped: u64 = rx2.iter().sum();
    producer.join().unwrap();
    doubler.join().unwrap();
    println!("pipeline sum: {total_piped}");

    // Condvar ping-pong.
    let pair = Arc::new((Mutex::new(0u32), Condvar::new()));
    let p2 = Arc::clone(&pair);
    let ponger = thread::spawn(move || {
        let (m, cv) = &*p2;
        for _ in 0..200 {
            let mut v = cv.wait_while(m.lock().unwrap(), |v| *v % 2 == 0).unwrap();
            *v += 1;
            cv.notify_one();
        }
    });
    {
        let (m, cv) = &*pair;
        for _ in 0..200 {
            let mut v = m.lock().unwrap();
            *v += 1;
            cv.notify_one();
            let _v = cv.wait_while(v, |v| *v % 2 == 1).unwrap();
        }
    }
    ponger.join().unwrap();
    println!("condvar ping-pong: {}", *pair.0.lock().unwrap());

    // Barrier and RwLock.
    let barrier = Arc::new(Barrier::new(6));
    let table = Arc::new(RwLock::new(vec![0u64; 6]));
    let hs: Vec<_> = (0..6)
        .map(|i| {
            let b = Arc::clone(&barrier);
            let t = Arc::clone(&table);
            thread::Builder::new()
                .name(format!("worker-{i}"))
                .spawn(move || {
                    t.write().unwrap()[i] = i as u64 * 10;
                    let leader = b.wait().is_leader();
                    let seen: u64 = t.read().unwrap().iter().sum();
                    (thread::current().name().unwrap().to_string(), seen, leader)
                })
                .unwrap()
        })
        .collect();
    let mut leaders = 0;
    for h in hs {
        let (name, seen, leader) = h.join().unwrap();
        leaders += leader as u32;
        println!("{name} saw {seen}");
    }
    println!("barrier leaders: {leaders}");

    // A spinner must not starve a sleeper.
    let stop = Arc::new(AtomicBool::new(false));
    let spins = Arc::new(AtomicU64::new(0));
    let (s2, c2) = (Arc::clone(&stop), Arc::clone(&spins));
    let spinner = thread::spawn(move || {
        while !s2.load(Ordering::Relaxed) {
            c2.fetch_add(1, Ordering::Relaxed);
        }
    });
    let t0 = Instant::now();
    thread::sleep(Duration::from_millis(50));
    let slept = t0.elapsed();
    stop.store(true, Ordering::Relaxed);
    spinner.join().unwrap();
    println!("sleeper woke beside a spinner: {}", slept >= Duration::from_millis(50) && slept < Duration::from_millis(1000));
    println!("spinner ran: {}", spins.load(Ordering::Relaxed) > 0);

    // Sleep accuracy and clocks.
    let t0 = Instant::now();
    thread::sleep(Duration::from_millis(100));
    let e = t0.elapsed();
    // Never early; the upper bound only catches a lost wake-up (a vCPU thread of a TCG
    // guest on a host loaded 5x over its cores has overslept 200 ms).
    println!("sleep(100 ms) within [100, 500) ms: {}", e >= Duration::from_millis(100) && e < Duration::from_millis(500));
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs();
    println!("wall clock after 2023: {}", now > 1_700_000_000);
    println!("parallelism >= 1: {}", thread::available_parallelism().unwrap().get() >= 1);
}
