//! The scheduler: preemptive, priority-based, one global run queue shared by all CPUs
//! (so runnable threads spread over every idle CPU at once), timer deadlines on the
//! local APIC timer, futexes, join, and idle CPUs halted until an interrupt.
//!
//! Locking: one spinlock with interrupts off guards everything here. It is held across
//! a context switch and released by the task that runs next, so no other CPU can see a
//! half-switched task.

pub mod queues;
#[cfg(target_os = "none")]
mod scheduler;
#[cfg(target_os = "none")]
pub mod switch;
#[cfg(target_os = "none")]
pub mod task;

#[cfg(target_os = "none")]
pub use scheduler::*;
