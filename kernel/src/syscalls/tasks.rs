//! Tasks, futexes, semaphores and the hermit block/wake-up protocol, on the scheduler.

use alloc::boxed::Box;
use core::sync::atomic::{AtomicU32, Ordering};

use super::{fail, uaccess};
use crate::abi::errno::{EAGAIN, EINVAL, ENOMEM, ESRCH, ETIMEDOUT, Errno};
use crate::abi::{FUTEX_INTERRUPTIBLE, FUTEX_RELATIVE_TIMEOUT, Tid, sem_t, timespec};
use crate::clock;
use crate::sched;

/// Reads a timespec from the application: Err(errno) when bad.
fn read_timespec(t: *const timespec) -> Result<Option<u64>, Errno> {
    if t.is_null() {
        return Ok(None);
    }
    let t = uaccess::read(t)?;
    if t.tv_sec < 0 || !(0..1_000_000_000).contains(&t.tv_nsec) {
        return Err(EINVAL);
    }
    Ok(Some(
        (t.tv_sec as u64)
            .saturating_mul(1_000_000_000)
            .saturating_add(t.tv_nsec as u64),
    ))
}

#[unsafe(no_mangle)]
pub extern "C" fn sys_yield() {
    sched::yield_now();
}

#[unsafe(no_mangle)]
pub extern "C" fn sys_futex_wait(
    address: *mut u32,
    expected: u32,
    timeout: *const timespec,
    flags: u32,
) -> i32 {
    let word = match uaccess::futex_word(address) {
        Ok(w) => w,
        Err(e) => return fail(e),
    };
    let deadline = match read_timespec(timeout) {
        Ok(None) => None,
        Ok(Some(ns)) if flags & FUTEX_RELATIVE_TIMEOUT != 0 => Some(clock::deadline_after_ns(ns)),
        Ok(Some(ns)) => Some(clock::ticks_at_uptime_ns(super::time::uptime_of_monotonic(
            ns,
        ))),
        Err(e) => return fail(e),
    };
    let r = if flags & FUTEX_INTERRUPTIBLE != 0 {
        sched::futex_wait_interruptible(word, expected, deadline)
    } else {
        sched::futex_wait(word, expected, deadline)
    };
    match r {
        Ok(()) => 0,
        Err(e) => fail(e),
    }
}

#[unsafe(no_mangle)]
pub extern "C" fn sys_futex_wake(address: *mut u32, count: i32) -> i32 {
    // The word is only a key here: as Linux does for a private futex, any aligned
    // address in the lower half is one (nothing is read).
    if let Err(e) = uaccess::futex_key(address) {
        return fail(e);
    }
    if count < 0 {
        return fail(EINVAL);
    }
    sched::futex_wake(address as usize, count as usize) as i32
}

unsafe extern "C" {
    /// Defined by the C library when a program links it (libc-port/src/reent.c): gives
    /// back what the ending thread's C code kept (its malloc cache, newlib's per-thread
    /// state). Threads the C library did not create (Rust's std threads in a mixed
    /// program) get no other chance. A weak reference: null in pure Rust programs.
    #[linkage = "extern_weak"]
    static __eremit_thread_exit_hook: Option<unsafe extern "C" fn()>;
}

/// What an application thread runs: `func(arg)`.
struct Start {
    func: extern "C" fn(usize),
    arg: usize,
}

/// Every application thread's first function: runs the application's, then the C
/// library's thread-exit hook, on the thread itself (its TLS is still there).
extern "C" fn application_thread(start: usize) {
    // SAFETY: `spawn` passes a Box<Start> it leaked, and only to this task.
    let start = unsafe { Box::from_raw(start as *mut Start) };
    (start.func)(start.arg);
    drop(start);
    // SAFETY: reading a weak symbol's address; the hook, when linked, is the C library's
    // and safe to call on an ending thread (more than once, too).
    if let Some(hook) = unsafe { __eremit_thread_exit_hook } {
        // SAFETY: as above.
        unsafe { hook() };
    }
}

