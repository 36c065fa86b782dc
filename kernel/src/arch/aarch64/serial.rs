//! The console's devices on `virt`: its one PL011 UART carries all three channels (the
//! application's stdout and stderr, the kernel log with the exit record), multiplexed by
//! `crate::console_mux` and split again by the runner. The PL011 (the device tree's,
//! `board::uart`, read before the console starts) works from any context and without
//! the heap, as crash reports and the exit record need; virtio consoles would need the
//! devices up and a queue to share.
//!
//! Each write is one frame (its channel's selection and its bytes) under a spin lock
//! taken with interrupts masked, so writers on different CPUs never interleave inside a
//! frame. A write nested in another on the same CPU (a fault while the lock is held)
//! goes ahead without the lock, then switches the stream back to the interrupted
//! writer's channel.

use core::sync::atomic::{AtomicU8, AtomicU32, Ordering};

use crate::console_mux::{Channel, Encoder};

const DR: u64 = 0x00;
const FR: u64 = 0x18;
const FR_TXFF: u32 = 1 << 5;
const CR: u64 = 0x30;

/// A register of the device tree's PL011 (`None` before the tree is read or without one).
fn reg(offset: u64) -> Option<*mut u32> {
    let base = super::board::uart();
    (base != 0).then_some((base + offset) as *mut u32)
}

pub fn init() {
    if let Some(cr) = reg(CR) {
        // SAFETY: the PL011's control register, in the device window the boot tables
        // map as device memory: UART, transmit and receive on (QEMU needs no baud rate).
        unsafe { cr.write_volatile(0x301) };
    }
}

fn uart_write(bytes: &[u8]) {
    let (Some(fr), Some(dr)) = (reg(FR), reg(DR)) else {
        return;
    };
    for &b in bytes {
        // SAFETY: PL011 registers in the mapped device window; waiting while the FIFO
        // is full, then writing the data register, only emits the byte.
        unsafe {
            while fr.read_volatile() & FR_TXFF != 0 {
                core::hint::spin_loop();
            }
            dr.write_volatile(b as u32);
        }
    }
}

/// The CPU writing a frame (`MPIDR_EL1`'s affinity + 1), 0 when none.
static OWNER: AtomicU32 = AtomicU32::new(0);
/// The channel the stream has selected (`Channel as u8`, 0 before the first write);
/// changed only by the CPU that is `OWNER`.
static CURRENT: AtomicU8 = AtomicU8::new(0);

/// Runs `f` with the stream to itself; see the module's comment.
fn with_stream(f: impl FnOnce(&mut Encoder)) {
    let irqs_on = super::interrupts::are_enabled();
    super::interrupts::disable();
    let me = super::apic::id() + 1;
    let nested = OWNER.load(Ordering::Relaxed) == me;
    if !nested {
        while OWNER
            .compare_exchange_weak(0, me, Ordering::Acquire, Ordering::Relaxed)
            .is_err()
        {
            core::hint::spin_loop();
        }
    }
    let interrupted = Channel::from_number(CURRENT.load(Ordering::Relaxed));
    let mut encoder = Encoder::with_current(interrupted);
    f(&mut encoder);
    if nested {
        encoder.restore(interrupted, uart_write);
    }
    CURRENT.store(encoder.current().map_or(0, |c| c as u8), Ordering::Relaxed);
    if !nested {
        OWNER.store(0, Ordering::Release);
    }
    if irqs_on {
        super::interrupts::enable();
    }
}

fn write(channel: Channel, bytes: &[u8]) {
    with_stream(|e| e.write(channel, bytes, uart_write));
}

pub fn write_stdout(bytes: &[u8]) {
    write(Channel::Stdout, bytes);
}

pub fn write_stderr(bytes: &[u8]) {
    write(Channel::Stderr, bytes);
}

pub fn write_log(bytes: &[u8]) {
    write(Channel::Log, bytes);
}
