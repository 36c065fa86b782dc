//! Signals from outside the VM: SIGHUP, SIGINT, SIGTERM, SIGUSR1 and SIGUSR2 sent to
//! `eremit run` reach the guest as one byte each (the signal's number) on a virtio
//! console of their own, the runner's "signal channel" (docs/signals.md).
//!
//! Until the application subscribes (`sys_signal_subscribe`, which the C library calls
//! the first time a program handles, ignores or blocks one of these signals), the kernel
//! takes the default action itself: the program ends with status 128+n, as a Linux
//! process the signal killed (Rust std programs, which have no signal handling, included).
//! Once subscribed, signals are queued here and the library takes them one at a time
//! with `sys_signal_wait_external`.

#[cfg(target_os = "none")]
pub mod fault;
pub mod pending;
#[cfg(target_os = "none")]
mod port;

#[cfg(target_os = "none")]
pub use port::{init, subscribe, wait};
