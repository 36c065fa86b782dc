//! End-to-end tests: boot a tiny hand-written PVH guest (tests/pvh-guest/)
//! under QEMU through the real `eremit` binary.
//!
//! The guest is assembled with the host's `as` and `ld`. Tests that need
//! QEMU or the assembler print why they are skipped and pass when either is
//! missing.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

const GUEST_SOURCE: &str = include_str!("pvh-guest/guest.S");
const GUEST_LDS: &str = include_str!("pvh-guest/guest.ld");
mod common;
use common::{build_guests, interleaved_in, on_path, path, text};

fn work_dir() -> PathBuf {
    common::work_dir("eremit-smoke")
}

/// Builds the guest in all modes once; `None` (with a printed reason) when
/// the tools are missing.
fn guests() -> Option<&'static [PathBuf; 5]> {
    static GUESTS: OnceLock<Result<[PathBuf; 5], String>> = OnceLock::new();
    let built = GUESTS.get_or_init(|| {
        for tool in ["as", "ld"] {
            if !on_path(tool) {
                return Err(format!("`{tool}` not found (install binutils)"));
            }
        }
        build_guests(
            &work_dir(),
            GUEST_SOURCE,
            GUEST_LDS,
            &["as", "--64"],
            &["ld", "-m", "elf_x86_64"],
        )
    });
    match built {
        Ok(g) => Some(g),
        Err(why) => {
            eprintln!("skipping: cannot build the test guest: {why}");
            None
        }
    }
}

fn have_qemu() -> bool {
    if std::env::var_os("EREMIT_QEMU").is_some() || on_path("qemu-system-x86_64") {
        return true;
    }
    eprintln!("skipping: qemu-system-x86_64 not found");
    false
}

/// Guest images when both QEMU and the assembler are there.
fn setup() -> Option<&'static [PathBuf; 5]> {
    if !have_qemu() {
        return None;
    }
    guests()
}

fn eremit(args: &[&str]) -> Command {
    common::eremit(&work_dir(), args)
}

fn run(args: &[&str]) -> Output {
    eremit(args).output().unwrap()
}

#[test]
fn prints_guest_output_and_exits_with_its_code() {
    let Some(g) = setup() else { return };
    let out = run(&["run", "--timeout", "60", path(&g[0])]);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "hello from the guest\n");
    // Kernel log stays hidden without --verbose.
    assert_eq!(text(&out.stderr), "oops on stderr\n");
}

#[test]
fn verbose_shows_kernel_log_without_the_record() {
    let Some(g) = setup() else { return };
    let out = run(&["run", "--verbose", "--timeout=60", path(&g[0])]);
    assert_eq!(out.status.code(), Some(3));
    assert_eq!(text(&out.stdout), "hello from the guest\n");
    let err = text(&out.stderr);
    // The log in order; the application's stderr may land inside its lines.
    let log = "kernel: booting\nkernel: after the record\n";
    assert!(interleaved_in(&err, log), "{log:?} in {err}");
    assert!(!err.contains("EREMIT-EXIT"), "{err}");
    assert!(err.contains("eremit: accelerator: "), "{err}");
    assert!(
        err.contains("-chardev file,id=elog,path=/dev/fd/5"),
        "{err}"
    );
}

