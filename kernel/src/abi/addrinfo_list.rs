//! The list `getaddrinfo` returns (kept with the ABI types: it is application memory
//! the kernel builds and frees, the one place outside `syscalls` that follows raw
//! pointers of the application's structures): one heap block per entry holding the `addrinfo` and
//! its `sockaddr_in` or `sockaddr_in6`, linked through `ai_next`; `free` walks it back. Built on the
//! host too, where the tests and Miri check the pointer work.

use alloc::boxed::Box;

use crate::abi::addrinfo;
use crate::abi::net::{AF_INET, AF_INET6, SockAddr, sockaddr_in, sockaddr_in6};
use crate::mm::try_box::try_box;

/// One entry: the `addrinfo` first, so a pointer to it is a pointer to the block.
#[repr(C)]
struct Node {
    ai: addrinfo,
    /// The one `ai_addr` points at: `sa` for IPv4, `sa6` for IPv6.
    sa: sockaddr_in,
    sa6: sockaddr_in6,
}

/// A list with an entry for each address and each (socket type, protocol) pair, in
/// that order; null for an empty list; `None` without memory for it. Each address is
/// IPv6 with its family: AF_INET ones are IPv4-mapped (::ffff:a.b.c.d), which an
/// AF_INET6 entry may be too (a numeric "::ffff:10.0.2.2").
pub fn build(addrs: &[([u8; 16], i32)], port: u16, kinds: &[(i32, i32)]) -> Option<*mut addrinfo> {
    let mut head: *mut addrinfo = core::ptr::null_mut();
    // Built back to front, so each node can point at the one after it.
    for &(addr, family) in addrs.iter().rev() {
        let a = SockAddr { addr, port };
        let v4 = family == AF_INET && a.ipv4().is_some();
        for &(socktype, protocol) in kinds.iter().rev() {
            let node = try_box(Node {
                ai: addrinfo {
                    ai_flags: 0,
                    ai_family: if v4 { AF_INET } else { AF_INET6 },
                    ai_socktype: socktype,
                    ai_protocol: protocol,
                    ai_addrlen: if v4 {
                        core::mem::size_of::<sockaddr_in>() as u32
                    } else {
                        core::mem::size_of::<sockaddr_in6>() as u32
                    },
                    ai_canonname: core::ptr::null_mut(),
                    ai_addr: core::ptr::null_mut(),
                    ai_next: head,
                },
                sa: sockaddr_in::from_addr(a),
                sa6: sockaddr_in6::from_addr(a),
            });
            let Ok(node) = node else {
                // SAFETY: the entries built so far, a list from this function.
                unsafe { free(head) };
                return None;
            };
            let node = Box::into_raw(node);
            // SAFETY: `node` was just allocated; the address points into the same block.
            unsafe {
                (*node).ai.ai_addr = if v4 {
                    core::ptr::addr_of_mut!((*node).sa).cast()
                } else {
                    core::ptr::addr_of_mut!((*node).sa6).cast()
                };
            }
            head = node.cast();
        }
    }
    Some(head)
}

/// Frees a list from `build`.
///
/// # Safety
/// `ai` is null or the head of a list `build` returned, not freed before.
pub unsafe fn free(mut ai: *mut addrinfo) {
    while !ai.is_null() {
        // SAFETY: every entry of the list is a `Node` from Box::into_raw in `build`.
        let node = unsafe { Box::from_raw(ai.cast::<Node>()) };
        ai = node.ai.ai_next;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::abi::net::{
        IPPROTO_TCP, IPPROTO_UDP, LOOPBACK_V6, SOCK_DGRAM, SOCK_STREAM, mapped, parse_sockaddr,
    };
    use core::mem::size_of;

    #[test]
    fn builds_and_frees_a_list() {
        let kinds = [(SOCK_STREAM, IPPROTO_TCP), (SOCK_DGRAM, IPPROTO_UDP)];
        let list = build(
            &[(mapped([10, 0, 2, 2]), AF_INET), (LOOPBACK_V6, AF_INET6)],
            8080,
            &kinds,
        )
        .unwrap();
        let mut seen = alloc::vec::Vec::new();
        let mut p = list;
        while !p.is_null() {
            // SAFETY (test): entries of the list just built.
            let ai = unsafe { &*p };
            // SAFETY (test): the address the entry points at, ai_addrlen bytes long.
            let sa = unsafe {
                core::slice::from_raw_parts(ai.ai_addr.cast::<u8>(), ai.ai_addrlen as usize)
            };
            let (a, family) = parse_sockaddr(sa).unwrap();
            assert_eq!(family, ai.ai_family);
            seen.push((a.addr, a.port, ai.ai_socktype, ai.ai_family));
            p = ai.ai_next;
        }
        assert_eq!(
            seen,
            [
                (mapped([10, 0, 2, 2]), 8080, SOCK_STREAM, AF_INET),
                (mapped([10, 0, 2, 2]), 8080, SOCK_DGRAM, AF_INET),
                (LOOPBACK_V6, 8080, SOCK_STREAM, AF_INET6),
                (LOOPBACK_V6, 8080, SOCK_DGRAM, AF_INET6),
            ]
        );
        // SAFETY (test): the list from `build`, freed once.
        unsafe { free(list) };
        // An IPv4-mapped address asked for as IPv6 stays IPv6.
        let list = build(&[(mapped([10, 0, 2, 2]), AF_INET6)], 80, &kinds[..1]).unwrap();
        // SAFETY (test): the one entry of the list just built.
        let ai = unsafe { &*list };
        assert_eq!(
            (ai.ai_family, ai.ai_addrlen),
            (AF_INET6, size_of::<sockaddr_in6>() as u32)
        );
        // SAFETY (test): the list from `build`, freed once.
        unsafe { free(list) };
        assert!(build(&[], 1, &kinds).unwrap().is_null());
        // SAFETY (test): null is allowed.
        unsafe { free(core::ptr::null_mut()) };
    }
}
