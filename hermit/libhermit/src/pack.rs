//! Packing cargo's kernel archive into the `libhermit.a` applications link: `ld -r`
//! merges it into one object (so that localising symbols cannot break references
//! between its members), `objcopy` hides everything but the ABI and drops the LLVM
//! bitcode that link-time optimisation leaves in (`ar` would hand it to whatever LTO
//! plugin binutils has, which may be an older LLVM's and abort).

use std::path::Path;
use std::process::Command;

use crate::{EXPORTED, Error, sections_script};

/// Packs `archive` into `packed`; `work_dir` holds the intermediate object.
pub fn pack(archive: &Path, work_dir: &Path, packed: &Path) -> Result<(), Error> {
    let merged = work_dir.join("hermit.o");
    // The kernel's statics gathered apart (see the script), for the system-call boundary.
    run(Command::new(tool("ld"))
        .arg("-r")
        .arg("-T")
        .arg(sections_script())
        .arg("--whole-archive")
        .arg(archive)
        .arg("-o")
        .arg(&merged))?;
    let mut objcopy = Command::new(tool("objcopy"));
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
    run(Command::new(tool("ar")).arg("crs").arg(packed).arg(&merged))?;
    let _ = std::fs::remove_file(&merged);
    Ok(())
}

/// Binutils from the host, overridable (`EREMIT_LD`, `EREMIT_OBJCOPY`, `EREMIT_AR`).
fn tool(name: &str) -> String {
    std::env::var(format!("EREMIT_{}", name.to_uppercase())).unwrap_or_else(|_| name.into())
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
