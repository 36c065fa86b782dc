//! What the runner's end-to-end tests share: finding tools, a scratch directory, building
//! a hand-written test guest with binutils, and running the real `eremit` binary.
#![allow(dead_code)] // Each test binary uses its own subset.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

pub const EREMIT: &str = env!("CARGO_BIN_EXE_eremit");

pub fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(program).is_file()))
}

/// A scratch directory `name` under cargo's test temporary directory.
pub fn work_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Writes a guest's assembler source and linker script into `dir`, then assembles and
/// links it once per mode (`--defsym MODE=n`) with `as_cmd` and `ld_cmd` (the program
/// first, then its target options): the images, mode by mode.
pub fn build_guests<const N: usize>(
    dir: &Path,
    source: &str,
    lds: &str,
    as_cmd: &[&str],
    ld_cmd: &[&str],
) -> Result<[PathBuf; N], String> {
    std::fs::write(dir.join("guest.S"), source).unwrap();
    std::fs::write(dir.join("guest.ld"), lds).unwrap();
    let (src, script) = (dir.join("guest.S"), dir.join("guest.ld"));
    let mut guests: [PathBuf; N] = std::array::from_fn(|_| PathBuf::new());
    for (mode, elf) in guests.iter_mut().enumerate() {
        let obj = dir.join(format!("guest{mode}.o"));
        *elf = dir.join(format!("guest{mode}"));
        let defsym = format!("MODE={mode}");
        let steps: [Vec<&str>; 2] = [
            [as_cmd, &["--defsym", &defsym, "-o", path(&obj), path(&src)]].concat(),
            [
                ld_cmd,
                &[
                    "-static",
                    "-nostdlib",
                    "-T",
                    path(&script),
                    "-o",
                    path(elf),
                    path(&obj),
                ],
            ]
            .concat(),
        ];
        for step in steps {
            let out = Command::new(step[0])
                .args(&step[1..])
                .output()
                .map_err(|e| format!("{}: {e}", step[0]))?;
            if !out.status.success() {
                return Err(format!(
                    "{} failed: {}",
                    step[0],
                    String::from_utf8_lossy(&out.stderr)
                ));
            }
        }
    }
    Ok(guests)
}

/// `eremit ARGS` with its cache in `work` and no stdin.
pub fn eremit(work: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(EREMIT);
    cmd.args(args)
        .env("XDG_CACHE_HOME", work.join("cache"))
        .stdin(Stdio::null());
    cmd
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

pub fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Whether `needle`'s characters appear in `haystack` in order. The kernel log and the
/// application's stderr reach the runner's stderr from two threads, so with --verbose a
/// line of one can land inside a line of the other; each stream keeps its own order.
pub fn interleaved_in(haystack: &str, needle: &str) -> bool {
    let mut rest = haystack.chars();
    needle.chars().all(|c| rest.any(|h| h == c))
}
