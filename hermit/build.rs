//! Builds the Eremit kernel for `x86_64-unknown-none` with the features this crate was
//! given, and packs it as `libhermit.a` with only the ABI (`sys_*`) and the entry symbol
//! left global, so the kernel's own copies of `core`, `alloc` and `compiler_builtins`
//! never clash with the application's.

use std::env;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Features of this crate that change the kernel; every other feature is accepted and
/// ignored (see docs/features.md).
const KERNEL_FEATURES: &[&str] = &[
    "smp", "tcp", "udp", "dhcpv4", "dns", "net", "pci", "acpi", "fs",
];

/// Features of Hermit's crate that Eremit accepts but does not serve: the kernel is told
/// which of them the application asked for and says so once at boot under
/// `eremit run --verbose`; the calls they would serve fail with an error.
const UNSERVED_FEATURES: &[&str] = &[
    "uhyve",
    "vsock",
    "virtio-vsock",
    "virtio-fs",
    "fuse",
    "initramfs",
    "net-trace",
    "write-pcap-file",
    "semihosting",
    "shell",
    "vga",
    "instrument-mcount",
];

/// Symbols the kernel exports to the application and to C code.
const EXPORTED: &[&str] = &[
    "sys_*",
    "eremit_check_user_memory",
    "eremit_heap_check",
    "eremit_memory_report",
    "_start",
];

fn main() {
    let manifest_dir = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").unwrap());
    // Canonical: when this crate is reached through a symbolic link, "../kernel" must be
    // the kernel beside the crate's real directory, for the build and for cargo's
    // rerun-if-changed alike (cargo resolves ".." textually, the OS through the link).
    let kernel_dir = manifest_dir
        .join("../kernel")
        .canonicalize()
        .expect("hermit: the kernel directory beside this crate");
    let out_dir = PathBuf::from(env::var_os("OUT_DIR").unwrap());
    println!("cargo:rerun-if-changed={}", kernel_dir.display());
    // Cargo's scan of a directory skips hidden ones: the kernel's flags.
    println!(
        "cargo:rerun-if-changed={}",
        kernel_dir.join(".cargo/config.toml").display()
    );
    println!("cargo:rerun-if-env-changed=EREMIT_KERNEL_PROFILE");
    println!(
        "cargo:rerun-if-changed={}",
        manifest_dir.join("../scripts/kernel-sections.ld").display()
    );

    let target = env::var("TARGET").unwrap();
    if target != "x86_64-unknown-hermit" {
        // Host builds (e.g. `cargo check --workspace`) need no kernel.
        println!("cargo:warning=hermit: not building the kernel for target {target}");
        return;
    }

    let features: Vec<&str> = KERNEL_FEATURES
        .iter()
        .copied()
        .filter(|f| env::var_os(format!("CARGO_FEATURE_{}", f.to_uppercase())).is_some())
        .collect();
    let profile = env::var("EREMIT_KERNEL_PROFILE").unwrap_or_else(|_| "kernel".into());
    // One kernel build directory per repository, shared by every application built
    // against it; cargo keys its artifacts by feature set, so switching features is cheap.
    let target_dir = manifest_dir.join("../target/kernel");

    let unserved: Vec<&str> = UNSERVED_FEATURES
        .iter()
        .copied()
        .filter(|f| env::var_os(format!("CARGO_FEATURE_{}", cargo_env_name(f))).is_some())
        .collect();
    let archive = build_kernel(
        &kernel_dir,
        &target_dir,
        &features,
        &unserved.join(","),
        &profile,
    );
    let packed = out_dir.join("libhermit.a");
    pack(&archive, &out_dir, &packed);

    println!("cargo:rustc-link-search=native={}", out_dir.display());
    println!("cargo:rustc-link-lib=static=hermit");
}

/// How cargo names a feature in `CARGO_FEATURE_*`: upper case, `-` as `_`.
fn cargo_env_name(feature: &str) -> String {
    feature.to_uppercase().replace('-', "_")
}

