//! System information and errno.

#[unsafe(no_mangle)]
pub extern "C" fn sys_getpagesize() -> i32 {
    4096
}

#[unsafe(no_mangle)]
pub extern "C" fn sys_available_parallelism() -> usize {
    crate::arch::smp::online_cpus()
}

#[unsafe(no_mangle)]
pub extern "C" fn sys_get_processor_count() -> usize {
    sys_available_parallelism()
}

#[unsafe(no_mangle)]
pub extern "C" fn sys_get_errno() -> i32 {
    super::errno()
}

#[unsafe(no_mangle)]
pub extern "C" fn sys_errno() -> i32 {
    super::errno()
}

/// Where the image (kernel and application) starts in memory, set at boot.
pub static IMAGE_START: core::sync::atomic::AtomicUsize = core::sync::atomic::AtomicUsize::new(0);

/// The address the image starts at: Hermit's kernel exports this (not part of
/// hermit-abi) for tracers that turn return addresses into offsets (rftrace).
#[unsafe(no_mangle)]
pub extern "C" fn sys_image_start_addr() -> usize {
    IMAGE_START.load(core::sync::atomic::Ordering::Relaxed)
}
