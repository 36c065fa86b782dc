//! TCP checksums for virtio-net's checksum offload (VIRTIO_NET_F_CSUM and
//! VIRTIO_NET_F_GUEST_CSUM, virtio 1.x 5.1.6.2): with both, smoltcp neither computes
//! nor checks TCP checksums, and the driver does what is left with these functions.
//!
//! Going out, a TCP segment's checksum field gets the pseudo-header's sum and the
//! device (the host kernel behind a tap) adds the segment's bytes: the guest never
//! reads a payload to sum it, which under TCG costs more than the copy. Coming in, a
//! frame the device marks DATA_VALID (checked by the host) or NEEDS_CSUM (made by the
//! host's own stack, never on a wire) is taken as it is; any other TCP segment is
//! checked here and dropped when wrong, as smoltcp would. A UDP datagram marked
//! NEEDS_CSUM gets its checksum completed, so that smoltcp (which still checks UDP) sees
//! a whole one. Frames are Ethernet II, IPv4 or IPv6, without VLAN tags (smoltcp sends
//! none).

const ETH_HEADER: usize = 14;
const ETHERTYPE_IPV4: u16 = 0x0800;
const ETHERTYPE_IPV6: u16 = 0x86dd;
const PROTO_TCP: u8 = 6;
const PROTO_UDP: u8 = 17;
/// Where the checksum sits in a TCP header.
const TCP_CHECKSUM_AT: usize = 16;

/// The transport-layer part of a frame: where it starts, how long it is (IP's length,
/// not the frame's, which may carry Ethernet padding), its protocol, and the sum of the
/// pseudo-header that its checksum covers.
#[derive(Debug, PartialEq, Eq)]
pub struct Transport {
    pub start: usize,
    pub len: usize,
    pub protocol: u8,
    pseudo_sum: u32,
}

/// What `locate` finds in a frame.
#[derive(Debug, PartialEq, Eq)]
pub enum Found {
    /// A whole transport-layer packet of one IP packet.
    Whole(Transport),
    /// IPv4 or IPv6 whose transport header cannot be checked here (a fragment).
    Fragment,
    /// Not IP, or malformed (smoltcp drops what is malformed).
    Other,
}

fn be16(b: &[u8], at: usize) -> u16 {
    u16::from_be_bytes([b[at], b[at + 1]])
}

/// Adds `data` as big-endian 16-bit words (an odd last byte padded with zero) to `sum`.
fn add_words(mut sum: u32, data: &[u8]) -> u32 {
    let mut words = data.chunks_exact(2);
    for w in &mut words {
        sum += u32::from(u16::from_be_bytes([w[0], w[1]]));
        // Folded as it goes, so that a jumbo frame cannot overflow.
        if sum >= 0x8000_0000 {
            sum = (sum & 0xffff) + (sum >> 16);
        }
    }
    if let [last] = words.remainder() {
        sum += u32::from(*last) << 8;
    }
    sum
}

/// The ones' complement sum folded to 16 bits.
fn fold(mut sum: u32) -> u16 {
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    sum as u16
}

/// Finds the transport-layer packet of an Ethernet frame.
pub fn locate(frame: &[u8]) -> Found {
    if frame.len() < ETH_HEADER {
        return Found::Other;
    }
    let ip = &frame[ETH_HEADER..];
    match be16(frame, 12) {
        ETHERTYPE_IPV4 => {
            if ip.len() < 20 || ip[0] >> 4 != 4 {
                return Found::Other;
            }
            let header = usize::from(ip[0] & 0xf) * 4;
            let total = usize::from(be16(ip, 2));
            if header < 20 || total < header || total > ip.len() {
                return Found::Other;
            }
            // More fragments, or an offset: part of a datagram.
            if be16(ip, 6) & 0x3fff != 0 {
                return Found::Fragment;
            }
            let len = total - header;
            let mut sum = add_words(0, &ip[12..20]);
            sum += u32::from(ip[9]) + len as u32;
            Found::Whole(Transport {
                start: ETH_HEADER + header,
                len,
                protocol: ip[9],
                pseudo_sum: sum,
            })
        }
        ETHERTYPE_IPV6 => {
            if ip.len() < 40 || ip[0] >> 4 != 6 {
                return Found::Other;
            }
            let payload = usize::from(be16(ip, 4));
            if 40 + payload > ip.len() {
                return Found::Other;
            }
            // Skips the extension headers that may come before the transport header.
            let (mut next, mut at) = (ip[6], 40);
            loop {
                match next {
                    // Hop-by-hop, routing, destination options: (length + 1) * 8 bytes.
                    0 | 43 | 60 => {
                        if at + 2 > 40 + payload {
                            return Found::Other;
                        }
                        next = ip[at];
                        at += (usize::from(ip[at + 1]) + 1) * 8;
                    }
                    44 => return Found::Fragment,
                    _ => break,
                }
                if at > 40 + payload {
                    return Found::Other;
                }
            }
            let len = 40 + payload - at;
            let mut sum = add_words(0, &ip[8..40]);
            sum += u32::from(next) + len as u32;
            Found::Whole(Transport {
                start: ETH_HEADER + at,
                len,
                protocol: next,
                pseudo_sum: sum,
            })
        }
        _ => Found::Other,
    }
}

