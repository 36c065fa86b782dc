//! End-to-end tests of the runner on aarch64's `virt`: boot a tiny hand-written guest
//! (tests/virt-guest/) under qemu-system-aarch64 through the real `eremit` binary. The
//! guest writes the PL011's multiplexed stream directly, so these check the runner's
//! side alone: the channels split, the exit code from the record, PSCI SYSTEM_OFF, the
//! timeout, and a guest that stops without a record.
//!
//! Tests that need QEMU or the aarch64 assembler print why they are skipped and pass
//! when either is missing.

mod common;
use common::{build_guests, interleaved_in, on_path, path, text};
use std::path::PathBuf;
use std::process::Output;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

const GUEST_SOURCE: &str = include_str!("virt-guest/guest.S");
const GUEST_LDS: &str = include_str!("virt-guest/guest.ld");
const AS: &str = "aarch64-linux-gnu-as";
const LD: &str = "aarch64-linux-gnu-ld";
const QEMU: &str = "qemu-system-aarch64";
const MODES: usize = 4;

fn work_dir() -> PathBuf {
    common::work_dir("eremit-virt-smoke")
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
        build_guests(&work_dir(), GUEST_SOURCE, GUEST_LDS, &[AS], &[LD])
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
    let mut cmd = common::eremit(&work_dir(), args);
    cmd.env_remove("EREMIT_QEMU");
    cmd.output().unwrap()
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
    // Each stream in order; a log line may land inside the application's line.
    for stream in [
        "oops on stderr\n",
        "kernel: booting\nkernel: after the record\n",
    ] {
        assert!(interleaved_in(&err, stream), "{stream:?} in {err}");
    }
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
