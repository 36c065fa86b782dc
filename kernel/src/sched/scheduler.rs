//! The scheduler's state and operations (see mod.rs for the design).

use alloc::boxed::Box;
use alloc::collections::TryReserveError;
use alloc::vec::Vec;
use core::cell::UnsafeCell;
use core::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, AtomicUsize, Ordering};
use hermit_sync::RawSpinMutex;
use lock_api::RawMutex;

use super::futexes::FutexQueues;
use super::queues::ReadyQueue;
use super::slots::{Slot, Slots};
use super::switch::{self, FpuState};
use super::task::{State, Task, WakeReason};
use super::task_ids::{Record, TaskIds};
use super::timers::Timers;
use crate::abi::Tid;
use crate::abi::errno::{self, Errno};

// `futex_wait` and `join` answer 0 or a positive errno code.
const EAGAIN: i32 = errno::EAGAIN.code();
const EDEADLK: i32 = errno::EDEADLK.code();
const ENOMEM: i32 = errno::ENOMEM.code();
const ESRCH: i32 = errno::ESRCH.code();
const ETIMEDOUT: i32 = errno::ETIMEDOUT.code();
use crate::arch::{apic_timer, clock, cpu, stacks, tls};
use crate::elf::Segment;

pub const MAX_CPUS: usize = 64;
/// Time slice when other tasks are waiting for a CPU.
const SLICE_NS: u64 = 10_000_000;
pub const NORMAL_PRIO: u8 = 2;
/// Stack for threads that ask for none (std asks explicitly).
const DEFAULT_STACK: usize = 256 * 1024;

/// Per-CPU data, reached through GS (first field points at itself).
#[repr(C)]
pub struct PerCpu {
    this: *mut PerCpu,
    pub cpu: usize,
    current: *mut Task,
    idle: *mut Task,
    /// TSC deadline the APIC timer is set for (0: not armed).
    timer_armed: u64,
}

static mut PERCPU: [PerCpu; MAX_CPUS] = [const {
    PerCpu {
        this: core::ptr::null_mut(),
        cpu: 0,
        current: core::ptr::null_mut(),
        idle: core::ptr::null_mut(),
        timer_armed: 0,
    }
}; MAX_CPUS];

fn this_cpu() -> &'static mut PerCpu {
    let p: *mut PerCpu;
    // SAFETY: GS points at this CPU's PerCpu (set in `init_cpu`), whose first field
    // holds its own address.
    unsafe {
        core::arch::asm!("mov {}, gs:[0]", out(reg) p, options(nostack, readonly, preserves_flags));
        &mut *p
    }
}

struct Scheduler {
    /// The tasks alive, by slot.
    tasks: Vec<Option<Box<Task>>>,
    slots: Slots,
    /// Ids of tasks alive or ended and not joined yet.
    ids: TaskIds,
    ready: ReadyQueue,
    timers: Timers,
    futexes: FutexQueues,
    /// Ended tasks whose memory is freed once no CPU runs on their stack. At most one at
    /// a time (LOCK is held from the push in `exit_current` to the switch that clears
    /// it); its room is reserved at `init`, so ending a task never allocates.
    zombies: Vec<Box<Task>>,
    next_tid: Tid,
    /// Bit n: CPU n is halted in its idle loop.
    idle_cpus: u64,
}

struct Global(UnsafeCell<Option<Scheduler>>);
// SAFETY: the inner value is only accessed with LOCK held.
unsafe impl Sync for Global {}

static LOCK: RawSpinMutex = RawSpinMutex::INIT;
static SCHED: Global = Global(UnsafeCell::new(None));
static TLS_TEMPLATE: hermit_sync::OnceCell<Option<Segment>> = hermit_sync::OnceCell::new();
/// Tasks alive (not finished), for diagnostics.
static LIVE: AtomicU32 = AtomicU32::new(0);
/// Set once `init` has run (per-CPU data reachable through GS).
static RUNNING: AtomicBool = AtomicBool::new(false);
static SWITCHES: AtomicU64 = AtomicU64::new(0);
/// Length of the ready queue, readable without LOCK (a hint for `yield_now`).
static READY: AtomicUsize = AtomicUsize::new(0);

