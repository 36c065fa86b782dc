//! Name resolution for getaddrinfo: numeric addresses and "localhost" directly, other
//! names through smoltcp's DNS client and the servers DHCP (or `dns=`) named. IPv6
//! addresses (AAAA records, for `getaddrinfo` and `sys_getaddrbyname` with an
//! `in6_addr`) through a query of our own (`dns_message`) on a kernel UDP socket, which
//! needs no IPv6 connectivity.

use alloc::vec::Vec;

use crate::abi::net::{EAI_FAIL, EAI_MEMORY, EAI_NONAME};
use crate::cmdline::parse_ipv4;

/// IPv4 addresses of `name`, or an EAI_* code (EAI_MEMORY without memory for the list).
pub fn resolve(name: &str) -> Result<Vec<[u8; 4]>, i32> {
    if let Some(a) = parse_ipv4(name) {
        return addresses([a].into_iter());
    }
    if name.eq_ignore_ascii_case("localhost") {
        return addresses([[127, 0, 0, 1]].into_iter());
    }
    if name.is_empty() || name.len() > 253 {
        return Err(EAI_NONAME);
    }
    query(name)
}

/// The addresses in a vector allocated fallibly.
fn addresses(a: impl ExactSizeIterator<Item = [u8; 4]>) -> Result<Vec<[u8; 4]>, i32> {
    let mut v = Vec::new();
    v.try_reserve_exact(a.len()).map_err(|_| EAI_MEMORY)?;
    v.extend(a);
    Ok(v)
}

#[cfg(feature = "dns")]
fn query(name: &str) -> Result<Vec<[u8; 4]>, i32> {
    use super::{events, stack};
    use crate::abi::net::EAI_AGAIN;
    use crate::clock;
    use smoltcp::socket::dns::{GetQueryResultError, Socket};
    use smoltcp::wire::{DnsQueryType, IpAddress};

    /// How long to wait for DHCP to name a DNS server, and for an answer.
    const CONFIG_WAIT_NS: u64 = 5_000_000_000;
    const QUERY_WAIT_NS: u64 = 10_000_000_000;

    // Wait until the interface is configured with at least one server.
    let deadline = clock::deadline_after_ns(CONFIG_WAIT_NS);
    loop {
        let seen = events::current();
        let ready =
            stack::with(|s| stack::configured() && !s.dns_servers.is_empty()).ok_or(EAI_FAIL)?;
        if ready {
            break;
        }
        if !events::wait(seen, Some(deadline)) {
            return Err(EAI_AGAIN);
        }
    }
    let handle = stack::with(|s| {
        let h = s.dns?;
        let cx = s.iface.context();
        let q = s
            .set
            .get_mut::<Socket>(h)
            .start_query(cx, name, DnsQueryType::A)
            .ok();
        s.after_call();
        q.map(|q| (h, q))
    })
    .flatten();
    let Some((h, q)) = handle else {
        return Err(EAI_NONAME);
    };
    let deadline = clock::deadline_after_ns(QUERY_WAIT_NS);
    loop {
        let seen = events::current();
        let r = stack::with(|s| s.set.get_mut::<Socket>(h).get_query_result(q)).ok_or(EAI_FAIL)?;
        match r {
            Ok(addrs) => {
                // smoltcp returns at most 8 (dns-max-result-count-8).
                let mut found = [[0u8; 4]; 8];
                let mut n = 0;
                for a in addrs.iter() {
                    if let (IpAddress::Ipv4(a), Some(slot)) = (a, found.get_mut(n)) {
                        *slot = a.octets();
                        n += 1;
                    }
                }
                let v4 = addresses(found[..n].iter().copied())?;
                return if v4.is_empty() {
                    Err(EAI_NONAME)
                } else {
                    Ok(v4)
                };
            }
            Err(GetQueryResultError::Failed) => return Err(EAI_NONAME),
            Err(GetQueryResultError::Pending) => {}
        }
        if !events::wait(seen, Some(deadline)) {
            stack::with(|s| s.set.get_mut::<Socket>(h).cancel_query(q));
            return Err(EAI_AGAIN);
        }
    }
}

