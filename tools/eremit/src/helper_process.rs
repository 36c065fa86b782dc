//! The command for a helper daemon the runner starts beside QEMU (virtiofsd for volumes,
//! passt for `--net passt`): its output only with `--verbose`, out of reach of a Ctrl-C on
//! eremit's terminal (eremit forwards that to the guest), and killed with eremit.

use std::ffi::OsStr;
use std::process::{Command, Stdio};

/// `program` as a helper daemon; the caller adds its arguments and spawns it.
pub fn helper_command(program: impl AsRef<OsStr>, verbose: bool) -> Command {
    let output = || {
        if verbose {
            Stdio::inherit()
        } else {
            Stdio::null()
        }
    };
    let mut cmd = Command::new(program);
    cmd.stdin(Stdio::null()).stdout(output()).stderr(output());
    // SAFETY: the closure runs in the forked child before exec and only makes
    // async-signal-safe system calls (setpgid, prctl, getppid).
    unsafe {
        use std::os::unix::process::CommandExt;
        let parent = libc::getpid();
        cmd.pre_exec(move || {
            // Its own process group: not the target of a Ctrl-C on eremit's terminal. The
            // death signal ends it with eremit even when eremit is killed (a daemon that
            // changes its user afterwards loses it; the callers' drop covers every other
            // way out of `run`).
            libc::setpgid(0, 0);
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL as libc::c_ulong) != 0
                || libc::getppid() != parent
            {
                return Err(std::io::Error::other("eremit exited"));
            }
            Ok(())
        });
    }
    cmd
}
