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
//! Locking: one spinlock with interrupts off guards everything here, reached only
//! through its guard (`scheduler::Locked`). It is held across a context switch and
//! released by the task that runs next, so no other CPU can see a half-switched task.
//!
//! Files: `scheduler` (the state, creating, switching, blocking, waking, ending tasks),
//! `percpu` (each CPU's running and idle task), `futex` and `sleep` (the waits),
//! `sleep_lock` (a lock whose waiters sleep, with interrupts on while held), `signal`
//! (the per-task "signal pending" flag that ends interruptible waits),
//! `errno`, `idle` (the idle loop); the data structures, also tested on the host:
//! `queues` (ready queue), `timers` (deadlines), `futexes` (futex wait queues), `slots`,
//! `task_ids`.

#[cfg(target_os = "none")]
mod errno;
#[cfg(target_os = "none")]
mod futex;
pub mod futexes;
#[cfg(target_os = "none")]
mod idle;
#[cfg(target_os = "none")]
mod percpu;
pub mod queues;
#[cfg(target_os = "none")]
mod scheduler;
#[cfg(target_os = "none")]
pub mod signal;
#[cfg(target_os = "none")]
mod sleep;
#[cfg(target_os = "none")]
mod sleep_lock;
pub mod slots;
#[cfg(target_os = "none")]
pub mod task;
pub mod task_ids;
pub mod timers;

#[cfg(target_os = "none")]
pub use errno::{errno, set_errno};
#[cfg(target_os = "none")]
pub use futex::{futex_wait, futex_wait_interruptible, futex_wake};
#[cfg(target_os = "none")]
pub use idle::idle_loop;
#[cfg(target_os = "none")]
pub use percpu::{MAX_CPUS, cpu_index};
#[cfg(target_os = "none")]
pub use scheduler::*;
#[cfg(target_os = "none")]
pub use sleep::{block_current, sleep_until, sleep_until_interruptible};
#[cfg(target_os = "none")]
pub use sleep_lock::SleepLock;
