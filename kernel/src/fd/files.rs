//! `Files`: the descriptor table, the open files and the filesystem together, with the
//! semantics of the descriptor calls (Linux's errors). Plain data like `Fs`, tested on
//! the host; `global` keeps the one instance behind a lock.
//!
//! Console I/O is not done here: `read`/`write` return `Route::Console` (or
//! `Route::Stdin`) and the caller
//! does it after dropping the lock, so a slow serial port never holds up other CPUs.
//! Device I/O likewise (`Route::Device`): it needs no state, and filling a large buffer
//! with random bytes is slow under TCG.

use super::flags::{self, Access, STATUS_FLAGS};
use super::open_file::{Object, OpenFile, Stream};
use super::table::{FdTable, MAX_FDS, Slot};
use crate::abi::errno::{EBADF, EINVAL, EISDIR, ENOMEM, ENOTDIR, ENXIO, ESPIPE};
use crate::abi::{
    F_DUPFD, F_DUPFD_CLOEXEC, F_GETFD, F_GETFL, F_SETFD, F_SETFL, FD_CLOEXEC, O_APPEND, O_NONBLOCK,
    SEEK_CUR, SEEK_END, SEEK_SET, stat,
};
use crate::fs::slab::Slab;
use crate::fs::{Clock, Device, Errno, Fs};

/// The socket file type (hermit-abi's `S_IFSOCK`).
const S_IFSOCK: u32 = 0o14_0000;

/// Linux's `SEEK_DATA` and `SEEK_HOLE` (not in hermit-abi).
const SEEK_DATA: i32 = 3;
const SEEK_HOLE: i32 = 4;

/// Where a read or write on a descriptor went.
#[derive(Debug, PartialEq, Eq)]
pub enum Route {
    /// Done here: bytes transferred.
    Done(usize),
    /// A console stream: the caller does the I/O (outside the lock).
    Console(Stream),
    /// Standard input (a read of `Stream::Stdin`): the caller reads it outside the
    /// lock (it may block), with the open file's `O_NONBLOCK`.
    Stdin(bool),
    /// A character device: the caller does the I/O (outside the lock) with
    /// `Device::read` or `Device::write`.
    Device(Device),
    /// A socket or eventfd (`Object::Socket`/`Object::EventFd`): the caller does the
    /// I/O outside the lock (it may block), with the open file's `O_NONBLOCK`.
    Outside(Object, bool),
}

pub struct Files {
    pub fs: Fs,
    fds: FdTable,
    open: Slab<OpenFile>,
    /// Sockets and eventfds whose last descriptor was closed, for the caller to free
    /// outside the lock (`take_released`). Room for one is reserved when the first is
    /// installed and kept, so closing never allocates (a call releases at most one).
    released: alloc::vec::Vec<Object>,
    /// Which console streams are terminals on the runner's side (bit N: the stream that
    /// starts on descriptor N; `set_terminals`).
    terminals: u8,
}

impl Files {
    /// A new filesystem, with the console on descriptors 0, 1 and 2.
    pub fn new(clock: Clock) -> Result<Files, Errno> {
        let mut files = Files {
            fs: Fs::new(clock)?,
            fds: FdTable::new(),
            open: Slab::new(),
            released: alloc::vec::Vec::new(),
            terminals: 0,
        };
        let streams = [
            (Stream::Stdin, Access::Read),
            (Stream::Stdout, Access::Write),
            (Stream::Stderr, Access::Write),
        ];
        for (stream, access) in streams {
            let fd = files.fds.lowest_free(0)?;
            let file = files
                .open
                .insert(OpenFile::new(Object::Console(stream), access, 0))?;
            files.fds.install(
                fd,
                Slot {
                    file,
                    cloexec: false,
                },
            )?;
        }
        Ok(files)
    }

    fn slot(&self, fd: i32) -> Result<Slot, Errno> {
        self.fds.get(fd).ok_or(EBADF)
    }

    fn file(&self, fd: i32) -> Result<&OpenFile, Errno> {
        self.open.get(self.slot(fd)?.file).ok_or(EBADF)
    }

    /// The open file of `fd` and the filesystem, borrowed together.
    fn file_and_fs(&mut self, fd: i32) -> Result<(&mut OpenFile, &mut Fs), Errno> {
        let slot = self.fds.get(fd).ok_or(EBADF)?;
        let file = self.open.get_mut(slot.file).ok_or(EBADF)?;
        Ok((file, &mut self.fs))
    }

