//! The system-call boundary: every pointer the application hands to a system call
//! (buffers, C strings, arrays of iovecs or pollfds, addresses, timespecs, futex words,
//! out-parameters) is checked here before the kernel touches it, and a bad one gives
//! `EFAULT` as on Linux. No argument value may fault the kernel.
//!
//! What counts as the application's memory is `mm::user_map`'s rule, built at boot
//! (`init`) from the image's program headers and the RAM handed to the heap. A check is
//! a few compares against that table; only in the 2 MiB chunks of the heap that hold a
//! guard page does it also walk the page tables (`paging::heap_first_unmapped`).
//!
//! Reads and writes of byte buffers follow Linux: the bytes up to the first one the
//! application may not hand over are transferred (`bytes_prefix`), so `read(fd, buf,
//! n)` with `n` larger than the buffer works as long as the data fits; a range that
//! wraps or leaves the lower half, or whose first byte is bad, is `EFAULT`.
//!
//! Limit: the check happens before the kernel uses the memory. Memory the application
//! frees (and the kernel turns into a guard page) while a call of another thread still
//! uses it can still fault; Linux's exception tables have no equivalent here.

use core::ffi::c_char;
use core::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use hermit_sync::OnceCell;

use crate::abi::errno::{EFAULT, EINVAL, Errno};
use crate::elf::{PF_W, PT_LOAD, Segment};
use crate::mm::page_table::PAGE;
use crate::mm::paging;
use crate::mm::regions::Range;
use crate::mm::user_map::{Access, LOW_LIMIT, USER_TOP, UserMap};

/// `PT_GNU_RELRO`: the part of the writable segment that is read-only after relocation.
const PT_GNU_RELRO: u32 = 0x6474_e552;

static MAP: OnceCell<UserMap> = OnceCell::new();
/// The largest heap range, `[start, end)`: most pointers fall inside it, and there a
/// check is two compares and a look at the guard-page bitmap (the table is the general
/// case). Empty until `init`.
static HOT_START: AtomicU64 = AtomicU64::new(0);
static HOT_END: AtomicU64 = AtomicU64::new(0);

unsafe extern "C" {
    // The kernel's own statics, when the link keeps them apart from the application's
    // (scripts/kernel-sections.ld, used when libhermit.a is packed); weak: null when it
    // does not.
    #[linkage = "extern_weak"]
    static __eremit_kernel_data_start: Option<&'static u8>;
    #[linkage = "extern_weak"]
    static __eremit_kernel_data_end: Option<&'static u8>;
    #[linkage = "extern_weak"]
    static __eremit_kernel_bss_start: Option<&'static u8>;
    #[linkage = "extern_weak"]
    static __eremit_kernel_bss_end: Option<&'static u8>;
}

/// The kernel's statics: ranges the application never hands to a call.
fn kernel_statics() -> [(u64, u64); 2] {
    let addr = |s: Option<&'static u8>| s.map_or(0, |r| r as *const u8 as u64);
    // SAFETY: reading weak symbols' addresses (null when absent); nothing is dereferenced.
    unsafe {
        [
            (
                addr(__eremit_kernel_data_start),
                addr(__eremit_kernel_data_end),
            ),
            (
                addr(__eremit_kernel_bss_start),
                addr(__eremit_kernel_bss_end),
            ),
        ]
    }
}

/// Builds the table of the application's memory: the image's loaded segments (with
/// their permissions, as `paging::init` maps them), RELRO read-only, the kernel's
/// statics left out, and every range of RAM given to the heap. Called once at boot.
pub fn init(segments: &[Segment], heap: &[Range]) {
    let mut map = UserMap::new();
    let mut full = false;
    for s in segments.iter().filter(|s| s.kind == PT_LOAD && s.memsz > 0) {
        let start = s.vaddr / PAGE * PAGE;
        let end = (s.vaddr + s.memsz).next_multiple_of(PAGE);
        let access = if s.flags & PF_W != 0 {
            Access::ReadWrite
        } else {
            Access::Read
        };
        full |= !map.set(start, end, Some(access), false);
    }
    for s in segments.iter().filter(|s| s.kind == PT_GNU_RELRO) {
        // As glibc protects it: whole pages from the start, the last partial one not.
        let start = s.vaddr / PAGE * PAGE;
        let end = (s.vaddr + s.memsz) / PAGE * PAGE;
        full |= !map.set(start, end, Some(Access::Read), false);
    }
    for (start, end) in kernel_statics() {
        if start != 0 && start < end {
            full |= !map.set(start, end, None, false);
        }
    }
    for r in heap {
        full |= !map.set(r.start, r.end, Some(Access::ReadWrite), true);
    }
    if full {
        crate::kreport!("eremit: warning: the table of application memory is full");
    }
    if let Some(hot) = heap.iter().max_by_key(|r| r.len()) {
        HOT_START.store(hot.start.max(LOW_LIMIT), Ordering::Relaxed);
        HOT_END.store(hot.end.min(USER_TOP), Ordering::Relaxed);
    }
    let _ = MAP.set(map);
}

