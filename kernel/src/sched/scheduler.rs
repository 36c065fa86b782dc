//! The scheduler's state, reached only through its lock guard (`Locked`), and its
//! operations: creating, switching, blocking, waking and ending tasks (see mod.rs for the
//! design; futexes, sleeping, errno and the idle loop are in modules of their own).

use alloc::boxed::Box;
use alloc::collections::TryReserveError;
use alloc::vec::Vec;
use core::cell::UnsafeCell;
use core::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, AtomicUsize, Ordering};
use hermit_sync::RawSpinMutex;
use lock_api::RawMutex;

use super::futexes::FutexQueues;
use super::percpu::{self, PerCpu};
use super::queues::ReadyQueue;
use super::slots::{Slot, Slots};
use super::task::{State, Task, WakeReason};
use super::task_ids::{Record, TaskIds};
use super::timers::Timers;
use crate::abi::Tid;
use crate::abi::errno::{EDEADLK, ENOMEM, ESRCH, Errno};
use crate::arch::context::{self, FpuState};
use crate::arch::{cpu, interrupts, timer};
use crate::elf::Segment;
use crate::mm::stacks;
use crate::{clock, tls};

/// Time slice when other tasks are waiting for a CPU.
const SLICE_NS: u64 = 10_000_000;
pub const NORMAL_PRIO: u8 = 2;
/// Stack for threads that ask for none (std asks explicitly).
const DEFAULT_STACK: usize = 256 * 1024;

pub(super) struct Scheduler {
    /// The tasks alive, by slot.
    tasks: Vec<Option<Box<Task>>>,
    slots: Slots,
    /// Ids of tasks alive or ended and not joined yet.
    pub(super) ids: TaskIds,
    ready: ReadyQueue,
    pub(super) timers: Timers,
    pub(super) futexes: FutexQueues,
    /// Ended tasks whose memory is freed once no CPU runs on their stack. At most one at
    /// a time (LOCK is held from the push in `exit_current` to the switch that clears
    /// it); its room is reserved at `init`, so ending a task never allocates.
    zombies: Vec<Box<Task>>,
    next_tid: Tid,
    /// Bit n: CPU n is halted in its idle loop.
    pub(super) idle_cpus: u64,
}

struct Global(UnsafeCell<Option<Scheduler>>);
// SAFETY: the inner value is only accessed with LOCK held (through `Locked`).
unsafe impl Sync for Global {}

static LOCK: RawSpinMutex = RawSpinMutex::INIT;
static SCHED: Global = Global(UnsafeCell::new(None));
static TLS_TEMPLATE: hermit_sync::OnceCell<Option<Segment>> = hermit_sync::OnceCell::new();
/// Tasks alive (not finished), for diagnostics.
static LIVE: AtomicU32 = AtomicU32::new(0);
/// Set once `init` has run (per-CPU data reachable through GS).
static RUNNING: AtomicBool = AtomicBool::new(false);
static SWITCHES: AtomicU64 = AtomicU64::new(0);
/// Times a CPU's timer was armed (each costs exits to the hypervisor; kernel log, tests).
static TIMER_ARMS: AtomicU64 = AtomicU64::new(0);
/// Length of the ready queue, readable without LOCK (a hint for `yield_now`).
pub(super) static READY: AtomicUsize = AtomicUsize::new(0);

/// The scheduler locked by the CPU running this task, with interrupts off: the one way
/// to reach the scheduler's state (`parts`). Dropping it unlocks, and enables interrupts
/// again if `lock` disabled them.
///
/// LOCK is held across a context switch: the task that switches away keeps its guard on
/// its stack, and the task switched to goes on with its own (a new task adopts the lock
/// in `eremit_task_entry`). So a guard always means "the CPU running this task holds
/// LOCK", even when the task comes back on another CPU.
pub(super) struct Locked {
    reenable: bool,
}

impl Locked {
    /// Disables interrupts (remembering whether they were on) and takes LOCK.
    #[inline(always)]
    pub(super) fn lock() -> Self {
        let reenable = interrupts::are_enabled();
        interrupts::disable();
        LOCK.lock();
        Self { reenable }
    }

