//! `start`, `state`, `kill`, `delete`: what the engine does to a created container.

use super::cli::Global;
use super::network;
use super::state::{self, State};
use std::os::fd::AsRawFd;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;
use std::time::{Duration, Instant};

/// How long `start` waits for the supervisor to take the start.
const START_TIMEOUT: Duration = Duration::from_secs(10);
/// How long `delete --force` waits for a killed supervisor to end.
const KILL_WAIT: Duration = Duration::from_secs(5);

pub fn start(global: &Global, id: &str) -> Result<(), String> {
    let s = State::load(&global.root, id)?;
    match state::status(&global.root, &s) {
        "created" => {}
        other => return Err(format!("container {id} is {other}, not created")),
    }
    let fifo = state::fifo(&global.root, id);
    // Non-blocking: a supervisor that died meanwhile must not hang `start`.
    let f = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(&fifo)
        .map_err(|e| format!("cannot open {}: {e}", fifo.display()))?;
    let deadline = Instant::now() + START_TIMEOUT;
    loop {
        let mut byte = [0u8; 1];
        // SAFETY: reads at most one byte into `byte`, from a descriptor we hold.
        let n = unsafe { libc::read(f.as_raw_fd(), byte.as_mut_ptr().cast(), 1) };
        if n == 1 {
            break;
        }
        if !state::alive(&s) {
            return Err(format!("container {id} ended before it started"));
        }
        if Instant::now() >= deadline {
            return Err(format!("container {id} did not start"));
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    let _ = std::fs::remove_file(&fifo);
    Ok(())
}

pub fn state(global: &Global, id: &str) -> Result<(), String> {
    let s = State::load(&global.root, id)?;
    let report = state::report(&global.root, &s);
    println!(
        "{}",
        serde_json::to_string_pretty(&report).unwrap_or_default()
    );
    Ok(())
}

pub fn kill(global: &Global, id: &str, signal: i32) -> Result<(), String> {
    let s = State::load(&global.root, id)?;
    if !state::alive(&s) {
        return Err(format!("container {id} is not running"));
    }
    // SAFETY: kill has no memory effects; the pid is the supervisor's (checked by its
    // start time just above).
    if unsafe { libc::kill(s.pid, signal) } != 0 {
        return Err(format!("kill: {}", std::io::Error::last_os_error()));
    }
    Ok(())
}

pub fn delete(global: &Global, id: &str, force: bool) -> Result<(), String> {
    let dir = state::dir(&global.root, id);
    let s = match State::load(&global.root, id) {
        Ok(s) => s,
        Err(e) if force && dir.exists() => {
            // Damaged state: nothing is known to clean beyond the directory.
            let _ = std::fs::remove_dir_all(&dir);
            return Err(e);
        }
        Err(e) => return Err(e),
    };
    match state::status(&global.root, &s) {
        "running" if !force => {
            return Err(format!(
                "container {id} is running: stop it first or use --force"
            ));
        }
        "stopped" => {}
        _ => {
            // SAFETY: as in `kill`.
            unsafe { libc::kill(s.pid, libc::SIGKILL) };
            let deadline = Instant::now() + KILL_WAIT;
            while state::alive(&s) && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(10));
            }
        }
    }
    // A supervisor killed outright leaves its tap; the namespace may outlive it.
    if let (Some(netns), Some(_)) = (&s.netns, &s.tap)
        && Path::new(netns).exists()
        && network::enter(Path::new(netns)).is_ok()
    {
        network::remove_tap();
    }
    // Its volumes' sockets, left by a supervisor killed outright (the daemons died with it).
    // Not if the pid is already another process's (a runner's own directory).
    if state::start_time(s.pid).is_none() {
        let _ = std::fs::remove_dir_all(crate::volume::socket_dir(s.pid as u32));
    }
    std::fs::remove_dir_all(&dir).map_err(|e| format!("cannot remove {}: {e}", dir.display()))
}
