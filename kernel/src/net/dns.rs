//! Name resolution for getaddrinfo: numeric addresses and "localhost" directly, other
//! names through smoltcp's DNS client and the servers DHCP (or `dns=`) named.

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
    use crate::arch::clock;
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
