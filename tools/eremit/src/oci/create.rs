//! `create`: check the bundle, then fork the supervisor, which joins the container's
//! network namespace, connects the network, reports back and waits for `start`. Every
//! check that can fail runs before the state directory exists, and a supervisor that
//! fails to set up is reaped and its directory removed: a failed create leaves nothing.

use super::cli::Global;
use super::config::{self, Config};
use super::state::{self, State};
use super::supervisor::{self, Plan};
use super::{console, resources};
use crate::{image, memory, qemu};
use std::ffi::CString;
use std::io::{Read, Write};
use std::os::fd::{FromRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

/// The checks and choices made before anything is created.
fn plan(bundle: &Path, console_socket: Option<&Path>) -> Result<Plan, String> {
    let path = bundle.join("config.json");
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let config: Config = config::parse(&text, bundle)?;
    if config.terminal && console_socket.is_none() {
        return Err("process.terminal is true but no --console-socket was given".into());
    }
    let (cpus_wanted, memory_wanted) = resources::annotations(
        config.cpus_annotation.as_deref(),
        config.memory_annotation.as_deref(),
    )?;
    let cpus = resources::vcpus(
        config.cpu_quota,
        config.cpu_period,
        cpus_wanted,
        config.cpu_shares,
    );
    let memory_kib = resources::guest_memory_kib(config.memory_limit, memory_wanted)?;
    check_image(&config.image, memory_kib, cpus)?;
    let qemu_override = std::env::var(qemu::QEMU_ENV).ok().filter(|v| !v.is_empty());
    let program = qemu_override.as_deref().unwrap_or(qemu::DEFAULT_QEMU);
    if qemu::find_program(program, std::env::var_os("PATH")).is_none() {
        return Err(qemu::not_found_message(
            qemu::DEFAULT_QEMU,
            qemu_override.as_deref(),
        ));
    }
    Ok(Plan {
        config,
        cpus,
        memory_kib,
    })
}

fn check_image(path: &Path, memory_kib: u64, cpus: u32) -> Result<(), String> {
    let shown = path.display();
    let meta = std::fs::symlink_metadata(path)
        .map_err(|e| format!("process.args[0]: cannot open the image {shown}: {e}"))?;
    if !meta.is_file() {
        return Err(format!("process.args[0]: {shown} is not a regular file"));
    }
    let mut file = std::fs::File::open(path)
        .map_err(|e| format!("process.args[0]: cannot open the image {shown}: {e}"))?;
    match image::check_pvh(&mut file).and_then(|()| image::load_end(&mut file)) {
        Ok(end) => memory::check(memory_kib, end, cpus),
        Err(image::ImageError::Io(e)) => Err(format!("cannot read the image {shown}: {e}")),
        Err(image::ImageError::Malformed(_)) => Err(format!(
            "process.args[0]: {shown} is not a bootable Eremit image (no PVH entry note)"
        )),
    }
}

fn pipe() -> Result<(OwnedFd, OwnedFd), String> {
    let mut fds = [0; 2];
    // SAFETY: `fds` is a valid array of two ints.
    if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } != 0 {
        return Err(format!("pipe: {}", std::io::Error::last_os_error()));
    }
    // SAFETY: pipe2 succeeded: both are open and ours alone.
    Ok(unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) })
}

fn mkfifo(path: &Path) -> Result<(), String> {
    let c = CString::new(path.as_os_str().as_bytes()).map_err(|_| "path holds a NUL")?;
    // SAFETY: `c` is a valid NUL-terminated path.
    if unsafe { libc::mkfifo(c.as_ptr(), 0o600) } != 0 {
        return Err(format!(
            "cannot create {}: {}",
            path.display(),
            std::io::Error::last_os_error()
        ));
    }
    Ok(())
}

pub fn create(
    global: &Global,
    id: &str,
    bundle: &Path,
    pid_file: Option<&Path>,
    console_socket: Option<&Path>,
) -> Result<(), String> {
    let bundle =
        std::fs::canonicalize(bundle).map_err(|e| format!("bundle {}: {e}", bundle.display()))?;
    let plan = plan(&bundle, console_socket)?;
    std::fs::create_dir_all(&global.root)
        .map_err(|e| format!("cannot create {}: {e}", global.root.display()))?;
    let dir = state::dir(&global.root, id);
    if let Err(e) = std::fs::create_dir(&dir) {
        return Err(if e.kind() == std::io::ErrorKind::AlreadyExists {
            format!("container {id} already exists")
        } else {
            format!("cannot create {}: {e}", dir.display())
        });
    }
    let result = spawn(global, id, &bundle, pid_file, console_socket, plan);
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&dir);
    }
    result
}

/// Forks the supervisor and waits for its report; saves the state when it is ready.
fn spawn(
    global: &Global,
    id: &str,
    bundle: &Path,
    pid_file: Option<&Path>,
    console_socket: Option<&Path>,
    plan: Plan,
) -> Result<(), String> {
    let fifo = state::fifo(&global.root, id);
    mkfifo(&fifo)?;
    let terminal = match console_socket.filter(|_| plan.config.terminal) {
        Some(socket) => Some(console::create(socket)?),
        None => None,
    };
    let netns = plan.config.netns.as_ref().map(|p| p.display().to_string());
    let (report_read, report_write) = pipe()?;
    // SAFETY: this process has no other thread (nothing has spawned one), so the child
    // may run any code; it never returns from `supervisor::run`.
    let pid = unsafe { libc::fork() };
    if pid < 0 {
        return Err(format!("fork: {}", std::io::Error::last_os_error()));
    }
    if pid == 0 {
        drop(report_read);
        supervisor::run(plan, terminal, report_write, &fifo);
    }
    drop(report_write);
    drop(terminal);
    let mut report = String::new();
    let _ = std::fs::File::from(report_read).read_to_string(&mut report);
    let Some(tap) = report.strip_prefix("ok ") else {
        let mut status = 0;
        // SAFETY: waits for our own child (it has closed the pipe: it is ending).
        unsafe { libc::waitpid(pid, &mut status, 0) };
        let why = report
            .strip_prefix("error ")
            .unwrap_or("the supervisor ended at once");
        return Err(why.trim_end().to_string());
    };
    let state = State {
        id: id.to_string(),
        pid,
        pid_start: state::start_time(pid).unwrap_or(0),
        bundle: bundle.display().to_string(),
        created: state::now_rfc3339(),
        netns,
        tap: Some(tap.trim_end().to_string()).filter(|t| !t.is_empty()),
    };
    let saved = state
        .save(&global.root)
        .map_err(|e| format!("cannot save state: {e}"));
    let written = match pid_file {
        Some(p) => std::fs::File::create(p)
            .and_then(|mut f| write!(f, "{pid}"))
            .map_err(|e| format!("cannot write pid file {}: {e}", p.display())),
        None => Ok(()),
    };
    if let Err(e) = saved.and(written) {
        // SAFETY: kill and reap our own child.
        unsafe {
            libc::kill(pid, libc::SIGKILL);
            libc::waitpid(pid, std::ptr::null_mut(), 0);
        }
        return Err(e);
    }
    Ok(())
}
