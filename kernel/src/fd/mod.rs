//! File descriptors: the table of descriptors (`table`), the open files they refer to
//! (`object`: the `FileObject` trait every kind implements, and `OpenFile`), the kinds
//! made here (`kind`: regular files, directories, devices, the console, eventfd, pipes; `pipe_buffer` is a pipe's shared state), the
//! `O_*` flags (`flags`) and the calls on the table (`files`), over the in-memory
//! filesystem (`crate::fs`). One descriptor table for the VM (one process).
//!
//! Everything but `global` and the kinds that reach devices is plain data, tested on
//! the host and under Miri.

// Safe code only: application memory and hardware are reached through safe APIs
// (`syscalls::uaccess`, `drivers`, `abi::addrinfo_list`).
#![deny(unsafe_code)]

pub mod files;
pub mod flags;
#[cfg(target_os = "none")]
pub mod global;
pub mod kind;
pub mod object;
pub mod pipe_buffer;
pub mod readiness;
pub mod table;

pub use files::Files;
pub use object::{FileObject, IoFlags, OpenFile};