    /// Takes LOCK where interrupts are off already (interrupt handlers, the idle loop),
    /// and leaves them off when dropped.
    #[inline(always)]
    pub(super) fn lock_interrupts_off() -> Self {
        debug_assert!(!interrupts::are_enabled());
        LOCK.lock();
        Self { reenable: false }
    }

    /// Takes over LOCK from the switch that started this task.
    ///
    /// # Safety
    /// Only at a new task's start: the CPU holds LOCK for it, interrupts off.
    unsafe fn adopt() -> Self {
        Self { reenable: false }
    }

    /// The scheduler and the running CPU's data. The borrows end before the next
    /// `parts` or `reschedule` (which may move the task to another CPU).
    #[inline(always)]
    pub(super) fn parts(&mut self) -> (&mut Scheduler, &mut PerCpu) {
        // SAFETY: this CPU holds LOCK (the guard exists), so no other CPU reaches SCHED;
        // interrupts are off, so nothing else on this CPU does, nor touches its PerCpu;
        // the borrows are tied to the guard's, so none outlives the lock or a switch.
        unsafe {
            let s = (*SCHED.0.get())
                .as_mut()
                .expect("scheduler not initialised");
            (s, percpu::this_cpu_locked())
        }
    }
}

impl Drop for Locked {
    #[inline(always)]
    fn drop(&mut self) {
        // SAFETY: the guard exists, so this CPU holds LOCK.
        unsafe { LOCK.unlock() };
        if self.reenable {
            interrupts::enable();
        }
    }
}

/// Runs `f` with the scheduler locked and interrupts off.
pub(super) fn locked<R>(f: impl FnOnce(&mut Scheduler, &mut PerCpu) -> R) -> R {
    let mut g = Locked::lock();
    let (s, cpu) = g.parts();
    f(s, cpu)
}

impl Scheduler {
    pub(super) fn task_mut(&mut self, slot: Slot) -> Option<&mut Task> {
        self.tasks.get_mut(slot.index())?.as_deref_mut()
    }

    /// An id and a slot for a new task, with room for it in every per-task table, so
    /// that nothing the task does later allocates.
    fn admit(&mut self) -> Result<(Tid, Slot), TryReserveError> {
        let slot = self.slots.take()?;
        let n = self.slots.count();
        let grown = self.grow_tables(n);
        let tid = self.fresh_tid();
        match grown.and_then(|()| self.ids.add(tid, slot)) {
            Ok(()) => Ok((tid, slot)),
            Err(e) => {
                self.slots.give_back(slot);
                Err(e)
            }
        }
    }

    fn grow_tables(&mut self, slots: usize) -> Result<(), TryReserveError> {
        self.tasks
            .try_reserve(slots.saturating_sub(self.tasks.len()))?;
        while self.tasks.len() < slots {
            self.tasks.push(None);
        }
        self.ready.reserve(slots)?;
        self.timers.reserve(slots)?;
        self.futexes.reserve(slots)
    }

    /// The next task id not in use (ids wrap around after 2^32 - 1 tasks).
    fn fresh_tid(&mut self) -> Tid {
        loop {
            let t = self.next_tid;
            self.next_tid = self.next_tid.wrapping_add(1).max(1);
            if !self.ids.contains(t) {
                return t;
            }
        }
    }

    /// Undoes `admit` for a task that could not be created.
    fn withdraw(&mut self, tid: Tid, slot: Slot) {
        self.ids.remove(tid);
        self.slots.give_back(slot);
    }
}

fn new_task(id: Tid, name: &'static str, prio: u8, idle: bool) -> Option<Box<Task>> {
    crate::mm::try_box::try_box(Task {
        id,
        name,
        state: State::Ready,
        prio,
        rsp: 0,
        stack: None,
        tls: None,
        fpu: FpuState::new()?,
        wake_reason: WakeReason::Woken,
        slot: None,
        joiners: Vec::new(),
        errno: 0,
        idle,
        on_cpu: false,
        signal_pending: AtomicBool::new(false),
        interruptible: false,
    })
    .ok()
}

