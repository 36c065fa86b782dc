//! Memory: Rust's allocator entry points, C-style malloc/free and anonymous mmap, all on
//! the one kernel heap; mappings are recorded so munmap releases only what mmap gave.

use core::alloc::Layout;

use hermit_sync::InterruptSpinMutex;

use super::fail;
use crate::abi::errno::{EINVAL, ENOMEM, ENOSYS};
use crate::mm::heap::{HEAP, reallocate};
use crate::mm::mappings::{Mappings, Release};
use crate::mm::page_table::PAGE;

fn layout(size: usize, align: usize) -> Option<Layout> {
    Layout::from_size_align(size.max(1), align.max(1)).ok()
}

#[unsafe(no_mangle)]
pub extern "C" fn sys_alloc(size: usize, align: usize) -> *mut u8 {
    match layout(size, align) {
        Some(l) => HEAP.allocate(l),
        None => core::ptr::null_mut(),
    }
}

#[unsafe(no_mangle)]
pub extern "C" fn sys_alloc_zeroed(size: usize, align: usize) -> *mut u8 {
    let p = sys_alloc(size, align);
    if !p.is_null() {
        // SAFETY: p points at a fresh allocation of at least `size` bytes.
        unsafe { core::ptr::write_bytes(p, 0, size) };
    }
    p
}

#[unsafe(no_mangle)]
pub extern "C" fn sys_malloc(size: usize, align: usize) -> *mut u8 {
    sys_alloc(size, align)
}

/// # Safety
/// `ptr` must come from `sys_alloc`/`sys_malloc` with this size and alignment.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sys_dealloc(ptr: *mut u8, size: usize, align: usize) {
    if let (false, Some(l)) = (ptr.is_null(), layout(size, align)) {
        // SAFETY: the caller passes back an allocation with its layout.
        unsafe { HEAP.release(ptr, l) };
    }
}

/// # Safety
/// As `sys_dealloc`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sys_free(ptr: *mut u8, size: usize, align: usize) {
    // SAFETY: same contract.
    unsafe { sys_dealloc(ptr, size, align) }
}

/// # Safety
/// `ptr` must come from `sys_alloc` with `size` and `align`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sys_realloc(
    ptr: *mut u8,
    size: usize,
    align: usize,
    new_size: usize,
) -> *mut u8 {
    if ptr.is_null() {
        return sys_alloc(new_size, align);
    }
    match (layout(size, align), layout(new_size, align)) {
        // SAFETY: the caller passes a live block with its layout.
        (Some(old), Some(_)) => unsafe { reallocate(&HEAP, ptr, old, new_size) },
        _ => core::ptr::null_mut(),
    }
}

/// The anonymous mappings `sys_mmap` made, for `sys_munmap`.
static MAPPINGS: InterruptSpinMutex<Mappings> = InterruptSpinMutex::new(Mappings::new());

/// The end of the lower half of the address space, Linux's `TASK_SIZE` on x86-64: a
/// range reaching past it is `EINVAL` for munmap, as there.
const TASK_SIZE: usize = 0x7fff_ffff_f000;

/// Anonymous memory: zeroed, page-aligned, from the heap. A length that cannot be
/// rounded up to whole pages, or that is larger than the address space, is `ENOMEM` (as
/// Linux), never a smaller block.
#[unsafe(no_mangle)]
pub extern "C" fn sys_mmap(size: usize, _prot_flags: u32, ret: &mut *mut u8) -> i32 {
    if size == 0 {
        return fail(EINVAL);
    }
    if let Err(e) = super::uaccess::check_write(ret as *mut *mut u8 as *mut u8, 8) {
        return fail(e);
    }
    let Some(len) = size
        .checked_next_multiple_of(PAGE as usize)
        .filter(|&l| l <= TASK_SIZE)
    else {
        return fail(ENOMEM);
    };
    let p = sys_alloc_zeroed(len, PAGE as usize);
    if p.is_null() {
        return fail(ENOMEM);
    }
    if MAPPINGS.lock().insert(p as usize, len).is_err() {
        // SAFETY: allocated just above with this layout and never handed out.
        unsafe { sys_dealloc(p, len, PAGE as usize) };
        return fail(ENOMEM);
    }
    *ret = p;
    0
}

/// Unmaps the pages of `[ptr, ptr + size)` that `sys_mmap` handed out (any part of a
/// mapping, or several); pages it did not hand out (already unmapped, inside a malloc
/// block, a stack) are left alone, as Linux leaves alone what is not mapped. `EINVAL`
/// for an unaligned address, a zero length or a range past the address space.
///
/// # Safety
/// The application must not use the pages it unmaps any more.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sys_munmap(ptr: *mut u8, size: usize) -> i32 {
    let start = ptr as usize;
    let page = PAGE as usize;
    let Some(len) = size.checked_next_multiple_of(page) else {
        return fail(EINVAL);
    };
    if !start.is_multiple_of(page) || len == 0 || len > TASK_SIZE || start > TASK_SIZE - len {
        return fail(EINVAL);
    }
    let done = MAPPINGS.lock().unmap(start, start + len, |r| match r {
        // SAFETY: the registry reports a block that sys_mmap allocated, with its current
        // length, of which no page is mapped any more.
        Release::Free { base, len } => unsafe { sys_dealloc(base as *mut u8, len, page) },
        // SAFETY: as above; only pages past `new_len` were unmapped.
        Release::Shrink { base, len, new_len } => unsafe {
            HEAP.shrink(
                base as *mut u8,
                Layout::from_size_align_unchecked(len, page),
                new_len,
            )
        },
    });
    match done {
        Ok(()) => 0,
        Err(_) => fail(ENOMEM),
    }
}
/// Changing protections is not supported yet: everything is read/write.
#[unsafe(no_mangle)]
pub extern "C" fn sys_mprotect(_ptr: *mut u8, _size: usize, _prot_flags: u32) -> i32 {
    fail(ENOSYS)
}
