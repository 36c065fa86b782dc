//! `cargo build` of the kernel crate for `x86_64-unknown-none` or `aarch64-unknown-none`,
//! isolated from whatever build runs it (an application's build script sees the
//! application's flags).

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::Error;

/// This crate's directory; the kernel sits beside the `hermit` crate that holds it.
const HERE: &str = env!("CARGO_MANIFEST_DIR");

/// The kernel crate's directory, canonical: when the `hermit` crate is reached through a
/// symbolic link, this must be the kernel beside its real directory, for the build and
/// for cargo's `rerun-if-changed` alike (cargo resolves `..` textually, the OS through
/// the link).
pub fn kernel_dir() -> Result<PathBuf, Error> {
    Path::new(HERE)
        .join("../../kernel")
        .canonicalize()
        .map_err(|e| format!("libhermit: no kernel directory beside {HERE}/..: {e}"))
}

/// The linker script `ld -r` packs with (see the script).
pub fn sections_script() -> PathBuf {
    Path::new(HERE).join("kernel-sections.ld")
}

/// The kernel's target for an application's (`x86_64-unknown-hermit` ->
/// `x86_64-unknown-none`); `None` for a target the kernel does not run on.
pub fn kernel_target(app_target: &str) -> Option<&'static str> {
    match app_target {
        "x86_64-unknown-hermit" => Some(X86_64),
        "aarch64-unknown-hermit" => Some(AARCH64),
        _ => None,
    }
}

/// The kernel targets.
pub const X86_64: &str = "x86_64-unknown-none";
pub const AARCH64: &str = "aarch64-unknown-none";

/// One kernel build: where, with what.
pub struct KernelBuild {
    /// The kernel's target (`X86_64` or `AARCH64`).
    pub target: &'static str,
    /// The kernel crate's directory (`kernel_dir()`).
    pub kernel_dir: PathBuf,
    /// cargo's target directory for kernel builds; cargo keys its artifacts by feature
    /// set, so one directory serves every feature set.
    pub target_dir: PathBuf,
    /// A profile of the workspace's Cargo.toml (`kernel` normally, `dev` for debugging).
    pub profile: String,
    /// Kernel crate features.
    pub features: Vec<String>,
    /// The unserved Hermit features asked for, comma-separated (kernel/src/unserved.rs).
    pub unserved: String,
    /// Show cargo's progress (the C toolchain's build; a build script's output is hidden).
    pub verbose: bool,
}

/// Variables of the calling build that must not reach the kernel's: its flags and target
/// are the application's (the kernel's own flags are in kernel/.cargo/config.toml).
const FOREIGN_VARS: &[&str] = &[
    "CARGO_ENCODED_RUSTFLAGS",
    "RUSTFLAGS",
    "CARGO_BUILD_TARGET",
    "CARGO_TARGET_DIR",
    "CARGO_BUILD_RUSTFLAGS",
    "RUSTC_WORKSPACE_WRAPPER",
    "CARGO_PROFILE_RELEASE_LTO",
    "CARGO_UNSTABLE_BUILD_STD",
];

/// Prefixes of variables cargo sets for the calling build script, not for this build.
const FOREIGN_PREFIXES: &[&str] = &["CARGO_FEATURE_", "CARGO_CFG_"];

impl KernelBuild {
    /// Takes the lock on the kernel's target directory, to hold across `build` and the
    /// packing: every feature set leaves its archive at the same path, so two builds at
    /// once with different features (two terminals, parallel test suites, an application
    /// and the C toolchain) could pack each other's kernel (one got a kernel without `net`:
    /// EAFNOSUPPORT on every socket). Released when the returned file is dropped.
    pub fn lock(&self) -> Result<std::fs::File, Error> {
        std::fs::create_dir_all(&self.target_dir)
            .map_err(|e| format!("libhermit: creating {}: {e}", self.target_dir.display()))?;
        let path = self.target_dir.join("hermit-build.lock");
        let file = std::fs::File::create(&path)
            .map_err(|e| format!("libhermit: creating {}: {e}", path.display()))?;
        file.lock()
            .map_err(|e| format!("libhermit: locking {}: {e}", path.display()))?;
        Ok(file)
    }

    /// Builds the kernel; returns the path of cargo's `libhermit.a` (not yet packed).
    pub fn build(&self) -> Result<PathBuf, Error> {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let mut cmd = Command::new(cargo);
        // Read by the kernel with `option_env!` (kernel/src/unserved.rs); rustc rebuilds
        // the kernel when it changes.
        cmd.env("EREMIT_UNSERVED_FEATURES", &self.unserved);
        cmd.current_dir(&self.kernel_dir)
            .arg("build")
            .arg("--lib")
            .arg(format!("--target={}", self.target))
            .arg(format!("--profile={}", self.profile))
            .arg("-Zbuild-std=core,alloc,compiler_builtins")
            .arg("-Zbuild-std-features=compiler-builtins-mem")
            .arg("--no-default-features")
            .arg(format!("--features={}", self.features.join(",")))
            .arg("--target-dir")
            .arg(&self.target_dir);
        if !self.verbose {
            cmd.arg("-q");
        }
        for var in FOREIGN_VARS {
            cmd.env_remove(var);
        }
        for (key, _) in std::env::vars_os() {
            let key = key.to_string_lossy();
            if FOREIGN_PREFIXES.iter().any(|p| key.starts_with(p)) {
                cmd.env_remove(&*key);
            }
        }
        let status = cmd
            .status()
            .map_err(|e| format!("libhermit: cannot run cargo to build the kernel: {e}"))?;
        if !status.success() {
            return Err("libhermit: building the kernel failed (see the errors above)".into());
        }
        Ok(self.archive())
    }

    /// Where cargo leaves the kernel's archive (the `dev` profile's directory is `debug`).
    pub fn archive(&self) -> PathBuf {
        let dir = if self.profile == "dev" {
            "debug"
        } else {
            &self.profile
        };
        self.target_dir
            .join(self.target)
            .join(dir)
            .join("libhermit.a")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn build(profile: &str) -> KernelBuild {
        KernelBuild {
            target: X86_64,
            kernel_dir: "/k".into(),
            target_dir: "/t".into(),
            profile: profile.into(),
            features: vec![],
            unserved: String::new(),
            verbose: false,
        }
    }

    #[test]
    fn archive_is_in_the_profile_directory() {
        assert_eq!(
            build("kernel").archive(),
            Path::new("/t/x86_64-unknown-none/kernel/libhermit.a")
        );
        assert_eq!(
            build("dev").archive(),
            Path::new("/t/x86_64-unknown-none/debug/libhermit.a")
        );
        let arm = KernelBuild {
            target: AARCH64,
            ..build("kernel")
        };
        assert_eq!(
            arm.archive(),
            Path::new("/t/aarch64-unknown-none/kernel/libhermit.a")
        );
    }

    #[test]
    fn kernel_target_follows_the_application() {
        assert_eq!(kernel_target("x86_64-unknown-hermit"), Some(X86_64));
        assert_eq!(kernel_target("aarch64-unknown-hermit"), Some(AARCH64));
        assert_eq!(kernel_target("riscv64gc-unknown-hermit"), None);
        assert_eq!(kernel_target("x86_64-unknown-linux-gnu"), None);
    }

    #[test]
    fn the_kernel_and_the_linker_script_are_found() {
        assert!(kernel_dir().unwrap().join("Cargo.toml").is_file());
        assert!(sections_script().is_file());
    }
}
