//! The three output channels from the guest (application stdout, application
//! stderr, kernel log): pipes created here whose write ends QEMU inherits as
//! fds 3, 4 and 5 and opens as `/dev/fd/N`; and, when the application gets
//! eremit's stdin, QEMU's end of the socket that carries it (`crate::stdin`), as fd 6;
//! QEMU's end of the signal channel (`crate::signals`) as fd 7. On aarch64's `virt`
//! QEMU writes all three channels, multiplexed, to fd 3 (`crate::demux` splits them).

use std::fs::File;
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command};

/// Application stdout (COM1) in QEMU; on `virt`, the PL011's multiplexed stream.
pub const APP_STDOUT_FD: RawFd = 3;
/// Application stderr (COM2) in QEMU (unused on `virt`).
pub const APP_STDERR_FD: RawFd = 4;
/// Kernel log and exit record (debug console) in QEMU (unused on `virt`).
pub const KERNEL_LOG_FD: RawFd = 5;
/// The socket carrying the application's stdin, in QEMU.
pub const APP_STDIN_FD: RawFd = 6;
/// The socket carrying signals sent to eremit, in QEMU.
pub const SIGNALS_FD: RawFd = 7;

const CHILD_FDS: [RawFd; 3] = [APP_STDOUT_FD, APP_STDERR_FD, KERNEL_LOG_FD];
/// Write ends are moved to this fd or above before forking, so that no
/// `dup2` in the child can overwrite a write end that is still to be copied.
const HIGH_FD_BASE: RawFd = 10;

/// The read ends of the channels, for the parent.
pub struct Readers {
    pub app_stdout: File,
    pub app_stderr: File,
    pub kernel_log: File,
}

/// Pipes that are ready to be handed to QEMU.
pub struct Channels {
    readers: [OwnedFd; 3],
    /// Write ends at fds >= `HIGH_FD_BASE`: the sources of the child's `dup2`.
    high_writers: [OwnedFd; 3],
    /// The write ends as `pipe2` returned them. They are kept open until QEMU
    /// is started so that the low fd numbers (3, 4, 5 when eremit has nothing
    /// else open) are taken: the pipes `std` creates while spawning then get
    /// other numbers and cannot be overwritten by our `dup2` in the child.
    low_writers: [OwnedFd; 3],
    /// QEMU's end of the stdin socket: at fd >= `HIGH_FD_BASE` (the `dup2` source)
    /// and as given (holding a low number, as `low_writers` do).
    input: Option<(OwnedFd, OwnedFd)>,
    /// QEMU's end of the signal channel, kept as `input` is.
    signals: Option<(OwnedFd, OwnedFd)>,
}

fn cvt(ret: libc::c_int) -> io::Result<libc::c_int> {
    if ret < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(ret)
    }
}

/// A pipe, both ends close-on-exec: (read end, write end).
pub(crate) fn pipe() -> io::Result<(OwnedFd, OwnedFd)> {
    let mut fds = [0 as libc::c_int; 2];
    // SAFETY: `fds` is a valid, writable array of two ints as pipe2 requires.
    cvt(unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) })?;
    // SAFETY: pipe2 succeeded, so both fds are open and owned by nobody else.
    Ok(unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) })
}

fn dup_high(fd: &OwnedFd) -> io::Result<OwnedFd> {
    // SAFETY: F_DUPFD_CLOEXEC on an fd we own only creates a new descriptor.
    let new = cvt(unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_DUPFD_CLOEXEC, HIGH_FD_BASE) })?;
    // SAFETY: fcntl succeeded, so `new` is a fresh open fd that we now own.
    Ok(unsafe { OwnedFd::from_raw_fd(new) })
}

impl Channels {
    /// Creates the three pipes (all close-on-exec).
    pub fn create() -> io::Result<Channels> {
        let (r0, w0) = pipe()?;
        let (r1, w1) = pipe()?;
        let (r2, w2) = pipe()?;
        let high_writers = [dup_high(&w0)?, dup_high(&w1)?, dup_high(&w2)?];
        Ok(Channels {
            readers: [r0, r1, r2],
            high_writers,
            low_writers: [w0, w1, w2],
            input: None,
            signals: None,
        })
    }

    /// Gives QEMU `fd` as `APP_STDIN_FD`.
    pub fn set_input(&mut self, fd: OwnedFd) -> io::Result<()> {
        self.input = Some((dup_high(&fd)?, fd));
        Ok(())
    }

    /// Gives QEMU `fd` as `SIGNALS_FD`.
    pub fn set_signals(&mut self, fd: OwnedFd) -> io::Result<()> {
        self.signals = Some((dup_high(&fd)?, fd));
        Ok(())
    }

