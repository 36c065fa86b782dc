//! The application's standard input (descriptor 0): the runner's stdin, carried by a
//! virtio console that `eremit run` adds when it has a stdin to give (a pipe, a file or
//! a terminal; not `/dev/null` or a closed descriptor). Without that device, standard
//! input is at end of file from the start.
//!
//! The stream is lazy: the device is looked for, and the runner asked to start sending,
//! only when the application first reads or polls descriptor 0, so a program that never
//! reads its input does not consume the runner's (as with a native program). The runner
//! frames what it sends (`framing`) so that the end of its stdin reaches the guest.

pub mod framing;
#[cfg(target_os = "none")]
mod port;

#[cfg(target_os = "none")]
pub use port::{read, readiness};
