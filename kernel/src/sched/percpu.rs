//! Each CPU's scheduler data: its running task, its idle task and its timer, found
//! through the architecture's per-CPU pointer. Only the CPU itself touches its entry.
//! Fields change only with the scheduler locked and interrupts off (through
//! `scheduler::Locked::parts`, the one place that hands out the entry); the readers
//! without the lock (`current_task`, `cpu_index`) read one word in one instruction, which
//! a preemption (and a move to another CPU) cannot split.

use core::mem::offset_of;

use super::task::Task;
use crate::arch::percpu;

/// CPUs the scheduler serves (it tracks them in 64-bit masks).
pub const MAX_CPUS: usize = 64;

#[repr(C)]
pub struct PerCpu {
    /// Its own address: the architecture's per-CPU pointer points here.
    this: *mut PerCpu,
    pub cpu: usize,
    pub current: *mut Task,
    pub idle: *mut Task,
    /// TSC deadline the APIC timer is set for (0: not armed).
    pub timer_armed: u64,
    /// TSC when the CPU halted, until the interrupt that wakes it (0: not halted).
    pub halted_since: u64,
}

static mut PERCPU: [PerCpu; MAX_CPUS] = [const {
    PerCpu {
        this: core::ptr::null_mut(),
        cpu: 0,
        current: core::ptr::null_mut(),
        idle: core::ptr::null_mut(),
        timer_armed: 0,
        halted_since: 0,
    }
}; MAX_CPUS];

/// Makes `idle` CPU `cpu`'s idle task, running now. Called once by each CPU, for itself,
/// before it schedules anything (`scheduler::init_cpu`).
pub(super) fn install(cpu: usize, idle: *mut Task) {
    assert!(
        cpu < MAX_CPUS,
        "CPU {cpu} beyond the scheduler's {MAX_CPUS}"
    );
    // SAFETY: each CPU initialises only its own entry, once, before anything reads it;
    // the entry is static, so it stays valid for the architecture's per-CPU pointer.
    unsafe {
        let entry = &mut *core::ptr::addr_of_mut!(PERCPU[cpu]);
        entry.this = entry;
        entry.cpu = cpu;
        entry.idle = idle;
        entry.current = idle;
        percpu::set_base(entry as *mut PerCpu as *mut u8);
    }
}

/// This CPU's entry, for the scheduler's lock guard.
///
/// # Safety
/// The scheduler's LOCK must be held by this CPU with interrupts off, and no other
/// reference to the entry may be alive while the result is.
pub(super) unsafe fn this_cpu_locked<'a>() -> &'a mut PerCpu {
    // SAFETY: `install` made the per-CPU pointer this CPU's entry; the caller guarantees
    // exclusive access.
    unsafe { &mut *(percpu::base() as *mut PerCpu) }
}

/// The task running on this CPU: the caller's own task.
pub(super) fn current_task() -> *mut Task {
    // SAFETY: `current` is an 8-byte field of the entry `install` set up before any task
    // ran.
    unsafe { percpu::read_word(offset_of!(PerCpu, current)) as *mut Task }
}

/// Index of the CPU running the caller.
pub fn cpu_index() -> usize {
    // SAFETY: `cpu` is an 8-byte field of the entry `install` set up.
    unsafe { percpu::read_word(offset_of!(PerCpu, cpu)) as usize }
}
