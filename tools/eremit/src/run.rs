//! `eremit run`: check everything, start QEMU, stream output, wait, and work
//! out the exit status.

use crate::accel::{self, Backend};
use crate::backtrace::Symboliser;
use crate::channels::Channels;
use crate::cli::{Machine, RunOptions};
use crate::cmdline::{self, KernelCmdline};

/// Environment variable with extra kernel options (space-separated) for development.
pub const KERNEL_OPTIONS_ENV: &str = "EREMIT_KERNEL_OPTIONS";
use crate::demux;
use crate::image::{self, Arch, ImageError};
use crate::memory;
use crate::output::{self, ExitRecord, Sink};
use crate::passt::Passt;
use crate::qemu::{self, QemuSpec};
use crate::record::exit_status;
use crate::signals;
use crate::stdin;
use crate::tsc;
use crate::volume;
use std::fs::File;
use std::io::IsTerminal;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicI32, Ordering};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// Exit status when the timeout expires.
pub const EXIT_TIMEOUT: i32 = 124;
/// Exit status for failures of eremit itself.
pub const EXIT_FAILURE: i32 = 125;
/// Exit status for usage errors.
pub const EXIT_USAGE: i32 = 2;

/// How often the runner looks at QEMU while waiting.
const POLL: Duration = Duration::from_millis(5);
/// How long QEMU may linger after the guest reported its exit status.
const EXIT_GRACE: Duration = Duration::from_secs(3);

/// A failure of eremit itself.
#[derive(Debug)]
pub struct Failure {
    pub code: i32,
    /// One line, shown as `eremit: MESSAGE`.
    pub message: String,
    /// Shown after the message (e.g. QEMU's own output), may be empty.
    pub details: Vec<u8>,
}

fn fail<T>(message: impl Into<String>) -> Result<T, Failure> {
    Err(Failure {
        code: EXIT_FAILURE,
        message: message.into(),
        details: Vec::new(),
    })
}

/// An I/O error as text, without the "(os error N)" suffix.
pub fn io_text(e: &std::io::Error) -> String {
    let text = e.to_string();
    match text.rfind(" (os error ") {
        Some(i) if text.ends_with(')') => text[..i].to_string(),
        _ => text,
    }
}

fn verbose_note(opts: &RunOptions, text: &str) {
    if opts.verbose {
        eprintln!("eremit: {text}");
    }
}

/// Finds the QEMU binary (`EREMIT_QEMU`, or `qemu-system-x86_64` or
/// `qemu-system-aarch64` on `PATH` for the image's architecture).
fn find_qemu(arch: Arch) -> Result<String, Failure> {
    let override_value = std::env::var(qemu::QEMU_ENV).ok().filter(|v| !v.is_empty());
    let default = match arch {
        Arch::X86_64 => qemu::DEFAULT_QEMU,
        Arch::Aarch64 => qemu::DEFAULT_QEMU_AARCH64,
    };
    let program = override_value.as_deref().unwrap_or(default);
    match qemu::find_program(program, std::env::var_os("PATH")) {
        Some(path) => Ok(path.to_string_lossy().into_owned()),
        None => fail(qemu::not_found_message(default, override_value.as_deref())),
    }
}

/// The machine for the image's architecture: what `--machine` asked for if the
/// architecture has it, else its default (microvm on x86-64, virt on aarch64).
pub fn machine_for(arch: Arch, asked: Option<Machine>) -> Result<Machine, String> {
    match (arch, asked) {
        (Arch::X86_64, None) => Ok(Machine::Microvm),
        (Arch::X86_64, Some(Machine::Virt)) => {
            Err("--machine virt is for aarch64 images; this one is x86-64".into())
        }
        (Arch::Aarch64, None | Some(Machine::Virt)) => Ok(Machine::Virt),
        (Arch::Aarch64, Some(_)) => Err("an aarch64 image runs on --machine virt only".into()),
        (Arch::X86_64, Some(m)) => Ok(m),
    }
}

/// Checks that the image is bootable and fits in `--memory`; returns its architecture.
fn check_image(opts: &RunOptions) -> Result<Arch, Failure> {
    let path = &opts.image;
    let mut file = match File::open(path) {
        Ok(f) => f,
        Err(e) => return fail(format!("cannot open image {path}: {}", io_text(&e))),
    };
    let checked =
        image::check(&mut file).and_then(|arch| image::load_end(&mut file).map(|end| (arch, end)));
    match checked {
        Ok((arch, load_end)) => {
            let in_ram = load_end.saturating_sub(arch.ram_base());
            memory::check(opts.memory_kib, in_ram, opts.cpus).or_else(fail)?;
            Ok(arch)
        }
        Err(ImageError::Io(e)) => fail(format!("cannot read image {path}: {}", io_text(&e))),
        Err(ImageError::Malformed(why)) => {
            verbose_note(opts, &format!("image check: {path}: {why}"));
            fail(format!(
                "{path} is not a bootable Eremit image (no PVH entry note, or not an \
                 x86-64 or aarch64 ELF); build it with the hermit crate"
            ))
        }
    }
}

