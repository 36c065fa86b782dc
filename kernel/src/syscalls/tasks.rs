//! Tasks and futexes, for the single task that runs until the scheduler lands (the
//! threads issue). Each call does what it must with exactly one task: a yield returns at
//! once, a wake finds no waiter, a wait that nothing could end is reported as the
//! deadlock it is. Creating tasks fails with ENOSYS.

use core::sync::atomic::{AtomicU32, Ordering};

use super::fail;
use super::time::wait_ns;
use crate::abi::errno::{EAGAIN, EFAULT, EINVAL, ENOSYS, ETIMEDOUT};
use crate::abi::{Tid, sem_t, timespec};
use crate::arch::exit;
use crate::kreport;

const FUTEX_RELATIVE_TIMEOUT: u32 = 1;
const NORMAL_PRIO: u8 = 2;

fn deadlock(what: &str) -> ! {
    kreport!("eremit: deadlock: {what}, but no other task exists to end the wait");
    crate::arch::crash::backtrace(0, crate::arch::crash::current_rbp(), crate::arch::crash::current_rsp());
    exit::exit_vm(134)
}

#[unsafe(no_mangle)]
pub extern "C" fn sys_yield() {}

/// # Safety
/// `address` must point at a live `u32`; `timeout`, when not null, at a `timespec`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sys_futex_wait(
    address: *mut u32,
    expected: u32,
    timeout: *const timespec,
    flags: u32,
) -> i32 {
    if address.is_null() {
        return fail(EFAULT);
    }
    // SAFETY: the caller passes a live, aligned u32 (it is an atomic in std).
    let current = unsafe { (*(address as *const AtomicU32)).load(Ordering::SeqCst) };
    if current != expected {
        return fail(EAGAIN);
    }
    if timeout.is_null() {
        deadlock("the only task waits on a futex without a timeout");
    }
    // SAFETY: checked for null; the caller passes a valid timespec.
    let t = unsafe { timeout.read() };
    if t.tv_sec < 0 || !(0..1_000_000_000).contains(&t.tv_nsec) {
        return fail(EINVAL);
    }
    let ns = (t.tv_sec as u64)
        .saturating_mul(1_000_000_000)
        .saturating_add(t.tv_nsec as u64);
    if flags & FUTEX_RELATIVE_TIMEOUT != 0 {
        wait_ns(ns);
    } else {
        let now = crate::arch::clock::uptime_ns();
        wait_ns(ns.saturating_sub(now));
    }
    fail(ETIMEDOUT)
}

/// No task can be waiting: nothing to wake.
#[unsafe(no_mangle)]
pub extern "C" fn sys_futex_wake(address: *mut u32, _count: i32) -> i32 {
    if address.is_null() {
        return fail(EFAULT);
    }
    0
}

#[unsafe(no_mangle)]
pub extern "C" fn sys_spawn(
    _id: *mut Tid,
    _func: extern "C" fn(usize),
    _arg: usize,
    _prio: u8,
    _core_id: isize,
) -> i32 {
    fail(ENOSYS)
}

/// Returns 0 (no task) on failure, as `hermit-abi` specifies.
#[unsafe(no_mangle)]
pub extern "C" fn sys_spawn2(
    _func: extern "C" fn(usize),
    _arg: usize,
    _prio: u8,
    _stack_size: usize,
    _core_id: isize,
) -> Tid {
    super::set_errno(ENOSYS);
    0
}

#[unsafe(no_mangle)]
pub extern "C" fn sys_join(_id: Tid) -> i32 {
    fail(ENOSYS)
}

#[unsafe(no_mangle)]
pub extern "C" fn sys_get_priority() -> u8 {
    NORMAL_PRIO
}

/// Priorities matter once there is more than one task.
#[unsafe(no_mangle)]
pub extern "C" fn sys_set_priority(_tid: Tid, _prio: u8) {
    super::set_errno(ENOSYS);
}

#[unsafe(no_mangle)]
pub extern "C" fn sys_block_current_task() {
    deadlock("the only task blocked itself");
}

#[unsafe(no_mangle)]
pub extern "C" fn sys_block_current_task_with_timeout(timeout_ms: u64) {
    wait_ns(timeout_ms.saturating_mul(1_000_000));
}

/// `hermit-abi` spells this symbol with a trailing `t`.
#[unsafe(no_mangle)]
pub extern "C" fn sys_wakeup_taskt(_tid: Tid) {
    super::set_errno(ENOSYS);
}

macro_rules! semaphore_enosys {
    ($($name:ident($($arg:ident: $ty:ty),*)),* $(,)?) => {$(
        /// Semaphores come with the scheduler (threads issue).
        #[unsafe(no_mangle)]
        pub extern "C" fn $name($($arg: $ty),*) -> i32 {
            $(let _ = $arg;)*
            fail(ENOSYS)
        }
    )*};
}

semaphore_enosys!(
    sys_sem_init(sem: *mut sem_t, pshared: i32, value: u32),
    sys_sem_destroy(sem: *mut sem_t),
    sys_sem_post(sem: *mut sem_t),
    sys_sem_trywait(sem: *mut sem_t),
    sys_sem_timedwait(sem: *mut sem_t, abs_timeout: *const timespec),
);
