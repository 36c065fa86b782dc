//! Large received segments (VIRTIO_NET_F_GUEST_TSO4/6 with VIRTIO_NET_F_MRG_RXBUF,
//! virtio 1.x 5.1.6.3-4): the host may hand the guest one TCP segment of up to 64 KiB
//! instead of 44 frames of 1,500 bytes. Under TCG each frame costs the guest a walk of
//! smoltcp's ingress and the device an exit, so a stream from a tap device's host was
//! bound by frames, not bytes.
//!
//! Such a segment does not fit one 2 KiB receive buffer; with mergeable buffers the
//! device spreads it over several (the first one's header says how many) and the driver
//! copies them into one assembly buffer for smoltcp, which takes a segment of any length
//! within its window (it checks no MTU on ingress). Small frames still use one buffer and
//! are never copied. Without mergeable buffers the driver would have to post 64 KiB
//! buffers, so the offload is taken only with them.

use alloc::vec::Vec;

/// The device checksums what the driver marks NEEDS_CSUM (5.1.3).
pub const F_CSUM: u64 = 1 << 0;
/// The driver takes frames marked NEEDS_CSUM or DATA_VALID.
pub const F_GUEST_CSUM: u64 = 1 << 1;
/// The driver takes TCP segments over IPv4 / IPv6 larger than the MTU.
pub const F_GUEST_TSO4: u64 = 1 << 7;
pub const F_GUEST_TSO6: u64 = 1 << 8;
/// A received frame may span several buffers (the header's num_buffers).
pub const F_MRG_RXBUF: u64 = 1 << 15;

/// Where num_buffers sits in the 12-byte virtio-net header.
const NUM_BUFFERS_AT: usize = 10;

/// The offload features to accept of those `offered`: checksum offload only both ways
/// (the driver relies on the device's verdict only when it also fills the checksums it
/// leaves), large segments only with checksum offload (the spec requires GUEST_CSUM) and
/// with mergeable buffers.
pub fn offloads(offered: u64) -> u64 {
    let csum = F_CSUM | F_GUEST_CSUM;
    if offered & csum != csum {
        return 0;
    }
    let large = offered & (F_GUEST_TSO4 | F_GUEST_TSO6);
    if large == 0 || offered & F_MRG_RXBUF == 0 {
        return csum;
    }
    csum | large | F_MRG_RXBUF
}

/// The number of buffers a received frame spans, from its header (the first buffer's
/// first bytes); `None` when the header is short or says 0 (malformed).
pub fn buffers_of(header: &[u8]) -> Option<u16> {
    let b = header.get(NUM_BUFFERS_AT..NUM_BUFFERS_AT + 2)?;
    match u16::from_le_bytes([b[0], b[1]]) {
        0 => None,
        n => Some(n),
    }
}

/// The largest frame with its virtio-net header: the header, Ethernet (with a VLAN
/// tag), an IPv6 header and 64 KiB of payload.
pub const ASSEMBLY_LEN: usize = 12 + 18 + 40 + 65535;

/// One frame put together from its buffers: the header and the frame, as a single
/// buffer would hold them.
pub struct Assembly {
    buf: Vec<u8>,
    len: usize,
    /// A part did not fit: the frame is to be dropped.
    overflow: bool,
}

impl Assembly {
    pub fn new() -> Assembly {
        Assembly {
            buf: alloc::vec![0; ASSEMBLY_LEN],
            len: 0,
            overflow: false,
        }
    }

    /// Starts a new frame.
    pub fn clear(&mut self) {
        self.len = 0;
        self.overflow = false;
    }

    /// Appends the next buffer's bytes (the first one's include the header).
    pub fn push(&mut self, part: &[u8]) {
        match self.buf.get_mut(self.len..self.len + part.len()) {
            Some(dst) if !self.overflow => {
                dst.copy_from_slice(part);
                self.len += part.len();
            }
            _ => self.overflow = true,
        }
    }

    /// The header and frame, unless a part overflowed.
    pub fn get_mut(&mut self) -> Option<&mut [u8]> {
        if self.overflow {
            None
        } else {
            Some(&mut self.buf[..self.len])
        }
    }

    pub fn frame(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}

impl Default for Assembly {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TSO: u64 = F_GUEST_TSO4 | F_GUEST_TSO6;
    const ALL: u64 = F_CSUM | F_GUEST_CSUM | TSO | F_MRG_RXBUF | (1 << 5) | (1 << 29);

    #[test]
    fn offloads_taken_only_together() {
        assert_eq!(offloads(ALL), F_CSUM | F_GUEST_CSUM | TSO | F_MRG_RXBUF);
        // QEMU's user network offers none of them; mergeable buffers alone are not taken.
        assert_eq!(offloads(F_MRG_RXBUF | (1 << 5)), 0);
        // No large segments without mergeable buffers, nor without checksum offload.
        assert_eq!(offloads(ALL & !F_MRG_RXBUF), F_CSUM | F_GUEST_CSUM);
        assert_eq!(offloads(ALL & !F_CSUM), 0);
        assert_eq!(offloads(ALL & !F_GUEST_CSUM), 0);
        // IPv4 alone.
        assert_eq!(
            offloads(ALL & !F_GUEST_TSO6),
            F_CSUM | F_GUEST_CSUM | F_GUEST_TSO4 | F_MRG_RXBUF
        );
    }

    #[test]
    fn header_says_how_many_buffers() {
        let mut h = [0u8; 12];
        h[10] = 33;
        assert_eq!(buffers_of(&h), Some(33));
        h[10] = 0;
        h[11] = 1;
        assert_eq!(buffers_of(&h), Some(256));
        assert_eq!(buffers_of(&[0u8; 12]), None);
        assert_eq!(buffers_of(&h[..11]), None);
    }

    #[test]
    fn assembly_joins_parts_in_order() {
        let mut a = Assembly::new();
        a.push(&[1, 2, 3]);
        a.push(&[4]);
        a.push(&[]);
        assert_eq!(a.get_mut().map(|f| f.to_vec()), Some(vec![1, 2, 3, 4]));
        a.clear();
        a.push(&[9]);
        assert_eq!(a.frame(), &[9]);
    }

    #[test]
    fn assembly_refuses_what_does_not_fit() {
        let mut a = Assembly::new();
        let part = vec![7u8; 2048];
        for _ in 0..ASSEMBLY_LEN / 2048 {
            a.push(&part);
        }
        assert!(a.get_mut().is_some());
        // One more part overflows; later parts cannot bring it back.
        a.push(&part);
        a.push(&[1]);
        assert!(a.get_mut().is_none());
        a.clear();
        a.push(&[1]);
        assert_eq!(a.get_mut().map(|f| f.len()), Some(1));
    }
}
