//! Host directories as volumes (virtio-fs): the FUSE protocol (`proto`), a volume as a
//! FUSE client with path resolution confined to it (`volume`), and the mount table
//! that routes paths to volumes (`mounts`). The device itself is
//! `drivers::virtio::fs`; the open files are `fd::kind::host_file` and `host_dir`.

pub mod mounts;
pub mod ops;
pub mod proto;
#[cfg(target_os = "none")]
pub mod table;
pub mod volume;

#[cfg(test)]
pub(crate) mod fake;

/// Lets another task run while a FUSE request is waited for or a lock is busy (on the
/// host, in tests: a spin hint).
pub fn relax() {
    #[cfg(target_os = "none")]
    crate::sched::yield_now();
    #[cfg(not(target_os = "none"))]
    core::hint::spin_loop();
}

/// Locks `m`, letting other tasks run while it is busy: the holder may be waiting for
/// the daemon, which can take long.
pub fn lock<T>(m: &hermit_sync::SpinMutex<T>) -> hermit_sync::SpinMutexGuard<'_, T> {
    loop {
        if let Some(g) = m.try_lock() {
            return g;
        }
        relax();
    }
}
