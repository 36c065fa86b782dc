//! DNS messages for AAAA queries of our own: an AAAA question (RFC 1035 §4.1 layout) and
//! the AAAA records of its answer. Written when the stack was IPv4-only (smoltcp parses
//! AAAA records only with `proto-ipv6`); kept now that it is dual-stack, since it asks
//! the servers over IPv4 on a plain UDP socket with its own tries and timeouts, and
//! `getaddrinfo` and `sys_getaddrbyname` share it.
//! Plain data, tested on the host and under Miri.

/// Record type AAAA (RFC 3596).
pub const TYPE_AAAA: u16 = 28;
/// Class IN.
const CLASS_IN: u16 = 1;
/// Header flags of a query: recursion desired.
const FLAG_RD: u16 = 0x0100;
/// Header flag of a response.
const FLAG_QR: u16 = 0x8000;
/// Response code "no such name" (NXDOMAIN).
const RCODE_NXDOMAIN: u16 = 3;
const HEADER_LEN: usize = 12;
/// A name's longest encoding (RFC 1035 §2.3.4) and a label's.
const NAME_MAX: usize = 255;
const LABEL_MAX: usize = 63;

/// Why an answer gave no addresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnswerError {
    /// Not the answer to our question (another id, not a response): keep waiting.
    NotOurs,
    /// The name does not exist, or has no record of the type asked for.
    NoName,
    /// The server failed, refused, or sent something unreadable.
    Failed,
}

/// Writes a query for `qtype` records of `name` (dots between labels, an optional final
/// dot) with `id` into `out`; its length, or `None` for a name that cannot be encoded
/// (an empty label, a label over 63 bytes, over 255 in all) or an `out` too small.
pub fn query(id: u16, name: &str, qtype: u16, out: &mut [u8]) -> Option<usize> {
    let name = name.strip_suffix('.').unwrap_or(name);
    if name.is_empty() {
        return None;
    }
    let mut w = Writer { out, at: 0 };
    w.u16(id)?;
    w.u16(FLAG_RD)?;
    w.u16(1)?; // one question
    w.u16(0)?;
    w.u16(0)?;
    w.u16(0)?;
    let start = w.at;
    for label in name.split('.') {
        if label.is_empty() || label.len() > LABEL_MAX {
            return None;
        }
        w.bytes(&[label.len() as u8])?;
        w.bytes(label.as_bytes())?;
    }
    w.bytes(&[0])?;
    if w.at - start > NAME_MAX {
        return None;
    }
    w.u16(qtype)?;
    w.u16(CLASS_IN)?;
    Some(w.at)
}

struct Writer<'a> {
    out: &'a mut [u8],
    at: usize,
}

impl Writer<'_> {
    fn bytes(&mut self, b: &[u8]) -> Option<()> {
        self.out
            .get_mut(self.at..self.at + b.len())?
            .copy_from_slice(b);
        self.at += b.len();
        Some(())
    }

    fn u16(&mut self, v: u16) -> Option<()> {
        self.bytes(&v.to_be_bytes())
    }
}

/// The records of type `qtype` and class IN with N bytes of data in the answer section
/// of `msg`, the response to query `id`, copied into `out` (as many as fit; a CNAME's
/// target records count too, as a recursive server puts them in the same section).
/// Returns how many were copied.
pub fn answers<const N: usize>(
    msg: &[u8],
    id: u16,
    qtype: u16,
    out: &mut [[u8; N]],
) -> Result<usize, AnswerError> {
    let mut r = Reader { msg, at: 0 };
    let header = (|| Some((r.u16()?, r.u16()?, r.u16()?, r.u16()?)))();
    let Some((got_id, flags, qdcount, ancount)) = header else {
        return Err(AnswerError::NotOurs);
    };
    if got_id != id || flags & FLAG_QR == 0 {
        return Err(AnswerError::NotOurs);
    }
    match flags & 0xf {
        0 => {}
        RCODE_NXDOMAIN => return Err(AnswerError::NoName),
        _ => return Err(AnswerError::Failed),
    }
    r.at = HEADER_LEN;
    for _ in 0..qdcount {
        r.skip_name().ok_or(AnswerError::Failed)?;
        r.skip(4).ok_or(AnswerError::Failed)?;
    }
    let mut n = 0;
    for _ in 0..ancount {
        let record = (|| {
            r.skip_name()?;
            let (rtype, class) = (r.u16()?, r.u16()?);
            r.skip(4)?; // TTL
            let len = usize::from(r.u16()?);
            let data = r.msg.get(r.at..r.at + len)?;
            r.at += len;
            Some((rtype, class, data))
        })();
        let (rtype, class, data) = record.ok_or(AnswerError::Failed)?;
        if rtype == qtype && class == CLASS_IN && data.len() == N {
            if let Some(slot) = out.get_mut(n) {
                slot.copy_from_slice(data);
                n += 1;
            }
        }
    }
    if n == 0 {
        Err(AnswerError::NoName)
    } else {
        Ok(n)
    }
}

