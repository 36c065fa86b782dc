//! Recognising a connection request (a TCP SYN without ACK) in a received Ethernet frame
//! before smoltcp sees it, so the stack can give a listener a socket for it (or drop it
//! when the listener's backlog is full) first; and a FIN, for a closed connection
//! waiting in CLOSING (socket/backlog.rs, `Table::closing_orphan`). Only the fields
//! needed for those decisions are read; checksums and the rest are smoltcp's business.

/// The endpoints of a connection request: who asks (`src`) and for what (`dst`). IPv6
/// addresses; an IPv4 request's are IPv4-mapped (::ffff:a.b.c.d), as sockets keep them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Syn {
    pub src_addr: [u8; 16],
    pub src_port: u16,
    pub dst_addr: [u8; 16],
    pub dst_port: u16,
}

const ETHERNET_HEADER: usize = 14;
const ETHERTYPE_IPV4: u16 = 0x0800;
const ETHERTYPE_IPV6: u16 = 0x86dd;
const IPV6_HEADER: usize = 40;
const IP_PROTOCOL_TCP: u8 = 6;
const TCP_FLAG_FIN: u8 = 0x01;
const TCP_FLAG_SYN: u8 = 0x02;
const TCP_FLAG_RST: u8 = 0x04;
const TCP_FLAG_ACK: u8 = 0x10;

fn be16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes([*b.get(at)?, *b.get(at + 1)?]))
}

fn addr(b: &[u8], at: usize) -> Option<[u8; 16]> {
    let v4: [u8; 4] = b.get(at..at + 4)?.try_into().ok()?;
    Some(crate::abi::net::mapped(v4))
}

fn addr6(b: &[u8], at: usize) -> Option<[u8; 16]> {
    b.get(at..at + 16)?.try_into().ok()
}

/// What a received frame is to the stack before smoltcp sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Segment {
    /// A connection request: SYN set, ACK and RST clear.
    Syn(Syn),
    /// A FIN (RST and SYN clear), with the endpoints as a request's would be.
    Fin(Syn),
    /// Anything else.
    Other,
}

/// The connection request `frame` carries, if it is one (`classify`).
pub fn parse(frame: &[u8]) -> Option<Syn> {
    match classify(frame) {
        Segment::Syn(s) => Some(s),
        _ => None,
    }
}

/// Classifies `frame`: IPv4 (not a later fragment) or IPv6 (TCP right after the fixed
/// header: a segment behind extension headers is left to smoltcp, which then answers a
/// request only if a socket listens for it) carrying TCP.
pub fn classify(frame: &[u8]) -> Segment {
    let Some((endpoints, flags)) = tcp_segment(frame) else {
        return Segment::Other;
    };
    if flags & (TCP_FLAG_SYN | TCP_FLAG_ACK | TCP_FLAG_RST) == TCP_FLAG_SYN {
        Segment::Syn(endpoints)
    } else if flags & (TCP_FLAG_FIN | TCP_FLAG_SYN | TCP_FLAG_RST) == TCP_FLAG_FIN {
        Segment::Fin(endpoints)
    } else {
        Segment::Other
    }
}

/// The endpoints and flags of the TCP segment in `frame`.
fn tcp_segment(frame: &[u8]) -> Option<(Syn, u8)> {
    match be16(frame, 12)? {
        ETHERTYPE_IPV4 => {}
        ETHERTYPE_IPV6 => return tcp_segment_v6(frame.get(ETHERNET_HEADER..)?),
        _ => return None,
    }
    let ip = frame.get(ETHERNET_HEADER..)?;
    let version_ihl = *ip.first()?;
    let header_len = usize::from(version_ihl & 0x0f) * 4;
    if version_ihl >> 4 != 4 || header_len < 20 || *ip.get(9)? != IP_PROTOCOL_TCP {
        return None;
    }
    // A fragment other than the first has no TCP header at its start.
    if be16(ip, 6)? & 0x1fff != 0 {
        return None;
    }
    let tcp = ip.get(header_len..)?;
    let endpoints = Syn {
        src_addr: addr(ip, 12)?,
        src_port: be16(tcp, 0)?,
        dst_addr: addr(ip, 16)?,
        dst_port: be16(tcp, 2)?,
    };
    Some((endpoints, *tcp.get(13)?))
}

