//! Memory for sockets, taken without panicking: the network task must survive a full
//! heap (it drops the packet and tries again later) and a call on behalf of the
//! application fails with ENOMEM instead.
//!
//! A TCP connection's buffers are fixed for its life (smoltcp cannot resize them), so
//! their size is chosen when it is created: big enough to keep a virtio-net link busy
//! for the first connections a listener has waiting, smaller for the rest of a burst
//! (a thousand clients at once must not take 256 MiB), never more than a share of the
//! free heap (the first client of a burst in a small VM must not take what would serve
//! a dozen), and halved down to a minimum when the heap cannot give more.

use alloc::vec::Vec;

/// Each way, for a connection made by `connect` and for the first ones waiting for
/// `accept`: 128 KiB keeps a virtio-net link busy (the receive window scales past 64
/// KiB).
pub const TCP_BUFFER_FULL: usize = 128 * 1024;
/// Each way, for connections that arrive while BURST_AFTER others wait for `accept`.
pub const TCP_BUFFER_BURST: usize = 16 * 1024;
/// The smallest buffers a connection is worth making with (two full-size segments and
/// more); below that the request is refused (ENOMEM, or a dropped SYN).
pub const TCP_BUFFER_MIN: usize = 4 * 1024;
/// How many connections may wait for `accept` with full-size buffers.
pub const BURST_AFTER: usize = 16;
/// A connection's two buffers take at most this share of the free heap.
pub const FREE_HEAP_SHARE: usize = 16;

/// Buffer sizes to try, largest first, for a new connection while `waiting` others
/// wait for `accept` on the same listener (0 for `connect`) and `free` bytes of heap
/// are free.
pub fn tcp_buffer_sizes(waiting: usize, free: usize) -> impl Iterator<Item = usize> {
    let mut first = if waiting < BURST_AFTER {
        TCP_BUFFER_FULL
    } else {
        TCP_BUFFER_BURST
    };
    while first > TCP_BUFFER_MIN && 2 * first > free / FREE_HEAP_SHARE {
        first /= 2;
    }
    core::iter::successors(Some(first), |&size| {
        (size / 2 >= TCP_BUFFER_MIN).then_some(size / 2)
    })
}

/// `n` copies of `value`, or `None` when the heap cannot hold them.
pub fn try_filled<T: Clone>(n: usize, value: T) -> Option<Vec<T>> {
    let mut v = Vec::new();
    v.try_reserve_exact(n).ok()?;
    v.resize(n, value);
    Some(v)
}

/// Room for `extra` more elements in `v`, so that pushing them cannot fail.
pub fn reserve<T>(v: &mut Vec<T>, extra: usize) -> Option<()> {
    v.try_reserve(extra).ok()
}

/// Room for `total` elements in `v` in all, so that pushing up to that many cannot
/// fail.
pub fn reserve_total<T>(v: &mut Vec<T>, total: usize) -> Option<()> {
    reserve(v, total.saturating_sub(v.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_shrink_to_the_minimum() {
        const PLENTY: usize = 512 << 20;
        let quiet: Vec<usize> = tcp_buffer_sizes(0, PLENTY).collect();
        assert_eq!(quiet, [131072, 65536, 32768, 16384, 8192, 4096]);
        let burst: Vec<usize> = tcp_buffer_sizes(BURST_AFTER, PLENTY).collect();
        assert_eq!(burst, [16384, 8192, 4096]);
        assert_eq!(
            tcp_buffer_sizes(BURST_AFTER - 1, PLENTY).next(),
            Some(TCP_BUFFER_FULL)
        );
    }

    #[test]
    fn sizes_leave_most_of_a_small_heap() {
        // 4 MiB free: two 128 KiB buffers are its 16th.
        assert_eq!(tcp_buffer_sizes(0, 4 << 20).next(), Some(TCP_BUFFER_FULL));
        assert_eq!(tcp_buffer_sizes(0, (4 << 20) - 1).next(), Some(65536));
        // 400 KiB free: 8 KiB each way at most.
        let small: Vec<usize> = tcp_buffer_sizes(0, 400 << 10).collect();
        assert_eq!(small, [8192, 4096]);
        // Nothing free: the minimum is still tried (the allocation decides).
        let none: Vec<usize> = tcp_buffer_sizes(0, 0).collect();
        assert_eq!(none, [4096]);
    }

    #[test]
    fn impossible_requests_fail_instead_of_panicking() {
        // Sizes past isize::MAX bytes fail before asking the allocator (Miri runs this).
        assert!(try_filled(usize::MAX, 0u8).is_none());
        assert!(try_filled(usize::MAX / 4, 0u64).is_none());
        let mut v: Vec<u32> = Vec::new();
        assert!(reserve(&mut v, usize::MAX / 4).is_none());
        assert!(reserve(&mut v, 3).is_some());
        assert!(v.capacity() >= 3);
        v.extend([1, 2]);
        assert!(reserve_total(&mut v, 10).is_some());
        assert!(v.capacity() >= 10);
    }

    #[test]
    fn filled_vectors_have_their_length() {
        let v = try_filled(4096, 0u8).unwrap();
        assert_eq!(v.len(), 4096);
        assert!(v.iter().all(|&b| b == 0));
        assert_eq!(try_filled(3, 7u16).unwrap(), [7, 7, 7]);
    }
}