/// Runs `f` with the scheduler locked and interrupts off.
fn locked<R>(f: impl FnOnce(&mut Scheduler, &mut PerCpu) -> R) -> R {
    let was_enabled = interrupts_enabled();
    disable_interrupts();
    LOCK.lock();
    // SAFETY: LOCK is held.
    let s = unsafe {
        (*SCHED.0.get())
            .as_mut()
            .expect("scheduler not initialised")
    };
    let r = f(s, this_cpu());
    // SAFETY: locked above by this CPU.
    unsafe { LOCK.unlock() };
    if was_enabled {
        enable_interrupts();
    }
    r
}

impl Scheduler {
    fn task_mut(&mut self, slot: Slot) -> Option<&mut Task> {
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

pub fn interrupts_enabled() -> bool {
    x86_64::instructions::interrupts::are_enabled()
}
pub fn disable_interrupts() {
    x86_64::instructions::interrupts::disable();
}
pub fn enable_interrupts() {
    x86_64::instructions::interrupts::enable();
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
    })
    .ok()
}

/// Sets up the scheduler and this (boot) CPU. `tls` is the image's TLS template.
pub fn init(tls_template: Option<Segment>) {
    switch::init_fpu();
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
    // SAFETY: each CPU initialises only its own slot, once, before using it.
    unsafe {
        let slot = &mut *core::ptr::addr_of_mut!(PERCPU[cpu]);
        slot.this = slot;
        slot.cpu = cpu;
        let idle =
            Box::into_raw(new_task(0, "idle", 0, true).expect("no memory for the idle task"));
        (*idle).state = State::Running;
        (*idle).on_cpu = true;
        slot.idle = idle;
        slot.current = idle;
        x86_64::registers::model_specific::GsBase::write(x86_64::VirtAddr::new(
            slot as *mut PerCpu as u64,
        ));
    }
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
    let (tid, slot) = locked(|s, _| s.admit()).map_err(|_| errno::ENOMEM)?;
    let Some(mut task) = make_task(entry, arg, prio, size, name, tid) else {
        locked(|s, _| s.withdraw(tid, slot));
        return Err(errno::ENOMEM);
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
    task.rsp = unsafe { switch::initial_stack(stack.top(), entry as u64, arg as u64) };
    task.stack = Some(stack);
    task.tls = Some(tls);
    Some(task)
}

/// Ends the wait of `slot`'s task (its timer and futex wait go at once) and puts it in
/// the ready queue (or cancels its pending block if it has not left the CPU yet), waking
/// an idle CPU to run it.
fn make_ready(s: &mut Scheduler, cpu: &PerCpu, slot: Slot, reason: WakeReason) {
    s.timers.cancel(slot);
    s.futexes.cancel(slot);
    let Some(t) = s.task_mut(slot) else {
        return;
    };
    if t.state == State::Ready {
        return;
    }
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
        crate::arch::apic_timer::send_wakeup(target);
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
fn arm_timer(s: &Scheduler, cpu: &mut PerCpu) {
    let now = cpu::rdtsc();
    let mut deadline = s.timers.next_deadline();
    // SAFETY: `current` is this CPU's running task, valid while LOCK is held.
    let busy = unsafe { !(*cpu.current).idle };
    if busy {
        let slice_end = now + clock::ns_to_ticks(SLICE_NS);
        deadline = Some(deadline.map_or(slice_end, |d| d.min(slice_end)));
    }
    let Some(d) = deadline else { return };
    if cpu.timer_armed > now && cpu.timer_armed <= d {
        return;
    }
    cpu.timer_armed = d;
    apic_timer::oneshot_ns(clock::ticks_to_ns(d.saturating_sub(now)).max(1_000));
}

/// Picks the next task and switches to it. LOCK held, interrupts off; returns (with
/// LOCK held again) when the current task next runs.
///
/// # Safety
/// LOCK must be held by this CPU with interrupts off.
unsafe fn reschedule(s: &mut Scheduler, cpu: &mut PerCpu, preempted: bool) {
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
    unsafe { switch::switch_to(&mut cur_task.rsp, next_rsp) };
    after_switch(s);
}

/// Runs on the task that was just switched to: frees ended tasks, whose stacks no CPU
/// uses any more (the CPU that ended one held LOCK until this switch completed).
fn after_switch(s: &mut Scheduler) {
    s.zombies.clear();
}

/// Entry of every new task (from switch.rs), with LOCK held and interrupts off.
#[unsafe(no_mangle)]
extern "C" fn eremit_task_entry(entry: extern "C" fn(usize), arg: usize) -> ! {
    // SAFETY: the switch that started this task holds LOCK.
    unsafe {
        let s = (*SCHED.0.get()).as_mut().unwrap();
        after_switch(s);
        LOCK.unlock();
    }
    enable_interrupts();
    entry(arg);
    exit_current()
}

/// Ends the calling task.
pub fn exit_current() -> ! {
    disable_interrupts();
    LOCK.lock();
    // SAFETY: LOCK held.
    let s = unsafe { (*SCHED.0.get()).as_mut().unwrap() };
    let cpu = this_cpu();
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
    // SAFETY: LOCK held, interrupts off; a finished task is never switched back to.
    unsafe { reschedule(s, cpu, false) };
    unreachable!("a finished task was resumed");
}

/// Blocks the current task (state already set by `prepare`), switching away.
fn block(prepare: impl FnOnce(&mut Scheduler, &mut Task)) -> WakeReason {
    let was_enabled = interrupts_enabled();
    disable_interrupts();
    LOCK.lock();
    // SAFETY: LOCK held.
    let s = unsafe { (*SCHED.0.get()).as_mut().unwrap() };
    let cpu = this_cpu();
    // SAFETY: the current task is valid.
    let me = unsafe { &mut *cpu.current };
    prepare(s, me);
    // SAFETY: LOCK held, interrupts off.
    unsafe { reschedule(s, this_cpu(), false) };
    // SAFETY: the current task is valid.
    let reason = unsafe { (*this_cpu().current).wake_reason };
    // SAFETY: held since reschedule returned.
    unsafe { LOCK.unlock() };
    if was_enabled {
        enable_interrupts();
    }
    reason
}

/// Gives the CPU to another ready task of the same or higher priority, if any.
pub fn yield_now() {
    // Nothing else is runnable: skip the lock (a task that becomes ready meanwhile is
    // seen at the next tick or wake-up, as it would be a moment later anyway).
    if READY.load(Ordering::Relaxed) == 0 {
        return;
    }
    block(|_, _| {});
}

/// Sleeps until the TSC reaches `deadline`.
pub fn sleep_until(deadline: u64) {
    if cpu::rdtsc() >= deadline {
        yield_now();
        return;
    }
    block(|s, me| {
        s.timers.arm(waiting_slot(me), deadline);
        me.state = State::Blocked;
    });
}

/// Waits while `*addr == expected`, until woken or `deadline` (TSC). Returns 0 or an errno.
pub fn futex_wait(addr: &AtomicU32, expected: u32, deadline: Option<u64>) -> i32 {
    let mut mismatch = false;
    let reason = block(|s, me| {
        if addr.load(Ordering::SeqCst) != expected {
            mismatch = true;
            return;
        }
        let slot = waiting_slot(me);
        s.futexes.wait(slot, addr as *const AtomicU32 as usize);
        if let Some(d) = deadline {
            s.timers.arm(slot, d);
        }
        me.state = State::Blocked;
    });
    if mismatch {
        EAGAIN
    } else if reason == WakeReason::TimedOut {
        ETIMEDOUT
    } else {
        0
    }
}

/// Wakes up to `count` waiters of `addr`; returns how many.
pub fn futex_wake(addr: usize, count: usize) -> usize {
    locked(|s, cpu| {
        // In batches on the stack: waking allocates nothing.
        let mut batch = [Slot::default(); 32];
        let mut woken = 0;
        while woken < count {
            let want = (count - woken).min(batch.len());
            let n = s.futexes.wake(addr, &mut batch[..want]);
            for &slot in &batch[..n] {
                make_ready(s, cpu, slot, WakeReason::Woken);
            }
            woken += n;
            if n < want {
                break;
            }
        }
        woken
    })
}

/// Waits for task `tid` to end. Returns 0 or an errno.
pub fn join(tid: Tid) -> i32 {
    // Woken by the task's end (its record then says Ended) or by a stray
    // sys_wakeup_taskt (found by the system-call fuzzer): look again until it ended.
    loop {
        let mut result = None;
        block(|s, me| {
            if tid == me.id {
                result = Some(EDEADLK);
                return;
            }
            match s.ids.get(tid) {
                Some(Record::Ended) => {
                    s.ids.remove(tid);
                    result = Some(0);
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
                                result = Some(ENOMEM);
                            }
                        }
                        // Being created (its slot is not filled yet): not joinable yet.
                        None => result = Some(ESRCH),
                    }
                }
                None => result = Some(ESRCH),
            }
        });
        if let Some(r) = result {
            return r;
        }
    }
}

