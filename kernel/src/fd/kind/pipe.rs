//! Pipes: a read end and a write end over one shared `PipeBuffer` (`fd::pipe_buffer`,
//! where the rules are). Blocked readers and writers sleep on the readiness counter
//! (`net::events`) like sockets and eventfds, so `poll`/`select` on a pipe wait with
//! the rest. Each end notes its close in the shared state when its last descriptor goes
//! (`Drop` of the end), which wakes the other side: a reader then sees end-of-file, a
//! writer `EPIPE` (no SIGPIPE is raised: signals from the kernel do not exist yet).

use alloc::sync::Arc;
use hermit_sync::SpinMutex;

use crate::abi::errno::{EAGAIN, EBADF, EPIPE};
use crate::abi::stat;
use crate::fd::object::{FileObject, IoFlags};
use crate::fd::pipe_buffer::{Outcome, PipeBuffer};
use crate::fs::Errno;
use crate::net::events;

/// Linux's `S_IFIFO`.
const S_IFIFO: u32 = 0o1_0000;

type Shared = Arc<SpinMutex<PipeBuffer>>;

pub struct ReadEnd(Shared);
pub struct WriteEnd(Shared);

/// A new pipe's two ends.
pub fn new() -> (ReadEnd, WriteEnd) {
    let shared: Shared = Arc::new(SpinMutex::new(PipeBuffer::new()));
    (ReadEnd(shared.clone()), WriteEnd(shared))
}

fn fifo_stat() -> Result<stat, Errno> {
    Ok(stat {
        st_mode: S_IFIFO | 0o600,
        st_nlink: 1,
        st_blksize: 4096,
        ..Default::default()
    })
}

impl FileObject for ReadEnd {
    fn read(&self, buf: &mut [u8], flags: IoFlags) -> Result<usize, Errno> {
        loop {
            let seen = events::current();
            let outcome = self.0.lock().read(buf, flags.peek);
            match outcome {
                Outcome::Done(n) => {
                    if n > 0 && !flags.peek {
                        events::signal(); // room for a waiting writer
                    }
                    return Ok(n);
                }
                Outcome::Wait if flags.nonblocking => return Err(EAGAIN),
                Outcome::Wait => {
                    events::wait(seen, None);
                }
                Outcome::Broken => return Err(EPIPE),
            }
        }
    }

    fn write(&self, _data: &[u8], _flags: IoFlags) -> Result<usize, Errno> {
        Err(EBADF)
    }

    fn readiness(&self) -> i16 {
        self.0.lock().read_readiness()
    }

    fn stat(&self) -> Result<stat, Errno> {
        fifo_stat()
    }
}

impl FileObject for WriteEnd {
    fn read(&self, _buf: &mut [u8], _flags: IoFlags) -> Result<usize, Errno> {
        Err(EBADF)
    }

    /// A blocking write returns once all of `data` is in (or the reader left after some
    /// went in); a non-blocking one takes what fits now.
    fn write(&self, data: &[u8], flags: IoFlags) -> Result<usize, Errno> {
        let mut done = 0;
        loop {
            let seen = events::current();
            let outcome = self.0.lock().write(&data[done..], data.len());
            match outcome {
                Outcome::Done(n) => {
                    done += n;
                    if n > 0 {
                        events::signal(); // data for a waiting reader
                    }
                    if done == data.len() || flags.nonblocking {
                        return Ok(done);
                    }
                }
                Outcome::Wait if flags.nonblocking => {
                    return if done > 0 { Ok(done) } else { Err(EAGAIN) };
                }
                Outcome::Wait => {
                    events::wait(seen, None);
                }
                Outcome::Broken if done > 0 => return Ok(done),
                Outcome::Broken => return Err(EPIPE),
            }
        }
    }

    fn readiness(&self) -> i16 {
        self.0.lock().write_readiness()
    }

    fn stat(&self) -> Result<stat, Errno> {
        fifo_stat()
    }
}

impl Drop for ReadEnd {
    fn drop(&mut self) {
        self.0.lock().close_reader();
        events::signal();
    }
}

impl Drop for WriteEnd {
    fn drop(&mut self) {
        self.0.lock().close_writer();
        events::signal();
    }
}
