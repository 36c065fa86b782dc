//! Starting the APs: resources, the trampoline's copy, INIT/START-UP IPIs, and the
//! Rust side of an AP's start (`ap_start`).

use core::arch::global_asm;
use core::sync::atomic::{AtomicU8, AtomicU32, AtomicUsize, Ordering};
use hermit_sync::InterruptSpinMutex;
use x86_64::registers::control::Cr3;

use super::topology::Topology;
use super::trampoline::{self, CodeLayout, MAX_CPUS, Params, offsets};
use crate::arch::x86_64::gdt::CpuTables;
use crate::arch::x86_64::{apic, cpu, fw_cfg, idt};
use crate::clock;
use crate::klog;
use crate::mm::paging;
use crate::mm::stacks;

/// Where the APs start. The heap never uses the first MiB, and nothing else needs this
/// page any more once the PVH start info has been read.
const TRAMPOLINE: u64 = 0x8000;
const IDLE_STACK_SIZE: usize = 64 * 1024;
/// A second START-UP goes to APs that have not reached the trampoline by then (Intel's
/// protocol sends two; QEMU and KVM need one, but a busy host may delay a vCPU thread).
const RESEND_AFTER_NS: u64 = 1_000_000;
/// APs not online by then are given up on.
const TIMEOUT_NS: u64 = 1_000_000_000;

global_asm!(
    include_str!("trampoline.s"),
    count = const offsets::COUNT,
    apic_ids = const offsets::APIC_IDS,
    started = const offsets::STARTED,
    gdtr = const offsets::GDTR,
    far32 = const offsets::FAR32,
    far64 = const offsets::FAR64,
    cr3 = const offsets::CR3,
    entry = const offsets::ENTRY,
    stacks = const offsets::STACKS,
    data = const trampoline::DATA,
    options(att_syntax)
);

unsafe extern "C" {
    static eremit_ap_trampoline_start: u8;
    static eremit_ap_trampoline_pm32: u8;
    static eremit_ap_trampoline_lm64: u8;
    static eremit_ap_trampoline_end: u8;
}

/// CPUs online, the boot CPU included.
static ONLINE_COUNT: AtomicUsize = AtomicUsize::new(1);
/// Each CPU's state. The boot CPU and an AP race to move an AP on from PENDING: the AP
/// to ONLINE when it is ready, the boot CPU to ABANDONED when it stops waiting, so an AP
/// is either counted or stopped, never both.
static STATE: [AtomicU8; MAX_CPUS] = [const { AtomicU8::new(PENDING) }; MAX_CPUS];
const PENDING: u8 = 0;
const ONLINE: u8 = 1;
const ABANDONED: u8 = 2;
static APIC_IDS: [AtomicU32; MAX_CPUS] = [const { AtomicU32::new(0) }; MAX_CPUS];
/// Each AP's GDT/TSS, prepared by the boot CPU so that an AP allocates nothing.
static TABLES: InterruptSpinMutex<[Option<CpuTables>; MAX_CPUS]> =
    InterruptSpinMutex::new([const { None }; MAX_CPUS]);
static ENTRY: InterruptSpinMutex<Option<extern "C" fn(usize) -> !>> = InterruptSpinMutex::new(None);

/// The number of CPUs online (1 until `start_aps`, or without the `smp` feature).
pub fn online_cpus() -> usize {
    ONLINE_COUNT.load(Ordering::Acquire)
}

/// Whether CPU `cpu` is running. CPU numbers are dense unless an AP failed to start.
pub fn is_online(cpu: usize) -> bool {
    cpu == 0
        || STATE
            .get(cpu)
            .is_some_and(|s| s.load(Ordering::Acquire) == ONLINE)
}

/// The APIC ID of CPU `cpu` (for IPIs), once it is online.
#[cfg_attr(not(feature = "smp"), allow(dead_code))]
pub fn apic_id(cpu: usize) -> Option<u32> {
    is_online(cpu).then(|| APIC_IDS[cpu].load(Ordering::Relaxed))
}