    /// `sys_open`: the lowest free descriptor for `path`.
    pub fn open(&mut self, path: &[u8], flags: i32, mode: u32) -> Result<i32, Errno> {
        let f = flags::decode(flags)?;
        // Like Linux, find the descriptor first: with none free, nothing is created.
        let fd = self.fds.lowest_free(0)?;
        let ino = self.fs.open(path, f.how, mode)?;
        let object = match self.fs.device(ino) {
            Ok(Some(d)) => Object::Device(ino, d),
            Ok(None) if self.fs.is_dir(ino)? => Object::Dir(ino),
            Ok(None) => Object::File(ino),
            Err(e) => {
                self.fs.release(ino);
                return Err(e);
            }
        };
        let file = match self.open.insert(OpenFile::new(object, f.access, f.status)) {
            Ok(file) => file,
            Err(e) => {
                self.fs.release(ino);
                return Err(e);
            }
        };
        let slot = Slot {
            file,
            cloexec: f.cloexec,
        };
        // Cannot fail: `lowest_free` made room.
        if let Err(e) = self.fds.install(fd, slot) {
            self.unref(file);
            return Err(e);
        }
        Ok(fd)
    }

    pub fn close(&mut self, fd: i32) -> Result<(), Errno> {
        let slot = self.fds.remove(fd).ok_or(EBADF)?;
        self.unref(slot.file);
        Ok(())
    }

    /// One descriptor fewer refers to open file `file`; closes it after the last.
    fn unref(&mut self, file: usize) {
        let Some(f) = self.open.get_mut(file) else {
            return;
        };
        f.fds -= 1;
        if f.fds == 0
            && let Some(f) = self.open.remove(file)
        {
            match f.object {
                Object::Socket(_) | Object::EventFd(_) => self.released.push(f.object),
                o => {
                    if let Some(ino) = o.inode() {
                        self.fs.release(ino);
                    }
                }
            }
        }
    }

    /// The lowest free descriptor for an object made outside (a socket, an eventfd),
    /// readable and writable, with `status` (`O_NONBLOCK`) and `FD_CLOEXEC` as given.
    pub fn install(&mut self, object: Object, status: i32, cloexec: bool) -> Result<i32, Errno> {
        self.released.try_reserve(1).map_err(|_| ENOMEM)?;
        let fd = self.fds.lowest_free(0)?;
        let file = self.open.insert(OpenFile::new(
            object,
            Access::ReadWrite,
            status & STATUS_FLAGS,
        ))?;
        self.fds.install(fd, Slot { file, cloexec })?;
        Ok(fd)
    }

    /// What `fd` refers to, and whether it is non-blocking (`O_NONBLOCK`).
    pub fn object(&self, fd: i32) -> Result<(Object, bool), Errno> {
        let f = self.file(fd)?;
        Ok((f.object, f.status & O_NONBLOCK != 0))
    }

    /// An object made outside whose last descriptor went away since the last call (one
    /// call on `Files` releases at most one; call again until None). Keeps the room.
    pub fn take_released(&mut self) -> Option<Object> {
        self.released.pop()
    }

    pub fn dup(&mut self, fd: i32) -> Result<i32, Errno> {
        self.dup_at_least(fd, 0, false)
    }

    /// A new descriptor, the lowest at or above `min`, for the open file of `fd`.
    fn dup_at_least(&mut self, fd: i32, min: i32, cloexec: bool) -> Result<i32, Errno> {
        let file = self.slot(fd)?.file;
        let new = self.fds.lowest_free(min)?;
        self.fds.install(new, Slot { file, cloexec })?;
        if let Some(f) = self.open.get_mut(file) {
            f.fds += 1;
        }
        Ok(new)
    }

    /// `dup2`: makes `new` refer to the open file of `old`, closing what `new` was.
    pub fn dup2(&mut self, old: i32, new: i32) -> Result<i32, Errno> {
        let file = self.slot(old)?.file;
        if !(0..MAX_FDS as i32).contains(&new) {
            return Err(EBADF);
        }
        if old == new {
            return Ok(new);
        }
        let cloexec = false;
        let before = self.fds.install(new, Slot { file, cloexec })?;
        if let Some(f) = self.open.get_mut(file) {
            f.fds += 1;
        }
        if let Some(before) = before {
            self.unref(before.file);
        }
        Ok(new)
    }

