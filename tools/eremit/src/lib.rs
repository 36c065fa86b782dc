//! The runner's code as a library: `eremit` (src/main.rs) and the OCI runtime
//! `eremit-runtime` (src/bin/eremit-runtime.rs, `oci`) both boot images through it.

pub mod accel;
pub mod annotate;
pub mod backtrace;
pub mod channels;
pub mod cli;
pub mod cmdline;
pub mod demux;
pub mod elf;
pub mod helper_process;
pub mod image;
pub mod memory;
pub mod netaddr;
pub mod oci;
pub mod output;
pub mod passt;
pub mod pkg;
pub mod qemu;
pub mod record;
pub mod run;
pub mod signals;
pub mod stdin;
pub mod symbols;
pub mod tsc;
pub mod volume;
