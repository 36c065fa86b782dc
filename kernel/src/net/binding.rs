//! Which local addresses two sockets bound to the same port share, as Linux decides
//! whether a `bind` conflicts: an IPv4 socket on 0.0.0.0 and an IPV6_V6ONLY one on ::
//! share none (servers bind both: nginx's `listen 80; listen [::]:80;`, Redis's
//! `bind * -::*`), a dual-stack :: shares every address, two specific addresses only
//! themselves. Addresses are IPv6, IPv4 ones IPv4-mapped (`abi::net::SockAddr`).

use crate::abi::net::{ANY_V4, ANY_V6, ipv4_of};

/// The families a wildcard binding takes (IPv4, IPv6); `None` for a specific address.
fn wildcard(addr: [u8; 16], v6only: bool) -> Option<(bool, bool)> {
    if addr == ANY_V4 {
        Some((true, false))
    } else if addr == ANY_V6 {
        Some((!v6only, true))
    } else {
        None
    }
}

/// Whether a socket bound to `a` (with IPV6_V6ONLY: `a_v6only`) and one bound to `b`
/// on the same port would both receive traffic for some address.
pub fn overlaps(a: [u8; 16], a_v6only: bool, b: [u8; 16], b_v6only: bool) -> bool {
    let takes = |families: (bool, bool), addr: [u8; 16]| {
        if ipv4_of(addr).is_some() {
            families.0
        } else {
            families.1
        }
    };
    match (wildcard(a, a_v6only), wildcard(b, b_v6only)) {
        (Some((a4, a6)), Some((b4, b6))) => (a4 && b4) || (a6 && b6),
        (Some(fa), None) => takes(fa, b),
        (None, Some(fb)) => takes(fb, a),
        (None, None) => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::abi::net::{LOOPBACK_V6, mapped};

    #[test]
    fn wildcards_of_the_two_families() {
        // 0.0.0.0 and a v6-only :: share nothing; a dual-stack :: shares IPv4.
        assert!(!overlaps(ANY_V4, false, ANY_V6, true));
        assert!(overlaps(ANY_V4, false, ANY_V6, false));
        assert!(overlaps(ANY_V6, true, ANY_V6, false));
        assert!(overlaps(ANY_V4, false, ANY_V4, false));
        // The flag of an IPv4 socket means nothing.
        assert!(overlaps(ANY_V4, true, ANY_V6, false));
    }

    #[test]
    fn specific_addresses() {
        let lo4 = mapped([127, 0, 0, 1]);
        let other4 = mapped([10, 0, 2, 15]);
        assert!(overlaps(lo4, false, lo4, false));
        assert!(!overlaps(lo4, false, other4, false));
        assert!(overlaps(ANY_V4, false, lo4, false));
        assert!(!overlaps(ANY_V4, false, LOOPBACK_V6, false));
        assert!(overlaps(LOOPBACK_V6, false, ANY_V6, true));
        assert!(!overlaps(lo4, false, ANY_V6, true));
        assert!(overlaps(lo4, false, ANY_V6, false));
    }
}