fn tcp_segment_v6(ip: &[u8]) -> Option<(Syn, u8)> {
    if *ip.first()? >> 4 != 6 || *ip.get(6)? != IP_PROTOCOL_TCP {
        return None;
    }
    let tcp = ip.get(IPV6_HEADER..)?;
    let endpoints = Syn {
        src_addr: addr6(ip, 8)?,
        src_port: be16(tcp, 0)?,
        dst_addr: addr6(ip, 24)?,
        dst_port: be16(tcp, 2)?,
    };
    Some((endpoints, *tcp.get(13)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An Ethernet frame with an IPv4 header (`ihl` words) and a TCP header.
    fn frame(ihl: u8, flags: u8, fragment: u16, protocol: u8) -> Vec<u8> {
        let mut f = vec![0u8; ETHERNET_HEADER];
        f[12..14].copy_from_slice(&ETHERTYPE_IPV4.to_be_bytes());
        let mut ip = vec![0u8; usize::from(ihl) * 4];
        ip[0] = 0x40 | ihl;
        ip[6..8].copy_from_slice(&fragment.to_be_bytes());
        ip[9] = protocol;
        ip[12..16].copy_from_slice(&[10, 0, 2, 2]);
        ip[16..20].copy_from_slice(&[10, 0, 2, 15]);
        f.extend_from_slice(&ip);
        let mut tcp = [0u8; 20];
        tcp[0..2].copy_from_slice(&40000u16.to_be_bytes());
        tcp[2..4].copy_from_slice(&8080u16.to_be_bytes());
        tcp[12] = 5 << 4;
        tcp[13] = flags;
        f.extend_from_slice(&tcp);
        f
    }

    const EXPECTED: Syn = Syn {
        src_addr: crate::abi::net::mapped([10, 0, 2, 2]),
        src_port: 40000,
        dst_addr: crate::abi::net::mapped([10, 0, 2, 15]),
        dst_port: 8080,
    };

    /// An Ethernet frame with an IPv6 header from fec0::2 to fec0::15, then TCP.
    fn frame6(next_header: u8, flags: u8) -> Vec<u8> {
        let mut f = vec![0u8; ETHERNET_HEADER];
        f[12..14].copy_from_slice(&ETHERTYPE_IPV6.to_be_bytes());
        let mut ip = [0u8; IPV6_HEADER];
        ip[0] = 0x60;
        ip[6] = next_header;
        ip[8] = 0xfe;
        ip[9] = 0xc0;
        ip[23] = 2;
        ip[24] = 0xfe;
        ip[25] = 0xc0;
        ip[39] = 0x15;
        f.extend_from_slice(&ip);
        let mut tcp = [0u8; 20];
        tcp[0..2].copy_from_slice(&40000u16.to_be_bytes());
        tcp[2..4].copy_from_slice(&8080u16.to_be_bytes());
        tcp[13] = flags;
        f.extend_from_slice(&tcp);
        f
    }

    #[test]
    fn an_ipv6_syn_is_recognised() {
        let syn = parse(&frame6(6, TCP_FLAG_SYN)).unwrap();
        assert_eq!(syn.src_addr[..2], [0xfe, 0xc0]);
        assert_eq!(syn.src_addr[15], 2);
        assert_eq!(syn.dst_addr[15], 0x15);
        assert_eq!((syn.src_port, syn.dst_port), (40000, 8080));
        assert_eq!(parse(&frame6(6, TCP_FLAG_SYN | TCP_FLAG_ACK)), None);
        // UDP; a hop-by-hop header first.
        assert_eq!(parse(&frame6(17, TCP_FLAG_SYN)), None);
        assert_eq!(parse(&frame6(0, TCP_FLAG_SYN)), None);
        let good = frame6(6, TCP_FLAG_SYN);
        for len in 0..good.len() - 6 {
            assert_eq!(parse(&good[..len]), None, "cut at {len}");
        }
    }

    #[test]
    fn a_syn_is_recognised() {
        assert_eq!(parse(&frame(5, TCP_FLAG_SYN, 0, 6)), Some(EXPECTED));
        // IP options move the TCP header.
        assert_eq!(parse(&frame(7, TCP_FLAG_SYN, 0, 6)), Some(EXPECTED));
        // "Don't fragment" is no fragment.
        assert_eq!(parse(&frame(5, TCP_FLAG_SYN, 0x4000, 6)), Some(EXPECTED));
    }

    #[test]
    fn other_segments_are_not_requests() {
        assert_eq!(parse(&frame(5, TCP_FLAG_SYN | TCP_FLAG_ACK, 0, 6)), None);
        assert_eq!(parse(&frame(5, TCP_FLAG_SYN | TCP_FLAG_RST, 0, 6)), None);
        assert_eq!(parse(&frame(5, TCP_FLAG_ACK, 0, 6)), None);
        // UDP, a later fragment.
        assert_eq!(parse(&frame(5, TCP_FLAG_SYN, 0, 17)), None);
        assert_eq!(parse(&frame(5, TCP_FLAG_SYN, 0x0010, 6)), None);
    }

    #[test]
    fn a_fin_is_recognised() {
        for flags in [
            TCP_FLAG_FIN,
            TCP_FLAG_FIN | TCP_FLAG_ACK,
            TCP_FLAG_FIN | TCP_FLAG_ACK | 0x08,
        ] {
            assert_eq!(classify(&frame(5, flags, 0, 6)), Segment::Fin(EXPECTED));
        }
        assert!(matches!(
            classify(&frame6(6, TCP_FLAG_FIN | TCP_FLAG_ACK)),
            Segment::Fin(_)
        ));
        assert_eq!(
            classify(&frame(5, TCP_FLAG_FIN | TCP_FLAG_RST, 0, 6)),
            Segment::Other
        );
        assert_eq!(
            classify(&frame(5, TCP_FLAG_FIN | TCP_FLAG_SYN | TCP_FLAG_ACK, 0, 6)),
            Segment::Other
        );
        assert_eq!(classify(&frame(5, TCP_FLAG_ACK, 0, 6)), Segment::Other);
        assert_eq!(classify(&frame(5, TCP_FLAG_FIN, 0, 17)), Segment::Other);
        let good = frame(5, TCP_FLAG_FIN, 0, 6);
        for len in 0..good.len() - 6 {
            assert_eq!(classify(&good[..len]), Segment::Other, "cut at {len}");
        }
    }

    #[test]
    fn malformed_frames_are_not_requests() {
        let good = frame(5, TCP_FLAG_SYN, 0, 6);
        for len in 0..good.len() - 6 {
            assert_eq!(parse(&good[..len]), None, "cut at {len}");
        }
        let mut bad_ihl = good.clone();
        bad_ihl[ETHERNET_HEADER] = 0x44;
        assert_eq!(parse(&bad_ihl), None);
        let mut ipv6 = good.clone();
        ipv6[ETHERNET_HEADER] = 0x65;
        assert_eq!(parse(&ipv6), None);
        let mut arp = good;
        arp[12..14].copy_from_slice(&0x0806u16.to_be_bytes());
        assert_eq!(parse(&arp), None);
    }
}
