//! The kernel's start, from the architecture's entry (`arch`, once the boot CPU is set
//! up and the boot information read) to the application's `runtime_entry`: memory, time,
//! the descriptor table, the scheduler, the other CPUs, the network, the main thread.

use alloc::vec::Vec;
use core::ffi::c_char;

use crate::arch::exit;
use crate::arch::platform::{self, BootInfo};
use crate::clock;
use crate::cmdline::{self, CommandLine};
use crate::elf::{PT_LOAD, ProgramHeaders, Segment};
use crate::mm::heap::HEAP;
use crate::mm::page_table::PAGE;
use crate::mm::regions::{self, Range};
use crate::{console, klog, kreport, mm, sched};

/// Stack of the application's main thread (Linux's default), when memory allows.
const MAIN_STACK_SIZE: usize = 8 << 20;
/// The main thread's stack takes at most this fraction of the free heap, so that a small
/// VM (`--memory 4M`) still boots; 64 KiB at least.
const MAIN_STACK_SHARE: usize = 4;
const MAIN_STACK_MIN: usize = 64 << 10;

/// The main thread's stack size for a heap with `free` bytes free: Linux's 8 MiB, less in
/// a VM too small for that (a quarter of the free heap).
fn main_stack_size(free: usize) -> usize {
    let share = (free / MAIN_STACK_SHARE) & !(PAGE as usize - 1);
    share.clamp(MAIN_STACK_MIN, MAIN_STACK_SIZE)
}

unsafe extern "C" {
    /// The ELF header at the start of the loaded image (defined by the linker).
    static __ehdr_start: u8;
    /// Rust's std (or the C library's start code) takes over from here.
    fn runtime_entry(argc: i32, argv: *const *const c_char, env: *const *const c_char) -> !;
}

/// Ends the VM when the kernel cannot start.
pub fn fatal(msg: &str) -> ! {
    kreport!("eremit: cannot boot: {msg}");
    exit::exit_vm(125)
}

/// The image's program headers, read from the loaded image itself.
fn image_headers() -> ProgramHeaders<'static> {
    let start = core::ptr::addr_of!(__ehdr_start);
    // SAFETY: the linker places the ELF header and program headers at the start of the
    // first loaded segment; 64 bytes are the ELF header.
    let head = unsafe { core::slice::from_raw_parts(start, 64) };
    let len = ProgramHeaders::header_len(head).unwrap_or(64);
    // SAFETY: the program header table follows the ELF header in the same segment.
    let all = unsafe { core::slice::from_raw_parts(start, len) };
    ProgramHeaders::parse(all).unwrap_or_else(|_| fatal("the image's ELF headers are not readable"))
}

fn image_range(headers: &ProgramHeaders<'_>) -> Range {
    let start = core::ptr::addr_of!(__ehdr_start) as u64;
    let end = headers
        .iter()
        .filter(|s| s.kind == PT_LOAD)
        .map(|s| s.vaddr + s.memsz)
        .max()
        .unwrap_or(start);
    Range::new(start / PAGE * PAGE, end.next_multiple_of(PAGE))
}

/// Called by the architecture's entry with the boot CPU set up (features, descriptor
/// tables, the console) and the boot information.
pub fn kernel_main(info: BootInfo) -> ! {
    let headers = image_headers();
    let image = image_range(&headers);
    let ram_end = info.ram().iter().map(|r| r.end).max().unwrap_or(0);

    // Page tables come from a strip right after the image; the early heap follows it,
    // inside the memory the boot tables already map.
    let tables = Range::new(
        image.end,
        image.end + mm::paging::tables_needed(ram_end) * PAGE,
    );
    let Some(host) = info
        .ram()
        .iter()
        .find(|r| r.start <= tables.end && r.end > tables.end)
    else {
        fatal("no RAM after the kernel image")
    };
    let early = Range::new(tables.end, host.end.min(platform::BOOT_MAPPED_END));
    if early.len() < (1 << 20) {
        fatal("less than 1 MiB of RAM after the kernel image");
    }
    // SAFETY: the early range is RAM that nothing else uses, mapped by the boot tables.
    unsafe { HEAP.add_region(early) };

    let mut cmd: CommandLine = cmdline::parse(info.cmdline);
    console::set_verbose(cmd.verbose);
    klog!(
        "eremit: booting; memory {} MiB, image {:#x}-{:#x}",
        info.ram().iter().map(|r| r.len()).sum::<u64>() >> 20,
        image.start,
        image.end
    );
    for unknown in &cmd.unknown {
        kreport!("eremit: warning: unknown kernel option {unknown:?} ignored");
    }
    crate::unserved::report();
    if let Some(hz) = cmd.profile_hz {
        crate::profile::start(hz);
    }

    let segments: Vec<Segment> = headers.iter().collect();
    mm::paging::init(
        info.ram(),
        image,
        segments.iter().copied(),
        headers.exec_stack(),
        tables,
    );
    // Nothing below the image is heap: the low 1 MiB is firmware's, and keeping the
    // rest up to the image (at 2 MiB) out too makes every address below the image
    // invalid for system calls, as on Linux (syscalls::uaccess).
    let reserved = [
        Range::new(0, image.start),
        Range::new(image.start, early.end),
    ];
    let mut heap = regions::usable(info.ram(), &reserved, PAGE);
    for &r in &heap {
        // SAFETY: usable RAM outside the image, the tables and the early heap; mapped by
        // the tables just loaded.
        unsafe { HEAP.add_region(r) };
    }
    heap.push(early);
    crate::syscalls::uaccess::init(&segments, &heap);
    mm::paging::reserve_tables(HEAP.usage().1);
    let (free, total) = HEAP.usage();
    klog!("eremit: heap {} MiB ({} MiB free)", total >> 20, free >> 20);

    clock::init(cmd.tsc_khz);
    if crate::fd::global::init(cmd.terminals).is_err() {
        fatal("no memory for the descriptor table");
    }
    crate::fs::fuse::table::set(core::mem::take(&mut cmd.volumes));
    // Interrupts are still off; this is CPU 0.
    mm::soft_tlb::grow_at_start(0);
    platform::init_interrupt_controller();
    sched::init(headers.tls());
    platform::install_interrupt_handlers();
    #[cfg(feature = "smp")]
    {
        let online = platform::start_secondary_cpus(cpu_entry);
        klog!("eremit: {online} CPUs online");
    }
    #[cfg(feature = "net")]
    crate::net::init(&cmd.net.resolve(
        &cmd.env,
        cfg!(feature = "dhcpv4"),
        cmd.net_fallback.as_ref(),
    ));
    if cmd.signals {
        crate::signals::init();
    }
    run_application(cmd)
}

