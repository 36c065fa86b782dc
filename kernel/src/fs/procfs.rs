//! `/proc`: the files programs read to learn about the machine they run on, read-only
//! and generated when opened, as Linux's are: `/proc/version` (Hermit's demo program
//! prints it), `/proc/cpuinfo` (one entry per vCPU: thread pools size themselves by
//! counting them) and `/proc/meminfo` (`MemTotal`, `MemFree`, `MemAvailable`: services
//! watch their headroom with it).
//!
//! Each is a regular file whose contents are made anew at every `open` from the system's
//! figures of that moment (a reader keeps the snapshot it opened); writing, truncating,
//! removing or renaming them fails as on Linux. The figures come from `system_info`,
//! the kernel's in the guest and fixed ones on the host, so all of this is host-tested.

use alloc::vec::Vec;
use core::fmt::Write;

use super::node::Body;
use super::{Errno, Fs, Ino};
use crate::abi::errno::ENOMEM;

/// Where the files are.
pub const PROC_DIR: &[u8] = b"/proc";
/// Read-only for everyone, as on Linux.
const PROC_FILE_PERM: u32 = 0o444;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProcFile {
    Version,
    Cpuinfo,
    Meminfo,
}

impl ProcFile {
    const ALL: [ProcFile; 3] = [ProcFile::Version, ProcFile::Cpuinfo, ProcFile::Meminfo];

    fn name(self) -> &'static [u8] {
        match self {
            ProcFile::Version => b"version",
            ProcFile::Cpuinfo => b"cpuinfo",
            ProcFile::Meminfo => b"meminfo",
        }
    }
}

/// The figures the files show.
#[derive(Clone, Copy, Debug)]
pub struct SystemInfo {
    /// Bytes of memory the VM's heap manages, and of those not in use.
    pub mem_total: u64,
    pub mem_free: u64,
    /// vCPUs online.
    pub cpus: usize,
    /// The TSC's rate: what Linux shows as "cpu MHz" on a machine with a constant TSC.
    pub tsc_khz: u64,
}

#[cfg(target_os = "none")]
fn system_info() -> SystemInfo {
    let (free, total) = crate::mm::heap::HEAP.usage();
    SystemInfo {
        mem_total: total as u64,
        mem_free: free as u64,
        cpus: crate::arch::smp::online_cpus(),
        tsc_khz: crate::clock::counter_khz(),
    }
}

/// Fixed figures for host tests.
#[cfg(not(target_os = "none"))]
fn system_info() -> SystemInfo {
    SystemInfo {
        mem_total: 256 << 20,
        mem_free: 200 << 20,
        cpus: 2,
        tsc_khz: 2_500_000,
    }
}

/// A `core::fmt` sink on a Vec that reports a failed allocation instead of aborting.
struct Text(Vec<u8>);

impl Write for Text {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        self.0.try_reserve(s.len()).map_err(|_| core::fmt::Error)?;
        self.0.extend_from_slice(s.as_bytes());
        Ok(())
    }
}

/// The contents of `file` for the figures `info`.
pub fn render(file: ProcFile, info: &SystemInfo) -> Result<Vec<u8>, Errno> {
    let mut t = Text(Vec::new());
    let r = match file {
        ProcFile::Version => writeln!(
            t,
            "Eremit version {} (x86_64-unknown-hermit) #1 SMP",
            env!("CARGO_PKG_VERSION")
        ),
        ProcFile::Cpuinfo => (0..info.cpus.max(1)).try_for_each(|n| {
            write!(
                t,
                "processor\t: {n}\nvendor_id\t: Eremit\nmodel name\t: Eremit vCPU\n\
                 cpu MHz\t\t: {}.{:03}\nsiblings\t: {cpus}\ncore id\t\t: {n}\n\
                 cpu cores\t: {cpus}\nflags\t\t: fpu tsc msr apic sse sse2 ht syscall nx lm\n\n",
                info.tsc_khz / 1000,
                info.tsc_khz % 1000,
                cpus = info.cpus.max(1)
            )
        }),
        // Linux's layout: the name and colon padded to 16 columns, the figure in kB
        // right-aligned in 8. A unikernel keeps no caches to reclaim: available is free.
        ProcFile::Meminfo => [
            ("MemTotal:", info.mem_total),
            ("MemFree:", info.mem_free),
            ("MemAvailable:", info.mem_free),
        ]
        .iter()
        .try_for_each(|(name, bytes)| writeln!(t, "{name:<16}{:>8} kB", bytes / 1024)),
    };
    r.map_err(|_| ENOMEM)?;
    Ok(t.0)
}