/// Sets up the scheduler and this (boot) CPU. `tls` is the image's TLS template.
pub fn init(tls_template: Option<Segment>) {
    context::init_fpu();
    let _ = TLS_TEMPLATE.set(tls_template);
    // SAFETY: single-threaded boot; nothing else uses SCHED yet.
    unsafe {
        *SCHED.0.get() = Some(Scheduler {
            tasks: Vec::new(),
            slots: Slots::new(),
            ids: TaskIds::new(),
            ready: ReadyQueue::new(),
            timers: Timers::new(),
            futexes: FutexQueues::new(),
            zombies: Vec::with_capacity(1),
            next_tid: 1,
            idle_cpus: 0,
        })
    };
    init_cpu(0);
    RUNNING.store(true, Ordering::Release);
}

/// Whether the scheduler (and so `cpu_index`) is available.
pub fn is_running() -> bool {
    RUNNING.load(Ordering::Acquire)
}

/// Makes the calling context CPU `cpu`'s idle task. Called once per CPU before it
/// enters `idle_loop`.
pub fn init_cpu(cpu: usize) {
    let mut idle = new_task(0, "idle", 0, true).expect("no memory for the idle task");
    idle.state = State::Running;
    idle.on_cpu = true;
    percpu::install(cpu, Box::into_raw(idle));
}

fn tls_template() -> Option<&'static Segment> {
    TLS_TEMPLATE.get().and_then(|t| t.as_ref())
}

/// Creates a task running `entry(arg)`. Returns its id, or the errno.
pub fn spawn(
    entry: extern "C" fn(usize),
    arg: usize,
    prio: u8,
    stack_size: usize,
    name: &'static str,
) -> Result<Tid, Errno> {
    let size = if stack_size == 0 {
        DEFAULT_STACK
    } else {
        stack_size.clamp(16 * 1024, 1 << 30)
    };
    let (tid, slot) = locked(|s, _| s.admit()).map_err(|_| ENOMEM)?;
    let Some(mut task) = make_task(entry, arg, prio, size, name, tid) else {
        locked(|s, _| s.withdraw(tid, slot));
        return Err(ENOMEM);
    };
    task.slot = Some(slot);
    locked(|s, cpu| {
        s.tasks[slot.index()] = Some(task);
        LIVE.fetch_add(1, Ordering::Relaxed);
        make_ready(s, cpu, slot, WakeReason::Woken);
    });
    Ok(tid)
}

/// A task `tid` with its stack and TLS block, ready to start at `entry(arg)`; None when
/// memory is short.
fn make_task(
    entry: extern "C" fn(usize),
    arg: usize,
    prio: u8,
    stack_size: usize,
    name: &'static str,
    tid: Tid,
) -> Option<Box<Task>> {
    let stack = stacks::Stack::new(stack_size, stacks::Owner { what: name, tid })?;
    let tls = tls::TlsBlock::new(tls_template())?;
    let mut task = new_task(tid, name, prio, false)?;
    // Not started: `spawn`'s `make_ready` queues it.
    task.state = State::Blocked;
    // SAFETY: the stack is fresh and mapped.
    task.rsp = unsafe { context::initial_stack(stack.top(), entry as u64, arg as u64) };
    task.stack = Some(stack);
    task.tls = Some(tls);
    Some(task)
}

/// Ends the wait of `slot`'s task (its timer and futex wait go at once) and puts it in
/// the ready queue (or cancels its pending block if it has not left the CPU yet), waking
/// an idle CPU to run it.
pub(super) fn make_ready(s: &mut Scheduler, cpu: &PerCpu, slot: Slot, reason: WakeReason) {
    s.timers.cancel(slot);
    s.futexes.cancel(slot);
    let Some(t) = s.task_mut(slot) else {
        return;
    };
    if t.state == State::Ready {
        return;
    }
    t.interruptible = false;
    t.wake_reason = reason;
    if t.on_cpu {
        // Marked blocked but still running (block_current_task before its yield).
        t.state = State::Running;
        return;
    }
    t.state = State::Ready;
    let prio = t.prio;
    s.ready.push(slot, prio);
    READY.store(s.ready.len(), Ordering::Relaxed);
    let others = s.idle_cpus & !(1u64 << cpu.cpu);
    if others != 0 {
        let target = others.trailing_zeros() as usize;
        s.idle_cpus &= !(1 << target);
        timer::send_wakeup(target);
    }
}