fn spawn(
    func: extern "C" fn(usize),
    arg: usize,
    prio: u8,
    stack_size: usize,
) -> Result<Tid, Errno> {
    let start = crate::mm::try_box::try_box(Start { func, arg }).map_err(|_| ENOMEM)?;
    let start = Box::into_raw(start) as usize;
    sched::spawn(application_thread, start, prio, stack_size, "a thread").inspect_err(|_| {
        // SAFETY: the task was not created, so the Box is still ours.
        drop(unsafe { Box::from_raw(start as *mut Start) });
    })
}

/// # Safety
/// `id`, when not null, must be valid for writing a `Tid`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sys_spawn(
    id: *mut Tid,
    func: extern "C" fn(usize),
    arg: usize,
    prio: u8,
    _core_id: isize,
) -> i32 {
    match spawn(func, arg, prio, 0) {
        Ok(_) if id.is_null() => 0,
        // The thread runs already; a bad `id` can only be reported.
        Ok(tid) => uaccess::write(id, tid).map_or_else(fail, |()| 0),
        Err(e) => fail(e),
    }
}

/// Returns the new task's id, or 0 on failure (errno set), as `hermit-abi` specifies.
/// Tasks go to the shared run queue: `core_id` is a hint Eremit does not need.
#[unsafe(no_mangle)]
pub extern "C" fn sys_spawn2(
    func: extern "C" fn(usize),
    arg: usize,
    prio: u8,
    stack_size: usize,
    _core_id: isize,
) -> Tid {
    spawn(func, arg, prio, stack_size).unwrap_or_else(|e| {
        super::set_errno(e);
        0
    })
}

#[unsafe(no_mangle)]
pub extern "C" fn sys_join(id: Tid) -> i32 {
    match sched::join(id) {
        Ok(()) => 0,
        Err(e) => fail(e),
    }
}

#[unsafe(no_mangle)]
pub extern "C" fn sys_get_priority() -> u8 {
    sched::priority()
}

#[unsafe(no_mangle)]
pub extern "C" fn sys_set_priority(tid: Tid, prio: u8) {
    if !sched::set_priority(tid, prio) {
        super::set_errno(ESRCH);
    }
}

/// Marks the caller blocked; it leaves the CPU at its next `sys_yield` unless
/// `sys_wakeup_taskt` comes first.
#[unsafe(no_mangle)]
pub extern "C" fn sys_block_current_task() {
    sched::block_current(None);
}

#[unsafe(no_mangle)]
pub extern "C" fn sys_block_current_task_with_timeout(timeout_ms: u64) {
    sched::block_current(Some(clock::deadline_after_ns(
        timeout_ms.saturating_mul(1_000_000),
    )));
}

/// `hermit-abi` spells this symbol with a trailing `t`.
#[unsafe(no_mangle)]
pub extern "C" fn sys_wakeup_taskt(tid: Tid) {
    sched::wakeup(tid);
}

/// A counting semaphore; `sem_t` holds a pointer to it.
struct Semaphore {
    /// `SEMAPHORE_MAGIC` while it lives, so that a `sem_t` the application never
    /// initialised (or destroyed) is refused instead of followed.
    magic: AtomicU32,
    count: AtomicU32,
}

const SEMAPHORE_MAGIC: u32 = 0x5e4a_90e1;