    pub fn read(&mut self, fd: i32, buf: &mut [u8]) -> Result<Route, Errno> {
        let (f, fs) = self.file_and_fs(fd)?;
        if !f.access.can_read() {
            return Err(EBADF);
        }
        match f.object {
            Object::Console(Stream::Stdin) => Ok(Route::Stdin(f.status & O_NONBLOCK != 0)),
            Object::Console(s) => Ok(Route::Console(s)),
            o @ (Object::Socket(_) | Object::EventFd(_)) => {
                Ok(Route::Outside(o, f.status & O_NONBLOCK != 0))
            }
            Object::Device(_, d) => Ok(Route::Device(d)),
            Object::Dir(_) => Err(EISDIR),
            Object::File(ino) => {
                let n = fs.read(ino, f.offset, buf)?;
                f.offset += n as u64;
                Ok(Route::Done(n))
            }
        }
    }

    pub fn write(&mut self, fd: i32, data: &[u8]) -> Result<Route, Errno> {
        let (f, fs) = self.file_and_fs(fd)?;
        if !f.access.can_write() {
            return Err(EBADF);
        }
        match f.object {
            Object::Console(s) => Ok(Route::Console(s)),
            o @ (Object::Socket(_) | Object::EventFd(_)) => {
                Ok(Route::Outside(o, f.status & O_NONBLOCK != 0))
            }
            Object::Device(_, d) => Ok(Route::Device(d)),
            Object::Dir(_) => Err(EISDIR),
            Object::File(ino) => {
                let at = if f.status & O_APPEND != 0 {
                    fs.size(ino)?
                } else {
                    f.offset
                };
                let n = fs.write(ino, at, data)?;
                f.offset = at + n as u64;
                Ok(Route::Done(n))
            }
        }
    }

    /// `pread`: reads at `offset` without moving the position (a device has none: its
    /// read is routed as `read`'s).
    pub fn pread(&mut self, fd: i32, buf: &mut [u8], offset: i64) -> Result<Route, Errno> {
        let offset = u64::try_from(offset).map_err(|_| EINVAL)?;
        let (f, fs) = self.file_and_fs(fd)?;
        if !f.access.can_read() {
            return Err(EBADF);
        }
        match f.object {
            Object::Console(_) | Object::Socket(_) | Object::EventFd(_) => Err(ESPIPE),
            Object::Device(_, d) => Ok(Route::Device(d)),
            Object::Dir(_) => Err(EISDIR),
            Object::File(ino) => fs.read(ino, offset, buf).map(Route::Done),
        }
    }

    /// `pwrite`: writes at `offset` without moving the position; with `O_APPEND` at the
    /// end of the file, as Linux does.
    pub fn pwrite(&mut self, fd: i32, data: &[u8], offset: i64) -> Result<Route, Errno> {
        let offset = u64::try_from(offset).map_err(|_| EINVAL)?;
        let (f, fs) = self.file_and_fs(fd)?;
        if !f.access.can_write() {
            return Err(EBADF);
        }
        match f.object {
            Object::Console(_) | Object::Socket(_) | Object::EventFd(_) => Err(ESPIPE),
            Object::Device(_, d) => Ok(Route::Device(d)),
            Object::Dir(_) => Err(EISDIR),
            Object::File(ino) => {
                let at = if f.status & O_APPEND != 0 {
                    fs.size(ino)?
                } else {
                    offset
                };
                fs.write(ino, at, data).map(Route::Done)
            }
        }
    }

    pub fn lseek(&mut self, fd: i32, offset: i64, whence: i32) -> Result<i64, Errno> {
        let (f, fs) = self.file_and_fs(fd)?;
        let base = match (f.object, whence) {
            (Object::Console(_) | Object::Socket(_) | Object::EventFd(_), _) => {
                return Err(ESPIPE);
            }
            // A device has no position: any seek succeeds and lands at 0, as on
            // /dev/null and /dev/zero in Linux.
            (Object::Device(..), _) => return Ok(0),
            (_, SEEK_SET) => 0,
            (_, SEEK_CUR) => f.offset as i64,
            (Object::File(ino), SEEK_END) => fs.size(ino)? as i64,
            // The whole file is data (holes are not tracked for this): data is where
            // the offset is, the next hole at the end.
            (Object::File(ino), SEEK_DATA | SEEK_HOLE) => {
                let size = fs.size(ino)? as i64;
                if offset < 0 || offset >= size {
                    return Err(ENXIO);
                }
                f.offset = if whence == SEEK_DATA { offset } else { size } as u64;
                return Ok(f.offset as i64);
            }
            _ => return Err(EINVAL),
        };
        let pos = base.checked_add(offset).filter(|&p| p >= 0).ok_or(EINVAL)?;
        f.offset = pos as u64;
        Ok(pos)
    }

