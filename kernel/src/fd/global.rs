//! The VM's one `Files` (descriptor table) and filesystem, made at boot (`init`). The
//! table sits behind a spinlock that keeps interrupts off while held (calls come from
//! tasks on any CPU, and a task preempted while holding it would stall the others); it
//! is held only to look a descriptor up or change the table, never for I/O.

use alloc::sync::Arc;
use hermit_sync::InterruptSpinMutex;

use super::Files;
use super::files::{Released, new_object, new_open_file};
use super::flags::Access;
use super::kind::console::{Console, Output};
use super::kind::stdin::Stdin;
use super::object::OpenFile;
use crate::abi::errno::ENOMEM;
use crate::fs::{Errno, Fs, FsLock};

static FILES: InterruptSpinMutex<Option<Files>> = InterruptSpinMutex::new(None);

fn clock() -> i128 {
    crate::clock::realtime_ns()
}

/// The filesystem and the console on descriptors 0-2; `terminals` (bit 0 stdin, 1
/// stdout, 2 stderr): which of the runner's streams are terminals (`tty=`).
fn new_files(terminals: u8) -> Result<Files, Errno> {
    let fs = Arc::try_new(FsLock::new(Fs::new(clock)?)).map_err(|_| ENOMEM)?;
    let tty = |n: u8| terminals & (1 << n) != 0;
    let console = |output, n| {
        new_object(Console {
            output,
            terminal: tty(n),
        })
    };
    let streams = [
        new_open_file(new_object(Stdin { terminal: tty(0) })?, Access::Read, 0)?,
        new_open_file(console(Output::Stdout, 1)?, Access::Write, 0)?,
        new_open_file(console(Output::Stderr, 2)?, Access::Write, 0)?,
    ];
    Files::new(fs, crate::entropy::fill, streams)
}

/// Creates the VM's `Files` (the console on descriptors 0-2, `/`, `/tmp`, `/dev`) at boot,
/// so writing to the console never needs memory: a program that ran the heap dry can
/// still print why (its own message, or Rust's "memory allocation of N bytes failed").
/// `terminals`: which console streams are terminals (`new_files`).
pub fn init(terminals: u8) -> Result<(), Errno> {
    let mut guard = FILES.lock();
    if guard.is_none() {
        *guard = Some(new_files(terminals)?);
    }
    Ok(())
}

/// Runs `f` on the VM's `Files` (creating it if `init` has not run, as in early boot,
/// with no stream a terminal).
/// `f` must not drop an open file (its `Drop` may take other locks): `close` and
/// `dup2` below return them to be dropped after the lock is released.
pub fn with<R>(f: impl FnOnce(&mut Files) -> Result<R, Errno>) -> Result<R, Errno> {
    let mut guard = FILES.lock();
    let files = match &mut *guard {
        Some(files) => files,
        empty => empty.insert(new_files(0)?),
    };
    f(files)
}

/// The open file of `fd`.
pub fn get(fd: i32) -> Result<Arc<OpenFile>, Errno> {
    with(|f| f.get(fd))
}

/// The filesystem, for the calls on paths.
pub fn fs() -> Result<crate::fs::SharedFs, Errno> {
    with(|f| Ok(f.fs().clone()))
}

/// `sys_open` on the in-memory filesystem: the path is opened outside the table's lock
/// (the filesystem's may sleep), then the open file installed on the lowest free
/// descriptor. Another thread may take the last free descriptor in between: then the
/// file is made but `EMFILE` returned, which Linux avoids by reserving the descriptor.
pub fn open(path: &[u8], flags: i32, mode: u32) -> Result<i32, Errno> {
    let (fs, random) = with(|f| f.opener())?;
    let (file, cloexec) = super::files::open_file(&fs, random, path, flags, mode)?;
    install(file, cloexec)
}

/// Closes `fd`; the open file is freed (outside the lock) if it was the last.
pub fn close(fd: i32) -> Result<(), Errno> {
    let released = with(|f| f.close(fd))?;
    drop(released);
    Ok(())
}

/// `dup2`; what `new` was is freed outside the lock.
pub fn dup2(old: i32, new: i32) -> Result<i32, Errno> {
    let (fd, released): (i32, Released) = with(|f| f.dup2(old, new))?;
    drop(released);
    Ok(fd)
}

/// Installs a new open file on the lowest free descriptor; on failure it is freed
/// outside the lock.
pub fn install(file: Arc<OpenFile>, cloexec: bool) -> Result<i32, Errno> {
    let r = with(|f| f.install(&file, cloexec));
    drop(file);
    r
}
