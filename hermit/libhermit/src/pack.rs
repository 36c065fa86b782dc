//! Packing cargo's kernel archive into the `libhermit.a` applications link: `ld -r`
//! merges it into one object (so that localising symbols cannot break references
//! between its members), `objcopy` hides everything but the ABI and drops the LLVM
//! bitcode that link-time optimisation leaves in (`ar` would hand it to whatever LTO
//! plugin binutils has, which may be an older LLVM's and abort).

use std::path::Path;
use std::process::Command;

use crate::{EXPORTED, Error, sections_script};

/// Packs `archive` (built for the kernel target `target`) into `packed`; `work_dir`
/// holds the intermediate object.
pub fn pack(archive: &Path, work_dir: &Path, packed: &Path, target: &str) -> Result<(), Error> {
    let merged = work_dir.join("hermit.o");
    let foreign = target != crate::X86_64;
    // The kernel's statics gathered apart (see the script), for the system-call boundary.
    let mut ld = Command::new(tool("ld", foreign));
    if foreign {
        ld.args(["-flavor", "gnu"]);
    }
    run(ld
        .arg("-r")
        .arg("-T")
        .arg(sections_script())
        .arg("--whole-archive")
        .arg(archive)
        .arg("-o")
        .arg(&merged))?;
    let mut objcopy = Command::new(tool("objcopy", foreign));
    objcopy.args([
        "--remove-section=.llvmbc",
        "--remove-section=.llvmcmd",
        "--wildcard",
    ]);
    for sym in EXPORTED {
        objcopy.arg(format!("--keep-global-symbol={sym}"));
    }
    run(objcopy.arg(&merged))?;
    // `ar crs` adds to an existing archive: start from none.
    let _ = std::fs::remove_file(packed);
    run(Command::new(tool("ar", foreign))
        .arg("crs")
        .arg(packed)
        .arg(&merged))?;
    let _ = std::fs::remove_file(&merged);
    Ok(())
}

/// Binutils from the host, overridable (`EREMIT_LD`, `EREMIT_OBJCOPY`, `EREMIT_AR`). For
/// another architecture than the host's (`foreign`), the LLVM tools of the Rust
/// toolchain (the `llvm-tools` component), which handle every target: rust-lld,
/// llvm-objcopy, llvm-ar.
fn tool(name: &str, foreign: bool) -> String {
    if let Ok(t) = std::env::var(format!("EREMIT_{}", name.to_uppercase())) {
        return t;
    }
    if !foreign {
        return name.into();
    }
    let llvm = match name {
        "ld" => "rust-lld",
        other => &format!("llvm-{other}"),
    };
    llvm_tools_dir().join(llvm).to_string_lossy().into_owned()
}

/// The Rust toolchain's directory of LLVM tools (`<sysroot>/lib/rustlib/<host>/bin`).
fn llvm_tools_dir() -> std::path::PathBuf {
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let print = |what: &str| {
        Command::new(&rustc)
            .args(["--print", what])
            .output()
            .ok()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
            .unwrap_or_default()
    };
    let host = print("host-tuple");
    Path::new(&print("sysroot"))
        .join("lib/rustlib")
        .join(host)
        .join("bin")
}

fn run(cmd: &mut Command) -> Result<(), Error> {
    let status = cmd.status().map_err(|e| {
        format!(
            "libhermit: cannot run {:?}: {e} (install binutils)",
            cmd.get_program()
        )
    })?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("libhermit: {cmd:?} failed"))
    }
}