/// Marks the current task blocked (optionally until `deadline`); it leaves the CPU at
/// its next yield unless woken first (hermit's block/wakeup protocol).
pub fn block_current(deadline: Option<u64>) {
    locked(|s, cpu| {
        // SAFETY: the current task is valid.
        let me = unsafe { &mut *cpu.current };
        let slot = waiting_slot(me);
        match deadline {
            Some(d) => s.timers.arm(slot, d),
            None => {
                s.timers.cancel(slot);
            }
        }
        me.state = State::Blocked;
    });
}

/// The slot of a task about to wait: every task but the idle ones, which never wait.
fn waiting_slot(me: &Task) -> Slot {
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
    // SAFETY: the current task is valid.
    unsafe { (*this_cpu().current).id }
}

/// errno of the running task.
pub fn errno_slot() -> &'static mut i32 {
    // SAFETY: a task's errno is only touched by the task itself.
    unsafe { &mut (*this_cpu().current).errno }
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
    // SAFETY: the current task is valid.
    unsafe { (*this_cpu().current).prio }
}

/// Timer interrupt: wake sleepers, rotate the time slice.
pub fn timer_interrupt() {
    // Before taking LOCK: growing the TLB under TCG takes a millisecond, once.
    crate::mm::soft_tlb::on_timer(cpu_index());
    LOCK.lock();
    // SAFETY: LOCK held, interrupts off (interrupt gate).
    unsafe {
        let s = (*SCHED.0.get()).as_mut().unwrap();
        let cpu = this_cpu();
        crate::mm::tlb::on_interrupt(cpu.cpu);
        cpu.timer_armed = 0;
        reschedule(s, cpu, true);
        LOCK.unlock();
    }
}