/// Where every other CPU goes once it is set up: its idle loop, which runs tasks from
/// the shared run queue.
#[cfg(feature = "smp")]
extern "C" fn cpu_entry(cpu: usize) -> ! {
    if cpu >= sched::MAX_CPUS {
        // The scheduler tracks CPUs in a 64-bit mask; more stay parked.
        crate::arch::cpu::halt_forever();
    }
    // Interrupts are off until the idle loop.
    mm::soft_tlb::grow_at_start(cpu);
    sched::init_cpu(cpu);
    sched::idle_loop()
}

/// NUL-terminated copies of `strings` and a null-terminated pointer array to them.
fn c_vector(strings: &[alloc::string::String]) -> &'static [*const c_char] {
    let mut ptrs: Vec<*const c_char> = Vec::with_capacity(strings.len() + 1);
    for s in strings {
        let mut bytes: Vec<u8> = Vec::with_capacity(s.len() + 1);
        bytes.extend_from_slice(s.as_bytes());
        bytes.push(0);
        ptrs.push(bytes.leak().as_ptr() as *const c_char);
    }
    ptrs.push(core::ptr::null());
    ptrs.leak()
}

/// argc, argv and envp for the main thread.
static MAIN_ARGS: hermit_sync::OnceCell<(i32, usize, usize)> = hermit_sync::OnceCell::new();

extern "C" fn main_thread(_: usize) {
    let &(argc, argv, envp) = MAIN_ARGS.get().expect("main arguments");
    klog!(
        "eremit: entering the application after {} us",
        clock::uptime_ns() / 1000
    );
    let (free, total) = HEAP.usage();
    klog!(
        "eremit: heap in use at application start: {} bytes",
        total - free
    );
    // SAFETY: argv and envp are the null-terminated vectors built in run_application,
    // leaked so they live for the rest of the run.
    unsafe {
        runtime_entry(
            argc,
            argv as *const *const c_char,
            envp as *const *const c_char,
        )
    }
}

/// Starts the main thread with a stack of `size` bytes, or less when the free heap is in
/// pieces too small for that (a small VM: the early heap and the RAM below the image are
/// apart), halving down to `MAIN_STACK_MIN`.
fn start_main_thread(mut size: usize) {
    loop {
        match sched::spawn(main_thread, 0, sched::NORMAL_PRIO, size, "the main thread") {
            Ok(_) => break,
            Err(crate::abi::errno::ENOMEM) if size > MAIN_STACK_MIN => {
                size = (size / 2).max(MAIN_STACK_MIN);
            }
            Err(crate::abi::errno::ENOMEM) => fatal("no memory for the main thread"),
            Err(_) => fatal("cannot start the main thread"),
        }
    }
    if size < MAIN_STACK_SIZE {
        klog!(
            "eremit: main thread stack {} KiB (small memory)",
            size >> 10
        );
    }
}

fn run_application(cmd: CommandLine) -> ! {
    let argv = c_vector(&cmd.args);
    let envp = c_vector(&cmdline::environment(&cmd.env));
    let _ = MAIN_ARGS.set((
        (argv.len() - 1) as i32,
        argv.as_ptr() as usize,
        envp.as_ptr() as usize,
    ));
    let (free, _) = HEAP.usage();
    start_main_thread(main_stack_size(free));
    // The boot context becomes this CPU's idle task.
    sched::idle_loop()
}
