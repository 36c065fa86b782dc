//! Runs the heap dry without writing anything first, then allocates once more: std's
//! "memory allocation of N bytes failed" must still reach stderr (the console needs no
//! memory), and the program aborts (134). Run in a small VM (the boot tests use 16 MiB).
#[cfg(target_os = "hermit")]
use hermit as _;

fn main() {
    // Keep every block so the heap stays empty; sizes halve down to 16 bytes so that
    // small crumbs go too. Natively this would take all of the host's memory: the boot
    // tests run it only in Eremit.
    let mut kept: Vec<Vec<u8>> = Vec::new();
    let _ = kept.try_reserve(1 << 16);
    let mut size = 1usize << 20;
    while size >= 16 {
        let mut block = Vec::new();
        if block.try_reserve_exact(size).is_ok() && kept.len() < kept.capacity() {
            kept.push(block);
        } else {
            size /= 2;
        }
    }
    // Fails: std's allocation error handler reports it and aborts.
    let last = std::hint::black_box(vec![1u8; 1 << 20]);
    println!("not reached: {}", last.len() + kept.len());
}
