//! The one build path of `libhermit.a`: the Eremit kernel compiled for
//! `x86_64-unknown-none` with a set of features, then packed so that only the ABI
//! (`sys_*` and a few more) stays global and the kernel's own copies of `core`, `alloc`
//! and `compiler_builtins` never clash with the application's.
//!
//! Two callers share it: the `hermit` crate's build script (a Rust application's build;
//! features from cargo) and the `eremit-libhermit` tool that `make toolchain-c` runs for
//! the C toolchain (the hermit crate's default features, from `cargo metadata`).

mod features;
mod kernel;
mod pack;
mod unserved_features;

pub use features::{
    EXPORTED, KERNEL_FEATURES, UNSERVED_FEATURES, cargo_env_name, expand_default, kernel_features,
};
pub use kernel::{AARCH64, KernelBuild, X86_64, kernel_dir, kernel_target, sections_script};
pub use pack::pack;

/// A failed step, with what to do about it where there is something to do.
pub type Error = String;