/// Wakes tasks whose deadline passed (a timer is armed only while its task waits).
fn expire_timers(s: &mut Scheduler, cpu: &PerCpu) {
    let now = cpu::rdtsc();
    while let Some(slot) = s.timers.pop_expired(now) {
        make_ready(s, cpu, slot, WakeReason::TimedOut);
    }
}

/// Arms this CPU's timer for the next deadline or the end of the time slice.
/// Programming the APIC is an MMIO write, slow under emulation, so a timer that will
/// fire early enough anyway is left alone (an early tick only makes the scheduler look
/// again), and one no longer needed is left to fire.
pub(super) fn arm_timer(s: &Scheduler, cpu: &mut PerCpu) {
    let now = cpu::rdtsc();
    let mut deadline = s.timers.next_deadline();
    // SAFETY: `current` is this CPU's running task, valid while LOCK is held.
    let busy = unsafe { !(*cpu.current).idle };
    if busy {
        let slice_end = now + clock::ns_to_ticks(SLICE_NS);
        deadline = Some(deadline.map_or(slice_end, |d| d.min(slice_end)));
    }
    if let Some(p) = crate::profile::period_ns() {
        let sample = now + clock::ns_to_ticks(p);
        deadline = Some(deadline.map_or(sample, |d| d.min(sample)));
    }
    let Some(d) = deadline else { return };
    if cpu.timer_armed > now && cpu.timer_armed <= d {
        return;
    }
    program_timer(cpu, d, clock::ticks_to_ns(d.saturating_sub(now)).max(1_000));
}

/// Arms this CPU's one-shot timer for `deadline` (TSC), `ns` from now, and remembers it.
pub(super) fn program_timer(cpu: &mut PerCpu, deadline: u64, ns: u64) {
    cpu.timer_armed = deadline;
    TIMER_ARMS.fetch_add(1, Ordering::Relaxed);
    timer::oneshot_ns(ns);
}

/// Picks the next task and switches to it; returns (with LOCK held again, maybe on
/// another CPU) when the current task next runs.
pub(super) fn reschedule(g: &mut Locked, preempted: bool) {
    let (s, cpu) = g.parts();
    expire_timers(s, cpu);
    let cur = cpu.current;
    // SAFETY: the current task stays allocated while it runs.
    let cur_task = unsafe { &mut *cur };
    let next_tid = match cur_task.state {
        State::Running => match s.ready.top_priority() {
            Some(p) if p >= cur_task.prio => s.ready.pop(),
            _ => None,
        },
        _ => s.ready.pop(),
    };
    READY.store(s.ready.len(), Ordering::Relaxed);
    let next: *mut Task = match next_tid {
        Some(slot) => s.task_mut(slot).expect("ready task exists") as *mut Task,
        None if cur_task.state == State::Running => {
            arm_timer(s, cpu);
            return;
        }
        None => cpu.idle,
    };
    if cur_task.state == State::Running
        && let Some(slot) = cur_task.slot
    {
        cur_task.state = State::Ready;
        s.ready.push(slot, cur_task.prio);
        READY.store(s.ready.len(), Ordering::Relaxed);
    }
    // SAFETY: `next` is a live task not running on any CPU (it was in the ready queue,
    // or it is this CPU's idle task).
    let next_task = unsafe { &mut *next };
    next_task.state = State::Running;
    next_task.on_cpu = true;
    cpu.current = next;
    arm_timer(s, cpu);
    if cur_task.state != State::Finished {
        if preempted {
            cur_task.fpu.save();
        } else {
            cur_task.fpu.save_control();
        }
    }
    next_task.fpu.restore();
    if let Some(t) = &next_task.tls {
        tls::activate(t.tp());
    }
    SWITCHES.fetch_add(1, Ordering::Relaxed);
    let next_rsp = next_task.rsp;
    // LOCK stays held until the next task has taken over this CPU, so no other CPU can
    // pick the old task while its stack is still in use here.
    cur_task.on_cpu = false;
    // SAFETY: interrupts are off, LOCK is held and next_rsp is a saved context.
    unsafe { context::switch_to(&mut cur_task.rsp, next_rsp) };
    after_switch(g.parts().0);
}

/// Runs on the task that was just switched to: frees ended tasks, whose stacks no CPU
/// uses any more (the CPU that ended one held LOCK until this switch completed).
fn after_switch(s: &mut Scheduler) {
    s.zombies.clear();
}

