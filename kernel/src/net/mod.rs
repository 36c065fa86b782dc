//! Networking: smoltcp over the virtio-net device, run by a kernel task; sockets for
//! the hermit ABI; DNS; and the readiness counter that blocking calls (sockets,
//! eventfd, poll) sleep on.

// Safe code only: application memory and hardware are reached through safe APIs
// (`syscalls::uaccess`, `drivers`, `abi::addrinfo_list`).
#![deny(unsafe_code)]

pub mod binding;
pub mod deferred_egress;
pub mod dns_message;
#[cfg(target_os = "none")]
pub mod events;
pub mod ipv6_text;
pub mod loopback;
pub mod memory;
pub mod service;
pub mod syn;

#[cfg(all(target_os = "none", feature = "net"))]
mod stack;
#[cfg(all(target_os = "none", feature = "net"))]
pub use stack::{drain, flush_deferred_egress, init, kick_deferred_egress};
#[cfg(all(target_os = "none", feature = "net"))]
pub mod dns;
#[cfg(all(target_os = "none", feature = "net"))]
pub mod socket;
#[cfg(all(target_os = "none", feature = "net"))]
pub mod socket_file;
#[cfg(all(target_os = "none", feature = "net"))]
mod socket_set;