    /// Spawns `cmd` with the write ends as fds 3, 4 and 5 (close-on-exec
    /// cleared), then closes the parent's write ends so the readers see EOF
    /// once QEMU is gone. QEMU also gets SIGKILL if eremit dies, and runs in a process
    /// group of its own: a Ctrl-C on eremit's terminal reaches eremit only, which
    /// forwards it to the guest (`crate::signals`) instead of QEMU ending at once.
    pub fn spawn(self, cmd: &mut Command) -> io::Result<(Child, Readers)> {
        let sources: [RawFd; 3] = [
            self.high_writers[0].as_raw_fd(),
            self.high_writers[1].as_raw_fd(),
            self.high_writers[2].as_raw_fd(),
        ];
        let input = self.input.as_ref().map(|(high, _)| high.as_raw_fd());
        let signals = self.signals.as_ref().map(|(high, _)| high.as_raw_fd());
        // SAFETY: getpid has no preconditions.
        let parent = unsafe { libc::getpid() };
        // SAFETY: the closure runs in the child between fork and exec and only
        // makes async-signal-safe system calls (dup2, setpgid, prctl, getppid); it
        // does not allocate or take locks.
        unsafe {
            cmd.pre_exec(move || {
                for (src, dst) in sources.into_iter().zip(CHILD_FDS) {
                    // dup2 gives `dst` a clear close-on-exec flag; `src` is
                    // >= HIGH_FD_BASE, so it never equals `dst`.
                    cvt(libc::dup2(src, dst))?;
                }
                if let Some(src) = input {
                    cvt(libc::dup2(src, APP_STDIN_FD))?;
                }
                if let Some(src) = signals {
                    cvt(libc::dup2(src, SIGNALS_FD))?;
                }
                cvt(libc::setpgid(0, 0))?;
                cvt(libc::prctl(
                    libc::PR_SET_PDEATHSIG,
                    libc::SIGKILL as libc::c_ulong,
                ))?;
                if libc::getppid() != parent {
                    // eremit already died before the death signal was set.
                    return Err(io::Error::other("eremit exited"));
                }
                Ok(())
            });
        }
        let child = cmd.spawn()?;
        drop(self.high_writers);
        drop(self.low_writers);
        drop(self.input);
        drop(self.signals);
        let [out, err, log] = self.readers;
        Ok((
            child,
            Readers {
                app_stdout: File::from(out),
                app_stderr: File::from(err),
                kernel_log: File::from(log),
            },
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;
    use std::process::Stdio;

    fn pipe_of(fd: RawFd) -> String {
        std::fs::read_link(format!("/proc/self/fd/{fd}"))
            .unwrap()
            .to_string_lossy()
            .into_owned()
    }

    #[test]
    fn child_reads_the_input_on_fd_6() {
        use std::io::Write;
        let mut channels = Channels::create().unwrap();
        let (mut ours, theirs) = std::os::unix::net::UnixStream::pair().unwrap();
        channels.set_input(theirs.into()).unwrap();
        let mut cmd = Command::new("/bin/sh");
        cmd.arg("-c").arg("head -c 5 <&6 >&3").stdin(Stdio::null());
        let (mut child, mut readers) = channels.spawn(&mut cmd).unwrap();
        ours.write_all(b"hello").unwrap();
        assert!(child.wait().unwrap().success());
        let mut out = String::new();
        readers.app_stdout.read_to_string(&mut out).unwrap();
        assert_eq!(out, "hello");
    }

    #[test]
    fn child_writes_to_fds_3_4_5() {
        let channels = Channels::create().unwrap();
        let pipes: Vec<String> = channels
            .readers
            .iter()
            .map(|r| pipe_of(r.as_raw_fd()))
            .collect();
        for (w, p) in channels.high_writers.iter().zip(&pipes) {
            assert!(w.as_raw_fd() >= HIGH_FD_BASE);
            assert_eq!(&pipe_of(w.as_raw_fd()), p);
        }
        let mut cmd = Command::new("/bin/sh");
        cmd.arg("-c")
            .arg(concat!(
                "printf out >&3; printf err >&4; printf log >&5; ",
                "for f in /proc/$$/fd/*; do echo \"${f##*/} $(readlink $f)\"; done >&3"
            ))
            .stdin(Stdio::null());
        let (mut child, mut readers) = channels.spawn(&mut cmd).unwrap();
        assert!(child.wait().unwrap().success());
        let mut out = String::new();
        let mut err = String::new();
        let mut log = String::new();
        // read_to_string returning proves EOF: the parent holds no write end.
        readers.app_stdout.read_to_string(&mut out).unwrap();
        readers.app_stderr.read_to_string(&mut err).unwrap();
        readers.kernel_log.read_to_string(&mut log).unwrap();
        let (first, fd_list) = out.split_at(3);
        assert_eq!(first, "out");
        assert_eq!(err, "err");
        assert_eq!(log, "log");
        // In the child, each pipe is reachable exactly through its fd 3/4/5
        // (fd 1 is the shell's own `>&3` while it lists the fds).
        for (pipe, fd) in pipes.iter().zip(CHILD_FDS) {
            let holders: Vec<&str> = fd_list
                .lines()
                .filter(|l| l.ends_with(&format!(" {pipe}")) && !l.starts_with("1 "))
                .collect();
            assert_eq!(holders, vec![format!("{fd} {pipe}")], "{fd_list}");
        }
    }
}
