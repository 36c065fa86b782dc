//! Signals sent to `eremit run`: SIGHUP, SIGINT, SIGTERM, SIGUSR1 and SIGUSR2 are
//! forwarded to the guest over a virtio console of their own (one byte per signal, its
//! number), where the kernel or the program's handler acts on them (docs/signals.md).
//!
//! A second SIGINT or SIGTERM after one was forwarded ends the VM at once, as if QEMU
//! had been killed by it (exit status 128+n): a program that does not end when asked
//! can still be stopped from the terminal or by a supervisor. SIGKILL ends eremit, and
//! QEMU with it (`PR_SET_PDEATHSIG`).
//!
//! The handler only writes the number to a pipe (async-signal-safe); a thread reads the
//! pipe and does the rest.

use std::fs::File;
use std::io::{self, Read, Write};
use std::os::fd::{FromRawFd, OwnedFd};
use std::os::unix::net::UnixStream;
use std::sync::Arc;
use std::sync::atomic::{AtomicI32, Ordering};
use std::thread;

use crate::channels::Channels;

/// The signals forwarded to the guest.
pub const FORWARDED: [i32; 5] = [
    libc::SIGHUP,
    libc::SIGINT,
    libc::SIGUSR1,
    libc::SIGUSR2,
    libc::SIGTERM,
];

/// Write end of the pipe the handler writes to (-1 before `install`).
static PIPE: AtomicI32 = AtomicI32::new(-1);

/// What to do with a signal eremit received.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Send it to the guest.
    Forward(u8),
    /// End the VM at once; eremit exits with this status.
    End(i32),
}

/// Decides what each signal does: the first SIGINT or SIGTERM is forwarded, the next one
/// (either) ends the VM; SIGHUP, SIGUSR1 and SIGUSR2 are always forwarded.
#[derive(Debug, Default)]
pub struct Policy {
    asked_to_end: bool,
}

impl Policy {
    pub fn on(&mut self, sig: i32) -> Action {
        if sig == libc::SIGINT || sig == libc::SIGTERM {
            if self.asked_to_end {
                return Action::End(128 + sig);
            }
            self.asked_to_end = true;
        }
        Action::Forward(sig as u8)
    }
}

extern "C" fn on_signal(sig: libc::c_int) {
    let fd = PIPE.load(Ordering::Relaxed);
    let byte = sig as u8;
    // SAFETY: errno is saved and restored around write, the one async-signal-safe call
    // here; `byte` is valid for one byte. A full pipe drops the signal (it would take
    // 64 KiB of unread signals).
    unsafe {
        let errno = *libc::__errno_location();
        libc::write(fd, (&byte as *const u8).cast(), 1);
        *libc::__errno_location() = errno;
    }
}

/// The forwarding, set up before QEMU starts: the guest's end of the channel goes to
/// `channels`, the handlers are installed. `ended` receives the exit status when a
/// second SIGINT/SIGTERM asks to end the VM (0 until then).
pub struct Forwarder {
    signals: File,
    guest: UnixStream,
    pub ended: Arc<AtomicI32>,
}

fn pipe() -> io::Result<(OwnedFd, OwnedFd)> {
    let mut fds = [0 as libc::c_int; 2];
    // SAFETY: `fds` is a valid, writable array of two ints as pipe2 requires.
    if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC | libc::O_NONBLOCK) } != 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: pipe2 succeeded, so both fds are open and owned by nobody else.
    Ok(unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) })
}

/// Whether `sig` is ignored in eremit (inherited from whoever started it).
fn ignored(sig: i32) -> bool {
    // SAFETY: a zeroed sigaction is valid; a null new action only reads the current one.
    unsafe {
        let mut old: libc::sigaction = std::mem::zeroed();
        libc::sigaction(sig, std::ptr::null(), &mut old) == 0 && old.sa_sigaction == libc::SIG_IGN
    }
}

/// Creates the channel, gives QEMU its end and catches the forwarded signals (those not
/// ignored when eremit started).
pub fn install(channels: &mut Channels) -> io::Result<Forwarder> {
    let (ours, theirs) = UnixStream::pair()?;
    channels.set_signals(OwnedFd::from(theirs))?;
    let (read_end, write_end) = pipe()?;
    // The reader blocks; only the handler's end must never block.
    // SAFETY: F_SETFL on a descriptor we own.
    unsafe { libc::fcntl(std::os::fd::AsRawFd::as_raw_fd(&read_end), libc::F_SETFL, 0) };
    // The write end lives as long as the process: handlers may run until exit.
    PIPE.store(
        std::os::fd::IntoRawFd::into_raw_fd(write_end),
        Ordering::Relaxed,
    );
    for sig in FORWARDED {
        if ignored(sig) {
            // Ignored when eremit started (`nohup`, a background job of a script): the
            // guest is left out of it too, as a program that keeps the disposition.
            continue;
        }
        // SAFETY: a zeroed sigaction is valid; the handler is async-signal-safe (above)
        // and SA_RESTART keeps eremit's own blocking calls from failing with EINTR.
        unsafe {
            let mut act: libc::sigaction = std::mem::zeroed();
            act.sa_sigaction = on_signal as *const () as libc::sighandler_t;
            act.sa_flags = libc::SA_RESTART;
            libc::sigemptyset(&mut act.sa_mask);
            if libc::sigaction(sig, &act, std::ptr::null_mut()) != 0 {
                return Err(io::Error::last_os_error());
            }
        }
    }
    Ok(Forwarder {
        signals: File::from(read_end),
        guest: ours,
        ended: Arc::new(AtomicI32::new(0)),
    })
}

impl Forwarder {
    /// Starts the thread that forwards signals to the guest; `note` logs (`--verbose`).
    pub fn spawn(self, note: impl Fn(String) + Send + 'static) {
        thread::spawn(move || {
            let Forwarder {
                mut signals,
                mut guest,
                ended,
            } = self;
            let mut policy = Policy::default();
            let mut byte = [0u8; 1];
            while let Ok(1) = signals.read(&mut byte) {
                let sig = byte[0] as i32;
                match policy.on(sig) {
                    Action::Forward(b) => {
                        note(format!("forwarding signal {sig} to the guest"));
                        // QEMU gone: nothing to forward to, the run is ending anyway.
                        let _ = guest.write_all(&[b]);
                    }
                    Action::End(status) => {
                        note(format!("signal {sig} again: ending the VM"));
                        ended.store(status, Ordering::SeqCst);
                    }
                }
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_int_or_term_ends_the_vm() {
        let mut p = Policy::default();
        assert_eq!(p.on(libc::SIGUSR1), Action::Forward(10));
        assert_eq!(p.on(libc::SIGHUP), Action::Forward(1));
        assert_eq!(p.on(libc::SIGTERM), Action::Forward(15));
        assert_eq!(p.on(libc::SIGUSR2), Action::Forward(12));
        assert_eq!(p.on(libc::SIGINT), Action::End(130));
        assert_eq!(p.on(libc::SIGTERM), Action::End(143));
        let mut p = Policy::default();
        assert_eq!(p.on(libc::SIGINT), Action::Forward(2));
        assert_eq!(p.on(libc::SIGHUP), Action::Forward(1));
        assert_eq!(p.on(libc::SIGINT), Action::End(130));
    }
}
