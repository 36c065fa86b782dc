//! End-to-end tests of the runner on aarch64's `virt`: boot a tiny hand-written guest
//! (tests/virt-guest/) under qemu-system-aarch64 through the real `eremit` binary. The
//! guest writes the PL011's multiplexed stream directly, so these check the runner's
//! side alone: the channels split, the exit code from the record, PSCI SYSTEM_OFF, the
//! timeout, and a guest that stops without a record.
//!
//! Tests that need QEMU or the aarch64 assembler print why they are skipped and pass
//! when either is missing.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

const GUEST_SOURCE: &str = include_str!("virt-guest/guest.S");
const GUEST_LDS: &str = include_str!("virt-guest/guest.ld");
const EREMIT: &str = env!("CARGO_BIN_EXE_eremit");
const AS: &str = "aarch64-linux-gnu-as";
const LD: &str = "aarch64-linux-gnu-ld";
const QEMU: &str = "qemu-system-aarch64";
const MODES: usize = 4;

fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(program).is_file()))
}

fn work_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("eremit-virt-smoke");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn build(dir: &Path, mode: usize) -> Result<PathBuf, String> {
    let obj = dir.join(format!("guest{mode}.o"));
    let elf = dir.join(format!("guest{mode}"));
    let steps: [Vec<String>; 2] = [
        vec![
            AS.into(),
            "--defsym".into(),
            format!("MODE={mode}"),
            "-o".into(),
            obj.display().to_string(),
            dir.join("guest.S").display().to_string(),
        ],
        vec![
            LD.into(),
            "-static".into(),
            "-nostdlib".into(),
            "-T".into(),
            dir.join("guest.ld").display().to_string(),
            "-o".into(),
            elf.display().to_string(),
            obj.display().to_string(),
        ],
    ];
    for step in steps {
        let out = Command::new(&step[0])
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
    Ok(elf)
}

/// The guest in every mode, when QEMU and the assembler are there; `None` (with a
/// printed reason) otherwise.
fn setup() -> Option<&'static [PathBuf; MODES]> {
    static GUESTS: OnceLock<Result<[PathBuf; MODES], String>> = OnceLock::new();
    let built = GUESTS.get_or_init(|| {
        for tool in [AS, LD, QEMU] {
            if !on_path(tool) {
                return Err(format!("`{tool}` not found"));
            }
        }
        let dir = work_dir();
        std::fs::write(dir.join("guest.S"), GUEST_SOURCE).unwrap();
        std::fs::write(dir.join("guest.ld"), GUEST_LDS).unwrap();
        let mut guests: [PathBuf; MODES] = Default::default();
        for (mode, g) in guests.iter_mut().enumerate() {
            *g = build(&dir, mode)?;
        }
        Ok(guests)
    });
    match built {
        Ok(g) => Some(g),
        Err(why) => {
            eprintln!("skipping: cannot run the virt test guest: {why}");
            None
        }
    }
}

fn run(args: &[&str]) -> Output {
    Command::new(EREMIT)
        .args(args)
        .env("XDG_CACHE_HOME", work_dir().join("cache"))
        .env_remove("EREMIT_QEMU")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn channels_split_and_the_exit_code_from_the_record() {
    let Some(g) = setup() else { return };
    let out = run(&["run", "--timeout", "60", path(&g[0])]);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    // Byte for byte: the escaped 0xff is one byte, the record the application wrote on
    // its stdout stays there and does not count.
    assert_eq!(
        out.stdout,
        b"hello from the guest \xff\n@@EREMIT-EXIT 9@@\n".to_vec()
    );
    // The log stays hidden without --verbose.
    assert_eq!(text(&out.stderr), "oops on stderr\n");
}

#[test]
fn verbose_shows_the_log_without_the_record_or_semihosting() {
    let Some(g) = setup() else { return };
    let out = run(&["run", "--verbose", "--timeout", "60", path(&g[0])]);
    assert_eq!(out.status.code(), Some(3));
    let err = text(&out.stderr);
    assert!(err.contains("oops on stderr\n"), "{err}");
    assert!(err.contains("kernel: booting\n"), "{err}");
    assert!(err.contains("kernel: after the record\n"), "{err}");
    assert!(!err.contains("EREMIT-EXIT 3"), "{err}");
    let qemu_line = err
        .lines()
        .find(|l| l.starts_with("eremit: QEMU: "))
        .unwrap_or_else(|| panic!("{err}"));
    assert!(qemu_line.contains(" -M virt,"), "{qemu_line}");
    assert!(!qemu_line.contains("semihosting"), "{qemu_line}");
}

#[test]
fn crash_exit_code() {
    let Some(g) = setup() else { return };
    let out = run(&["run", "--timeout", "60", path(&g[3])]);
    assert_eq!(out.status.code(), Some(139), "{}", text(&out.stderr));
    assert_eq!(text(&out.stderr), "fatal exception: data abort\n");
    assert!(out.stdout.is_empty());
}

#[test]
fn timeout_kills_the_guest() {
    let Some(g) = setup() else { return };
    let start = Instant::now();
    let out = run(&["run", "--timeout", "3", path(&g[1])]);
    assert!(start.elapsed() >= Duration::from_secs(3));
    assert_eq!(out.status.code(), Some(124));
    assert_eq!(text(&out.stdout), "spinning\n");
    assert_eq!(text(&out.stderr), "eremit: timed out after 3 s\n");
}

#[test]
fn guest_off_without_exit_record_is_an_error() {
    let Some(g) = setup() else { return };
    let start = Instant::now();
    let out = run(&["run", "--timeout", "60", path(&g[2])]);
    // PSCI SYSTEM_OFF ended QEMU: no waiting for the timeout.
    assert!(start.elapsed() < Duration::from_secs(30));
    assert_eq!(out.status.code(), Some(125));
    assert_eq!(text(&out.stdout), "hello from the guest\n");
    assert!(
        text(&out.stderr)
            .starts_with("eremit: the guest stopped without reporting an exit status\n"),
        "{}",
        text(&out.stderr)
    );
}
