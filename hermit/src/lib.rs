//! Links the Eremit kernel into an application built for `x86_64-unknown-hermit` or
//! `aarch64-unknown-hermit`.
//!
//! Add `hermit = { path = ".../hermit" }` as a dependency and `use hermit as _;` in the
//! binary: the build script compiles the kernel with the chosen features into
//! `libhermit.a`, and the attributes below place the image where QEMU's loader puts it
//! (PVH on x86-64, the ELF loader of `-M virt` on aarch64), so the linked executable
//! itself is the bootable image.
#![no_std]
#![feature(link_arg_attribute)]

// The image is linked at 2 MiB (its physical load address under PVH; on aarch64 2 MiB
// into `virt`'s RAM at 1 GiB, leaving the first 2 MiB to the device tree QEMU puts there)
// and the dynamic relocations that a static PIE carries are applied at link time, so the
// kernel can run the image where QEMU loads it without relocating itself.
#[cfg_attr(
    target_arch = "x86_64",
    link(
        kind = "link-arg",
        name = "--image-base=0x200000",
        modifiers = "+verbatim"
    )
)]
#[cfg_attr(
    target_arch = "aarch64",
    link(
        kind = "link-arg",
        name = "--image-base=0x40200000",
        modifiers = "+verbatim"
    )
)]
#[link(
    kind = "link-arg",
    name = "--apply-dynamic-relocs",
    modifiers = "+verbatim"
)]
#[link(
    kind = "link-arg",
    name = "-zmax-page-size=4096",
    modifiers = "+verbatim"
)]
unsafe extern "C" {}
