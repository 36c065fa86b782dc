//! A task: its saved stack pointer, stack, thread-local storage and FPU state.

use alloc::vec::Vec;
use core::sync::atomic::AtomicBool;

use super::slots::Slot;
use crate::abi::Tid;
use crate::arch::context::FpuState;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// In a ready queue.
    Ready,
    /// On a CPU.
    Running,
    /// Waiting (for a futex, a join, a wake-up and/or its timer in `Timers`).
    Blocked,
    /// Done; its memory is released by the next task that runs on the same CPU.
    Finished,
}

/// Why a blocked task became ready again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WakeReason {
    Woken,
    TimedOut,
    /// `signal::notify` ended an interruptible wait (the call returns EINTR).
    Interrupted,
}

pub struct Task {
    pub id: Tid,
    pub name: &'static str,
    pub state: State,
    pub prio: u8,
    /// Saved stack pointer while the task is not running.
    pub rsp: u64,
    /// The stack (`stacks::Stack`), None for a CPU's boot/idle context.
    pub stack: Option<crate::mm::stacks::Stack>,
    /// Thread pointer (FS base) and the TLS block behind it.
    pub tls: Option<crate::tls::TlsBlock>,
    pub fpu: FpuState,
    pub wake_reason: WakeReason,
    /// Its index into the scheduler's per-task tables; None for a CPU's idle task,
    /// which never waits.
    pub slot: Option<Slot>,
    /// Tasks blocked in `join` on this one: their slots, and their ids to make sure a
    /// slot still belongs to the joiner when this task ends.
    pub joiners: Vec<(Slot, Tid)>,
    /// errno of the task (sys_get_errno).
    pub errno: i32,
    /// Idle tasks never enter a ready queue.
    pub idle: bool,
    /// A CPU runs on this task's stack (it is some CPU's `current`).
    pub on_cpu: bool,
    /// The C library posted it a signal (`sys_signal_notify`) that it has not looked at
    /// yet (`sys_signal_pending` clears it); see `signal.rs`. Written with the
    /// scheduler's lock held; atomic so that the interrupt path reads it without.
    pub signal_pending: AtomicBool,
    /// Blocked in a wait a signal ends (`signal::notify` wakes it with `Interrupted`).
    pub interruptible: bool,
}
