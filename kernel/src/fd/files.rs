//! `Files`: the descriptor table over the open files, and the filesystem they are
//! opened from, with the semantics of the descriptor calls (Linux's errors). Plain data
//! like `Fs`, tested on the host; `global` keeps the one instance behind a lock.
//!
//! The table only maps numbers to open files (`object::OpenFile`): reading, writing,
//! seeking and the rest happen on the open file, which the caller takes out of the
//! table (`get`, an `Arc`) and uses after dropping the table's lock. So a slow serial
//! port, a blocking socket or a large file copy never holds up other descriptors, and
//! an open file whose last descriptor is closed (`close`, `dup2`) is freed by the
//! caller outside the lock too (freeing a socket takes the network stack's lock).

use alloc::sync::Arc;

use super::flags::{self, Access};
use super::kind::device::{DeviceFile, Random};
use super::kind::directory::Directory;
use super::kind::regular::Regular;
use super::object::{FileObject, OpenFile};
use super::table::{FdTable, MAX_FDS, Slot};
use crate::abi::errno::{EBADF, EINVAL, ENOMEM};
use crate::abi::{F_DUPFD, F_DUPFD_CLOEXEC, F_GETFD, F_GETFL, F_SETFD, F_SETFL, FD_CLOEXEC};
use crate::fs::{Errno, SharedFs};

/// An open file the table let go of: freed when dropped, which the caller does after
/// releasing the table's lock.
pub type Released = Option<Arc<OpenFile>>;

pub struct Files {
    fs: SharedFs,
    fds: FdTable<Arc<OpenFile>>,
    /// What `/dev/random` and `/dev/urandom` read.
    random: Random,
}

/// A new open file, or `ENOMEM`.
pub fn new_open_file(
    object: Arc<dyn FileObject>,
    access: Access,
    status: i32,
) -> Result<Arc<OpenFile>, Errno> {
    Arc::try_new(OpenFile::new(object, access, status)).map_err(|_| ENOMEM)
}

/// `object` behind an `Arc`, or `ENOMEM` (and `object` dropped).
pub fn new_object<T: FileObject + 'static>(object: T) -> Result<Arc<dyn FileObject>, Errno> {
    let a: Arc<dyn FileObject> = Arc::try_new(object).map_err(|_| ENOMEM)?;
    Ok(a)
}

/// Opens `path` on `fs` as an open file, and whether it is close-on-exec (`O_CLOEXEC`),
/// for the caller to install. Runs without the descriptor table's lock: the filesystem's
/// lock may sleep (`fs::Lock`), which the table's interrupt-off spinlock must not.
pub fn open_file(
    fs: &SharedFs,
    random: Random,
    path: &[u8],
    flags: i32,
    mode: u32,
) -> Result<(Arc<OpenFile>, bool), Errno> {
    let f = flags::decode(flags)?;
    let (ino, device, contents) = {
        let mut guard = fs.lock();
        let ino = guard.open(path, f.how, mode)?;
        let kind = guard
            .device(ino)
            .and_then(|d| Ok((d, guard.is_dir(ino)?)))
            .and_then(|(d, dir)| match (d, dir) {
                (None, false) => Ok((None, Some(guard.contents(ino)?))),
                (d, _) => Ok((d, None)),
            });
        match kind {
            Ok((device, contents)) => (ino, device, contents),
            Err(e) => {
                guard.release(ino);
                return Err(e);
            }
        }
    };
    // From here the object holds the inode: dropping it (on failure) releases it.
    let fs = fs.clone();
    let object = match (device, contents) {
        (Some(d), _) => new_object(DeviceFile::new(fs, ino, d, random))?,
        (None, Some(contents)) => new_object(Regular::new(fs, ino, contents))?,
        (None, None) => new_object(Directory::new(fs, ino))?,
    };
    Ok((new_open_file(object, f.access, f.status)?, f.cloexec))
}