/// Readies an outgoing frame for the device to checksum: a TCP segment's checksum
/// field gets the pseudo-header sum; returns `(csum_start, csum_offset)` for the
/// virtio-net header. `None` for anything else (which needs no help: smoltcp computes
/// every checksum but TCP's, and sends TCP only in whole segments).
pub fn prepare_offload(frame: &mut [u8]) -> Option<(u16, u16)> {
    let Found::Whole(t) = locate(frame) else {
        return None;
    };
    if t.protocol != PROTO_TCP || t.len < 20 {
        return None;
    }
    let at = t.start + TCP_CHECKSUM_AT;
    frame[at..at + 2].copy_from_slice(&fold(t.pseudo_sum).to_be_bytes());
    Some((t.start as u16, TCP_CHECKSUM_AT as u16))
}

/// Whether a received frame, which the device did not vouch for, may go to smoltcp: a
/// TCP segment with a wrong checksum may not, nor a fragment that might be one (smoltcp
/// could not check it); everything else may (smoltcp checks its other checksums).
pub fn received_frame_ok(frame: &[u8]) -> bool {
    match locate(frame) {
        Found::Whole(t) if t.protocol == PROTO_TCP => {
            let sum = add_words(t.pseudo_sum, &frame[t.start..t.start + t.len]);
            fold(sum) == 0xffff
        }
        Found::Fragment => false,
        _ => true,
    }
}