struct Reader<'a> {
    msg: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn u16(&mut self) -> Option<u16> {
        let b = self.msg.get(self.at..self.at + 2)?;
        self.at += 2;
        Some(u16::from_be_bytes([b[0], b[1]]))
    }

    fn skip(&mut self, n: usize) -> Option<()> {
        self.msg.get(self.at..self.at + n)?;
        self.at += n;
        Some(())
    }

    /// Moves past a name: labels up to a zero byte or a compression pointer (which
    /// ends the name where it stands; what it points at is not needed).
    fn skip_name(&mut self) -> Option<()> {
        loop {
            let len = *self.msg.get(self.at)?;
            match len & 0xc0 {
                0xc0 => return self.skip(2),
                0 if len == 0 => return self.skip(1),
                0 => self.skip(1 + usize::from(len))?,
                _ => return None,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A response to `q` with `records` (type, data) in the answer section, each named
    /// by a pointer to the question's name.
    fn response(q: &[u8], rcode: u16, records: &[(u16, &[u8])]) -> Vec<u8> {
        let mut m = q.to_vec();
        m[2..4].copy_from_slice(&(FLAG_QR | FLAG_RD | 0x80 | rcode).to_be_bytes());
        m[6..8].copy_from_slice(&(records.len() as u16).to_be_bytes());
        for (rtype, data) in records {
            m.extend_from_slice(&[0xc0, 12]);
            m.extend_from_slice(&rtype.to_be_bytes());
            m.extend_from_slice(&CLASS_IN.to_be_bytes());
            m.extend_from_slice(&300u32.to_be_bytes());
            m.extend_from_slice(&(data.len() as u16).to_be_bytes());
            m.extend_from_slice(data);
        }
        m
    }

    fn q(name: &str) -> Vec<u8> {
        let mut buf = [0u8; 512];
        let n = query(0x1234, name, TYPE_AAAA, &mut buf).unwrap();
        buf[..n].to_vec()
    }

    #[test]
    fn query_layout() {
        let m = q("rust-lang.org.");
        assert_eq!(&m[..12], &[0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
        assert_eq!(&m[12..27], b"\x09rust-lang\x03org\x00");
        assert_eq!(&m[27..], &[0, 28, 0, 1]);
        assert_eq!(q("rust-lang.org"), m);
    }

    #[test]
    fn names_that_cannot_be_asked() {
        let mut buf = [0u8; 600];
        for bad in ["", ".", "a..b", ".a", &"x".repeat(64)] {
            assert_eq!(query(1, bad, TYPE_AAAA, &mut buf), None, "{bad:?}");
        }
        let long = ["abcdefghi"; 26].join(".");
        assert_eq!(query(1, &long, TYPE_AAAA, &mut buf), None);
        assert!(query(1, &"x".repeat(63), TYPE_AAAA, &mut buf).is_some());
        assert_eq!(query(1, "example.com", TYPE_AAAA, &mut [0u8; 20]), None);
    }

    #[test]
    fn aaaa_records_are_read() {
        let m = q("example.com");
        let a: [u8; 16] = [0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7];
        let b: [u8; 16] = [0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
        let r = response(
            &m,
            0,
            &[
                (5, b"\x03www\xc0\x0c"),
                (TYPE_AAAA, &a),
                (1, &[1, 2, 3, 4]),
                (TYPE_AAAA, &b),
            ],
        );
        let mut out = [[0u8; 16]; 8];
        assert_eq!(answers(&r, 0x1234, TYPE_AAAA, &mut out), Ok(2));
        assert_eq!(out[0], a);
        assert_eq!(out[1], b);
        // More records than room: those that fit.
        let mut one = [[0u8; 16]; 1];
        assert_eq!(answers(&r, 0x1234, TYPE_AAAA, &mut one), Ok(1));
        assert_eq!(one[0], a);
    }

    #[test]
    fn errors() {
        let m = q("example.com");
        let mut out = [[0u8; 16]; 2];
        // Another query's answer, or the query itself: not ours.
        let r = response(&m, 0, &[(TYPE_AAAA, &[0; 16])]);
        assert_eq!(
            answers(&r, 0x4321, TYPE_AAAA, &mut out),
            Err(AnswerError::NotOurs)
        );
        assert_eq!(
            answers(&m, 0x1234, TYPE_AAAA, &mut out),
            Err(AnswerError::NotOurs)
        );
        assert_eq!(
            answers(&m[..5], 0x1234, TYPE_AAAA, &mut out),
            Err(AnswerError::NotOurs)
        );
        assert_eq!(
            answers(&[], 0x1234, TYPE_AAAA, &mut out),
            Err(AnswerError::NotOurs)
        );
        // NXDOMAIN, an empty answer, only A records: no such name; SERVFAIL: failed.
        let nx = response(&m, RCODE_NXDOMAIN, &[]);
        assert_eq!(
            answers(&nx, 0x1234, TYPE_AAAA, &mut out),
            Err(AnswerError::NoName)
        );
        let empty = response(&m, 0, &[]);
        assert_eq!(
            answers(&empty, 0x1234, TYPE_AAAA, &mut out),
            Err(AnswerError::NoName)
        );
        let only_a = response(&m, 0, &[(1, &[1, 2, 3, 4])]);
        assert_eq!(
            answers(&only_a, 0x1234, TYPE_AAAA, &mut out),
            Err(AnswerError::NoName)
        );
        let fail = response(&m, 2, &[]);
        assert_eq!(
            answers(&fail, 0x1234, TYPE_AAAA, &mut out),
            Err(AnswerError::Failed)
        );
        // Cut short anywhere in the records, or a bad label length: failed, no panic.
        let r = response(&m, 0, &[(TYPE_AAAA, &[9; 16])]);
        for cut in m.len()..r.len() {
            assert_eq!(
                answers(&r[..cut], 0x1234, TYPE_AAAA, &mut out),
                Err(AnswerError::Failed),
                "{cut}"
            );
        }
        let mut bad = r.clone();
        bad[12] = 0x80;
        assert_eq!(
            answers(&bad, 0x1234, TYPE_AAAA, &mut out),
            Err(AnswerError::Failed)
        );
        // A record of the right type with the wrong length is skipped.
        let odd = response(&m, 0, &[(TYPE_AAAA, &[1; 4])]);
        assert_eq!(
            answers(&odd, 0x1234, TYPE_AAAA, &mut out),
            Err(AnswerError::NoName)
        );
    }
}
