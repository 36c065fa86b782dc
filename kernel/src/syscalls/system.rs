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

/// What Hermit's kernel exports under this name (not part of hermit-abi) for tracers:
/// the amount by which the running image is moved from the addresses it is linked at,
/// which tools add to the image's symbol addresses (rftrace writes it as the start of the
/// image's line in a uftrace `sid-*.map`, `uftrace` then adds it to `nm`'s addresses).
/// Hermit links its images at 0 and relocates them where it loads them, so there the
/// load address is that amount. Eremit's images are linked at 2 MiB and run exactly
/// there (hermit/src/lib.rs, `boot::image_range`): the amount is 0, and returning the load
/// address instead made every traced function resolve 2 MiB off.
#[unsafe(no_mangle)]
pub extern "C" fn sys_image_start_addr() -> usize {
    0
}
