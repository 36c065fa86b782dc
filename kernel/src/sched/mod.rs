//! The scheduler: preemptive, priority-based, one global run queue shared by all CPUs
//! (so runnable threads spread over every idle CPU at once), timer deadlines on the
//! local APIC timer, futexes, join, and idle CPUs halted until an interrupt.
//!
//! Memory: each task gets a wait slot (`slots`) when it is created, and every per-task
//! table (ready queue links, timers, futex queues, the task table and its id index) makes
//! room for it then, so creating a thread fails with `ENOMEM` when memory is short, and
//! nothing afterwards (blocking, waking, timing out, ending) allocates: neither a system
//! call nor an interrupt handler can panic for lack of memory in here.
//!
//! Locking: one spinlock with interrupts off guards everything here. It is held across
//! a context switch and released by the task that runs next, so no other CPU can see a
//! half-switched task.

pub mod futexes;
pub mod queues;
#[cfg(target_os = "none")]
mod scheduler;
pub mod slots;
#[cfg(target_os = "none")]
pub mod switch;
#[cfg(target_os = "none")]
pub mod task;
pub mod task_ids;
pub mod timers;

#[cfg(target_os = "none")]
pub use scheduler::*;
