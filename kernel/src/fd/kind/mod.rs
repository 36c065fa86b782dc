//! The kinds of objects a descriptor refers to that the descriptor layer makes itself,
//! one module each (sockets are `net::socket_file`). Each implements
//! `object::FileObject`.

#[cfg(target_os = "none")]
pub mod console;
pub mod device;
pub mod directory;
pub mod directory_common;
#[cfg(target_os = "none")]
pub mod eventfd;
pub mod host_dir;
pub mod host_file;
#[cfg(target_os = "none")]
pub mod pipe;
pub mod regular;
#[cfg(target_os = "none")]
pub mod stdin;