/// Runs the image; returns eremit's exit status.
pub fn run(opts: &RunOptions) -> Result<i32, Failure> {
    // The image's architecture picks QEMU and the machine. An unreadable image is
    // taken as x86-64 here, so a missing QEMU is reported first, as always.
    let qemu_path = find_qemu(image::peek_arch(&opts.image))?;
    let arch = check_image(opts)?;
    let machine = machine_for(arch, opts.machine).or_else(fail)?;
    let native = matches!(
        (arch, std::env::consts::ARCH),
        (Arch::X86_64, "x86_64") | (Arch::Aarch64, "aarch64")
    );

    let probe = accel::probe();
    let (backend, why) = match accel::choose(opts.accel, &probe) {
        // KVM runs the host's architecture only.
        Ok((Backend::Kvm, _)) if !native => {
            if opts.accel == crate::cli::Accel::Kvm {
                return fail("--accel kvm: KVM cannot run an image of another architecture");
            }
            (
                Backend::Tcg,
                "the image is for another architecture than the host's".to_string(),
            )
        }
        Ok(choice) => choice,
        Err(e) => return fail(e),
    };
    let backend_name = match backend {
        Backend::Kvm => "kvm",
        Backend::Tcg => "tcg",
    };
    verbose_note(opts, &format!("accelerator: {backend_name} ({why})"));

    let tsc_khz = tsc::host_tsc_khz();
    match tsc_khz {
        Some(khz) => verbose_note(opts, &format!("host TSC: {khz} kHz")),
        None => verbose_note(opts, "host TSC frequency unknown; the guest calibrates"),
    }

    let mut volumes = Vec::with_capacity(opts.volumes.len());
    for value in &opts.volumes {
        volumes.push(volume::parse(value).map_err(|e| Failure {
            code: EXIT_FAILURE,
            message: e.0,
            details: Vec::new(),
        })?);
    }
    volume::validate(&volumes).or_else(fail)?;

    let mut net = crate::netaddr::kernel_options(opts);
    net.extend(volume::kernel_options(&volumes));
    // Kernel options for development, such as `profile=1000` (kernel/src/profile.rs);
    // the kernel logs and ignores ones it does not know.
    if let Ok(extra) = std::env::var(KERNEL_OPTIONS_ENV) {
        net.extend(extra.split_whitespace().map(str::to_string));
    }
    let append = cmdline::build(&KernelCmdline {
        verbose: opts.verbose,
        tsc_khz,
        terminals: [
            std::io::stdin().is_terminal(),
            std::io::stdout().is_terminal(),
            std::io::stderr().is_terminal(),
        ],
        signals: true,
        net: &net,
        env: &opts.env,
        image: opts.argv0.as_deref().unwrap_or(&opts.image),
        args: &opts.args,
    })
    .map_err(|e| Failure {
        code: EXIT_USAGE,
        message: e.to_string(),
        details: Vec::new(),
    })?;

    // Stopped (killed) when this returns, whichever way: with the VM.
    let daemons = volume::Daemons::start(&volumes, opts.verbose).or_else(fail)?;
    // The same for passt with `--net passt`: killed and its socket removed on return.
    let passt = match opts.net {
        crate::cli::Net::Passt => Some(Passt::start(&opts.forwards, opts.verbose).or_else(fail)?),
        _ => None,
    };

    let stdin_source = stdin::source();
    let gic_version =
        qemu::gic_version(std::env::var(qemu::GIC_ENV).ok().as_deref()).or_else(fail)?;
    let args = qemu::build_args(&QemuSpec {
        image: &opts.image,
        append: &append,
        memory_kib: opts.memory_kib,
        cpus: opts.cpus,
        machine,
        gic_version,
        backend,
        tcg_single_thread: opts.tcg_single_thread,
        net: &opts.net,
        mac: opts.mac.as_deref(),
        forwards: &opts.forwards,
        passt_socket: passt.as_ref().map(|p| p.socket.as_path()),
        stdin: stdin_source == stdin::Source::Forward,
        signals: true,
        volumes: &daemons.sockets,
    });
    verbose_note(
        opts,
        &format!("QEMU: {}", qemu::display_command(&qemu_path, &args)),
    );

    let mut channels = match Channels::create() {
        Ok(c) => c,
        Err(e) => return fail(format!("cannot create pipes for QEMU: {}", io_text(&e))),
    };
    let forwarder = match stdin::connect(stdin_source, &mut channels) {
        Ok(socket) => socket,
        Err(e) => return fail(format!("cannot create the stdin socket: {}", io_text(&e))),
    };
    let forward_signals = match signals::install(&mut channels) {
        Ok(f) => f,
        Err(e) => return fail(format!("cannot set up the signal channel: {}", io_text(&e))),
    };
    let ended = Arc::clone(&forward_signals.ended);
    let verbose = opts.verbose;
    forward_signals.spawn(move |text| {
        if verbose {
            eprintln!("eremit: {text}");
        }
    });
    let mut command = Command::new(&qemu_path);
    command
        .args(&args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let (mut child, readers) = match channels.spawn(&mut command) {
        Ok(started) => started,
        Err(e) => {
            return fail(format!(
                "failed to start QEMU ({qemu_path}): {}",
                io_text(&e)
            ));
        }
    };
    // On virt the PL011 carries all three channels as one stream (crate::demux).
    let readers = if machine == Machine::Virt {
        match demux::split(readers) {
            Ok(r) => r,
            Err(e) => {
                let _ = child.kill();
                let _ = child.wait();
                return fail(format!("cannot create pipes for QEMU: {}", io_text(&e)));
            }
        }
    } else {
        readers
    };

    if let Some(socket) = forwarder {
        stdin::spawn_forwarder(socket);
    }
    let record: ExitRecord = Arc::default();
    // Read from the image only when a crash report shows a backtrace.
    let symbols = Arc::new(Symboliser::new(&opts.image));
    let mut streams = vec![
        output::spawn_copy(readers.app_stdout, Sink::Stdout, None),
        output::spawn_copy(readers.app_stderr, Sink::Stderr, Some(Arc::clone(&symbols))),
        output::spawn_log(
            readers.kernel_log,
            opts.verbose,
            Arc::clone(&record),
            Some(symbols),
        ),
    ];
    let qemu_out = child
        .stdout
        .take()
        .map(|r| output::spawn_capture(r, opts.verbose));
    let qemu_err = child
        .stderr
        .take()
        .map(|r| output::spawn_capture(r, opts.verbose));

    let end = wait(&mut child, opts.timeout_secs, &record, &ended);
    let end = match end {
        Ok(end) => end,
        Err(e) => {
            let _ = child.kill();
            let _ = child.wait();
            return fail(format!("waiting for QEMU failed: {}", io_text(&e)));
        }
    };
    // QEMU is gone, so every channel reaches EOF: collect the rest.
    for handle in streams.drain(..) {
        let _ = handle.join();
    }
    let collect =
        |h: Option<JoinHandle<Vec<u8>>>| h.and_then(|h| h.join().ok()).unwrap_or_default();
    let qemu_stdout = collect(qemu_out);
    let qemu_stderr = collect(qemu_err);

    if let Some(&(code, _)) = record.get() {
        return Ok(exit_status(code));
    }
    match end {
        End::Signalled(status) => Ok(status),
        End::TimedOut(secs) => {
            eprintln!("eremit: timed out after {secs} s");
            Ok(EXIT_TIMEOUT)
        }
        End::Exited(status) => {
            let mut details = Vec::new();
            if !opts.verbose {
                details.extend_from_slice(&qemu_stderr);
                details.extend_from_slice(&qemu_stdout);
            }
            verbose_note(opts, &format!("QEMU ended: {status}"));
            Err(Failure {
                code: EXIT_FAILURE,
                message: "the guest stopped without reporting an exit status".to_string(),
                details,
            })
        }
    }
}

/// How waiting for QEMU ended.
enum End {
    Exited(ExitStatus),
    TimedOut(u64),
    /// A second SIGINT/SIGTERM ended the VM: eremit's exit status.
    Signalled(i32),
}

/// Waits for QEMU to exit, killing it when the timeout expires, when a second
/// SIGINT/SIGTERM asks (`ended` non-zero), or when it lingers after the guest reported
/// its exit status.
fn wait(
    child: &mut Child,
    timeout_secs: Option<u64>,
    record: &ExitRecord,
    ended: &AtomicI32,
) -> std::io::Result<End> {
    let deadline = timeout_secs.map(|s| (s, Instant::now() + Duration::from_secs(s)));
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(End::Exited(status));
        }
        let lingering = record
            .get()
            .is_some_and(|&(_, seen)| seen.elapsed() >= EXIT_GRACE);
        let signalled = ended.load(Ordering::SeqCst);
        if signalled != 0 && record.get().is_none() {
            let _ = child.kill();
            child.wait()?;
            return Ok(End::Signalled(signalled));
        }
        let expired = deadline.is_some_and(|(_, at)| Instant::now() >= at);
        if lingering || expired {
            let _ = child.kill();
            let status = child.wait()?;
            return Ok(match deadline {
                Some((secs, _)) if expired && record.get().is_none() => End::TimedOut(secs),
                _ => End::Exited(status),
            });
        }
        thread::sleep(POLL);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn machine_from_the_architecture() {
        assert_eq!(machine_for(Arch::X86_64, None), Ok(Machine::Microvm));
        assert_eq!(
            machine_for(Arch::X86_64, Some(Machine::Q35)),
            Ok(Machine::Q35)
        );
        assert!(machine_for(Arch::X86_64, Some(Machine::Virt)).is_err());
        assert_eq!(machine_for(Arch::Aarch64, None), Ok(Machine::Virt));
        assert_eq!(
            machine_for(Arch::Aarch64, Some(Machine::Virt)),
            Ok(Machine::Virt)
        );
        assert!(machine_for(Arch::Aarch64, Some(Machine::Microvm)).is_err());
        assert!(machine_for(Arch::Aarch64, Some(Machine::Q35)).is_err());
    }
}