/// The idle loop of a CPU: run ready tasks, halt when there are none.
pub fn idle_loop() -> ! {
    loop {
        disable_interrupts();
        LOCK.lock();
        // SAFETY: LOCK held.
        let s = unsafe { (*SCHED.0.get()).as_mut().unwrap() };
        let cpu = this_cpu();
        // SAFETY: LOCK held, interrupts off.
        unsafe { reschedule(s, cpu, false) };
        let cpu = this_cpu();
        s.idle_cpus |= 1 << cpu.cpu;
        arm_timer(s, cpu);
        // SAFETY: held since reschedule returned.
        unsafe { LOCK.unlock() };
        // SAFETY: STI takes effect after HLT starts, so no interrupt is missed between.
        unsafe { core::arch::asm!("sti; hlt", options(nomem, nostack)) };
        disable_interrupts();
        LOCK.lock();
        // SAFETY: LOCK held.
        let s = unsafe { (*SCHED.0.get()).as_mut().unwrap() };
        s.idle_cpus &= !(1 << this_cpu().cpu);
        // SAFETY: locked just above.
        unsafe { LOCK.unlock() };
    }
}

/// Live tasks and context switches so far (kernel log, tests).
pub fn stats() -> (u32, u64) {
    (
        LIVE.load(Ordering::Relaxed),
        SWITCHES.load(Ordering::Relaxed),
    )
}

/// Index of the CPU running the caller.
pub fn cpu_index() -> usize {
    this_cpu().cpu
}
