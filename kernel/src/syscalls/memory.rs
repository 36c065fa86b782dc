//! Memory: Rust's allocator entry points, C-style malloc/free and anonymous mmap, all on
//! the one kernel heap.

use core::alloc::Layout;

use super::fail;
use crate::abi::errno::{EINVAL, ENOMEM, ENOSYS};
use crate::mm::heap::HEAP;
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
    if let (Some(old), Some(new)) = (layout(size, align), layout(new_size, align)) {
        if crate::mm::heap::KernelHeap::fits_in_place(old, new) {
            return ptr;
        }
    }
    let new = sys_alloc(new_size, align);
    if !new.is_null() {
        // SAFETY: both blocks are live and at least min(size, new_size) long.
        unsafe {
            core::ptr::copy_nonoverlapping(ptr, new, size.min(new_size));
            sys_dealloc(ptr, size, align);
        }
    }
    new
}

/// Anonymous memory: zeroed, page-aligned, from the heap.
#[unsafe(no_mangle)]
pub extern "C" fn sys_mmap(size: usize, _prot_flags: u32, ret: &mut *mut u8) -> i32 {
    if size == 0 {
        return fail(EINVAL);
    }
    if let Err(e) = super::uaccess::check_write(ret as *mut *mut u8 as *mut u8, 8) {
        return fail(e);
    }
    let p = sys_alloc_zeroed(size.next_multiple_of(PAGE as usize), PAGE as usize);
    if p.is_null() {
        return fail(ENOMEM);
    }
    *ret = p;
    0
}

/// # Safety
/// `ptr` and `size` must describe a mapping made by `sys_mmap`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sys_munmap(ptr: *mut u8, size: usize) -> i32 {
    if ptr.is_null() || size == 0 || ptr as usize % PAGE as usize != 0 {
        return fail(EINVAL);
    }
    // SAFETY: the caller unmaps a whole mapping from sys_mmap, whose layout this is.
    unsafe { sys_dealloc(ptr, size.next_multiple_of(PAGE as usize), PAGE as usize) };
    0
}

/// Changing protections is not supported yet: everything is read/write.
#[unsafe(no_mangle)]
pub extern "C" fn sys_mprotect(_ptr: *mut u8, _size: usize, _prot_flags: u32) -> i32 {
    fail(ENOSYS)
}
