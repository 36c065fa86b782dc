//! The VM's mount table: the `volume=` options from the command line (`set`), and the
//! volumes behind them, started on first use (the devices probed, each matched to its
//! option by tag, the FUSE session begun). A volume whose device is missing or does not
//! start answers `EIO`.

use alloc::sync::Arc;
use alloc::vec::Vec;
use hermit_sync::SpinMutex;

use super::mounts::{self, MountSpec};
use super::volume::Volume;
use crate::abi::errno::{EIO, Errno};

struct Table {
    specs: Vec<MountSpec>,
    /// `None` until first used; then one entry per spec.
    volumes: Option<Vec<Result<Arc<Volume>, Errno>>>,
}

static TABLE: SpinMutex<Table> = SpinMutex::new(Table {
    specs: Vec::new(),
    volumes: None,
});

/// Records the mounts (at boot) and makes their mount points in the in-memory tree, so
/// listing their parent shows them.
pub fn set(specs: Vec<MountSpec>) {
    if let Ok(fs) = crate::fd::global::fs() {
        let mut fs = fs.lock();
        for s in &specs {
            let mut prefix = Vec::new();
            for c in s.guest.split(|&b| b == b'/').filter(|c| !c.is_empty()) {
                prefix.push(b'/');
                prefix.extend_from_slice(c);
                let _ = fs.mkdir(&prefix, 0o755);
            }
        }
    }
    super::lock(&TABLE).specs = specs;
}

/// Whether any volume is mounted (paths need no routing otherwise).
pub fn any() -> bool {
    !super::lock(&TABLE).specs.is_empty()
}

#[cfg(feature = "virtio-fs")]
fn start(specs: &[MountSpec]) -> Vec<Result<Arc<Volume>, Errno>> {
    let mut devices: Vec<_> = crate::drivers::virtio::fs::probe_all()
        .into_iter()
        .map(Some)
        .collect();
    specs
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let dev = devices
                .iter_mut()
                .find(|d| d.as_ref().is_some_and(|(tag, _)| *tag == s.tag))
                .and_then(Option::take);
            let Some((_, dev)) = dev else {
                crate::kreport!(
                    "eremit: volume {}: no virtio-fs device tagged {}",
                    alloc::string::String::from_utf8_lossy(&s.guest),
                    s.tag
                );
                return Err(EIO);
            };
            let chan: Arc<dyn super::volume::Channel> = Arc::new(dev);
            Volume::new(chan, s.read_only, 0x100 + i as u64).inspect_err(|e| {
                crate::kreport!(
                    "eremit: volume {}: FUSE INIT failed: {e:?}",
                    alloc::string::String::from_utf8_lossy(&s.guest)
                );
            })
        })
        .collect()
}

#[cfg(not(feature = "virtio-fs"))]
fn start(specs: &[MountSpec]) -> Vec<Result<Arc<Volume>, Errno>> {
    crate::kreport!(
        "eremit: volumes given but the kernel was built without the `virtio-fs` feature"
    );
    specs.iter().map(|_| Err(EIO)).collect()
}

/// The volume an absolute, lexically clean-up-able `path` leads into and the rest of
/// the path inside it; `None` when it stays in the in-memory tree.
pub fn route(path: &[u8]) -> Option<Result<(Arc<Volume>, Vec<u8>), Errno>> {
    let mut t = super::lock(&TABLE);
    let (i, rest) = mounts::route(&t.specs, path)?;
    let rest = rest.to_vec();
    if t.volumes.is_none() {
        let started = start(&t.specs);
        t.volumes = Some(started);
    }
    let v = t.volumes.as_ref()?.get(i)?.clone();
    Some(v.map(|v| (v, rest)))
}

/// The mount point `path` leads into and the rest of the path inside it.
pub fn mount_point(path: &[u8]) -> Option<(Vec<u8>, &[u8])> {
    let t = super::lock(&TABLE);
    let (i, rest) = mounts::route(&t.specs, path)?;
    Some((t.specs[i].guest.clone(), rest))
}
