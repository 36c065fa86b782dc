//! `process.terminal`: a pseudo-terminal whose master goes to the engine over
//! `--console-socket` (an `SCM_RIGHTS` message, as runc sends it) and whose slave
//! becomes the supervisor's standard input, output and error; the runner then tells
//! the guest they are terminals.

use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::net::UnixStream;
use std::path::Path;

/// Opens a pseudo-terminal: (master, slave).
fn openpty() -> std::io::Result<(OwnedFd, OwnedFd)> {
    let (mut master, mut slave) = (-1, -1);
    // SAFETY: both out-pointers are valid ints; name, termios and winsize may be null.
    let r = unsafe {
        libc::openpty(
            &mut master,
            &mut slave,
            std::ptr::null_mut(),
            std::ptr::null(),
            std::ptr::null(),
        )
    };
    if r != 0 {
        return Err(std::io::Error::last_os_error());
    }
    // SAFETY: openpty succeeded: both descriptors are open and ours alone.
    Ok(unsafe { (OwnedFd::from_raw_fd(master), OwnedFd::from_raw_fd(slave)) })
}

/// Sends `fd` over `stream` with a one-byte payload.
fn send_fd(stream: &UnixStream, fd: &OwnedFd) -> std::io::Result<()> {
    let mut byte = *b"\0";
    let mut iov = libc::iovec {
        iov_base: byte.as_mut_ptr().cast(),
        iov_len: 1,
    };
    // SAFETY: CMSG_SPACE only computes a size.
    let space = unsafe { libc::CMSG_SPACE(std::mem::size_of::<libc::c_int>() as u32) } as usize;
    let mut control = vec![0u8; space];
    // SAFETY: a zeroed msghdr is valid; every pointer set below outlives the sendmsg
    // call, the control buffer is CMSG_SPACE bytes for one descriptor, and CMSG_FIRSTHDR
    // is non-null for a buffer that large.
    unsafe {
        let mut msg: libc::msghdr = std::mem::zeroed();
        msg.msg_iov = &mut iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control.as_mut_ptr().cast();
        msg.msg_controllen = space;
        let cmsg = libc::CMSG_FIRSTHDR(&msg);
        (*cmsg).cmsg_level = libc::SOL_SOCKET;
        (*cmsg).cmsg_type = libc::SCM_RIGHTS;
        (*cmsg).cmsg_len = libc::CMSG_LEN(std::mem::size_of::<libc::c_int>() as u32) as usize;
        std::ptr::write_unaligned(libc::CMSG_DATA(cmsg).cast::<libc::c_int>(), fd.as_raw_fd());
        if libc::sendmsg(stream.as_raw_fd(), &msg, 0) < 0 {
            return Err(std::io::Error::last_os_error());
        }
    }
    Ok(())
}

/// Creates the terminal, sends its master to `socket` and returns the slave.
pub fn create(socket: &Path) -> Result<OwnedFd, String> {
    let stream = UnixStream::connect(socket)
        .map_err(|e| format!("cannot connect to console socket {}: {e}", socket.display()))?;
    let (master, slave) = openpty().map_err(|e| format!("cannot open a terminal: {e}"))?;
    send_fd(&stream, &master)
        .map_err(|e| format!("cannot send the terminal to {}: {e}", socket.display()))?;
    Ok(slave)
}

/// Makes `slave` the calling process's standard input, output and error, and the
/// controlling terminal of its session (call after `setsid`): a Ctrl-C typed into the
/// engine's terminal is then SIGINT to the supervisor, which forwards it to the program
/// (QEMU has a process group of its own and does not get it).
pub fn attach(slave: &OwnedFd) -> Result<(), String> {
    for fd in 0..3 {
        // SAFETY: dup2 of a descriptor we hold onto a standard one.
        if unsafe { libc::dup2(slave.as_raw_fd(), fd) } < 0 {
            return Err(format!("dup2: {}", std::io::Error::last_os_error()));
        }
    }
    // SAFETY: TIOCSCTTY takes an int argument (0: do not steal it from another session)
    // on a terminal descriptor we hold.
    if unsafe { libc::ioctl(slave.as_raw_fd(), libc::TIOCSCTTY, 0) } != 0 {
        return Err(format!(
            "cannot make the terminal the controlling one: {}",
            std::io::Error::last_os_error()
        ));
    }
    Ok(())
}
