//! Character devices: the memory devices of Linux's major number 1 that programs open
//! by name (`/dev/null` to discard output, `/dev/urandom` for entropy), and the `/dev`
//! directory that holds them, made with the filesystem.
//!
//! A device has no contents and no position: its reads and writes need nothing from
//! the filesystem, so the descriptor layer hands them to its caller to do outside the
//! descriptor lock (a large read of random bytes takes a while under TCG). The random
//! source comes in as a function, the kernel's `getentropy` one, so this is host-tested.
//!
//! `/dev` and its devices are fixed (`Node::fixed`): removing or renaming them fails with
//! `EPERM`, creating a name in `/dev` with `EACCES`. Programs (and Linux's own
//! `/dev`) count on these names always being there.

use super::node::Body;
use super::{Errno, Fs, Ino};
use crate::abi::errno::ENOSPC;

/// Where the devices are.
pub const DEV_DIR: &[u8] = b"/dev";
/// Permission bits of every device: anyone may read and write, as on Linux.
pub const DEVICE_PERM: u32 = 0o666;
/// Linux's major number of the memory devices.
const MEM_MAJOR: u64 = 1;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Device {
    /// Reads are at end of file; writes succeed and are discarded.
    Null,
    /// Reads give zero bytes; writes are discarded.
    Zero,
    /// Reads give zero bytes; writes fail with `ENOSPC` (a disk that is always full,
    /// for testing how programs handle it).
    Full,
    /// Random bytes; writes (entropy offered to Linux's pool) are discarded. The same
    /// source as `urandom`: the CPU's generator never blocks.
    Random,
    Urandom,
}

impl Device {
    /// Every device, each made in `/dev` at boot. Private: cbindgen would declare the
    /// type of a public constant in the C header, and it is no part of the ABI.
    const ALL: [Device; 5] = [
        Device::Null,
        Device::Zero,
        Device::Full,
        Device::Random,
        Device::Urandom,
    ];

    /// Its name in `/dev`.
    pub fn name(self) -> &'static [u8] {
        match self {
            Device::Null => b"null",
            Device::Zero => b"zero",
            Device::Full => b"full",
            Device::Random => b"random",
            Device::Urandom => b"urandom",
        }
    }

    /// `st_rdev`: Linux's device number, encoded as glibc's `makedev` does (the low 8
    /// bits of the minor, then 12 of the major), so C's `major`/`minor` read 1 and the
    /// minor Linux gives it.
    pub fn rdev(self) -> u64 {
        let minor = match self {
            Device::Null => 3,
            Device::Zero => 5,
            Device::Full => 7,
            Device::Random => 8,
            Device::Urandom => 9,
        };
        (MEM_MAJOR << 8) | minor
    }

    /// Reads into `buf`: the bytes read. `random` fills a buffer with random bytes and
    /// returns how many it filled (fewer if the source ran dry part way, an error if it
    /// gave none), as the kernel's `getentropy` does.
    pub fn read(
        self,
        buf: &mut [u8],
        random: impl FnOnce(&mut [u8]) -> Result<usize, Errno>,
    ) -> Result<usize, Errno> {
        match self {
            Device::Null => Ok(0),
            Device::Zero | Device::Full => {
                buf.fill(0);
                Ok(buf.len())
            }
            Device::Random | Device::Urandom => random(buf),
        }
    }

    /// Writes `data`: all of it is taken (and dropped), except by `full`.
    pub fn write(self, data: &[u8]) -> Result<usize, Errno> {
        match self {
            Device::Full => Err(ENOSPC),
            _ => Ok(data.len()),
        }
    }
}

impl Fs {
    /// Makes `/dev` with every device in it, all fixed.
    pub(super) fn make_dev(&mut self) -> Result<(), Errno> {
        self.mkdir(DEV_DIR, 0o755)?;
        let dev = self.lookup(DEV_DIR)?;
        for d in Device::ALL {
            let ino = self.create(dev, d.name(), Body::Device(d), DEVICE_PERM)?;
            let node = self.node_mut(ino)?;
            // `create` applied the umask; devices are world-writable on Linux.
            node.perm = DEVICE_PERM;
            node.fixed = true;
        }
        // Last: nothing can be created in a fixed directory.
        self.node_mut(dev)?.fixed = true;
        Ok(())
    }

