//! Builds the Eremit kernel with the features this crate was given and links it as
//! `libhermit.a`. The building and packing are `eremit-libhermit`'s (hermit/libhermit),
//! the one build path the C toolchain's build uses too; this script only maps cargo's
//! view of the application (features, output directory) onto it.

use std::env;
use std::path::PathBuf;

use eremit_libhermit::{
    KERNEL_FEATURES, KernelBuild, UNSERVED_FEATURES, cargo_env_name, kernel_dir, kernel_features,
    kernel_target, pack, sections_script,
};

fn main() {
    if let Err(e) = build() {
        panic!("{e}");
    }
}

fn build() -> Result<(), eremit_libhermit::Error> {
    let kernel_dir = kernel_dir()?;
    let out_dir = PathBuf::from(env::var_os("OUT_DIR").unwrap());
    println!("cargo:rerun-if-changed={}", kernel_dir.display());
    // Cargo's scan of a directory skips hidden ones: the kernel's flags.
    println!(
        "cargo:rerun-if-changed={}",
        kernel_dir.join(".cargo/config.toml").display()
    );
    println!("cargo:rerun-if-env-changed=EREMIT_KERNEL_PROFILE");
    println!("cargo:rerun-if-changed={}", sections_script().display());

    let target = env::var("TARGET").unwrap();
    let Some(kernel_target) = kernel_target(&target) else {
        // Host builds (e.g. `cargo check --workspace`) need no kernel.
        println!("cargo:warning=hermit: not building the kernel for target {target}");
        return Ok(());
    };

    // The features cargo turned on for this crate (`CARGO_FEATURE_*`).
    let on: Vec<&str> = KERNEL_FEATURES
        .iter()
        .chain(UNSERVED_FEATURES)
        .copied()
        .filter(|f| env::var_os(format!("CARGO_FEATURE_{}", cargo_env_name(f))).is_some())
        .collect();
    let unserved: Vec<&str> = UNSERVED_FEATURES
        .iter()
        .copied()
        .filter(|f| on.contains(f))
        .collect();
    let build = KernelBuild {
        target: kernel_target,
        // One kernel build directory per repository, shared by every application built
        // against it; cargo keys its artifacts by feature set, so switching is cheap.
        target_dir: kernel_dir.join("../target/kernel"),
        kernel_dir,
        profile: env::var("EREMIT_KERNEL_PROFILE").unwrap_or_else(|_| "kernel".into()),
        features: kernel_features(&on).into_iter().map(String::from).collect(),
        unserved: unserved.join(","),
        verbose: false,
    };
    // Held across the build and the packing (see `KernelBuild::lock`).
    let lock = build.lock()?;
    let archive = build.build()?;
    pack(
        &archive,
        &out_dir,
        &out_dir.join("libhermit.a"),
        kernel_target,
    )?;
    drop(lock);

    println!("cargo:rustc-link-search=native={}", out_dir.display());
    println!("cargo:rustc-link-lib=static=hermit");
    Ok(())
}