    pub fn fstat(&self, fd: i32) -> Result<stat, Errno> {
        match self.file(fd)?.object {
            Object::Console(s) => Ok(s.stat()),
            Object::File(ino) | Object::Dir(ino) | Object::Device(ino, _) => self.fs.stat_ino(ino),
            Object::Socket(_) => Ok(stat {
                st_mode: S_IFSOCK | 0o777,
                st_nlink: 1,
                st_blksize: 4096,
                ..Default::default()
            }),
            // Linux shows an anonymous inode with no type bits.
            Object::EventFd(_) => Ok(stat {
                st_mode: 0o600,
                st_nlink: 1,
                st_blksize: 4096,
                ..Default::default()
            }),
        }
    }

    /// `getdents64` (see `Fs::getdents`).
    pub fn getdents(&mut self, fd: i32, buf: &mut [u8]) -> Result<usize, Errno> {
        let (f, fs) = self.file_and_fs(fd)?;
        match f.object {
            Object::Dir(ino) => fs.getdents(ino, &mut f.offset, buf),
            _ => Err(ENOTDIR),
        }
    }

    pub fn fcntl(&mut self, fd: i32, cmd: i32, arg: i32) -> Result<i32, Errno> {
        let slot = self.slot(fd)?;
        match cmd {
            F_DUPFD | F_DUPFD_CLOEXEC => self.dup_at_least(fd, arg, cmd == F_DUPFD_CLOEXEC),
            F_GETFD => Ok(if slot.cloexec { FD_CLOEXEC } else { 0 }),
            F_SETFD => {
                if let Some(s) = self.fds.get_mut(fd) {
                    s.cloexec = arg & FD_CLOEXEC != 0;
                }
                Ok(0)
            }
            F_GETFL => {
                let f = self.file(fd)?;
                Ok(f.access.bits() | f.status)
            }
            F_SETFL => {
                let (f, _) = self.file_and_fs(fd)?;
                f.status = arg & STATUS_FLAGS;
                Ok(0)
            }
            _ => Err(EINVAL),
        }
    }

    /// `FIONBIO`.
    pub fn set_nonblocking(&mut self, fd: i32, on: bool) -> Result<(), Errno> {
        let (f, _) = self.file_and_fs(fd)?;
        if on {
            f.status |= O_NONBLOCK;
        } else {
            f.status &= !O_NONBLOCK;
        }
        Ok(())
    }

    /// `ftruncate`: `EINVAL` unless `fd` is a file open for writing, as Linux.
    pub fn ftruncate(&mut self, fd: i32, len: i64) -> Result<(), Errno> {
        let len = u64::try_from(len).map_err(|_| EINVAL)?;
        let (f, fs) = self.file_and_fs(fd)?;
        match f.object {
            Object::File(ino) if f.access.can_write() => fs.set_len(ino, len),
            _ => Err(EINVAL),
        }
    }

    /// `fsync`: everything is in memory already; only checks `fd`.
    pub fn fsync(&self, fd: i32) -> Result<(), Errno> {
        self.file(fd).map(|_| ())
    }

    /// Which console streams are terminals (bit 0 stdin, 1 stdout, 2 stderr): those the
    /// runner's own descriptors 0-2 are (its `tty=` kernel option).
    pub fn set_terminals(&mut self, mask: u8) {
        self.terminals = mask;
    }

