//! Unbounded recursion runs into the guard page below the main stack.
#[cfg(target_os = "hermit")]
use hermit as _;

#[inline(never)]
#[allow(unconditional_recursion)]
fn recurse(n: u64, buf: &mut [u8; 1024]) -> u64 {
    let mut local = [0u8; 1024];
    local[0] = n as u8;
    buf[(n % 1024) as usize] = local[0];
    std::hint::black_box(&mut local);
    recurse(n + 1, &mut local) + local[1] as u64
}

fn main() {
    if std::env::args().nth(1).as_deref() == Some("thread") {
        let h = std::thread::spawn(|| {
            let mut b = [0u8; 1024];
            recurse(0, &mut b)
        });
        println!("{}", h.join().unwrap());
        return;
    }
    println!("recursing");
    let mut b = [0u8; 1024];
    println!("{}", recurse(0, &mut b));
}
