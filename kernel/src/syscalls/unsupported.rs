//! Calls of the ABI that are not implemented yet. Each fails with ENOSYS (never a silent
//! success) and README's syscall table lists it; the issue that implements it replaces
//! the stub with the real call.

use super::fail;
use crate::abi::errno::ENOSYS;

macro_rules! enosys {
    ($($name:ident($($arg:ident: $ty:ty),*) -> $ret:ty;)*) => {$(
        #[unsafe(no_mangle)]
        pub extern "C" fn $name($($arg: $ty),*) -> $ret {
            $(let _ = $arg;)*
            fail(ENOSYS) as $ret
        }
    )*};
}

// Wait queues of older Hermit releases (threads issue).
enosys! {
    sys_notify(id: usize, count: i32) -> i32;
    sys_add_queue(id: usize, timeout_ns: i64) -> i32;
    sys_wait(id: usize) -> i32;
    sys_init_queue(id: usize) -> i32;
    sys_destroy_queue(id: usize) -> i32;
}