    /// Whether `fd` is a terminal: a console stream whose end at the runner is one (so a
    /// program is interactive exactly when it would be natively; also through `dup`);
    /// never anything else.
    pub fn isatty(&self, fd: i32) -> Result<bool, Errno> {
        let bit = match self.file(fd)?.object {
            Object::Console(Stream::Stdin) => 1,
            Object::Console(Stream::Stdout) => 2,
            Object::Console(Stream::Stderr) => 4,
            _ => 0,
        };
        Ok(self.terminals & bit != 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::abi::errno::{EEXIST, EMFILE, ENOENT};
    use crate::abi::{
        O_CLOEXEC, O_CREAT, O_DIRECTORY, O_EXCL, O_RDONLY, O_RDWR, O_TRUNC, O_WRONLY,
    };
    use crate::fs::tests::{BOOT_NODES, fake_clock};

    fn files() -> Files {
        Files::new(fake_clock).unwrap()
    }

    fn write_all(f: &mut Files, fd: i32, data: &[u8]) {
        assert_eq!(f.write(fd, data), Ok(Route::Done(data.len())));
    }

    fn read_n(f: &mut Files, fd: i32, n: usize) -> Vec<u8> {
        let mut buf = vec![0; n];
        let Ok(Route::Done(got)) = f.read(fd, &mut buf) else {
            panic!("read failed")
        };
        buf.truncate(got);
        buf
    }

    #[test]
    fn console_descriptors() {
        let mut f = files();
        assert_eq!(f.read(0, &mut [0; 4]), Ok(Route::Stdin(false)));
        f.set_nonblocking(0, true).unwrap();
        assert_eq!(f.read(0, &mut [0; 4]), Ok(Route::Stdin(true)));
        assert_eq!(f.pread(0, &mut [0; 4], 0), Err(ESPIPE));
        assert_eq!(f.write(1, b"x"), Ok(Route::Console(Stream::Stdout)));
        assert_eq!(f.write(2, b"x"), Ok(Route::Console(Stream::Stderr)));
        assert_eq!(f.write(0, b"x"), Err(EBADF));
        assert_eq!(f.read(1, &mut [0; 4]), Err(EBADF));
        assert_eq!(f.lseek(1, 0, SEEK_SET), Err(ESPIPE));
        assert_eq!(f.pwrite(1, b"x", 0), Err(ESPIPE));
        assert_eq!(f.fstat(2).unwrap().st_mode, crate::abi::S_IFCHR | 0o620);
        assert_eq!(f.getdents(1, &mut [0; 64]), Err(ENOTDIR));
        assert_eq!(f.isatty(1), Ok(false));
        assert_eq!(f.isatty(3), Err(EBADF));
        // The runner's stdin and stderr are terminals: so are 0 and 2, and a dup of 0.
        f.set_terminals(0b101);
        assert_eq!(f.isatty(0), Ok(true));
        assert_eq!(f.isatty(1), Ok(false));
        assert_eq!(f.isatty(2), Ok(true));
        let d = f.dup(0).unwrap();
        assert_eq!(f.isatty(d), Ok(true));
        f.close(d).unwrap();
        assert_eq!(f.write(3, b"x"), Err(EBADF));
        assert_eq!(f.fcntl(1, F_GETFL, 0), Ok(O_WRONLY));
        f.close(1).unwrap();
        assert_eq!(f.write(1, b"x"), Err(EBADF));
        assert_eq!(f.close(1), Err(EBADF));
    }

    #[test]
    fn open_takes_the_lowest_free_descriptor() {
        let mut f = files();
        let a = f.open(b"/tmp/a", O_CREAT | O_WRONLY, 0o644).unwrap();
        assert_eq!(a, 3);
        f.close(1).unwrap();
        let b = f.open(b"/tmp/a", O_RDONLY, 0).unwrap();
        assert_eq!(b, 1);
        assert_eq!(f.open(b"/tmp/none", O_RDONLY, 0), Err(ENOENT));
        assert_eq!(f.open(b"/tmp/a", O_CREAT | O_EXCL | O_RDWR, 0), Err(EEXIST));
        assert_eq!(f.open(b"/tmp", O_RDWR, 0), Err(EISDIR));
        assert_eq!(f.open(b"/tmp/a", O_RDONLY | O_DIRECTORY, 0), Err(ENOTDIR));
        assert_eq!(f.open(b"/tmp/a", 3, 0), Err(EINVAL));
    }

    #[test]
    fn read_write_seek() {
        let mut f = files();
        let fd = f.open(b"/tmp/f", O_CREAT | O_RDWR, 0o644).unwrap();
        write_all(&mut f, fd, b"hello world");
        assert_eq!(f.lseek(fd, 0, SEEK_CUR), Ok(11));
        assert_eq!(f.lseek(fd, 6, SEEK_SET), Ok(6));
        assert_eq!(read_n(&mut f, fd, 100), b"world");
        assert_eq!(read_n(&mut f, fd, 100), b"");
        assert_eq!(f.lseek(fd, -5, SEEK_END), Ok(6));
        write_all(&mut f, fd, b"WORLD!");
        assert_eq!(f.fstat(fd).unwrap().st_size, 12);
        assert_eq!(f.lseek(fd, -13, SEEK_END), Err(EINVAL));
        assert_eq!(f.lseek(fd, i64::MAX, SEEK_CUR), Err(EINVAL));
        assert_eq!(f.lseek(fd, 0, 7), Err(EINVAL));
        // Seeking past the end and writing leaves a hole.
        assert_eq!(f.lseek(fd, 20, SEEK_SET), Ok(20));
        write_all(&mut f, fd, b"!");
        assert_eq!(f.lseek(fd, 0, SEEK_SET), Ok(0));
        assert_eq!(read_n(&mut f, fd, 100), b"hello WORLD!\0\0\0\0\0\0\0\0!");
        assert_eq!(f.lseek(fd, 3, SEEK_DATA), Ok(3));
        assert_eq!(f.lseek(fd, 3, SEEK_HOLE), Ok(21));
        assert_eq!(f.lseek(fd, 21, SEEK_DATA), Err(ENXIO));
        f.close(fd).unwrap();
    }

    #[test]
    fn access_modes() {
        let mut f = files();
        let w = f.open(b"/tmp/f", O_CREAT | O_WRONLY, 0o644).unwrap();
        assert_eq!(f.read(w, &mut [0; 4]), Err(EBADF));
        assert_eq!(f.pread(w, &mut [0; 4], 0), Err(EBADF));
        let r = f.open(b"/tmp/f", O_RDONLY, 0).unwrap();
        assert_eq!(f.write(r, b"x"), Err(EBADF));
        assert_eq!(f.pwrite(r, b"x", 0), Err(EBADF));
        assert_eq!(f.ftruncate(r, 0), Err(EINVAL));
        assert_eq!(f.ftruncate(w, -1), Err(EINVAL));
        assert_eq!(f.ftruncate(1, 0), Err(EINVAL));
        assert_eq!(f.ftruncate(w, 5), Ok(()));
        assert_eq!(f.fstat(r).unwrap().st_size, 5);
        assert_eq!(f.fcntl(r, F_GETFL, 0), Ok(O_RDONLY));
    }

    #[test]
    fn append_always_writes_at_the_end() {
        let mut f = files();
        let a = f
            .open(b"/tmp/log", O_CREAT | O_WRONLY | O_APPEND, 0o644)
            .unwrap();
        let b = f.open(b"/tmp/log", O_WRONLY | O_APPEND, 0).unwrap();
        write_all(&mut f, a, b"one ");
        write_all(&mut f, b, b"two ");
        write_all(&mut f, a, b"three");
        assert_eq!(f.pwrite(a, b"!", 0), Ok(Route::Done(1)));
        let r = f.open(b"/tmp/log", O_RDONLY, 0).unwrap();
        assert_eq!(read_n(&mut f, r, 100), b"one two three!");
        assert_eq!(f.fcntl(a, F_GETFL, 0), Ok(O_WRONLY | O_APPEND));
        // F_SETFL can turn O_APPEND off; the access mode stays.
        f.fcntl(a, F_SETFL, O_RDWR | O_NONBLOCK).unwrap();
        assert_eq!(f.fcntl(a, F_GETFL, 0), Ok(O_WRONLY | O_NONBLOCK));
        assert_eq!(f.lseek(a, 0, SEEK_SET), Ok(0));
        write_all(&mut f, a, b"ONE");
        assert_eq!(f.pread(r, &mut [0; 3], 0), Ok(Route::Done(3)));
        let mut buf = [0; 4];
        f.pread(r, &mut buf, 0).unwrap();
        assert_eq!(&buf, b"ONE ");
        assert_eq!(f.pread(r, &mut buf, -1), Err(EINVAL));
        f.set_nonblocking(a, false).unwrap();
        assert_eq!(f.fcntl(a, F_GETFL, 0), Ok(O_WRONLY));
        f.set_nonblocking(a, true).unwrap();
        assert_eq!(f.fcntl(a, F_GETFL, 0), Ok(O_WRONLY | O_NONBLOCK));
    }

    #[test]
    fn dup_shares_the_position() {
        let mut f = files();
        let fd = f.open(b"/tmp/f", O_CREAT | O_RDWR, 0o644).unwrap();
        write_all(&mut f, fd, b"abcdef");
        f.lseek(fd, 0, SEEK_SET).unwrap();
        let d = f.dup(fd).unwrap();
        assert_eq!(d, fd + 1);
        assert_eq!(read_n(&mut f, fd, 2), b"ab");
        assert_eq!(read_n(&mut f, d, 2), b"cd");
        f.close(fd).unwrap();
        assert_eq!(read_n(&mut f, d, 2), b"ef");
        assert_eq!(f.dup(fd), Err(EBADF));
        // F_DUPFD: lowest at or above the argument.
        assert_eq!(f.fcntl(d, F_DUPFD, 10), Ok(10));
        assert_eq!(f.fcntl(d, F_DUPFD_CLOEXEC, 10), Ok(11));
        assert_eq!(f.fcntl(11, F_GETFD, 0), Ok(FD_CLOEXEC));
        assert_eq!(f.fcntl(10, F_GETFD, 0), Ok(0));
        f.fcntl(10, F_SETFD, FD_CLOEXEC).unwrap();
        assert_eq!(f.fcntl(10, F_GETFD, 0), Ok(FD_CLOEXEC));
        assert_eq!(f.fcntl(d, F_DUPFD, -1), Err(EINVAL));
        assert_eq!(f.fcntl(d, F_DUPFD, MAX_FDS as i32), Err(EINVAL));
        assert_eq!(f.fcntl(d, 99, 0), Err(EINVAL));
        assert_eq!(f.fcntl(50, F_GETFD, 0), Err(EBADF));
        let c = f.open(b"/tmp/f", O_RDONLY | O_CLOEXEC, 0).unwrap();
        assert_eq!(f.fcntl(c, F_GETFD, 0), Ok(FD_CLOEXEC));
    }

    #[test]
    fn dup2_redirects() {
        let mut f = files();
        let fd = f.open(b"/tmp/out", O_CREAT | O_WRONLY, 0o644).unwrap();
        assert_eq!(f.dup2(fd, 1), Ok(1));
        write_all(&mut f, 1, b"to the file");
        assert_eq!(f.fstat(fd).unwrap().st_size, 11);
        assert_eq!(f.dup2(fd, fd), Ok(fd));
        assert_eq!(f.dup2(fd, -1), Err(EBADF));
        assert_eq!(f.dup2(fd, MAX_FDS as i32), Err(EBADF));
        assert_eq!(f.dup2(77, 1), Err(EBADF));
        assert_eq!(f.dup2(fd, 200), Ok(200));
        f.close(fd).unwrap();
        f.close(1).unwrap();
        f.close(200).unwrap();
        // The open file went with the last descriptor; the stdout one with dup2.
        assert_eq!(f.open.len(), 2);
    }

    #[test]
    fn outside_objects() {
        let mut f = files();
        let s = f.install(Object::Socket(7), O_NONBLOCK, false).unwrap();
        assert_eq!(s, 3);
        assert_eq!(f.object(s), Ok((Object::Socket(7), true)));
        assert_eq!(
            f.read(s, &mut [0; 4]),
            Ok(Route::Outside(Object::Socket(7), true))
        );
        f.set_nonblocking(s, false).unwrap();
        assert_eq!(
            f.write(s, b"x"),
            Ok(Route::Outside(Object::Socket(7), false))
        );
        assert_eq!(f.lseek(s, 0, SEEK_SET), Err(ESPIPE));
        assert_eq!(f.pread(s, &mut [0; 4], 0), Err(ESPIPE));
        assert_eq!(f.fstat(s).unwrap().st_mode & crate::abi::S_IFMT, S_IFSOCK);
        assert_eq!(f.fcntl(s, F_GETFL, 0), Ok(O_RDWR));
        let e = f.install(Object::EventFd(1), 0, true).unwrap();
        assert_eq!(f.fcntl(e, F_GETFD, 0), Ok(FD_CLOEXEC));
        // Released only with the last descriptor.
        let d = f.dup(s).unwrap();
        f.close(s).unwrap();
        assert_eq!(f.take_released(), None);
        f.close(d).unwrap();
        assert_eq!(f.take_released(), Some(Object::Socket(7)));
        f.dup2(1, e).unwrap();
        assert_eq!(f.take_released(), Some(Object::EventFd(1)));
        assert_eq!(f.take_released(), None);
        // The room stays: releasing never allocates.
        assert!(f.released.capacity() >= 1);
    }

    #[test]
    fn descriptor_limit() {
        let mut f = files();
        let fd = f.open(b"/tmp/f", O_CREAT | O_RDWR, 0o644).unwrap();
        for _ in 4..MAX_FDS {
            f.dup(fd).unwrap();
        }
        assert_eq!(f.dup(fd), Err(EMFILE));
        assert_eq!(f.open(b"/tmp/g", O_CREAT | O_RDWR, 0o644), Err(EMFILE));
        // Nothing was created.
        assert_eq!(f.fs.stat(b"/tmp/g").err(), Some(ENOENT));
        f.close(500).unwrap();
        assert_eq!(f.dup(fd), Ok(500));
    }

    #[test]
    fn directories() {
        let mut f = files();
        f.fs.mkdir(b"/tmp/d", 0o777).unwrap();
        let fd = f.open(b"/tmp/d", O_RDONLY | O_DIRECTORY, 0).unwrap();
        assert_eq!(f.read(fd, &mut [0; 8]), Err(EISDIR));
        assert_eq!(f.pread(fd, &mut [0; 8], 0), Err(EISDIR));
        assert_eq!(f.ftruncate(fd, 0), Err(EINVAL));
        let mut buf = [0u8; 256];
        assert_eq!(f.getdents(fd, &mut buf), Ok(0));
        f.fs.mkdir(b"/tmp/d/a", 0o777).unwrap();
        f.fs.mkdir(b"/tmp/d/b", 0o777).unwrap();
        assert_eq!(f.lseek(fd, 0, SEEK_SET), Ok(0));
        assert_eq!(f.getdents(fd, &mut buf), Ok(48));
        assert_eq!(f.getdents(fd, &mut buf), Ok(0));
        assert_eq!(f.lseek(fd, 0, SEEK_END), Err(EINVAL));
        assert_eq!(f.lseek(fd, 1, SEEK_SET), Ok(1));
        assert_eq!(f.getdents(fd, &mut buf), Ok(24));
        assert!(f.fstat(fd).unwrap().st_mode & crate::abi::S_IFDIR != 0);
        f.close(fd).unwrap();
    }

    #[test]
    fn closing_the_last_descriptor_frees_an_unlinked_file() {
        let mut f = files();
        let fd = f
            .open(b"/tmp/f", O_CREAT | O_RDWR | O_TRUNC, 0o644)
            .unwrap();
        write_all(&mut f, fd, b"data");
        let d = f.dup(fd).unwrap();
        f.fs.unlink(b"/tmp/f").unwrap();
        assert_eq!(f.fs.node_count(), BOOT_NODES + 1);
        f.close(fd).unwrap();
        assert_eq!(f.pread(d, &mut [0; 4], 0), Ok(Route::Done(4)));
        f.close(d).unwrap();
        assert_eq!(f.fs.node_count(), BOOT_NODES);
        assert_eq!(f.fsync(d), Err(EBADF));
        assert_eq!(f.fsync(0), Ok(()));
    }

    #[test]
    fn devices_route_their_io() {
        let mut f = files();
        let null = f
            .open(b"/dev/null", O_CREAT | O_WRONLY | O_TRUNC, 0o644)
            .unwrap();
        assert_eq!(f.write(null, b"gone"), Ok(Route::Device(Device::Null)));
        assert_eq!(f.read(null, &mut [0; 4]), Err(EBADF));
        assert_eq!(f.pwrite(null, b"x", 5), Ok(Route::Device(Device::Null)));
        let st = f.fstat(null).unwrap();
        assert_eq!(st.st_mode, crate::abi::S_IFCHR | 0o666);
        assert_eq!((st.st_size, st.st_rdev), (0, Device::Null.rdev()));
        let zero = f.open(b"/dev/zero", O_RDONLY, 0).unwrap();
        assert_eq!(f.read(zero, &mut [1; 4]), Ok(Route::Device(Device::Zero)));
        assert_eq!(
            f.pread(zero, &mut [1; 4], 9),
            Ok(Route::Device(Device::Zero))
        );
        assert_eq!(f.pread(zero, &mut [1; 4], -1), Err(EINVAL));
        let random = f.open(b"/dev/urandom", O_RDWR, 0).unwrap();
        assert_eq!(
            f.read(random, &mut [0; 4]),
            Ok(Route::Device(Device::Urandom))
        );
        assert_eq!(f.write(random, b"x"), Ok(Route::Device(Device::Urandom)));
        // No position: every seek lands at 0.
        for whence in [SEEK_SET, SEEK_CUR, SEEK_END, SEEK_DATA] {
            assert_eq!(f.lseek(zero, 100, whence), Ok(0));
        }
        assert_eq!(f.ftruncate(null, 0), Err(EINVAL));
        assert_eq!(f.getdents(zero, &mut [0; 64]), Err(ENOTDIR));
        assert_eq!(
            f.open(b"/dev/zero", O_RDONLY | O_DIRECTORY, 0),
            Err(ENOTDIR)
        );
        // A duplicate is the same device; closing everything frees no node.
        let d = f.dup(random).unwrap();
        let ino = f.fs.lookup(b"/dev/urandom").unwrap();
        assert_eq!(
            f.object(d),
            Ok((Object::Device(ino, Device::Urandom), false))
        );
        for fd in [null, zero, random, d] {
            f.close(fd).unwrap();
        }
        assert_eq!(f.fs.node_count(), BOOT_NODES);
        assert_eq!(f.open.len(), 3);
    }
}
