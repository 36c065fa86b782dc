//! The FPU/SSE/AVX state of tasks: saved and restored with XSAVE where the CPU has it,
//! FXSAVE otherwise.

use alloc::alloc::{Layout, alloc_zeroed, dealloc};
use core::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

static USE_XSAVE: AtomicBool = AtomicBool::new(false);
static AREA_SIZE: AtomicUsize = AtomicUsize::new(512);

/// Chooses XSAVE (with the size of the enabled state) or FXSAVE. Call after cpu::init.
pub fn init_fpu() {
    let (_, _, ecx1, _) = super::cpu::cpuid(1, 0);
    if ecx1 & (1 << 26) != 0 {
        let size = super::cpu::cpuid(0xd, 0).1 as usize;
        USE_XSAVE.store(true, Ordering::Relaxed);
        AREA_SIZE.store(size.max(576), Ordering::Relaxed);
    }
}

/// Bytes `save_to_and_reset` writes (into a 64-byte aligned area).
pub fn area_size() -> usize {
    AREA_SIZE.load(Ordering::Relaxed)
}

/// Saves the CPU's FPU/SSE/AVX registers into `area` (what `restore_from` reloads),
/// then gives the CPU the initial state (Linux starts a signal handler on a clean one).
///
/// # Safety
/// `area` is 64-byte aligned and `area_size()` bytes long.
pub unsafe fn save_to_and_reset(area: *mut u8) {
    // SAFETY: the caller's area; its XSAVE header (bytes 512..576) is zeroed first, as
    // XRSTOR requires of the bytes XSAVE does not write.
    unsafe {
        if USE_XSAVE.load(Ordering::Relaxed) {
            core::ptr::write_bytes(area.add(512), 0, 64);
            core::arch::asm!("xsave64 [{}]", in(reg) area, in("eax") u32::MAX, in("edx") u32::MAX, options(nostack));
        } else {
            core::arch::asm!("fxsave64 [{}]", in(reg) area, options(nostack));
        }
        let mxcsr: u32 = 0x1f80;
        core::arch::asm!("fninit", "ldmxcsr [{}]", in(reg) &mxcsr, options(nostack));
    }
}

/// Reloads what `save_to_and_reset` saved.
///
/// # Safety
/// `area` holds a state `save_to_and_reset` saved.
pub unsafe fn restore_from(area: *const u8) {
    // SAFETY: as the caller promises.
    unsafe {
        if USE_XSAVE.load(Ordering::Relaxed) {
            core::arch::asm!("xrstor64 [{}]", in(reg) area, in("eax") u32::MAX, in("edx") u32::MAX, options(nostack));
        } else {
            core::arch::asm!("fxrstor64 [{}]", in(reg) area, options(nostack));
        }
    }
}

/// One task's saved FPU/SSE/AVX registers.
pub struct FpuState {
    area: *mut u8,
}

// SAFETY: the area is owned by its task and touched only by the CPU switching that task.
unsafe impl Send for FpuState {}

impl FpuState {
    fn layout() -> Layout {
        Layout::from_size_align(AREA_SIZE.load(Ordering::Relaxed), 64).unwrap()
    }

    /// The initial state: default control words, everything else zero.
    pub fn new() -> Option<Self> {
        // SAFETY: non-zero size.
        let area = unsafe { alloc_zeroed(Self::layout()) };
        if area.is_null() {
            return None;
        }
        // SAFETY: the area is at least 512 bytes: FCW at 0, MXCSR at 24.
        unsafe {
            (area as *mut u16).write(0x037f);
            (area.add(24) as *mut u32).write(0x1f80);
        }
        Some(Self { area })
    }

    pub fn save(&mut self) {
        // SAFETY: the area is 64-byte aligned and large enough for the enabled state.
        unsafe {
            if USE_XSAVE.load(Ordering::Relaxed) {
                core::arch::asm!("xsave64 [{}]", in(reg) self.area, in("eax") u32::MAX, in("edx") u32::MAX, options(nostack));
            } else {
                core::arch::asm!("fxsave64 [{}]", in(reg) self.area, options(nostack));
            }
        }
    }

    /// Saves only what a task that gives up the CPU by calling into the kernel must keep:
    /// the x87 and SSE control words. The vector and x87 registers are caller-saved in the
    /// C ABI (and the x87 stack is empty at a call), so nothing live is in them.
    pub fn save_control(&mut self) {
        // SAFETY: the area is at least 576 bytes: FCW at offset 0, FSW at 2, the
        // abridged tag word at 4, MXCSR at 24, XSTATE_BV at 512.
        unsafe {
            core::arch::asm!("fnstcw [{}]", in(reg) self.area, options(nostack));
            core::arch::asm!("stmxcsr [{}]", in(reg) self.area.add(24), options(nostack));
            // An empty x87 stack, whatever an earlier full save recorded.
            (self.area.add(2) as *mut u16).write(0);
            self.area.add(4).write(0);
            if USE_XSAVE.load(Ordering::Relaxed) {
                // XRSTOR then loads x87 from the area and puts SSE/AVX in their initial
                // state (MXCSR is still loaded from the area).
                (self.area.add(512) as *mut u64).write(1);
            }
        }
    }

    pub fn restore(&self) {
        // SAFETY: the area holds a state saved by `save` or built by `new`.
        unsafe {
            if USE_XSAVE.load(Ordering::Relaxed) {
                core::arch::asm!("xrstor64 [{}]", in(reg) self.area, in("eax") u32::MAX, in("edx") u32::MAX, options(nostack));
            } else {
                core::arch::asm!("fxrstor64 [{}]", in(reg) self.area, options(nostack));
            }
        }
    }
}

impl Drop for FpuState {
    fn drop(&mut self) {
        // SAFETY: allocated in `new` with the same layout.
        unsafe { dealloc(self.area, Self::layout()) };
    }
}
