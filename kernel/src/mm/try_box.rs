//! `Box::new` that reports a lack of memory instead of ending the kernel: for objects a
//! system call creates (a task, a thread's start record), whose failure must fail only
//! that call, with `ENOMEM`.

use alloc::alloc::{Layout, alloc};
use alloc::boxed::Box;

/// `value` in a new box, or `value` back when there is no memory for it.
pub fn try_box<T>(value: T) -> Result<Box<T>, T> {
    let layout = Layout::new::<T>();
    if layout.size() == 0 {
        return Ok(Box::new(value));
    }
    // SAFETY: the layout has a non-zero size.
    let p = unsafe { alloc(layout) } as *mut T;
    if p.is_null() {
        return Err(value);
    }
    // SAFETY: `p` is fresh memory with `T`'s layout, from the global allocator, which is
    // what `Box` frees with; writing moves `value` in before the box owns it.
    unsafe {
        p.write(value);
        Ok(Box::from_raw(p))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boxes_and_drops() {
        let b = try_box([7u64; 16]).unwrap();
        assert_eq!(b[15], 7);
        let s = try_box(alloc::string::String::from("owned")).unwrap();
        assert_eq!(*s, "owned");
        assert!(try_box(()).is_ok());
    }
}