/// Entry of every new task (from the context switch), with LOCK held and interrupts off.
#[unsafe(no_mangle)]
extern "C" fn eremit_task_entry(entry: extern "C" fn(usize), arg: usize) -> ! {
    // SAFETY: a new task starts here only, from the switch that holds LOCK for it.
    let mut g = unsafe { Locked::adopt() };
    after_switch(g.parts().0);
    drop(g);
    interrupts::enable();
    entry(arg);
    exit_current()
}

/// Ends the calling task.
pub fn exit_current() -> ! {
    let mut g = Locked::lock();
    let (s, cpu) = g.parts();
    // SAFETY: the current task is valid.
    let me = unsafe { &mut *cpu.current };
    let tid = me.id;
    me.state = State::Finished;
    let joiners = core::mem::take(&mut me.joiners);
    // Recorded as ended even when joiners wait: a joiner looks at the record after every
    // wake-up (`join`) and removes it.
    s.ids.end(tid);
    for &(slot, joiner) in &joiners {
        // Only a joiner still blocked: one a stray sys_wakeup_taskt made ready already must
        // not be queued twice (it would run on two CPUs at once; found by the fuzzer).
        if s.task_mut(slot)
            .is_some_and(|t| t.id == joiner && matches!(t.state, State::Blocked))
        {
            make_ready(s, cpu, slot, WakeReason::Woken);
        }
    }
    drop(joiners);
    let slot = me.slot.expect("an idle task never ends");
    // A timer left armed (block_current, then the end instead of a yield) must not
    // wake the slot's next task.
    s.timers.cancel(slot);
    s.futexes.cancel(slot);
    let task = s.tasks[slot.index()]
        .take()
        .expect("current task is registered");
    s.slots.give_back(slot);
    LIVE.fetch_sub(1, Ordering::Relaxed);
    // No reallocation: room for one zombie is reserved and `after_switch` took the last.
    debug_assert!(s.zombies.len() < s.zombies.capacity());
    s.zombies.push(task);
    // A finished task is never switched back to.
    reschedule(&mut g, false);
    unreachable!("a finished task was resumed");
}

/// Blocks the current task (state already set by `prepare`), switching away.
pub(super) fn block(prepare: impl FnOnce(&mut Scheduler, &mut Task)) -> WakeReason {
    // Sending that this task's socket calls deferred must not wait for its wake-up: the
    // network task (higher priority) does it next. Before the lock: waking takes it.
    #[cfg(feature = "net")]
    crate::net::kick_deferred_egress();
    let mut g = Locked::lock();
    let (s, cpu) = g.parts();
    // SAFETY: the current task is valid.
    let me = unsafe { &mut *cpu.current };
    // A `prepare` that does not block (the deadline passed, a signal already pending)
    // leaves the task running, and the reason read below must not be the last wake-up's:
    // a stale `Interrupted` made every later zero-length sleep fail with EINTR, and
    // nanosleep's restart loop never ended (the fuzzer's main thread, seed 1).
    me.wake_reason = WakeReason::Woken;
    prepare(s, me);
    reschedule(&mut g, false);
    // SAFETY: the current task (this one, on whichever CPU it came back) is valid.
    unsafe { (*g.parts().1.current).wake_reason }
}

/// Gives the CPU to another ready task of the same or higher priority, if any.
// Inline: sys_yield with nothing else ready is a load and a return.
#[inline]
pub fn yield_now() {
    // Nothing else is runnable: skip the lock (a task that becomes ready meanwhile is
    // seen at the next tick or wake-up, as it would be a moment later anyway).
    if READY.load(Ordering::Relaxed) == 0 {
        return;
    }
    block(|_, _| {});
}