fn build_kernel(
    kernel_dir: &Path,
    target_dir: &Path,
    features: &[&str],
    unserved: &str,
    profile: &str,
) -> PathBuf {
    let cargo = env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    // Read by the kernel with `option_env!` (kernel/src/unserved.rs); rustc rebuilds the
    // kernel when it changes.
    cmd.env("EREMIT_UNSERVED_FEATURES", unserved);
    cmd.current_dir(kernel_dir)
        .arg("build")
        .arg("--lib")
        .arg("--target=x86_64-unknown-none")
        .arg(format!("--profile={profile}"))
        .arg("-Zbuild-std=core,alloc,compiler_builtins")
        .arg("-Zbuild-std-features=compiler-builtins-mem")
        .arg("--no-default-features")
        .arg(format!("--features={}", features.join(",")))
        .arg("--target-dir")
        .arg(target_dir);
    // The application's flags and target are not the kernel's: the kernel's own flags are
    // in kernel/.cargo/config.toml.
    for var in [
        "CARGO_ENCODED_RUSTFLAGS",
        "RUSTFLAGS",
        "CARGO_BUILD_TARGET",
        "CARGO_TARGET_DIR",
        "CARGO_BUILD_RUSTFLAGS",
        "RUSTC_WORKSPACE_WRAPPER",
        "CARGO_PROFILE_RELEASE_LTO",
        "CARGO_UNSTABLE_BUILD_STD",
    ] {
        cmd.env_remove(var);
    }
    for (key, _) in env::vars_os() {
        let key = key.to_string_lossy().into_owned();
        if key.starts_with("CARGO_FEATURE_") || key.starts_with("CARGO_CFG_") {
            cmd.env_remove(key);
        }
    }
    let status = cmd
        .status()
        .unwrap_or_else(|e| panic!("hermit: cannot run cargo to build the kernel: {e}"));
    if !status.success() {
        panic!("hermit: building the kernel failed (see the errors above)");
    }
    let dir = if profile == "dev" { "debug" } else { profile };
    target_dir
        .join("x86_64-unknown-none")
        .join(dir)
        .join("libhermit.a")
}

/// `ld -r` merges the archive into one object (so that localising symbols cannot break
/// references between its members), `objcopy` hides everything but the ABI and drops the
/// LLVM bitcode that link-time optimisation leaves in (`ar` would hand it to whatever LTO
/// plugin binutils has, which may be an older LLVM's and abort).
fn pack(archive: &Path, out_dir: &Path, packed: &Path) {
    let merged = out_dir.join("hermit.o");
    // The kernel's statics gathered apart (see the script), for the system-call boundary.
    let sections = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").unwrap())
        .join("../scripts/kernel-sections.ld");
    run(Command::new(tool("ld"))
        .arg("-r")
        .arg("-T")
        .arg(&sections)
        .arg("--whole-archive")
        .arg(archive)
        .arg("-o")
        .arg(&merged));
    let mut objcopy = Command::new(tool("objcopy"));
    objcopy.args([
        "--remove-section=.llvmbc",
        "--remove-section=.llvmcmd",
        "--wildcard",
    ]);
    for sym in EXPORTED {
        objcopy.arg(format!("--keep-global-symbol={sym}"));
    }
    run(objcopy.arg(&merged));
    let _ = std::fs::remove_file(packed);
    run(Command::new(tool("ar")).arg("crs").arg(packed).arg(&merged));
}

/// Binutils from the host, overridable for unusual setups.
fn tool(name: &str) -> String {
    env::var(format!("EREMIT_{}", name.to_uppercase())).unwrap_or_else(|_| name.to_string())
}

fn run(cmd: &mut Command) {
    let status = cmd.status().unwrap_or_else(|e| {
        panic!(
            "hermit: cannot run {:?}: {e} (install binutils)",
            cmd.get_program()
        )
    });
    if !status.success() {
        panic!("hermit: {cmd:?} failed");
    }
}