fn symbol_offset(sym: *const u8) -> usize {
    sym as usize - core::ptr::addr_of!(eremit_ap_trampoline_start) as usize
}

fn code_layout() -> CodeLayout {
    CodeLayout {
        len: symbol_offset(core::ptr::addr_of!(eremit_ap_trampoline_end)),
        pm32: symbol_offset(core::ptr::addr_of!(eremit_ap_trampoline_pm32)),
        lm64: symbol_offset(core::ptr::addr_of!(eremit_ap_trampoline_lm64)),
    }
}

/// The topology this CPU reports (all CPUs of a VM report the same).
fn topology() -> Topology {
    if cpu::cpuid(0, 0).0 < 0xb {
        return Topology::FLAT;
    }
    let level = |n| {
        let (a, b, c, _) = cpu::cpuid(0xb, n);
        (a, b, c)
    };
    Topology::from_cpuid(level(0), level(1)).unwrap_or(Topology::FLAT)
}

/// The trampoline's parameters, with a slot (stack, GDT/TSS) for each of the other
/// `cpus - 1` CPUs that memory and xAPIC addressing allow; CPU n is slot n - 1.
fn prepare(bsp: u32, cpus: usize, code: &CodeLayout) -> Result<Params, &'static str> {
    let root = Cr3::read_raw().0.start_address().as_u64();
    let entry: extern "C" fn(usize, u64) -> ! = ap_start;
    let mut params =
        Params::new(TRAMPOLINE, code, root, entry as usize as u64).map_err(|e| match e {
            trampoline::Error::TablesTooHigh => "the page tables are above 4 GiB",
            trampoline::Error::TooLarge => "the trampoline does not fit a page",
            trampoline::Error::Misplaced => "the trampoline page is not usable",
            trampoline::Error::TooManyAps => "too many CPUs",
        })?;
    let topology = topology();
    let mut tables = TABLES.lock();
    for index in 0..cpus {
        let apic_id = topology.apic_id(index);
        if apic_id == bsp {
            continue;
        }
        // 0xff is the broadcast address; higher IDs need x2APIC.
        let apic_id = match u8::try_from(apic_id) {
            Ok(id) if id != 0xff && params.has_room().is_ok() => id,
            _ => break,
        };
        let cpu = params.count as usize + 1;
        let (Some(stack_top), Some(t)) = (
            stacks::allocate(IDLE_STACK_SIZE, "the idle task of a CPU"),
            CpuTables::allocate(),
        ) else {
            klog!("eremit: no memory to start CPU {cpu}");
            break;
        };
        params.add_ap(apic_id, stack_top);
        tables[cpu] = Some(t);
    }
    Ok(params)
}

/// Copies the trampoline and `params` to `TRAMPOLINE` and makes the page executable.
fn install(code: &CodeLayout, params: &Params) -> Result<(), &'static str> {
    if !paging::set_executable(TRAMPOLINE, true) {
        return Err("the trampoline page is not mapped");
    }
    // SAFETY: TRAMPOLINE is identity-mapped RAM in the first MiB, which nothing else uses
    // now; Params::new checked that the code and the parameters fit in its page, and the
    // parameters' offset is 8-aligned. No AP runs there yet.
    unsafe {
        let page = TRAMPOLINE as *mut u8;
        core::ptr::copy_nonoverlapping(
            core::ptr::addr_of!(eremit_ap_trampoline_start),
            page,
            code.len,
        );
        page.add(code.len).cast::<Params>().write(*params);
    }
    Ok(())
}

fn has_started(code: &CodeLayout, slot: usize) -> bool {
    // SAFETY: the flag lies in the trampoline page (checked by Params::new), which stays
    // mapped; the AP writes it, hence the volatile read.
    unsafe {
        ((TRAMPOLINE as usize + trampoline::started_offset(code, slot)) as *const u8)
            .read_volatile()
            != 0
    }
}

