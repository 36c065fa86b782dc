//! `sys_pipe2`: a new pipe (`fd::kind::pipe`), its read end in `fds[0]`, its write end
//! in `fds[1]`, as `pipe2(2)`.

use super::{fail, uaccess};
use crate::abi::errno::{EINVAL, Errno};
use crate::abi::{O_CLOEXEC, O_NONBLOCK};
use crate::fd::files::{new_object, new_open_file};
use crate::fd::flags::Access;
use crate::fd::global;
use crate::fd::kind::pipe;

/// Both descriptors, or an error with none left open.
fn make(flags: i32) -> Result<[i32; 2], Errno> {
    let status = flags & O_NONBLOCK;
    let cloexec = flags & O_CLOEXEC != 0;
    let (r, w) = pipe::new();
    let read = new_open_file(new_object(r)?, Access::Read, status)?;
    let write = new_open_file(new_object(w)?, Access::Write, status)?;
    let rfd = global::install(read, cloexec)?;
    match global::install(write, cloexec) {
        Ok(wfd) => Ok([rfd, wfd]),
        Err(e) => {
            let _ = global::close(rfd);
            Err(e)
        }
    }
}

/// `pipe2(fds, flags)`: `flags` is 0 or `O_NONBLOCK` and/or `O_CLOEXEC`. 0 or -errno.
#[unsafe(no_mangle)]
pub extern "C" fn sys_pipe2(fds: *mut i32, flags: i32) -> i32 {
    let fds = fds as *mut [i32; 2];
    if flags & !(O_NONBLOCK | O_CLOEXEC) != 0 {
        return fail(EINVAL);
    }
    // Checked before the descriptors exist, so a bad pointer leaks none.
    if let Err(e) = uaccess::check_write(fds as *mut u8, core::mem::size_of::<[i32; 2]>()) {
        return fail(e);
    }
    match make(flags) {
        Ok(pair) => match uaccess::write(fds, pair) {
            Ok(()) => 0,
            Err(e) => {
                let _ = global::close(pair[0]);
                let _ = global::close(pair[1]);
                fail(e)
            }
        },
        Err(e) => fail(e),
    }
}
