//! Compile-time proof that every system call has exactly the signature `hermit-abi` 0.5.2
//! declares: for each of its functions, a function pointer is typed from `hermit-abi`'s
//! declaration, its struct types are swapped for the kernel's own (`crate::abi`, whose
//! size and alignment are asserted equal below), and the kernel's function is coerced to
//! that type. Any difference in a parameter, the return type or the ABI is a type error,
//! and a call the kernel lacks is an unresolved name. Nothing here runs or reaches the
//! binary: it is all `const` items.
//!
//! tests/abi_c_check.py checks that this list names every function of `hermit-abi`, and
//! the C header (include/hermit/syscall.h) against the same declarations.

use core::marker::PhantomData;
use core::mem::{align_of, size_of};

use super::{
    entropy, eventfd, fs, io, memory, net, poll, process, system, tasks, time, unsupported,
};

/// A type of `hermit-abi`'s signatures and the kernel type that stands for it: itself,
/// except for the structs, which the kernel defines again in `crate::abi`.
trait KernelType {
    type K;
}

macro_rules! same_type {
    ($($t:ty),*) => {$(
        impl KernelType for $t {
            type K = $t;
        }
    )*};
}
same_type! { i8, i16, i32, i64, u8, u16, u32, u64, usize, isize, (), core::ffi::c_void }

macro_rules! kernel_struct {
    ($($t:ident),*) => {$(
        impl KernelType for hermit_abi::$t {
            type K = crate::abi::$t;
        }
        const _: () = assert!(size_of::<hermit_abi::$t>() == size_of::<crate::abi::$t>());
        const _: () = assert!(align_of::<hermit_abi::$t>() == align_of::<crate::abi::$t>());
    )*};
}
kernel_struct!(timespec, stat, iovec, dirent64, sockaddr, addrinfo, pollfd);

impl<T: KernelType> KernelType for *const T {
    type K = *const T::K;
}
impl<T: KernelType> KernelType for *mut T {
    type K = *mut T::K;
}
impl<'a, T: KernelType + 'a> KernelType for &'a mut T
where
    T::K: 'a,
{
    type K = &'a mut T::K;
}

macro_rules! fn_pointer {
    ($($a:ident),*) => {
        impl<R: KernelType, $($a: KernelType),*> KernelType for unsafe extern "C" fn($($a),*) -> R {
            type K = unsafe extern "C" fn($($a::K),*) -> R::K;
        }
        impl<R: KernelType, $($a: KernelType),*> KernelType for extern "C" fn($($a),*) -> R {
            type K = extern "C" fn($($a::K),*) -> R::K;
        }
        impl<$($a: KernelType),*> KernelType for unsafe extern "C" fn($($a),*) -> ! {
            type K = unsafe extern "C" fn($($a::K),*) -> !;
        }
    };
}
fn_pointer!();
fn_pointer!(A);
fn_pointer!(A, B);
fn_pointer!(A, B, C);
fn_pointer!(A, B, C, D);
fn_pointer!(A, B, C, D, E);
fn_pointer!(A, B, C, D, E, F);

/// The kernel's counterpart of the function-pointer type of `_abi`.
const fn kernel_type<F: KernelType>(_abi: &F) -> PhantomData<F::K> {
    PhantomData
}

/// Accepts `kernel` only if it coerces to `K`.
const fn expect<K: Copy>(_: PhantomData<K>, _kernel: K) {}

// `hermit-abi` keeps `sys_get_priority` and `sys_set_priority` private (its `get_priority`
// and `set_priority` wrap them), so their types are restated here as it declares them.
// (Not as an `extern` block: cbindgen would copy that into the header.)
const _: () = {
    expect(
        PhantomData::<unsafe extern "C" fn() -> u8>,
        tasks::sys_get_priority,
    );
    expect(
        PhantomData::<unsafe extern "C" fn(hermit_abi::Tid, u8)>,
        tasks::sys_set_priority,
    );
};

/// `hermit_fn => kernel_fn, (_, ...);` with one `_` per parameter.
macro_rules! same_signatures {
    ($($abi:path => $kernel:path, ($($arg:tt),*);)*) => {
        #[allow(deprecated)]
        const _: () = {$(
            let abi: unsafe extern "C" fn($($arg),*) -> _ = $abi;
            expect(kernel_type(&abi), $kernel);
        )*};
    };
}