impl Files {
    /// The descriptor table of `fs`, with `streams` (standard input, output and error)
    /// on descriptors 0, 1 and 2.
    pub fn new(fs: SharedFs, random: Random, streams: [Arc<OpenFile>; 3]) -> Result<Files, Errno> {
        let mut files = Files {
            fs,
            fds: FdTable::new(),
            random,
        };
        for file in streams {
            let fd = files.fds.lowest_free(0)?;
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

    pub fn fs(&self) -> &SharedFs {
        &self.fs
    }

    fn slot(&self, fd: i32) -> Result<&Slot<Arc<OpenFile>>, Errno> {
        self.fds.get(fd).ok_or(EBADF)
    }

    /// The open file of `fd`, to use after the table's lock is dropped.
    pub fn get(&self, fd: i32) -> Result<Arc<OpenFile>, Errno> {
        Ok(self.slot(fd)?.file.clone())
    }

    /// `sys_open`: the lowest free descriptor for `path`. The kernel's table goes
    /// through `global::open` instead, which opens outside the table's lock.
    pub fn open(&mut self, path: &[u8], flags: i32, mode: u32) -> Result<i32, Errno> {
        let (fs, random) = self.opener()?;
        let (file, cloexec) = open_file(&fs, random, path, flags, mode)?;
        self.install(&file, cloexec)
    }

    /// What `open_file` needs, once a descriptor is known to be free: like Linux, with
    /// none free (`EMFILE`) nothing is created.
    pub fn opener(&mut self) -> Result<(SharedFs, Random), Errno> {
        self.fds.lowest_free(0)?;
        Ok((self.fs.clone(), self.random))
    }

    /// The open file the descriptor referred to, for the caller to drop (outside the
    /// lock); it is freed if no other descriptor refers to it.
    pub fn close(&mut self, fd: i32) -> Result<Arc<OpenFile>, Errno> {
        Ok(self.fds.remove(fd).ok_or(EBADF)?.file)
    }

    /// The lowest free descriptor for `file` (a socket, an eventfd), with
    /// `FD_CLOEXEC` as given.
    /// The caller keeps its reference, to drop outside the lock (the table's may be the
    /// only other one if this fails).
    pub fn install(&mut self, file: &Arc<OpenFile>, cloexec: bool) -> Result<i32, Errno> {
        let fd = self.fds.lowest_free(0)?;
        let file = file.clone();
        self.fds.install(fd, Slot { file, cloexec })?;
        Ok(fd)
    }

    pub fn dup(&mut self, fd: i32) -> Result<i32, Errno> {
        self.dup_at_least(fd, 0, false)
    }

    /// A new descriptor, the lowest at or above `min`, for the open file of `fd`.
    fn dup_at_least(&mut self, fd: i32, min: i32, cloexec: bool) -> Result<i32, Errno> {
        let file = self.get(fd)?;
        let new = self.fds.lowest_free(min)?;
        self.fds.install(new, Slot { file, cloexec })?;
        Ok(new)
    }

    /// `dup2`: makes `new` refer to the open file of `old`; returns `new` and what
    /// `new` referred to before, for the caller to drop outside the lock.
    pub fn dup2(&mut self, old: i32, new: i32) -> Result<(i32, Released), Errno> {
        let file = self.get(old)?;
        if !(0..MAX_FDS as i32).contains(&new) {
            return Err(EBADF);
        }
        if old == new {
            return Ok((new, None));
        }
        let cloexec = false;
        let before = self.fds.install(new, Slot { file, cloexec })?;
        Ok((new, before.map(|s| s.file)))
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
            F_GETFL => Ok(slot.file.access().bits() | slot.file.status()),
            F_SETFL => {
                slot.file.set_status(arg);
                Ok(0)
            }
            _ => Err(EINVAL),
        }
    }

    /// `fsync`: everything is in memory already; only checks `fd`.
    pub fn fsync(&self, fd: i32) -> Result<(), Errno> {
        self.slot(fd).map(|_| ())
    }

    /// Whether `fd` is a terminal: what its object says (`FileObject::is_terminal`: a
    /// console stream whose end at the runner is one, so a program is interactive
    /// exactly when it would be natively; also through `dup`).
    pub fn isatty(&self, fd: i32) -> Result<bool, Errno> {
        Ok(self.slot(fd)?.file.object().is_terminal())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::abi::errno::{EEXIST, EISDIR, EMFILE, ENOENT, ENOTDIR, ENXIO, ESPIPE};
    use crate::abi::{
        O_APPEND, O_CLOEXEC, O_CREAT, O_DIRECTORY, O_EXCL, O_NONBLOCK, O_RDONLY, O_RDWR, O_TRUNC,
        O_WRONLY, S_IFCHR, SEEK_CUR, SEEK_END, SEEK_SET, stat,
    };
    use crate::fd::kind::regular::{SEEK_DATA, SEEK_HOLE};
    use crate::fd::object::IoFlags;
    use crate::fs::tests::{BOOT_NODES, fake_clock};
    use crate::fs::{Device, Fs, FsLock};
    use core::sync::atomic::{AtomicUsize, Ordering};

    /// A console stream stand-in: a read answers whether it was non-blocking, a write
    /// takes everything; a terminal when the runner's stream is one.
    struct Stream {
        terminal: bool,
    }

    impl FileObject for Stream {
        fn is_terminal(&self) -> bool {
            self.terminal
        }
        fn read(&self, _buf: &mut [u8], flags: IoFlags) -> Result<usize, Errno> {
            Ok(usize::from(flags.nonblocking))
        }
        fn write(&self, data: &[u8], _flags: IoFlags) -> Result<usize, Errno> {
            Ok(data.len())
        }
        fn stat(&self) -> Result<stat, Errno> {
            Ok(stat {
                st_mode: S_IFCHR | 0o620,
                ..Default::default()
            })
        }
    }

    /// Counts its drops, as a socket closes when it is freed.
    struct Counted(&'static AtomicUsize);

    impl FileObject for Counted {
        fn read(&self, _buf: &mut [u8], flags: IoFlags) -> Result<usize, Errno> {
            Ok(usize::from(flags.peek) + 2 * usize::from(flags.nonblocking))
        }
        fn write(&self, data: &[u8], _flags: IoFlags) -> Result<usize, Errno> {
            Ok(data.len())
        }
        fn stat(&self) -> Result<stat, Errno> {
            Ok(stat::default())
        }
        fn socket_id(&self) -> Option<u32> {
            Some(7)
        }
    }

    impl Drop for Counted {
        fn drop(&mut self) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    fn not_random(buf: &mut [u8]) -> Result<usize, Errno> {
        buf.fill(4);
        Ok(buf.len())
    }

    fn files() -> Files {
        files_with_terminals([false; 3])
    }

    /// The table with console stand-ins on 0-2, those in `terminals` being terminals.
    fn files_with_terminals(terminals: [bool; 3]) -> Files {
        let fs = Arc::new(FsLock::new(Fs::new(fake_clock).unwrap()));
        let stream =
            |access, terminal| new_open_file(Arc::new(Stream { terminal }), access, 0).unwrap();
        let streams = [
            stream(Access::Read, terminals[0]),
            stream(Access::Write, terminals[1]),
            stream(Access::Write, terminals[2]),
        ];
        Files::new(fs, not_random, streams).unwrap()
    }

    fn read(f: &Files, fd: i32, buf: &mut [u8]) -> Result<usize, Errno> {
        f.get(fd)?.read(buf, false)
    }

    fn write(f: &Files, fd: i32, data: &[u8]) -> Result<usize, Errno> {
        f.get(fd)?.write(data)
    }

    fn pread(f: &Files, fd: i32, buf: &mut [u8], offset: i64) -> Result<usize, Errno> {
        f.get(fd)?.pread(buf, offset)
    }

    fn pwrite(f: &Files, fd: i32, data: &[u8], offset: i64) -> Result<usize, Errno> {
        f.get(fd)?.pwrite(data, offset)
    }

    fn lseek(f: &Files, fd: i32, offset: i64, whence: i32) -> Result<i64, Errno> {
        f.get(fd)?.object().seek(offset, whence)
    }

    fn fstat(f: &Files, fd: i32) -> Result<stat, Errno> {
        f.get(fd)?.object().stat()
    }

    fn getdents(f: &Files, fd: i32, buf: &mut [u8]) -> Result<usize, Errno> {
        f.get(fd)?.object().getdents(buf)
    }

    fn ftruncate(f: &Files, fd: i32, len: i64) -> Result<(), Errno> {
        f.get(fd)?.truncate(len)
    }

    fn set_nonblocking(f: &Files, fd: i32, on: bool) -> Result<(), Errno> {
        f.get(fd)?.set_nonblocking(on);
        Ok(())
    }

    fn write_all(f: &mut Files, fd: i32, data: &[u8]) {
        assert_eq!(write(f, fd, data), Ok(data.len()));
    }

    fn read_n(f: &mut Files, fd: i32, n: usize) -> Vec<u8> {
        let mut buf = vec![0; n];
        let got = read(f, fd, &mut buf).expect("read failed");
        buf.truncate(got);
        buf
    }

    #[test]
    fn console_descriptors() {
        let mut f = files();
        assert_eq!(read(&f, 0, &mut [0; 4]), Ok(0));
        set_nonblocking(&f, 0, true).unwrap();
        assert_eq!(read(&f, 0, &mut [0; 4]), Ok(1));
        assert_eq!(pread(&f, 0, &mut [0; 4], 0), Err(ESPIPE));
        assert_eq!(write(&f, 1, b"x"), Ok(1));
        assert_eq!(write(&f, 2, b"x"), Ok(1));
        assert_eq!(write(&f, 0, b"x"), Err(EBADF));
        assert_eq!(read(&f, 1, &mut [0; 4]), Err(EBADF));
        assert_eq!(lseek(&f, 1, 0, SEEK_SET), Err(ESPIPE));
        assert_eq!(pwrite(&f, 1, b"x", 0), Err(ESPIPE));
        assert_eq!(fstat(&f, 2).unwrap().st_mode, crate::abi::S_IFCHR | 0o620);
        assert_eq!(getdents(&f, 1, &mut [0; 64]), Err(ENOTDIR));
        assert_eq!(f.isatty(1), Ok(false));
        assert_eq!(f.isatty(3), Err(EBADF));
        assert_eq!(write(&f, 3, b"x"), Err(EBADF));
        assert_eq!(f.fcntl(1, F_GETFL, 0), Ok(O_WRONLY));
        drop(f.close(1).unwrap());
        assert_eq!(write(&f, 1, b"x"), Err(EBADF));
        assert_eq!(f.close(1).err(), Some(EBADF));
    }

    #[test]
    fn terminals_are_the_streams_that_say_so() {
        // The runner's stdin and stderr are terminals: so are 0 and 2, and a dup of 0;
        // a regular file never is.
        let mut f = files_with_terminals([true, false, true]);
        assert_eq!(f.isatty(0), Ok(true));
        assert_eq!(f.isatty(1), Ok(false));
        assert_eq!(f.isatty(2), Ok(true));
        let d = f.dup(0).unwrap();
        assert_eq!(f.isatty(d), Ok(true));
        drop(f.close(d).unwrap());
        let fd = f.open(b"/tmp/t", O_CREAT | O_RDWR, 0o644).unwrap();
        assert_eq!(f.isatty(fd), Ok(false));
        drop(f.close(fd).unwrap());
        assert_eq!(f.isatty(fd), Err(EBADF));
    }

    #[test]
    fn open_takes_the_lowest_free_descriptor() {
        let mut f = files();
        let a = f.open(b"/tmp/a", O_CREAT | O_WRONLY, 0o644).unwrap();
        assert_eq!(a, 3);
        drop(f.close(1).unwrap());
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
        assert_eq!(lseek(&f, fd, 0, SEEK_CUR), Ok(11));
        assert_eq!(lseek(&f, fd, 6, SEEK_SET), Ok(6));
        assert_eq!(read_n(&mut f, fd, 100), b"world");
        assert_eq!(read_n(&mut f, fd, 100), b"");
        assert_eq!(lseek(&f, fd, -5, SEEK_END), Ok(6));
        write_all(&mut f, fd, b"WORLD!");
        assert_eq!(fstat(&f, fd).unwrap().st_size, 12);
        assert_eq!(lseek(&f, fd, -13, SEEK_END), Err(EINVAL));
        assert_eq!(lseek(&f, fd, i64::MAX, SEEK_CUR), Err(EINVAL));
        assert_eq!(lseek(&f, fd, 0, 7), Err(EINVAL));
        // Seeking past the end and writing leaves a hole.
        assert_eq!(lseek(&f, fd, 20, SEEK_SET), Ok(20));
        write_all(&mut f, fd, b"!");
        assert_eq!(lseek(&f, fd, 0, SEEK_SET), Ok(0));
        assert_eq!(read_n(&mut f, fd, 100), b"hello WORLD!\0\0\0\0\0\0\0\0!");
        assert_eq!(lseek(&f, fd, 3, SEEK_DATA), Ok(3));
        assert_eq!(lseek(&f, fd, 3, SEEK_HOLE), Ok(21));
        assert_eq!(lseek(&f, fd, 21, SEEK_DATA), Err(ENXIO));
        drop(f.close(fd).unwrap());
    }

    #[test]
    fn access_modes() {
        let mut f = files();
        let w = f.open(b"/tmp/f", O_CREAT | O_WRONLY, 0o644).unwrap();
        assert_eq!(read(&f, w, &mut [0; 4]), Err(EBADF));
        assert_eq!(pread(&f, w, &mut [0; 4], 0), Err(EBADF));
        let r = f.open(b"/tmp/f", O_RDONLY, 0).unwrap();
        assert_eq!(write(&f, r, b"x"), Err(EBADF));
        assert_eq!(pwrite(&f, r, b"x", 0), Err(EBADF));
        assert_eq!(ftruncate(&f, r, 0), Err(EINVAL));
        assert_eq!(ftruncate(&f, w, -1), Err(EINVAL));
        assert_eq!(ftruncate(&f, 1, 0), Err(EINVAL));
        assert_eq!(ftruncate(&f, w, 5), Ok(()));
        assert_eq!(fstat(&f, r).unwrap().st_size, 5);
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
        assert_eq!(pwrite(&f, a, b"!", 0), Ok(1));
        let r = f.open(b"/tmp/log", O_RDONLY, 0).unwrap();
        assert_eq!(read_n(&mut f, r, 100), b"one two three!");
        assert_eq!(f.fcntl(a, F_GETFL, 0), Ok(O_WRONLY | O_APPEND));
        // F_SETFL can turn O_APPEND off; the access mode stays.
        f.fcntl(a, F_SETFL, O_RDWR | O_NONBLOCK).unwrap();
        assert_eq!(f.fcntl(a, F_GETFL, 0), Ok(O_WRONLY | O_NONBLOCK));
        assert_eq!(lseek(&f, a, 0, SEEK_SET), Ok(0));
        write_all(&mut f, a, b"ONE");
        assert_eq!(pread(&f, r, &mut [0; 3], 0), Ok(3));
        let mut buf = [0; 4];
        pread(&f, r, &mut buf, 0).unwrap();
        assert_eq!(&buf, b"ONE ");
        assert_eq!(pread(&f, r, &mut buf, -1), Err(EINVAL));
        set_nonblocking(&f, a, false).unwrap();
        assert_eq!(f.fcntl(a, F_GETFL, 0), Ok(O_WRONLY));
        set_nonblocking(&f, a, true).unwrap();
        assert_eq!(f.fcntl(a, F_GETFL, 0), Ok(O_WRONLY | O_NONBLOCK));
    }

    #[test]
    fn dup_shares_the_position() {
        let mut f = files();
        let fd = f.open(b"/tmp/f", O_CREAT | O_RDWR, 0o644).unwrap();
        write_all(&mut f, fd, b"abcdef");
        lseek(&f, fd, 0, SEEK_SET).unwrap();
        let d = f.dup(fd).unwrap();
        assert_eq!(d, fd + 1);
        assert_eq!(read_n(&mut f, fd, 2), b"ab");
        assert_eq!(read_n(&mut f, d, 2), b"cd");
        drop(f.close(fd).unwrap());
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
        let stdout = f.get(1).unwrap();
        let (new, before) = f.dup2(fd, 1).unwrap();
        assert_eq!(new, 1);
        assert!(Arc::ptr_eq(&before.unwrap(), &stdout));
        write_all(&mut f, 1, b"to the file");
        assert_eq!(fstat(&f, fd).unwrap().st_size, 11);
        assert_eq!(f.dup2(fd, fd).map(|r| r.0), Ok(fd));
        assert_eq!(f.dup2(fd, -1).err(), Some(EBADF));
        assert_eq!(f.dup2(fd, MAX_FDS as i32).err(), Some(EBADF));
        assert_eq!(f.dup2(77, 1).err(), Some(EBADF));
        assert_eq!(f.dup2(fd, 200).map(|r| r.0), Ok(200));
        // Only the stdout description's last descriptor went (nothing else held it).
        assert_eq!(Arc::strong_count(&stdout), 1);
        let file = f.get(fd).unwrap();
        assert_eq!(Arc::strong_count(&file), 4);
        drop(f.close(fd).unwrap());
        drop(f.close(1).unwrap());
        drop(f.close(200).unwrap());
        // The open file went with the last descriptor.
        assert_eq!(Arc::strong_count(&file), 1);
    }

    #[test]
    fn installed_objects() {
        static DROPS: AtomicUsize = AtomicUsize::new(0);
        let mut f = files();
        let object = new_object(Counted(&DROPS)).unwrap();
        let s = f
            .install(
                &new_open_file(object, Access::ReadWrite, O_NONBLOCK).unwrap(),
                false,
            )
            .unwrap();
        assert_eq!(s, 3);
        let file = f.get(s).unwrap();
        assert!(file.nonblocking());
        assert_eq!(file.object().socket_id(), Some(7));
        // Read and write flags reach the object: non-blocking, then peek.
        assert_eq!(read(&f, s, &mut [0; 4]), Ok(2));
        set_nonblocking(&f, s, false).unwrap();
        assert_eq!(file.read(&mut [0; 4], true), Ok(1));
        assert_eq!(write(&f, s, b"xy"), Ok(2));
        // What the object does not have: Linux's answers.
        assert_eq!(lseek(&f, s, 0, SEEK_SET), Err(ESPIPE));
        assert_eq!(pread(&f, s, &mut [0; 4], 0), Err(ESPIPE));
        assert_eq!(getdents(&f, s, &mut [0; 4]), Err(ENOTDIR));
        assert_eq!(file.object().ioctl(1, 0), Err(crate::abi::errno::ENOTTY));
        assert_eq!(ftruncate(&f, s, 0), Err(EINVAL));
        assert_eq!(f.fcntl(s, F_GETFL, 0), Ok(O_RDWR));
        drop(file);
        // Freed only with the last descriptor.
        let d = f.dup(s).unwrap();
        drop(f.close(s).unwrap());
        assert_eq!(DROPS.load(Ordering::SeqCst), 0);
        let last = f.close(d).unwrap();
        assert_eq!(DROPS.load(Ordering::SeqCst), 0);
        // The caller frees it, outside the table's lock.
        drop(last);
        assert_eq!(DROPS.load(Ordering::SeqCst), 1);
        let e = f
            .install(
                &new_open_file(new_object(Counted(&DROPS)).unwrap(), Access::ReadWrite, 0).unwrap(),
                true,
            )
            .unwrap();
        assert_eq!(f.fcntl(e, F_GETFD, 0), Ok(FD_CLOEXEC));
        let (_, before) = f.dup2(1, e).unwrap();
        assert_eq!(DROPS.load(Ordering::SeqCst), 1);
        drop(before);
        assert_eq!(DROPS.load(Ordering::SeqCst), 2);
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
        assert_eq!(f.fs().lock().stat(b"/tmp/g").err(), Some(ENOENT));
        drop(f.close(500).unwrap());
        assert_eq!(f.dup(fd), Ok(500));
    }

    #[test]
    fn directories() {
        let mut f = files();
        f.fs().lock().mkdir(b"/tmp/d", 0o777).unwrap();
        let fd = f.open(b"/tmp/d", O_RDONLY | O_DIRECTORY, 0).unwrap();
        assert_eq!(read(&f, fd, &mut [0; 8]), Err(EISDIR));
        assert_eq!(pread(&f, fd, &mut [0; 8], 0), Err(EISDIR));
        assert_eq!(ftruncate(&f, fd, 0), Err(EINVAL));
        let mut buf = [0u8; 256];
        assert_eq!(getdents(&f, fd, &mut buf), Ok(0));
        f.fs().lock().mkdir(b"/tmp/d/a", 0o777).unwrap();
        f.fs().lock().mkdir(b"/tmp/d/b", 0o777).unwrap();
        assert_eq!(lseek(&f, fd, 0, SEEK_SET), Ok(0));
        assert_eq!(getdents(&f, fd, &mut buf), Ok(48));
        assert_eq!(getdents(&f, fd, &mut buf), Ok(0));
        assert_eq!(lseek(&f, fd, 0, SEEK_END), Err(EINVAL));
        assert_eq!(lseek(&f, fd, 1, SEEK_SET), Ok(1));
        assert_eq!(getdents(&f, fd, &mut buf), Ok(24));
        assert!(fstat(&f, fd).unwrap().st_mode & crate::abi::S_IFDIR != 0);
        drop(f.close(fd).unwrap());
    }

    #[test]
    fn closing_the_last_descriptor_frees_an_unlinked_file() {
        let mut f = files();
        let fd = f
            .open(b"/tmp/f", O_CREAT | O_RDWR | O_TRUNC, 0o644)
            .unwrap();
        write_all(&mut f, fd, b"data");
        let d = f.dup(fd).unwrap();
        f.fs().lock().unlink(b"/tmp/f").unwrap();
        assert_eq!(f.fs().lock().node_count(), BOOT_NODES + 1);
        drop(f.close(fd).unwrap());
        assert_eq!(pread(&f, d, &mut [0; 4], 0), Ok(4));
        drop(f.close(d).unwrap());
        assert_eq!(f.fs().lock().node_count(), BOOT_NODES);
        assert_eq!(f.fsync(d), Err(EBADF));
        assert_eq!(f.fsync(0), Ok(()));
    }

    #[test]
    fn devices() {
        let mut f = files();
        let null = f
            .open(b"/dev/null", O_CREAT | O_WRONLY | O_TRUNC, 0o644)
            .unwrap();
        assert_eq!(write(&f, null, b"gone"), Ok(4));
        assert_eq!(read(&f, null, &mut [0; 4]), Err(EBADF));
        assert_eq!(pwrite(&f, null, b"x", 5), Ok(1));
        let st = fstat(&f, null).unwrap();
        assert_eq!(st.st_mode, crate::abi::S_IFCHR | 0o666);
        assert_eq!((st.st_size, st.st_rdev), (0, Device::Null.rdev()));
        let full = f.open(b"/dev/full", O_RDWR, 0).unwrap();
        assert_eq!(write(&f, full, b"x"), Err(crate::abi::errno::ENOSPC));
        let zero = f.open(b"/dev/zero", O_RDONLY, 0).unwrap();
        let mut buf = [1; 4];
        assert_eq!(read(&f, zero, &mut buf), Ok(4));
        assert_eq!(buf, [0; 4]);
        buf = [1; 4];
        assert_eq!(pread(&f, zero, &mut buf, 9), Ok(4));
        assert_eq!(buf, [0; 4]);
        assert_eq!(pread(&f, zero, &mut [1; 4], -1), Err(EINVAL));
        let random = f.open(b"/dev/urandom", O_RDWR, 0).unwrap();
        assert_eq!(read(&f, random, &mut buf), Ok(4));
        assert_eq!(buf, [4; 4]);
        assert_eq!(write(&f, random, b"x"), Ok(1));
        // No position: every seek lands at 0.
        for whence in [SEEK_SET, SEEK_CUR, SEEK_END, SEEK_DATA] {
            assert_eq!(lseek(&f, zero, 100, whence), Ok(0));
        }
        assert_eq!(ftruncate(&f, null, 0), Err(EINVAL));
        assert_eq!(getdents(&f, zero, &mut [0; 64]), Err(ENOTDIR));
        assert_eq!(
            f.open(b"/dev/zero", O_RDONLY | O_DIRECTORY, 0),
            Err(ENOTDIR)
        );
        // A duplicate is the same open file; closing everything frees no node.
        let d = f.dup(random).unwrap();
        assert!(Arc::ptr_eq(&f.get(d).unwrap(), &f.get(random).unwrap()));
        for fd in [null, full, zero, random, d] {
            drop(f.close(fd).unwrap());
        }
        assert_eq!(f.fs().lock().node_count(), BOOT_NODES);
    }
}