fn map() -> Option<&'static UserMap> {
    MAP.get()
}

/// How many bytes from `addr` on (at most `len`) the application may hand over.
#[inline]
fn accessible(addr: u64, len: u64, write: bool) -> Result<u64, Errno> {
    if let Some(end) = addr.checked_add(len)
        && addr >= HOT_START.load(Ordering::Relaxed)
        && end <= HOT_END.load(Ordering::Relaxed)
    {
        // Heap RAM, read and write: only guard pages can be missing.
        return Ok(paging::heap_first_unmapped(addr, end, write) - addr);
    }
    if let Some(end) = addr.checked_add(len)
        && crate::mm::reservations::in_window(addr as usize, end as usize)
    {
        // Reserved memory (`mmap(PROT_NONE)`): the pages mprotect made accessible are
        // mapped, the others not; the walk tells which.
        return Ok(paging::heap_first_unmapped(addr, end, write) - addr);
    }
    let map = map().ok_or(EFAULT)?;
    map.accessible(addr, len, write, paging::heap_first_unmapped)
        .map_err(|_| EFAULT)
}

/// `[ptr, ptr + len)` is the application's, readable.
pub fn check_read(ptr: *const u8, len: usize) -> Result<(), Errno> {
    match accessible(ptr as u64, len as u64, false)? {
        n if n == len as u64 => Ok(()),
        _ => Err(EFAULT),
    }
}

/// `[ptr, ptr + len)` is the application's and writable.
pub fn check_write(ptr: *mut u8, len: usize) -> Result<(), Errno> {
    match accessible(ptr as u64, len as u64, true)? {
        n if n == len as u64 => Ok(()),
        _ => Err(EFAULT),
    }
}

/// The application's buffer `ptr..ptr + len`, all of it readable.
///
/// # Safety
/// The application does not free the memory during the call (it may change it: the
/// kernel copies what it needs and makes no promise about racing stores).
pub unsafe fn bytes<'a>(ptr: *const u8, len: usize) -> Result<&'a [u8], Errno> {
    check_read(ptr, len)?;
    if len == 0 {
        return Ok(&[]);
    }
    // SAFETY: checked: readable memory of the application, not wrapping.
    Ok(unsafe { core::slice::from_raw_parts(ptr, len) })
}

/// As `bytes`, for a buffer the call writes.
///
/// # Safety
/// As `bytes`; nothing else in the kernel uses the memory during the call.
pub unsafe fn bytes_mut<'a>(ptr: *mut u8, len: usize) -> Result<&'a mut [u8], Errno> {
    check_write(ptr, len)?;
    if len == 0 {
        return Ok(&mut []);
    }
    // SAFETY: checked: writable memory of the application, not wrapping.
    Ok(unsafe { core::slice::from_raw_parts_mut(ptr, len) })
}

/// The readable start of `ptr..ptr + len`, for a call that transfers bytes one after
/// another as Linux's `write` does: `EFAULT` if the range wraps or leaves the lower
/// half, or (`len` > 0) not even its first byte is readable.
///
/// # Safety
/// As `bytes`.
pub unsafe fn bytes_prefix<'a>(ptr: *const u8, len: usize) -> Result<&'a [u8], Errno> {
    let n = accessible(ptr as u64, len as u64, false)? as usize;
    if n == 0 {
        return if len == 0 { Ok(&[]) } else { Err(EFAULT) };
    }
    // SAFETY: the first `n` bytes are readable memory of the application.
    Ok(unsafe { core::slice::from_raw_parts(ptr, n) })
}

/// As `bytes_prefix`, for a buffer the call writes (`read`).
///
/// # Safety
/// As `bytes_mut`.
pub unsafe fn bytes_prefix_mut<'a>(ptr: *mut u8, len: usize) -> Result<&'a mut [u8], Errno> {
    let n = accessible(ptr as u64, len as u64, true)? as usize;
    if n == 0 {
        return if len == 0 { Ok(&mut []) } else { Err(EFAULT) };
    }
    // SAFETY: the first `n` bytes are writable memory of the application.
    Ok(unsafe { core::slice::from_raw_parts_mut(ptr, n) })
}