#[test]
fn guest_sees_the_kernel_command_line() {
    let Some(g) = setup() else { return };
    let image = path(&g[2]);
    let out = run(&[
        "run",
        "--env",
        "A=1",
        "--env=GREETING=hello world",
        "--timeout",
        "60",
        image,
        "x",
        "a b",
        "",
        "say \"hi\"",
        r"back\slash",
        "--verbose",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let line = text(&out.stdout);
    let (tsc, rest) = line
        .strip_prefix("tsc_khz=")
        .and_then(|l| l.split_once(' '))
        .unwrap_or_else(|| panic!("unexpected command line {line:?}"));
    assert!(tsc.parse::<u64>().is_ok_and(|k| k > 0), "{line}");
    assert_eq!(
        rest,
        format!(
            "signals env=A=1 \"env=GREETING=hello world\" -- {image} x \"a b\" \"\" \
             \"say \\\"hi\\\"\" \"back\\\\slash\" --verbose\n"
        )
    );
    // The TSC frequency is cached for this boot. Tests run in parallel, and each run that
    // finds no cache measures and stores its own value, so the cached one may come from
    // another run: it must agree within 1%.
    let cache = std::fs::read_to_string(work_dir().join("cache/eremit/tsc_khz")).unwrap();
    let cached: u64 = cache
        .lines()
        .nth(1)
        .and_then(|l| l.parse().ok())
        .unwrap_or(0);
    let seen: u64 = tsc.parse().unwrap();
    assert!(cached.abs_diff(seen) * 100 <= seen, "{cache:?} vs {seen}");
}

#[test]
fn output_streams_and_timeout_kills_the_guest() {
    let Some(g) = setup() else { return };
    let start = Instant::now();
    let mut child = eremit(&["run", "--timeout", "3", path(&g[1])])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert_eq!(line, "spinning\n");
    // The line arrived while the guest still runs: output is not held back.
    assert!(start.elapsed() < Duration::from_secs(3));
    assert!(child.try_wait().unwrap().is_none());
    let out = child.wait_with_output().unwrap();
    assert!(start.elapsed() >= Duration::from_secs(3));
    assert_eq!(out.status.code(), Some(124));
    assert_eq!(text(&out.stderr), "eremit: timed out after 3 s\n");
}

#[test]
fn guest_without_exit_record_is_an_error() {
    let Some(g) = setup() else { return };
    let out = run(&["run", "--timeout", "60", path(&g[3])]);
    assert_eq!(out.status.code(), Some(125));
    assert_eq!(text(&out.stdout), "hello from the guest\n");
    assert!(
        text(&out.stderr)
            .starts_with("eremit: the guest stopped without reporting an exit status\n"),
        "{}",
        text(&out.stderr)
    );
}

/// The backtrace the test guest prints, as `eremit` shows it.
fn symbolised_backtrace(err: &str) -> [&str; 3] {
    let start = err.find("  backtrace (").unwrap_or_else(|| panic!("{err}"));
    let mut frames = err[start..].lines().skip(1);
    [(); 3].map(|_| frames.next().unwrap_or_else(|| panic!("{err}")))
}

#[test]
fn backtraces_are_symbolised() {
    let Some(g) = setup() else { return };
    let out = run(&["run", "--timeout", "60", path(&g[4])]);
    assert_eq!(out.status.code(), Some(139), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    let [f0, f1, f2] = symbolised_backtrace(&err);
    assert!(
        f0.starts_with("    #0  0x0000000000") && f0.ends_with("  puts+0x2"),
        "{err}"
    );
    // A return address is named after the function holding the call.
    assert!(f1.starts_with("    #1  0x0000000000"), "{err}");
    assert!(
        f1.contains("  backtrace+0x") && f1.ends_with("  (stack scan)"),
        "{err}"
    );
    assert_eq!(f2, "    #2  0x00000000deadbeef");
    assert!(err.ends_with("\nafter\n"), "{err}");

    // The kernel log under --verbose is symbolised as well.
    let out = run(&["run", "--verbose", "--timeout", "60", path(&g[4])]);
    let err = text(&out.stderr);
    assert_eq!(err.matches("  puts+0x2\n").count(), 2, "{err}");
}

#[test]
fn other_machine_and_smp() {
    let Some(g) = setup() else { return };
    let out = run(&[
        "run",
        "--machine",
        "q35",
        "--cpus",
        "2",
        "--memory",
        "256M",
        "--net",
        "user",
        "--forward",
        "tcp:0:1",
        path(&g[0]),
    ]);
    // Port 0 is rejected before anything starts.
    assert_eq!(out.status.code(), Some(2));
    let out = run(&[
        "run",
        "--machine",
        "q35",
        "--cpus",
        "2",
        "--memory",
        "256M",
        "--timeout",
        "60",
        path(&g[0]),
    ]);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "hello from the guest\n");
}

#[test]
fn memory_too_small_or_too_large_for_the_image() {
    let Some(g) = guests() else { return };
    // Refused before QEMU starts: a QEMU that would run shows it never did.
    let fake = work_dir().join("fake-qemu-never-run");
    std::fs::write(&fake, "#!/bin/sh\necho 'QEMU ran' >&2\nexit 1\n").unwrap();
    std::fs::set_permissions(&fake, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    for (memory, want) in [
        (
            "2M",
            "eremit: --memory 2M is too small: this image needs at least 3M\n",
        ),
        (
            "0",
            "eremit: --memory 0M is too small: this image needs at least 3M\n",
        ),
        (
            "2T",
            "eremit: --memory 2097152M is too large (at most 1048576M)\n",
        ),
    ] {
        let out = eremit(&["run", "--memory", memory, path(&g[0])])
            .env("EREMIT_QEMU", &fake)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(125), "{memory}");
        assert_eq!(text(&out.stderr), want, "{memory}");
    }
}

#[test]
fn qemu_failure_output_is_shown() {
    let Some(g) = guests() else { return };
    let fake = work_dir().join("fake-qemu");
    std::fs::write(
        &fake,
        "#!/bin/sh\necho 'qemu-system-x86_64: something went wrong' >&2\nexit 1\n",
    )
    .unwrap();
    std::fs::set_permissions(&fake, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let out = eremit(&["run", path(&g[0])])
        .env("EREMIT_QEMU", &fake)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(125));
    assert_eq!(
        text(&out.stderr),
        "eremit: the guest stopped without reporting an exit status\n\
         qemu-system-x86_64: something went wrong\n"
    );
}

#[test]
fn missing_qemu() {
    let out = eremit(&["run", "whatever"])
        .env("EREMIT_QEMU", "/nonexistent/qemu")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(125));
    let err = text(&out.stderr);
    assert!(
        err.starts_with(
            "eremit: qemu-system-x86_64 not found; install it with: apt-get install qemu-system-x86"
        ),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1);
}

#[test]
fn bad_images() {
    if !have_qemu() {
        return;
    }
    let not_elf = work_dir().join("not-an-image");
    std::fs::write(&not_elf, "#!/bin/sh\n").unwrap();
    let out = run(&["run", path(&not_elf)]);
    assert_eq!(out.status.code(), Some(125));
    assert_eq!(
        text(&out.stderr),
        format!(
            "eremit: {} is not a bootable Eremit image (no PVH entry note, or not an \
             x86-64 or aarch64 ELF); build it with the hermit crate\n",
            path(&not_elf)
        )
    );
    // A regular host executable is ELF x86-64 but has no PVH note.
    let out = run(&["run", "/bin/sh"]);
    assert_eq!(out.status.code(), Some(125));
    assert!(text(&out.stderr).contains("no PVH entry note"));
    let out = run(&["run", "/nonexistent/image"]);
    assert_eq!(out.status.code(), Some(125));
    assert!(text(&out.stderr).starts_with("eremit: "));
}

#[test]
fn usage_help_and_version() {
    let out = run(&["--help"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stdout).starts_with("Usage: eremit run"));
    let out = run(&["help"]);
    assert_eq!(out.status.code(), Some(0));
    let out = run(&["--version"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stdout).starts_with("eremit "));
    for bad in [
        &["run"][..],
        &["run", "--bogus", "x"],
        &["run", "--memory", "lots", "x"],
        &["run", "--forward", "tcp:80:80", "x"],
        &[],
    ] {
        let out = run(bad);
        assert_eq!(out.status.code(), Some(2), "{bad:?}");
        let err = text(&out.stderr);
        assert!(
            err.starts_with("eremit: ") && err.lines().count() == 1,
            "{err}"
        );
    }
}
