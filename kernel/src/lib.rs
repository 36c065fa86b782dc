//! The Eremit kernel. Built for `x86_64-unknown-none` or `aarch64-unknown-none` it is
//! `libhermit.a`, linked into the application; built for the host it is the set of
//! modules whose logic `cargo test` and Miri check (parsers, page tables, memory
//! ranges, ...).
#![cfg_attr(target_os = "none", no_std)]
#![cfg_attr(target_os = "none", feature(linkage))]
// `Arc::try_new`: objects a system call creates fail it with ENOMEM instead of panicking.
#![feature(allocator_api)]
#![allow(non_camel_case_types)]

extern crate alloc;

pub mod abi;
pub mod civil_time;
pub mod clock;
pub mod cmdline;
pub mod console_mux;
pub mod drivers;
pub mod elf;
pub mod fd;
pub mod fdt;
pub mod fs;
pub mod mm;
pub mod net;
pub mod profile;
pub mod sched;
pub mod signals;
pub mod stdin;
pub mod tls;
pub mod unserved;

pub mod arch;
#[cfg(target_os = "none")]
mod boot;
#[cfg(target_os = "none")]
mod console;
#[cfg(target_os = "none")]
mod entropy;
#[cfg(target_os = "none")]
mod panic;
#[cfg(target_os = "none")]
mod syscalls;