/// Types every bit pattern of which is a valid value, so one can be read from any
/// readable bytes of the application.
///
/// # Safety
/// Implement only for such types (integers, raw pointers, `repr(C)` structs of them).
pub unsafe trait Plain: Copy {}
// SAFETY: integers and raw pointers accept any bits; the structs are repr(C) of them.
unsafe impl Plain for u32 {}
// SAFETY: as above.
unsafe impl Plain for i32 {}
// SAFETY: as above.
unsafe impl Plain for usize {}
// SAFETY: as above.
unsafe impl Plain for crate::abi::timespec {}
// SAFETY: as above.
unsafe impl Plain for crate::abi::iovec {}
// SAFETY: as above.
unsafe impl Plain for crate::abi::flock {}
// SAFETY: as above.
unsafe impl Plain for crate::abi::pollfd {}
// SAFETY: as above.
unsafe impl Plain for crate::abi::addrinfo {}
// SAFETY: as above.
unsafe impl<T> Plain for *const T {}

/// A copy of the application's `*ptr` (no alignment required).
pub fn read<T: Plain>(ptr: *const T) -> Result<T, Errno> {
    check_read(ptr as *const u8, core::mem::size_of::<T>())?;
    // SAFETY: checked readable; any bits are a valid T (`Plain`); unaligned is allowed.
    Ok(unsafe { ptr.read_unaligned() })
}

/// Stores `value` at the application's `ptr` (no alignment required).
pub fn write<T>(ptr: *mut T, value: T) -> Result<(), Errno> {
    check_write(ptr as *mut u8, core::mem::size_of::<T>())?;
    // SAFETY: checked writable memory of the application; unaligned is allowed.
    unsafe { ptr.write_unaligned(value) };
    Ok(())
}

/// The application's array of `count` `T`s at `ptr`, readable and aligned (`EFAULT` if
/// not: nothing promises the kernel may read a misaligned array in place; Linux copies).
///
/// # Safety
/// As `bytes`.
pub unsafe fn array<'a, T: Plain>(ptr: *const T, count: usize) -> Result<&'a [T], Errno> {
    let len = count.checked_mul(core::mem::size_of::<T>()).ok_or(EFAULT)?;
    check_read(ptr as *const u8, len)?;
    if count == 0 {
        return Ok(&[]);
    }
    if !ptr.is_aligned() {
        return Err(EFAULT);
    }
    // SAFETY: checked readable and aligned; any bits are valid (`Plain`).
    Ok(unsafe { core::slice::from_raw_parts(ptr, count) })
}

/// The NUL-terminated string at `ptr`, without its NUL, searched in at most `max` bytes
/// (page by page: only the bytes before a bad one are read). `EFAULT` if a bad byte
/// comes before the NUL, `too_long` if there is no NUL in `max` bytes.
///
/// # Safety
/// As `bytes`.
pub unsafe fn c_string<'a>(
    ptr: *const c_char,
    max: usize,
    too_long: Errno,
) -> Result<&'a [u8], Errno> {
    let p = ptr as u64;
    let room = USER_TOP.saturating_sub(p);
    let want = (max as u64).min(room);
    let n = accessible(p, want, false)? as usize;
    if n > 0 {
        // SAFETY: the first `n` bytes are readable memory of the application.
        let s = unsafe { core::slice::from_raw_parts(ptr as *const u8, n) };
        if let Some(len) = s.iter().position(|&b| b == 0) {
            return Ok(&s[..len]);
        }
    }
    Err(if n as u64 == want && want == max as u64 {
        too_long
    } else {
        EFAULT
    })
}

/// The futex word at `ptr`: 4-byte aligned (`EINVAL`, as Linux) and readable (`EFAULT`).
pub fn futex_word(ptr: *mut u32) -> Result<&'static AtomicU32, Errno> {
    if ptr as usize % 4 != 0 {
        return Err(EINVAL);
    }
    check_read(ptr as *const u8, 4)?;
    // SAFETY: checked readable and aligned; the word is the application's for as long
    // as it uses it for a futex (atomic accesses only).
    Ok(unsafe { &*(ptr as *const AtomicU32) })
}

/// The address of a futex word used only as a key (`futex_wake`): 4-byte aligned
/// (`EINVAL`) and in the lower half (`EFAULT`), as Linux checks a private futex.
pub fn futex_key(ptr: *mut u32) -> Result<usize, Errno> {
    if ptr as usize % 4 != 0 {
        return Err(EINVAL);
    }
    if ptr as u64 >= USER_TOP - 4 {
        return Err(EFAULT);
    }
    Ok(ptr as usize)
}

/// For the C library, whose wrappers convert structures between its layout and the
/// ABI's before or after a call: 0 if `[ptr, ptr + len)` may be handed to the kernel
/// (for writing when `write` is non-zero), else `-EFAULT`. Sets no errno.
#[unsafe(no_mangle)]
pub extern "C" fn eremit_check_user_memory(ptr: *const u8, len: usize, write: i32) -> i32 {
    let r = if write != 0 {
        check_write(ptr as *mut u8, len)
    } else {
        check_read(ptr, len)
    };
    r.map_or(super::negated(EFAULT), |()| 0)
}