    /// The device `ino` is, if it is one.
    pub fn device(&self, ino: Ino) -> Result<Option<Device>, Errno> {
        Ok(match self.node(ino)?.body {
            Body::Device(d) => Some(d),
            _ => None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::new_fs;
    use super::*;
    use crate::abi::errno::{EACCES, EEXIST, EINVAL, EIO, ENOTDIR, EPERM};
    use crate::abi::{DT_CHR, S_IFCHR, S_IFDIR};
    use crate::fs::OpenHow;

    /// A random source that fills with a counter, to tell its bytes apart.
    fn counter(buf: &mut [u8]) -> Result<usize, Errno> {
        for (i, b) in buf.iter_mut().enumerate() {
            *b = i as u8 + 1;
        }
        Ok(buf.len())
    }

    fn no_random(_: &mut [u8]) -> Result<usize, Errno> {
        panic!("only random and urandom use the random source")
    }

    #[test]
    fn reads_and_writes() {
        let mut buf = [0xaau8; 8];
        assert_eq!(Device::Null.read(&mut buf, no_random), Ok(0));
        assert_eq!(buf, [0xaa; 8]);
        assert_eq!(Device::Zero.read(&mut buf, no_random), Ok(8));
        assert_eq!(buf, [0; 8]);
        buf.fill(0xaa);
        assert_eq!(Device::Full.read(&mut buf, no_random), Ok(8));
        assert_eq!(buf, [0; 8]);
        for d in [Device::Random, Device::Urandom] {
            buf.fill(0);
            assert_eq!(d.read(&mut buf, counter), Ok(8));
            assert_eq!(buf, [1, 2, 3, 4, 5, 6, 7, 8]);
            // Short and failed fills are passed on as they are.
            assert_eq!(d.read(&mut buf, |b| Ok(b.len() / 2)), Ok(4));
            assert_eq!(d.read(&mut buf, |_| Err(EIO)), Err(EIO));
        }
        assert_eq!(Device::Zero.read(&mut [], no_random), Ok(0));
        for d in [Device::Null, Device::Zero, Device::Random, Device::Urandom] {
            assert_eq!(d.write(b"discarded"), Ok(9));
        }
        assert_eq!(Device::Full.write(b"x"), Err(ENOSPC));
    }

    #[test]
    fn linux_device_numbers() {
        let numbers: Vec<(u64, u64)> = Device::ALL
            .iter()
            .map(|d| (d.rdev() >> 8, d.rdev() & 0xff))
            .collect();
        assert_eq!(numbers, [(1, 3), (1, 5), (1, 7), (1, 8), (1, 9)]);
    }

    #[test]
    fn dev_holds_the_devices() {
        let fs = new_fs();
        let dev = fs.stat(b"/dev").unwrap();
        assert_eq!(dev.st_mode, S_IFDIR | 0o755);
        for d in Device::ALL {
            let mut path = b"/dev/".to_vec();
            path.extend_from_slice(d.name());
            let st = fs.stat(&path).unwrap();
            assert_eq!(st.st_mode, S_IFCHR | 0o666);
            assert_eq!((st.st_size, st.st_blocks, st.st_nlink), (0, 0, 1));
            assert_eq!(st.st_rdev, d.rdev());
            let ino = fs.lookup(&path).unwrap();
            assert_eq!(fs.device(ino), Ok(Some(d)));
        }
        assert_eq!(fs.device(fs.lookup(b"/dev").unwrap()), Ok(None));
        // Listed in name order, as character devices.
        let mut buf = [0u8; 512];
        let mut pos = 0;
        let mut fs = fs;
        let dev = fs.lookup(b"/dev").unwrap();
        let n = fs.getdents(dev, &mut pos, &mut buf).unwrap();
        let mut names = Vec::new();
        let mut at = 0;
        while at < n {
            let len = u16::from_ne_bytes([buf[at + 16], buf[at + 17]]) as usize;
            assert_eq!(buf[at + 18], DT_CHR);
            let name = &buf[at + 19..at + len];
            let end = name.iter().position(|&b| b == 0).unwrap();
            names.push(String::from_utf8(name[..end].to_vec()).unwrap());
            at += len;
        }
        assert_eq!(names, ["full", "null", "random", "urandom", "zero"]);
    }

    #[test]
    fn open_with_create_and_truncate_keeps_the_device() {
        let mut fs = new_fs();
        let how = OpenHow {
            create: true,
            truncate: true,
            write: true,
            ..Default::default()
        };
        let ino = fs.open(b"/dev/null", how, 0o644).unwrap();
        assert_eq!(fs.device(ino), Ok(Some(Device::Null)));
        assert_eq!(fs.stat_ino(ino).unwrap().st_mode, S_IFCHR | 0o666);
        fs.release(ino);
        let excl = OpenHow {
            exclusive: true,
            ..how
        };
        assert_eq!(fs.open(b"/dev/null", excl, 0o644), Err(EEXIST));
        let dir = OpenHow {
            directory: true,
            nofollow: false,
            ..Default::default()
        };
        assert_eq!(fs.open(b"/dev/zero", dir, 0), Err(ENOTDIR));
        assert_eq!(fs.open(b"/dev/zero/", Default::default(), 0), Err(ENOTDIR));
        // Opening and closing frees nothing.
        let count = fs.node_count();
        let ino = fs.open(b"/dev/zero", Default::default(), 0).unwrap();
        fs.release(ino);
        assert_eq!(fs.node_count(), count);
    }

    #[test]
    fn dev_is_fixed() {
        let mut fs = new_fs();
        let count = fs.node_count();
        assert_eq!(fs.unlink(b"/dev/null"), Err(EPERM));
        assert_eq!(fs.unlink(b"/dev/../dev/urandom"), Err(EPERM));
        assert_eq!(fs.rmdir(b"/dev"), Err(EPERM));
        assert_eq!(fs.rmdir(b"/dev/"), Err(EPERM));
        assert_eq!(fs.rmdir(b"/dev/zero"), Err(ENOTDIR));
        assert_eq!(fs.rename(b"/dev/null", b"/tmp/null"), Err(EPERM));
        assert_eq!(fs.rename(b"/dev/null", b"/dev/zero"), Err(EPERM));
        assert_eq!(fs.rename(b"/dev", b"/devices"), Err(EPERM));
        let how = OpenHow {
            create: true,
            write: true,
            ..Default::default()
        };
        let f = fs.open(b"/tmp/f", how, 0o644).unwrap();
        fs.release(f);
        fs.mkdir(b"/tmp/d", 0o755).unwrap();
        // Replacing a device or /dev, or adding a name to /dev.
        assert_eq!(fs.rename(b"/tmp/f", b"/dev/null"), Err(EPERM));
        assert_eq!(fs.rename(b"/tmp/d", b"/dev"), Err(EPERM));
        assert_eq!(fs.rename(b"/tmp/f", b"/dev/f"), Err(EACCES));
        assert_eq!(fs.open(b"/dev/new", how, 0o644), Err(EACCES));
        assert_eq!(fs.mkdir(b"/dev/sub", 0o755), Err(EACCES));
        assert_eq!(fs.mkdir(b"/dev/null", 0o755), Err(EEXIST));
        assert_eq!(fs.truncate(b"/dev/null", 0), Err(EINVAL));
        // Nothing changed.
        assert_eq!(fs.node_count(), count + 2);
        assert!(fs.stat(b"/dev/null").is_ok());
        assert!(fs.stat(b"/tmp/f").is_ok());
        assert!(fs.stat(b"/tmp/d").is_ok());
        // Elsewhere all still works.
        fs.rename(b"/tmp/f", b"/tmp/g").unwrap();
        fs.unlink(b"/tmp/g").unwrap();
        fs.rmdir(b"/tmp/d").unwrap();
        assert_eq!(fs.node_count(), count);
    }
}
