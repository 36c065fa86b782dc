//! Networking: smoltcp over the virtio-net device, run by a kernel task; sockets for
//! the hermit ABI; DNS; and the readiness counter that blocking calls (sockets,
//! eventfd, poll) sleep on.

pub mod addrinfo;
pub mod dns_message;
#[cfg(target_os = "none")]
pub mod eventfd;
#[cfg(target_os = "none")]
pub mod events;
pub mod loopback;
pub mod memory;
pub mod syn;

#[cfg(all(target_os = "none", feature = "net"))]
mod stack;
#[cfg(all(target_os = "none", feature = "net"))]
pub use stack::{drain, init};
#[cfg(all(target_os = "none", feature = "net"))]
pub mod dns;
#[cfg(all(target_os = "none", feature = "net"))]
pub mod socket;
#[cfg(all(target_os = "none", feature = "net"))]
mod socket_set;

/// Frees a socket or eventfd whose last descriptor was closed (fd::global calls this).
#[cfg(target_os = "none")]
pub fn release(object: crate::fd::open_file::Object) {
    use crate::fd::open_file::Object;
    match object {
        #[cfg(feature = "net")]
        Object::Socket(id) => socket::close(id),
        Object::EventFd(id) => eventfd::release(id),
        _ => {}
    }
}