/// Starts every other CPU of the VM; each runs `entry(cpu)` once set up. Returns the
/// number of CPUs online. Call once, on the boot CPU, after the heap, clock and local
/// APIC are up.
pub fn start_aps(entry: extern "C" fn(usize) -> !) -> usize {
    let begin = clock::uptime_ns();
    let cpus = fw_cfg::cpu_count();
    if cpus <= 1 || !apic::present() || online_cpus() > 1 {
        return online_cpus();
    }
    let bsp = apic::id();
    APIC_IDS[0].store(bsp, Ordering::Relaxed);
    *ENTRY.lock() = Some(entry);
    let code = code_layout();
    let params = match prepare(bsp, cpus, &code).and_then(|p| install(&code, &p).map(|()| p)) {
        Ok(p) => p,
        Err(why) => {
            klog!("eremit: cannot start the other CPUs: {why}");
            return online_cpus();
        }
    };
    let ids = params.apic_ids();
    if ids.len() + 1 < cpus {
        klog!("eremit: {cpus} CPUs, of which {} are used", ids.len() + 1);
    }
    let vector = (TRAMPOLINE >> 12) as u8;
    // The trampoline's copy must be visible before the IPIs (uncached MMIO writes).
    core::sync::atomic::fence(Ordering::SeqCst);

    // INIT then START-UP with no delay between them: QEMU and KVM handle a pending INIT
    // before the START-UP that follows it, and the 10 ms (INIT) and 200 us (START-UP)
    // waits of Intel's protocol are for real hardware.
    for &id in ids {
        apic::send_init(id);
    }
    for &id in ids {
        apic::send_startup(id, vector);
    }
    let sent = clock::uptime_ns();
    let mut resent = false;
    while online_cpus() < ids.len() + 1 {
        let waited = clock::uptime_ns() - sent;
        if !resent && waited > RESEND_AFTER_NS {
            // A START-UP to a CPU that has left its wait-for-SIPI state is ignored.
            for (slot, &id) in ids.iter().enumerate() {
                if !has_started(&code, slot) {
                    apic::send_startup(id, vector);
                }
            }
            resent = true;
        }
        if waited > TIMEOUT_NS {
            break;
        }
        core::hint::spin_loop();
    }
    for (slot, &id) in ids.iter().enumerate() {
        let cpu = slot + 1;
        let abandoned =
            STATE[cpu].compare_exchange(PENDING, ABANDONED, Ordering::AcqRel, Ordering::Acquire);
        if abandoned.is_ok() {
            let what = if has_started(&code, slot) {
                "started but did not come online"
            } else {
                "did not start"
            };
            klog!("eremit: CPU {cpu} (APIC ID {id}) {what}");
            // Back to wait-for-SIPI, so it cannot run the trampoline once it is gone.
            apic::send_init(id);
        }
    }
    paging::set_executable(TRAMPOLINE, false);
    klog!(
        "eremit: started {} other CPUs in {} us",
        online_cpus() - 1,
        (clock::uptime_ns() - begin) / 1000
    );
    online_cpus()
}

/// Where an AP arrives from the trampoline, in long mode on its own stack (`stack_top`,
/// with a guard page below) and with interrupts off.
extern "C" fn ap_start(cpu: usize, _stack_top: u64) -> ! {
    let tables = TABLES.lock()[cpu].take();
    let entry = *ENTRY.lock();
    let (Some(tables), Some(entry)) = (tables, entry) else {
        // Not prepared by start_aps: cannot happen, but must not run on shared tables.
        cpu::halt_forever()
    };
    // The IDT first, so that a fault from here on gets a crash report, not a reset.
    tables.load();
    idt::load();
    cpu::init();
    apic::init_local();
    APIC_IDS[cpu].store(apic::id(), Ordering::Relaxed);
    let online = STATE[cpu].compare_exchange(PENDING, ONLINE, Ordering::AcqRel, Ordering::Acquire);
    if online.is_err() {
        // Too late: the boot CPU has given up on this CPU and stopped counting it.
        cpu::halt_forever()
    }
    ONLINE_COUNT.fetch_add(1, Ordering::Release);
    entry(cpu)
}
