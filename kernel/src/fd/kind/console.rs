//! The console streams: standard output and standard error, written to the runner
//! (`crate::console`), and the `stat` every console stream shows (standard input is
//! `stdin`).

use crate::abi::errno::EBADF;
use crate::abi::net::POLLOUT;
use crate::abi::{S_IFCHR, stat};
use crate::fd::object::{FileObject, IoFlags};
use crate::fs::Errno;

/// `stat` of a console stream: a character device, as a terminal or pipe is; `rdev`
/// tells the streams apart.
pub fn stream_stat(rdev: u64) -> stat {
    stat {
        st_mode: S_IFCHR | 0o620,
        st_nlink: 1,
        st_blksize: 1024,
        st_rdev: rdev,
        ..Default::default()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Output {
    Stdout,
    Stderr,
}

pub struct Console {
    pub output: Output,
    /// Whether the runner's own stream is a terminal (`tty=`), so `isatty` answers as
    /// natively.
    pub terminal: bool,
}

impl FileObject for Console {
    fn is_terminal(&self) -> bool {
        self.terminal
    }

    /// Not reached: the console streams are open write-only.
    fn read(&self, _buf: &mut [u8], _flags: IoFlags) -> Result<usize, Errno> {
        Err(EBADF)
    }

    fn write(&self, data: &[u8], _flags: IoFlags) -> Result<usize, Errno> {
        match self.output {
            Output::Stdout => crate::console::write_stdout(data),
            Output::Stderr => crate::console::write_stderr(data),
        }
        Ok(data.len())
    }

    fn readiness(&self) -> i16 {
        POLLOUT
    }

    fn stat(&self) -> Result<stat, Errno> {
        Ok(stream_stat(match self.output {
            Output::Stdout => 1,
            Output::Stderr => 2,
        }))
    }
}
