//! `eremit-libhermit [--target KERNEL-TARGET] OUT.a`: the kernel as `libhermit.a` for the
//! C toolchain
//! (`make toolchain-c` runs it), built and packed by the same code as a Rust
//! application's (the `hermit` crate's build script), with the `hermit` crate's default
//! features, so a C program gets the kernel a Rust one gets by default. The target is
//! `x86_64-unknown-none` (the default) or `aarch64-unknown-none`.
//!
//! Environment: `EREMIT_KERNEL_PROFILE` (default `kernel`), `EREMIT_KERNEL_FEATURES`
//! (comma-separated kernel features instead of the defaults).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Instant, UNIX_EPOCH};

use eremit_libhermit::{
    AARCH64, Error, KernelBuild, X86_64, expand_default, kernel_dir, kernel_features, pack,
};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let parsed = match args.as_slice() {
        [out] => Some((X86_64, out)),
        [flag, target, out] if flag == "--target" => [X86_64, AARCH64]
            .into_iter()
            .find(|t| t == target)
            .map(|t| (t, out)),
        _ => None,
    };
    let Some((target, out)) = parsed else {
        eprintln!(
            "usage: eremit-libhermit [--target x86_64-unknown-none|aarch64-unknown-none] OUT.a   \
             (env: EREMIT_KERNEL_PROFILE, EREMIT_KERNEL_FEATURES)"
        );
        return ExitCode::from(2);
    };
    match run(target, Path::new(out)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}

fn run(target: &'static str, out: &Path) -> Result<(), Error> {
    let kernel = kernel_dir()?;
    let repo = kernel
        .parent()
        .ok_or("libhermit: the kernel directory has no parent")?
        .to_path_buf();
    let features = match std::env::var("EREMIT_KERNEL_FEATURES") {
        Ok(list) => list
            .split(',')
            .filter(|f| !f.is_empty())
            .map(String::from)
            .collect(),
        Err(_) => default_features(&repo.join("hermit/Cargo.toml"))?,
    };
    let build = KernelBuild {
        target,
        kernel_dir: kernel,
        target_dir: repo.join("target/kernel"),
        profile: std::env::var("EREMIT_KERNEL_PROFILE").unwrap_or_else(|_| "kernel".into()),
        features,
        unserved: String::new(),
        verbose: true,
    };
    let start = Instant::now();
    eprintln!(
        "libhermit: cargo build of kernel/ for {} ({}, features {})",
        build.target,
        build.profile,
        build.features.join(",")
    );
    // Held across the build and the packing (see `KernelBuild::lock`).
    let _lock = build.lock()?;
    let archive = build.build()?;

    // Repack when the kernel archive, the feature set or this tool changed (a feature
    // set built before leaves an older archive in place, so timestamps alone do not tell).
    let stamp_path = PathBuf::from(format!("{}.stamp", out.display()));
    let stamp = format!(
        "{} {} {} {} {}",
        build.target,
        build.profile,
        build.features.join(","),
        file_version(&archive)?,
        file_version(&std::env::current_exe().map_err(|e| e.to_string())?)?
    );
    if out.is_file() && std::fs::read_to_string(&stamp_path).ok().as_deref() == Some(&stamp) {
        eprintln!("libhermit: {} is up to date", out.display());
        return Ok(());
    }
    eprintln!(
        "libhermit: packing {} (only the ABI stays global)",
        out.display()
    );
    let dir = out.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| format!("libhermit: {}: {e}", dir.display()))?;
    pack(&archive, dir, out, build.target)?;
    std::fs::write(&stamp_path, stamp)
        .map_err(|e| format!("libhermit: {}: {e}", stamp_path.display()))?;
    eprintln!("libhermit: done in {} s", start.elapsed().as_secs());
    Ok(())
}

/// The `hermit` crate's default features that reach the kernel, from cargo's own reading
/// of its manifest (`cargo metadata`).
fn default_features(manifest: &Path) -> Result<Vec<String>, Error> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .args([
            "metadata",
            "--no-deps",
            "--format-version",
            "1",
            "--manifest-path",
        ])
        .arg(manifest)
        .output()
        .map_err(|e| format!("libhermit: cannot run cargo metadata: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "libhermit: cargo metadata failed: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let meta: serde_json::Value = serde_json::from_slice(&output.stdout)
        .map_err(|e| format!("libhermit: cargo metadata's output: {e}"))?;
    let hermit = meta["packages"]
        .as_array()
        .and_then(|ps| ps.iter().find(|p| p["name"] == "hermit"))
        .ok_or("libhermit: cargo metadata lists no `hermit` package")?;
    let table: BTreeMap<String, Vec<String>> =
        serde_json::from_value(hermit["features"].clone())
            .map_err(|e| format!("libhermit: the hermit crate's features: {e}"))?;
    let enabled: Vec<String> = expand_default(&table).into_iter().collect();
    Ok(kernel_features(&enabled)
        .into_iter()
        .map(String::from)
        .collect())
}

/// A file's modification time and size: enough to tell a rebuilt file.
fn file_version(path: &Path) -> Result<String, Error> {
    let meta =
        std::fs::metadata(path).map_err(|e| format!("libhermit: {}: {e}", path.display()))?;
    let mtime = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos());
    Ok(format!("{mtime}.{}", meta.len()))
}