impl Fs {
    /// Makes `/proc` with its files, all fixed.
    pub(super) fn make_proc(&mut self) -> Result<(), Errno> {
        self.mkdir(PROC_DIR, 0o555)?;
        let dir = self.lookup(PROC_DIR)?;
        for f in ProcFile::ALL {
            let body = Body::File(super::cell::FileCell::new()?);
            let ino = self.create(dir, f.name(), body, PROC_FILE_PERM)?;
            let node = self.node_mut(ino)?;
            node.perm = PROC_FILE_PERM;
            node.fixed = true;
            node.generated = Some(f);
        }
        self.node_mut(dir)?.fixed = true;
        Ok(())
    }

    /// Makes the contents of a generated file anew, if `ino` is one.
    pub(super) fn refresh_generated(&mut self, ino: Ino) -> Result<(), Errno> {
        let Some(file) = self.node(ino)?.generated else {
            return Ok(());
        };
        let text = render(file, &system_info())?;
        self.set_len(ino, 0)?;
        self.write(ino, 0, &text)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::new_fs;
    use super::*;
    use crate::abi::errno::{EACCES, EPERM};
    use crate::abi::{O_RDONLY, S_IFREG};
    use crate::fs::OpenHow;
    use alloc::string::String;

    fn read_all(fs: &mut Fs, path: &[u8]) -> String {
        let ino = fs.open(path, OpenHow::default(), 0).unwrap();
        let mut buf = [0u8; 4096];
        let n = fs.read(ino, 0, &mut buf).unwrap();
        fs.release(ino);
        String::from_utf8(buf[..n].to_vec()).unwrap()
    }

    #[test]
    fn files_hold_the_figures() {
        let mut fs = new_fs();
        let version = read_all(&mut fs, b"/proc/version");
        assert!(version.starts_with("Eremit version ") && version.ends_with('\n'));
        let cpuinfo = read_all(&mut fs, b"/proc/cpuinfo");
        assert_eq!(cpuinfo.matches("processor\t: ").count(), 2);
        assert!(cpuinfo.contains("cpu MHz\t\t: 2500.000\n"));
        let meminfo = read_all(&mut fs, b"/proc/meminfo");
        assert_eq!(
            meminfo,
            "MemTotal:         262144 kB\nMemFree:          204800 kB\nMemAvailable:     204800 kB\n"
        );
        let _ = O_RDONLY;
    }

    #[test]
    fn read_only_and_fixed() {
        let mut fs = new_fs();
        let st = fs.stat(b"/proc/meminfo").unwrap();
        assert_eq!(st.st_mode, S_IFREG | 0o444);
        let write = OpenHow {
            write: true,
            ..Default::default()
        };
        assert_eq!(fs.open(b"/proc/version", write, 0), Err(EACCES));
        let trunc = OpenHow {
            truncate: true,
            ..Default::default()
        };
        assert_eq!(fs.open(b"/proc/version", trunc, 0), Err(EACCES));
        assert_eq!(fs.truncate(b"/proc/version", 0), Err(EACCES));
        assert_eq!(fs.unlink(b"/proc/cpuinfo"), Err(EPERM));
        assert_eq!(fs.rename(b"/proc", b"/tmp/p"), Err(EPERM));
        let create = OpenHow {
            create: true,
            write: true,
            ..Default::default()
        };
        assert_eq!(fs.open(b"/proc/new", create, 0o644), Err(EACCES));
        // Opening again makes the contents anew: the same length for the same figures.
        let a = read_all(&mut fs, b"/proc/cpuinfo");
        assert_eq!(read_all(&mut fs, b"/proc/cpuinfo"), a);
    }
}
