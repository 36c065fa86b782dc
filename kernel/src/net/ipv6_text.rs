//! IPv6 addresses as text (RFC 4291 2.2): eight groups of up to four hex digits, one
//! `::` standing for a run of zero groups, and a dotted IPv4 address as the last 32
//! bits ("::ffff:10.0.2.2"). For the kernel options (`ip6=`, `gateway6=`) and numeric
//! hosts in `getaddrinfo`; no zone ids ("fe80::1%eth0").

use crate::cmdline::parse_ipv4;

/// The address `s` writes, or `None` when it is not one.
pub fn parse_ipv6(s: &str) -> Option<[u8; 16]> {
    if s.len() > 45 {
        return None;
    }
    let (head, tail) = match s.split_once("::") {
        Some((h, t)) => (h, Some(t)),
        None => (s, None),
    };
    let mut front = [0u16; 8];
    let mut back = [0u16; 8];
    let (nf, v4f) = groups(head, &mut front, tail.is_none())?;
    let (nb, _) = match tail {
        Some(t) => groups(t, &mut back, true)?,
        None => (0, false),
    };
    // An IPv4 tail counts for two groups.
    let total = nf + nb;
    match tail {
        None if total != 8 => return None,
        Some(_) if total > 7 => return None,
        _ => {}
    }
    if v4f && tail.is_some() {
        // The IPv4 part must be last.
        return None;
    }
    let mut out = [0u8; 16];
    for (i, g) in front[..nf].iter().enumerate() {
        out[2 * i..2 * i + 2].copy_from_slice(&g.to_be_bytes());
    }
    let start = 8 - nb;
    for (i, g) in back[..nb].iter().enumerate() {
        out[2 * (start + i)..2 * (start + i) + 2].copy_from_slice(&g.to_be_bytes());
    }
    Some(out)
}

/// Parses the colon-separated groups of `part` into `out`; an empty `part` is no
/// groups. A dotted IPv4 address is allowed as the last item when `v4_allowed`.
/// Returns the number of 16-bit groups and whether an IPv4 address ended it.
fn groups(part: &str, out: &mut [u16; 8], v4_allowed: bool) -> Option<(usize, bool)> {
    if part.is_empty() {
        return Some((0, false));
    }
    let mut n = 0;
    let mut items = part.split(':').peekable();
    while let Some(item) = items.next() {
        let last = items.peek().is_none();
        if last && v4_allowed && item.contains('.') {
            let a = parse_ipv4(item)?;
            if n + 2 > 8 {
                return None;
            }
            out[n] = u16::from_be_bytes([a[0], a[1]]);
            out[n + 1] = u16::from_be_bytes([a[2], a[3]]);
            return Some((n + 2, true));
        }
        if item.is_empty() || item.len() > 4 || !item.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        if n == 8 {
            return None;
        }
        out[n] = u16::from_str_radix(item, 16).ok()?;
        n += 1;
    }
    Some((n, false))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn a(groups: [u16; 8]) -> [u8; 16] {
        let mut out = [0u8; 16];
        for (i, g) in groups.iter().enumerate() {
            out[2 * i..2 * i + 2].copy_from_slice(&g.to_be_bytes());
        }
        out
    }

    #[test]
    fn addresses_parse() {
        assert_eq!(parse_ipv6("::"), Some([0; 16]));
        assert_eq!(parse_ipv6("::1"), Some(a([0, 0, 0, 0, 0, 0, 0, 1])));
        assert_eq!(
            parse_ipv6("fec0::2"),
            Some(a([0xfec0, 0, 0, 0, 0, 0, 0, 2]))
        );
        assert_eq!(parse_ipv6("fec0::"), Some(a([0xfec0, 0, 0, 0, 0, 0, 0, 0])));
        assert_eq!(
            parse_ipv6("2001:db8:0:0:1:0:0:1"),
            Some(a([0x2001, 0xdb8, 0, 0, 1, 0, 0, 1]))
        );
        assert_eq!(
            parse_ipv6("2001:DB8::8:800:200C:417A"),
            Some(a([0x2001, 0xdb8, 0, 0, 8, 0x800, 0x200c, 0x417a]))
        );
        assert_eq!(
            parse_ipv6("::ffff:10.0.2.2"),
            Some(a([0, 0, 0, 0, 0, 0xffff, 0x0a00, 0x0202]))
        );
        assert_eq!(
            parse_ipv6("1:2:3:4:5:6:1.2.3.4"),
            Some(a([1, 2, 3, 4, 5, 6, 0x0102, 0x0304]))
        );
        assert_eq!(
            parse_ipv6("1:2:3:4:5:6:7::"),
            Some(a([1, 2, 3, 4, 5, 6, 7, 0]))
        );
    }

    #[test]
    fn non_addresses_do_not() {
        for bad in [
            "",
            ":",
            ":::",
            "1::2::3",
            "1:2:3:4:5:6:7",
            "1:2:3:4:5:6:7:8:9",
            "1:2:3:4:5:6:7:8::",
            "12345::",
            "g::1",
            "::1.2.3",
            "1.2.3.4",
            "1.2.3.4::",
            "::1.2.3.4:5",
            "1:2:3:4:5:6:7:1.2.3.4",
            ":1::",
            "1:",
            "fe80::1%eth0",
            "localhost",
        ] {
            assert_eq!(parse_ipv6(bad), None, "{bad}");
        }
    }
}