#[cfg(not(feature = "dns"))]
fn query(_: &str) -> Result<Vec<[u8; 4]>, i32> {
    Err(EAI_FAIL)
}

/// IPv6 addresses of `name` ("localhost" is ::1), or an EAI_* code.
pub fn resolve_v6(name: &str) -> Result<Vec<[u8; 16]>, i32> {
    if name.eq_ignore_ascii_case("localhost") {
        let mut one = [0u8; 16];
        one[15] = 1;
        return Ok(alloc::vec![one]);
    }
    if name.is_empty() || name.len() > 253 || parse_ipv4(name).is_some() {
        return Err(EAI_NONAME);
    }
    query_v6(name)
}

#[cfg(feature = "dns")]
fn query_v6(name: &str) -> Result<Vec<[u8; 16]>, i32> {
    use super::dns_message::{AnswerError, TYPE_AAAA, answers, query};
    use super::{events, socket, stack};
    use crate::abi::net::{AF_INET, EAI_AGAIN, SO_RCVTIMEO, SOL_SOCKET, SockAddr};
    use crate::clock;

    const CONFIG_WAIT_NS: u64 = 5_000_000_000;
    /// Each server is asked up to this many times, waiting this long for each answer
    /// (10 s in all for one server, as the A path waits).
    const TRIES: usize = 3;
    const ANSWER_WAIT_SECS: i64 = 3;

    let deadline = clock::deadline_after_ns(CONFIG_WAIT_NS);
    let servers = loop {
        let seen = events::current();
        let servers = stack::with(|s| {
            let mut v = Vec::new();
            if stack::configured() && v.try_reserve_exact(s.dns_servers.len()).is_ok() {
                v.extend(s.dns_servers.iter().map(|a| a.octets()));
            }
            v
        })
        .ok_or(EAI_FAIL)?;
        if !servers.is_empty() {
            break servers;
        }
        if !events::wait(seen, Some(deadline)) {
            return Err(EAI_AGAIN);
        }
    };
    let mut msg = [0u8; 512];
    // The id only tells our answer from stray ones; the clock's low bits vary enough.
    let id = (clock::uptime_ns() >> 10) as u16;
    let len = query(id, name, TYPE_AAAA, &mut msg).ok_or(EAI_NONAME)?;
    let s = socket::kernel_udp_socket().map_err(|_| EAI_FAIL)?;
    let mut timeout = [0u8; 16];
    timeout[..8].copy_from_slice(&ANSWER_WAIT_SECS.to_ne_bytes());
    let mut outcome = Err(EAI_AGAIN);
    if socket::setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &timeout).is_ok() {
        'servers: for addr in servers {
            let server = SockAddr::v4(addr, 53);
            for _ in 0..TRIES {
                if socket::send(&socket::Udp, s, &msg[..len], Some((server, AF_INET)), false)
                    .is_err()
                {
                    continue 'servers;
                }
                let mut reply = [0u8; 512];
                let mut found = [[0u8; 16]; 8];
                // Answers to other queries (an earlier try's) are skipped; a timeout
                // asks again.
                while let Ok((n, Some(from), _)) =
                    socket::recv(&socket::Udp, s, &mut reply, false, false)
                {
                    if from != server {
                        continue;
                    }
                    match answers(&reply[..n], id, TYPE_AAAA, &mut found) {
                        Ok(k) => {
                            let mut v = Vec::new();
                            outcome = match v.try_reserve_exact(k) {
                                Ok(()) => {
                                    v.extend_from_slice(&found[..k]);
                                    Ok(v)
                                }
                                Err(_) => Err(EAI_MEMORY),
                            };
                            break 'servers;
                        }
                        Err(AnswerError::NotOurs) => {}
                        Err(AnswerError::NoName) => {
                            outcome = Err(EAI_NONAME);
                            break 'servers;
                        }
                        Err(AnswerError::Failed) => {
                            outcome = Err(EAI_FAIL);
                            continue 'servers;
                        }
                    }
                }
            }
        }
    }
    socket::close(s);
    outcome
}

#[cfg(not(feature = "dns"))]
fn query_v6(_: &str) -> Result<Vec<[u8; 16]>, i32> {
    Err(EAI_FAIL)
}
