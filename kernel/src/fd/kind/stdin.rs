//! Standard input: what the runner sends (`crate::stdin`), at end of file when it sent
//! none.

use super::console::stream_stat;
use crate::abi::errno::EBADF;
use crate::abi::stat;
use crate::fd::object::{FileObject, IoFlags};
use crate::fs::Errno;

pub struct Stdin {
    /// Whether the runner's standard input is a terminal (`tty=`), so `isatty` answers
    /// as natively.
    pub terminal: bool,
}

impl FileObject for Stdin {
    fn is_terminal(&self) -> bool {
        self.terminal
    }

    fn read(&self, buf: &mut [u8], flags: IoFlags) -> Result<usize, Errno> {
        crate::stdin::read(buf, flags.nonblocking)
    }

    /// Not reached: standard input is open read-only.
    fn write(&self, _data: &[u8], _flags: IoFlags) -> Result<usize, Errno> {
        Err(EBADF)
    }

    fn readiness(&self) -> i16 {
        crate::stdin::readiness()
    }

    fn stat(&self) -> Result<stat, Errno> {
        Ok(stream_stat(0))
    }
}