/// The semaphore behind the application's `sem_t`: `EINVAL` unless it holds one from
/// `sys_sem_init` that is not destroyed.
fn semaphore<'a>(sem: *mut sem_t) -> Result<&'a Semaphore, Errno> {
    let p = uaccess::read(sem as *const sem_t).map_err(|_| EINVAL)? as *const Semaphore;
    if p.is_null() || !p.is_aligned() {
        return Err(EINVAL);
    }
    uaccess::check_read(p as *const u8, core::mem::size_of::<Semaphore>()).map_err(|_| EINVAL)?;
    // SAFETY: readable and aligned (checked); atomics accept any bits, and the magic
    // tells a live semaphore from anything else.
    let s = unsafe { &*p };
    if s.magic.load(Ordering::SeqCst) != SEMAPHORE_MAGIC {
        return Err(EINVAL);
    }
    Ok(s)
}

/// # Safety
/// `sem` must be valid for writing a `sem_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sys_sem_init(sem: *mut sem_t, _pshared: i32, value: u32) -> i32 {
    if uaccess::check_write(sem as *mut u8, core::mem::size_of::<sem_t>()).is_err() {
        return fail(EINVAL);
    }
    // Allocated by hand so that running out of memory is an error, not a kernel panic.
    // SAFETY: the layout has non-zero size.
    let p =
        unsafe { alloc::alloc::alloc(core::alloc::Layout::new::<Semaphore>()) } as *mut Semaphore;
    if p.is_null() {
        return fail(ENOMEM);
    }
    // SAFETY: p is fresh memory for a Semaphore; Box::from_raw in sys_sem_destroy frees
    // it with the same layout.
    unsafe {
        p.write(Semaphore {
            magic: AtomicU32::new(SEMAPHORE_MAGIC),
            count: AtomicU32::new(value),
        })
    };
    uaccess::write(sem, p as sem_t).map_or_else(fail, |()| 0)
}

/// # Safety
/// `sem` must hold a semaphore from `sys_sem_init` that no task waits on.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sys_sem_destroy(sem: *mut sem_t) -> i32 {
    let s = match semaphore(sem) {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    s.magic.store(0, Ordering::SeqCst);
    // SAFETY: created by sys_sem_init (the magic says so) and ours to free now; the
    // handle is cleared so a second destroy fails with EINVAL instead of freeing twice.
    unsafe {
        drop(Box::from_raw(s as *const Semaphore as *mut Semaphore));
        sem.write_unaligned(core::ptr::null());
    }
    0
}

#[unsafe(no_mangle)]
pub extern "C" fn sys_sem_post(sem: *mut sem_t) -> i32 {
    let s = match semaphore(sem) {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    s.count.fetch_add(1, Ordering::SeqCst);
    sched::futex_wake(&s.count as *const AtomicU32 as usize, 1);
    0
}

fn try_take(s: &Semaphore) -> bool {
    s.count
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |c| c.checked_sub(1))
        .is_ok()
}

#[unsafe(no_mangle)]
pub extern "C" fn sys_sem_trywait(sem: *mut sem_t) -> i32 {
    match semaphore(sem) {
        Ok(s) if try_take(s) => 0,
        Ok(_) => fail(EAGAIN),
        Err(e) => fail(e),
    }
}

/// Waits for the semaphore until `abs_timeout` (CLOCK_REALTIME), or forever when null.
#[unsafe(no_mangle)]
pub extern "C" fn sys_sem_timedwait(sem: *mut sem_t, abs_timeout: *const timespec) -> i32 {
    let s = match semaphore(sem) {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    let deadline = match read_timespec(abs_timeout) {
        Ok(t) => t.map(|ns| clock::ticks_at_realtime_ns(ns as i128)),
        Err(e) => return fail(e),
    };
    loop {
        if try_take(s) {
            return 0;
        }
        if sched::futex_wait(&s.count, 0, deadline) == Err(ETIMEDOUT) {
            return if try_take(s) { 0 } else { fail(ETIMEDOUT) };
        }
    }
}

/// The calling task's id (Linux's `gettid`; beyond hermit's ABI): what
/// `sys_signal_notify` takes, so the C library learns it for threads it did not start.
#[unsafe(no_mangle)]
pub extern "C" fn sys_gettid() -> Tid {
    sched::current_tid()
}