/// Waits for task `tid` to end: `EDEADLK` for the caller itself, `ESRCH` for no such
/// task (or one not started yet), `ENOMEM` when it cannot be queued on.
pub fn join(tid: Tid) -> Result<(), Errno> {
    // Woken by the task's end (its record then says Ended) or by a stray
    // sys_wakeup_taskt (found by the system-call fuzzer): look again until it ended.
    loop {
        let mut result = None;
        block(|s, me| {
            if tid == me.id {
                result = Some(Err(EDEADLK));
                return;
            }
            match s.ids.get(tid) {
                Some(Record::Ended) => {
                    s.ids.remove(tid);
                    result = Some(Ok(()));
                }
                Some(Record::Alive(slot)) => {
                    let me_slot = waiting_slot(me);
                    match s.task_mut(slot) {
                        Some(t) if t.joiners.iter().any(|&(_, j)| j == me.id) => {
                            me.state = State::Blocked;
                        }
                        Some(t) => {
                            if t.joiners.try_reserve(1).is_ok() {
                                t.joiners.push((me_slot, me.id));
                                me.state = State::Blocked;
                            } else {
                                result = Some(Err(ENOMEM));
                            }
                        }
                        // Being created (its slot is not filled yet): not joinable yet.
                        None => result = Some(Err(ESRCH)),
                    }
                }
                None => result = Some(Err(ESRCH)),
            }
        });
        if let Some(r) = result {
            return r;
        }
    }
}

/// The slot of a task about to wait: every task but the idle ones, which never wait.
pub(super) fn waiting_slot(me: &Task) -> Slot {
    me.slot.expect("an idle task never waits")
}

pub fn wakeup(tid: Tid) {
    locked(|s, cpu| {
        if let Some(slot) = s.ids.slot(tid)
            && s.task_mut(slot).is_some_and(|t| t.state == State::Blocked)
        {
            make_ready(s, cpu, slot, WakeReason::Woken);
        }
    });
}

pub fn current_tid() -> Tid {
    // SAFETY: the current task is valid while it runs (and it is the caller's).
    unsafe { (*percpu::current_task()).id }
}

pub fn set_priority(tid: Tid, prio: u8) -> bool {
    locked(|s, cpu| {
        // SAFETY: the current task is valid.
        let me = unsafe { &mut *cpu.current };
        if tid == me.id || tid == 0 {
            me.prio = prio;
            return true;
        }
        s.ids
            .slot(tid)
            .and_then(|slot| s.task_mut(slot))
            .map(|t| t.prio = prio)
            .is_some()
    })
}

pub fn priority() -> u8 {
    // SAFETY: the current task is valid while it runs (and it is the caller's).
    unsafe { (*percpu::current_task()).prio }
}

/// The end of every interrupt (the timer's, the wake-up's, a device's): wake sleepers,
/// rotate the time slice, run a task the interrupt made ready. `timer_fired`: the
/// interrupt is the one-shot timer's, which is armed no longer. A device's interrupt
/// leaves it armed: forgetting that made the next switch re-arm it after every network
/// interrupt, and under QEMU each arming is two APIC writes and a wake-up of QEMU's
/// I/O thread for the new earliest deadline.
pub fn after_interrupt(timer_fired: bool) {
    // A notification held back must not wait for the interrupted task's next call, nor
    // the sending that socket calls deferred (the network task does it: its wake-up
    // takes the scheduler's lock, so before this function takes it).
    crate::drivers::flush_held_notifications();
    #[cfg(feature = "net")]
    {
        crate::net::kick_deferred_egress();
        crate::drivers::virtio::net_rx_watch::on_interrupt(cpu::rdtsc());
    }
    // Before taking LOCK: growing the TLB under TCG takes a millisecond, once.
    crate::mm::soft_tlb::on_timer(percpu::cpu_index());
    // Interrupts are off (interrupt gate).
    let mut g = Locked::lock_interrupts_off();
    let (_, cpu) = g.parts();
    super::idle::end_halt(cpu);
    crate::mm::tlb::on_interrupt(cpu.cpu);
    if timer_fired {
        cpu.timer_armed = 0;
    }
    reschedule(&mut g, true);
}

/// What the scheduler counted so far (kernel log, tests).
pub struct Stats {
    pub live_tasks: u32,
    pub switches: u64,
    pub timer_arms: u64,
    /// All CPUs together.
    pub halted_ns: u64,
}

pub fn stats() -> Stats {
    Stats {
        live_tasks: LIVE.load(Ordering::Relaxed),
        switches: SWITCHES.load(Ordering::Relaxed),
        timer_arms: TIMER_ARMS.load(Ordering::Relaxed),
        halted_ns: super::idle::halted_ns(),
    }
}