/// Completes the checksum of a received frame marked NEEDS_CSUM: the field at
/// `start + offset` holds the pseudo-header's sum, the device left the rest undone.
/// Only UDP needs it (smoltcp checks UDP; it trusts TCP here). Returns false when the
/// offsets are outside the frame.
pub fn complete_partial(frame: &mut [u8], start: usize, offset: usize) -> bool {
    let Found::Whole(t) = locate(frame) else {
        return true;
    };
    if t.protocol != PROTO_UDP {
        return true;
    }
    let end = t.start + t.len;
    if start < t.start || start + offset + 2 > end {
        return false;
    }
    let mut sum = !fold(add_words(0, &frame[start..end]));
    if sum == 0 {
        // UDP's "no checksum" value; a sum of zero is sent as all ones.
        sum = 0xffff;
    }
    frame[start + offset..start + offset + 2].copy_from_slice(&sum.to_be_bytes());
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    const UDP_CHECKSUM_AT: usize = 6;

    /// An Ethernet frame with an IPv4 header (20 bytes, header checksum not needed
    /// here) around `l4`.
    fn ipv4(protocol: u8, l4: &[u8], padding: usize) -> Vec<u8> {
        let mut f = vec![0u8; 12];
        f.extend_from_slice(&ETHERTYPE_IPV4.to_be_bytes());
        let total = (20 + l4.len()) as u16;
        f.extend_from_slice(&[0x45, 0]);
        f.extend_from_slice(&total.to_be_bytes());
        f.extend_from_slice(&[0, 1, 0x40, 0, 64, protocol, 0, 0]);
        f.extend_from_slice(&[10, 0, 2, 15, 10, 0, 2, 2]);
        f.extend_from_slice(l4);
        f.extend(core::iter::repeat_n(0, padding));
        f
    }

    fn ipv6(next: u8, ext: &[u8], l4: &[u8]) -> Vec<u8> {
        let mut f = vec![0u8; 12];
        f.extend_from_slice(&ETHERTYPE_IPV6.to_be_bytes());
        f.extend_from_slice(&[0x60, 0, 0, 0]);
        f.extend_from_slice(&((ext.len() + l4.len()) as u16).to_be_bytes());
        f.extend_from_slice(&[next, 64]);
        f.extend_from_slice(&[0xfe, 0xc0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x15]);
        f.extend_from_slice(&[0xfe, 0xc0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2]);
        f.extend_from_slice(ext);
        f.extend_from_slice(l4);
        f
    }

    /// A TCP header (20 bytes, checksum zero) and an odd-length payload.
    fn tcp_segment() -> Vec<u8> {
        let mut s = vec![
            0x1f, 0x90, 0xc0, 0x01, 0, 0, 0, 1, 0, 0, 0, 2, 0x50, 0x18, 0xff, 0xff, 0, 0, 0, 0,
        ];
        s.extend_from_slice(b"GET / HTTP/1.1\r\n\r\n!");
        s
    }

    /// The checksum as smoltcp computes it, for the reference.
    fn smoltcp_filled_v4(segment: &[u8]) -> Vec<u8> {
        use smoltcp::wire::{IpAddress, Ipv4Address, TcpPacket};
        let mut s = segment.to_vec();
        let mut p = TcpPacket::new_unchecked(&mut s[..]);
        p.fill_checksum(
            &IpAddress::Ipv4(Ipv4Address::new(10, 0, 2, 15)),
            &IpAddress::Ipv4(Ipv4Address::new(10, 0, 2, 2)),
        );
        s
    }

    /// What the device does with an offloaded frame: sums from `start` on, stores the
    /// complement at `start + offset`.
    fn device_completes(frame: &mut [u8], start: usize, offset: usize, end: usize) {
        let sum = !fold(add_words(0, &frame[start..end]));
        frame[start + offset..start + offset + 2].copy_from_slice(&sum.to_be_bytes());
    }

    #[test]
    fn offloaded_tcp_ends_with_smoltcps_checksum() {
        let seg = tcp_segment();
        let mut f = ipv4(PROTO_TCP, &seg, 6);
        let (start, offset) = prepare_offload(&mut f).expect("a TCP segment");
        assert_eq!((start, offset), (34, 16));
        let end = 34 + seg.len();
        device_completes(&mut f, 34, 16, end);
        assert_eq!(&f[34..end], &smoltcp_filled_v4(&seg)[..]);
        assert!(received_frame_ok(&f));
    }

    #[test]
    fn a_wrong_tcp_checksum_is_refused() {
        let seg = smoltcp_filled_v4(&tcp_segment());
        let mut f = ipv4(PROTO_TCP, &seg, 0);
        assert!(received_frame_ok(&f));
        let last = f.len() - 1;
        f[last] ^= 0x40;
        assert!(!received_frame_ok(&f));
    }

    #[test]
    fn ipv6_tcp_after_an_extension_header() {
        let seg = tcp_segment();
        // Destination options, 8 bytes: next header TCP, length 0, padding.
        let ext = [PROTO_TCP, 0, 1, 4, 0, 0, 0, 0];
        let mut f = ipv6(60, &ext, &seg);
        let (start, offset) = prepare_offload(&mut f).expect("a TCP segment");
        assert_eq!(start as usize, 14 + 40 + 8);
        let end = f.len();
        device_completes(&mut f, start as usize, offset as usize, end);
        assert!(received_frame_ok(&f));
        f[end - 2] ^= 1;
        assert!(!received_frame_ok(&f));
    }

    #[test]
    fn what_is_not_tcp_is_left_alone() {
        let mut udp = ipv4(PROTO_UDP, &[0, 53, 0, 53, 0, 9, 0, 0, 7], 0);
        assert_eq!(prepare_offload(&mut udp), None);
        assert!(received_frame_ok(&udp));
        let mut arp = vec![0u8; 42];
        arp[12] = 0x08;
        arp[13] = 0x06;
        assert_eq!(prepare_offload(&mut arp), None);
        assert!(received_frame_ok(&arp));
        assert!(received_frame_ok(&[1, 2, 3]));
    }

    #[test]
    fn fragments_are_neither_offloaded_nor_let_through() {
        let mut f = ipv4(PROTO_TCP, &tcp_segment(), 0);
        f[14 + 6] = 0x20; // more fragments
        assert_eq!(locate(&f), Found::Fragment);
        assert_eq!(prepare_offload(&mut f), None);
        assert!(!received_frame_ok(&f));
        let v6 = ipv6(44, &[PROTO_TCP, 0, 0, 1, 0, 0, 0, 1], &tcp_segment());
        assert_eq!(locate(&v6), Found::Fragment);
    }

    #[test]
    fn malformed_lengths_are_not_read_past() {
        let mut f = ipv4(PROTO_TCP, &tcp_segment(), 0);
        f[14 + 2] = 0xff; // total length beyond the frame
        assert_eq!(locate(&f), Found::Other);
        let mut g = ipv4(PROTO_TCP, &tcp_segment(), 0);
        g[14] = 0x41; // a 4-byte header

        assert_eq!(locate(&g), Found::Other);
        // An extension header whose length runs past the payload.
        let v6 = ipv6(0, &[PROTO_TCP, 200, 0, 0, 0, 0, 0, 0], &[]);
        assert_eq!(locate(&v6), Found::Other);
        let short = ipv6(0, &[], &[]);
        assert_eq!(locate(&short), Found::Other);
    }

    #[test]
    fn partial_udp_is_completed_as_smoltcp_checks_it() {
        use smoltcp::wire::{IpAddress, Ipv4Address, UdpPacket};
        let src = IpAddress::Ipv4(Ipv4Address::new(10, 0, 2, 15));
        let dst = IpAddress::Ipv4(Ipv4Address::new(10, 0, 2, 2));
        let udp = [
            0u8, 53, 0x30, 0x39, 0, 13, 0, 0, b'h', b'e', b'l', b'l', b'o',
        ];
        let mut f = ipv4(PROTO_UDP, &udp, 4);
        // The host's stack leaves the pseudo-header sum in the field.
        let Found::Whole(t) = locate(&f) else {
            panic!("UDP not found")
        };
        let at = t.start + UDP_CHECKSUM_AT;
        f[at..at + 2].copy_from_slice(&fold(t.pseudo_sum).to_be_bytes());
        assert!(complete_partial(&mut f, 34, UDP_CHECKSUM_AT));
        let p = UdpPacket::new_checked(&f[34..34 + udp.len()]).expect("a UDP packet");
        assert!(p.verify_checksum(&src, &dst));
        // Offsets outside the datagram are refused.
        assert!(!complete_partial(&mut f, 34, 60));
    }
}
