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
