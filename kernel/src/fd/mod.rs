//! File descriptors: the table of descriptors (`table`), the open files they refer to
//! (`open_file`), the `O_*` flags (`flags`) and the calls on them (`files`), over the
//! in-memory filesystem (`crate::fs`). One descriptor table for the VM (one process).
//!
//! Everything but `global` is plain data, tested on the host and under Miri.

pub mod files;
pub mod flags;
#[cfg(target_os = "none")]
pub mod global;
pub mod open_file;
pub mod table;

pub use files::{Files, Route};
pub use open_file::Stream;
