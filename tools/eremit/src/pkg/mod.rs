//! `eremit pkg`: packs an Eremit image as an OCI image archive (`layout`) that podman,
//! skopeo and containerd load, after checking that the image boots (a PVH ELF image
//! that fits in `--memory` with `--cpus`, as `eremit run` checks it).

use std::io::Cursor;
use std::path::Path;

pub mod atomicfile;
pub mod imageref;
pub mod layout;
pub mod options;
pub mod tarentry;

use crate::image::{self, ImageError};
use crate::memory;
use crate::qemu::memory_arg;
use crate::run::{EXIT_FAILURE, Failure, io_text};
use layout::{Spec, Written};
use options::PkgOptions;

fn fail<T>(message: impl Into<String>) -> Result<T, Failure> {
    Err(Failure {
        code: EXIT_FAILURE,
        message: message.into(),
        details: Vec::new(),
    })
}

/// Reads and checks the image; its bytes.
fn bootable_image(opts: &PkgOptions) -> Result<Vec<u8>, Failure> {
    let path = &opts.image;
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => return fail(format!("cannot read image {path}: {}", io_text(&e))),
    };
    let mut reader = Cursor::new(&bytes[..]);
    match image::check_pvh(&mut reader).and_then(|()| image::load_end(&mut reader)) {
        Ok(load_end) => memory::check(opts.memory_kib, load_end, opts.cpus).or_else(fail)?,
        Err(ImageError::Io(e)) => {
            return fail(format!("cannot read image {path}: {}", io_text(&e)));
        }
        Err(ImageError::Malformed(why)) => {
            return fail(format!(
                "{path} is not a bootable Eremit image ({why}); build it with the hermit \
                 crate or x86_64-hermit-gcc"
            ));
        }
    }
    Ok(bytes)
}

/// Writes the archive; what it holds.
pub fn pkg(opts: &PkgOptions) -> Result<Written, Failure> {
    let image = bootable_image(opts)?;
    let memory = memory_arg(opts.memory_kib);
    let reference = opts.reference.to_string();
    let spec = Spec {
        image: &image,
        args: &opts.args,
        env: &opts.env,
        ports: &opts.ports,
        cpus: opts.cpus,
        memory: &memory,
        reference: &reference,
    };
    atomicfile::write(Path::new(&opts.output), |out| {
        layout::write_archive(&spec, out)
    })
    .or_else(|e| fail(format!("cannot write {}: {}", opts.output, io_text(&e))))
}
