//! Record locks (`sys_lock`: `F_GETLK`, `F_SETLK`, `F_SETLKW`) and `sys_flock`
//! (Eremit extensions for the C library). On a volume they are the host's locks (FUSE
//! GETLK/SETLK, served by virtiofsd's `posix_lock` and `flock`), so they exclude
//! programs on the host and other VMs as they would on Linux. The daemon does not wait
//! for a lock itself: `F_SETLKW` and a blocking `flock` retry until it is granted.
//! Other files belong to this VM's one process alone: every lock is granted and
//! `F_GETLK` finds none.

use super::{status, uaccess};
use crate::abi::errno::{EAGAIN, EBADF, EINVAL, EOVERFLOW, Errno};
use crate::abi::{
    F_GETLK, F_RDLCK, F_SETLK, F_SETLKW, F_UNLCK, F_WRLCK, LOCK_EX, LOCK_NB, LOCK_SH, LOCK_UN,
    SEEK_CUR, SEEK_END, SEEK_SET, flock,
};
use crate::fd::global;
use crate::fd::object::OpenFile;
use crate::fs::fuse::proto::FileLock;

use crate::fs::fuse::volume::PROCESS_LOCK_OWNER as PROCESS_OWNER;
/// FUSE's "to the end of the file".
const OFFSET_MAX: u64 = i64::MAX as u64;

/// The byte range of `fl` as FUSE wants it: first and last byte.
fn range(file: &OpenFile, fl: &flock) -> Result<(u64, u64), Errno> {
    let base = match fl.l_whence as i32 {
        SEEK_SET => 0,
        SEEK_CUR => file.object().seek(0, SEEK_CUR)?,
        SEEK_END => file.object().stat()?.st_size,
        _ => return Err(EINVAL),
    };
    let start = base.checked_add(fl.l_start).ok_or(EOVERFLOW)?;
    let (start, end) = match fl.l_len {
        0 => (start, OFFSET_MAX as i64),
        len if len > 0 => (start, start.checked_add(len - 1).ok_or(EOVERFLOW)?),
        len => (start.checked_add(len).ok_or(EOVERFLOW)?, start - 1),
    };
    if start < 0 {
        return Err(EINVAL);
    }
    Ok((start as u64, end as u64))
}

/// Sets a lock on the host, retrying while it is held elsewhere if `wait`.
fn set_on_host(
    file: &OpenFile,
    lk: &FileLock,
    owner: u64,
    flock: bool,
    wait: bool,
) -> Result<(), Errno> {
    let Some((node, fh)) = file.object().volume_node() else {
        return Ok(());
    };
    loop {
        match node.volume().setlk(node.id, fh, owner, lk, flock) {
            Err(EAGAIN) if wait => crate::fs::fuse::relax(),
            r => return r,
        }
    }
}

/// `fcntl(fd, cmd, fl)` for the lock commands.
///
/// # Safety
/// `fl` must point at a `flock`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sys_lock(fd: i32, cmd: i32, fl: *mut flock) -> i32 {
    let r = global::get(fd).and_then(|file| {
        let mut l: flock = uaccess::read(fl)?;
        let kind = match l.l_type {
            F_RDLCK | F_WRLCK | F_UNLCK => l.l_type as u32,
            _ => return Err(EINVAL),
        };
        let (start, end) = range(&file, &l)?;
        let lk = FileLock {
            start,
            end,
            kind,
            pid: 0,
        };
        match cmd {
            F_GETLK => {
                let found = match file.object().volume_node() {
                    Some((node, fh)) => node.volume().getlk(node.id, fh, PROCESS_OWNER, &lk)?,
                    None => FileLock {
                        kind: F_UNLCK as u32,
                        ..lk
                    },
                };
                if found.kind == F_UNLCK as u32 {
                    l.l_type = F_UNLCK;
                } else {
                    l.l_type = found.kind as i16;
                    l.l_whence = SEEK_SET as i16;
                    l.l_start = found.start as i64;
                    l.l_len = if found.end >= OFFSET_MAX {
                        0
                    } else {
                        (found.end - found.start + 1) as i64
                    };
                    l.l_pid = found.pid as i32;
                }
                uaccess::write(fl, l)
            }
            F_SETLK | F_SETLKW => {
                if kind == F_RDLCK as u32 && !file.access().can_read()
                    || kind == F_WRLCK as u32 && !file.access().can_write()
                {
                    return Err(EBADF);
                }
                set_on_host(&file, &lk, PROCESS_OWNER, false, cmd == F_SETLKW)
            }
            _ => Err(EINVAL),
        }
    });
    status(r)
}

/// `flock(fd, op)`: `LOCK_SH`, `LOCK_EX` or `LOCK_UN`, with `LOCK_NB` not to wait
/// (`-EWOULDBLOCK`). The lock belongs to the open file (shared by `dup`).
#[unsafe(no_mangle)]
pub extern "C" fn sys_flock(fd: i32, op: i32) -> i32 {
    let r = global::get(fd).and_then(|file| {
        let kind = match op & !LOCK_NB {
            LOCK_SH => F_RDLCK,
            LOCK_EX => F_WRLCK,
            LOCK_UN => F_UNLCK,
            _ => return Err(EINVAL),
        };
        let lk = FileLock {
            start: 0,
            end: OFFSET_MAX,
            kind: kind as u32,
            pid: 0,
        };
        // The open file description owns the lock.
        let owner = alloc::sync::Arc::as_ptr(&file) as u64;
        set_on_host(&file, &lk, owner, true, op & LOCK_NB == 0)
    });
    status(r)
}