same_signatures! {
    // entropy
    hermit_abi::read_entropy => entropy::sys_read_entropy, (_, _, _);
    // io
    hermit_abi::read => io::sys_read, (_, _, _);
    hermit_abi::readv => io::sys_readv, (_, _, _);
    hermit_abi::write => io::sys_write, (_, _, _);
    hermit_abi::writev => io::sys_writev, (_, _, _);
    hermit_abi::lseek => io::sys_lseek, (_, _, _);
    hermit_abi::fstat => io::sys_fstat, (_, _);
    hermit_abi::close => io::sys_close, (_);
    hermit_abi::dup => io::sys_dup, (_);
    hermit_abi::fcntl => io::sys_fcntl, (_, _, _);
    hermit_abi::ioctl => io::sys_ioctl, (_, _, _);
    // memory
    hermit_abi::malloc => memory::sys_malloc, (_, _);
    hermit_abi::alloc => memory::sys_alloc, (_, _);
    hermit_abi::alloc_zeroed => memory::sys_alloc_zeroed, (_, _);
    hermit_abi::realloc => memory::sys_realloc, (_, _, _, _);
    hermit_abi::free => memory::sys_free, (_, _, _);
    hermit_abi::dealloc => memory::sys_dealloc, (_, _, _);
    hermit_abi::mmap => memory::sys_mmap, (_, _, _);
    hermit_abi::munmap => memory::sys_munmap, (_, _);
    hermit_abi::mprotect => memory::sys_mprotect, (_, _, _);
    // process
    hermit_abi::getpid => process::sys_getpid, ();
    hermit_abi::exit => process::sys_exit, (_);
    hermit_abi::abort => process::sys_abort, ();
    // system
    hermit_abi::get_errno => system::sys_get_errno, ();
    hermit_abi::errno => system::sys_errno, ();
    hermit_abi::getpagesize => system::sys_getpagesize, ();
    hermit_abi::available_parallelism => system::sys_available_parallelism, ();
    hermit_abi::get_processor_count => system::sys_get_processor_count, ();
    // tasks
    hermit_abi::futex_wait => tasks::sys_futex_wait, (_, _, _, _);
    hermit_abi::futex_wake => tasks::sys_futex_wake, (_, _);
    hermit_abi::sem_init => tasks::sys_sem_init, (_, _, _);
    hermit_abi::sem_destroy => tasks::sys_sem_destroy, (_);
    hermit_abi::sem_post => tasks::sys_sem_post, (_);
    hermit_abi::sem_trywait => tasks::sys_sem_trywait, (_);
    hermit_abi::sem_timedwait => tasks::sys_sem_timedwait, (_, _);
    hermit_abi::spawn => tasks::sys_spawn, (_, _, _, _, _);
    hermit_abi::spawn2 => tasks::sys_spawn2, (_, _, _, _, _);
    hermit_abi::join => tasks::sys_join, (_);
    hermit_abi::yield_now => tasks::sys_yield, ();
    hermit_abi::block_current_task => tasks::sys_block_current_task, ();
    hermit_abi::block_current_task_with_timeout => tasks::sys_block_current_task_with_timeout, (_);
    hermit_abi::wakeup_task => tasks::sys_wakeup_taskt, (_);
    // time
    hermit_abi::usleep => time::sys_usleep, (_);
    hermit_abi::nanosleep => time::sys_nanosleep, (_);
    hermit_abi::clock_gettime => time::sys_clock_gettime, (_, _);
    // files
    hermit_abi::open => fs::sys_open, (_, _, _);
    hermit_abi::opendir => fs::sys_opendir, (_);
    hermit_abi::unlink => fs::sys_unlink, (_);
    hermit_abi::rmdir => fs::sys_rmdir, (_);
    hermit_abi::stat => fs::sys_stat, (_, _);
    hermit_abi::lstat => fs::sys_lstat, (_, _);
    hermit_abi::mkdir => fs::sys_mkdir, (_, _);
    hermit_abi::getdents64 => fs::sys_getdents64, (_, _, _);
    // wait queues (unsupported)
    hermit_abi::notify => unsupported::sys_notify, (_, _);
    hermit_abi::add_queue => unsupported::sys_add_queue, (_, _);
    hermit_abi::wait => unsupported::sys_wait, (_);
    hermit_abi::init_queue => unsupported::sys_init_queue, (_);
    hermit_abi::destroy_queue => unsupported::sys_destroy_queue, (_);
    // networking
    hermit_abi::network_init => net::sys_network_init, ();
    hermit_abi::getaddrbyname => net::sys_getaddrbyname, (_, _, _);
    hermit_abi::socket => net::sys_socket, (_, _, _);
    hermit_abi::accept => net::sys_accept, (_, _, _);
    hermit_abi::bind => net::sys_bind, (_, _, _);
    hermit_abi::connect => net::sys_connect, (_, _, _);
    hermit_abi::listen => net::sys_listen, (_, _);
    hermit_abi::recv => net::sys_recv, (_, _, _, _);
    hermit_abi::recvfrom => net::sys_recvfrom, (_, _, _, _, _, _);
    hermit_abi::send => net::sys_send, (_, _, _, _);
    hermit_abi::sendto => net::sys_sendto, (_, _, _, _, _, _);
    hermit_abi::shutdown => net::sys_shutdown, (_, _);
    hermit_abi::shutdown_socket => net::sys_shutdown_socket, (_, _);
    hermit_abi::getpeername => net::sys_getpeername, (_, _, _);
    hermit_abi::getsockname => net::sys_getsockname, (_, _, _);
    hermit_abi::getsockopt => net::sys_getsockopt, (_, _, _, _, _);
    hermit_abi::setsockopt => net::sys_setsockopt, (_, _, _, _, _);
    hermit_abi::poll => poll::sys_poll, (_, _, _);
    hermit_abi::eventfd => eventfd::sys_eventfd, (_, _);
    hermit_abi::getaddrinfo => net::sys_getaddrinfo, (_, _, _, _);
    hermit_abi::freeaddrinfo => net::sys_freeaddrinfo, (_);
}
