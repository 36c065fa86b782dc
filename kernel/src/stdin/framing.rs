//! The framing the runner puts around standard input on the virtio console: chunks of a
//! 4-byte little-endian length and that many bytes, and a chunk of length 0 for end of
//! file. QEMU's character devices carry bytes but never tell the guest that the host
//! side ended, so the end has to travel in band.
//!
//! The device hands the stream over in buffers cut wherever QEMU's reads ended, so a
//! header may be split across two of them; `Deframer` keeps its place between calls.

/// Bytes of a chunk header.
pub const HEADER_LEN: usize = 4;

/// Decodes the framed stream into the application's bytes.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Deframer {
    /// Header bytes collected so far (the header is complete at `HEADER_LEN`).
    header: [u8; HEADER_LEN],
    have: usize,
    /// Payload bytes of the current chunk not delivered yet.
    left: u32,
    /// The end-of-file chunk was seen; nothing after it is read.
    ended: bool,
}

impl Deframer {
    pub const fn new() -> Self {
        Deframer {
            header: [0; HEADER_LEN],
            have: 0,
            left: 0,
            ended: false,
        }
    }

    /// Whether the end-of-file chunk has been decoded.
    pub fn ended(&self) -> bool {
        self.ended
    }

    /// Whether the next byte of input is payload (so a read would deliver something
    /// as soon as input is there).
    pub fn in_payload(&self) -> bool {
        self.left > 0
    }

    /// Decodes from `input` into `out` until `out` is full, `input` is used up or the
    /// end-of-file chunk is reached. Headers are consumed even when `out` is empty, so
    /// `decode(input, &mut [])` skips to the next payload byte. Returns the bytes of
    /// `input` consumed and of `out` filled.
    pub fn decode(&mut self, input: &[u8], out: &mut [u8]) -> (usize, usize) {
        let (mut used, mut filled) = (0, 0);
        while used < input.len() && !self.ended {
            if self.left == 0 {
                self.header[self.have] = input[used];
                self.have += 1;
                used += 1;
                if self.have == HEADER_LEN {
                    self.have = 0;
                    self.left = u32::from_le_bytes(self.header);
                    self.ended = self.left == 0;
                }
                continue;
            }
            let n = (self.left as usize)
                .min(input.len() - used)
                .min(out.len() - filled);
            if n == 0 {
                break;
            }
            out[filled..filled + n].copy_from_slice(&input[used..used + n]);
            used += n;
            filled += n;
            self.left -= n as u32;
        }
        (used, filled)
    }
}

/// The header of a chunk of `len` bytes (`len` 0: end of file). The runner writes
/// these; here for the tests and as the one definition of the format.
pub fn header(len: u32) -> [u8; HEADER_LEN] {
    len.to_le_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec::Vec;

    fn frame(chunks: &[&[u8]]) -> Vec<u8> {
        let mut s = Vec::new();
        for c in chunks {
            s.extend_from_slice(&header(c.len() as u32));
            s.extend_from_slice(c);
        }
        s.extend_from_slice(&header(0));
        s
    }

    /// Decodes `stream` cut into input pieces of `cut` bytes, reading `out` bytes at a time.
    fn decode_all(stream: &[u8], cut: usize, out: usize) -> (Vec<u8>, bool) {
        let mut d = Deframer::new();
        let mut got = Vec::new();
        let mut buf = alloc::vec![0u8; out];
        for piece in stream.chunks(cut) {
            let mut at = 0;
            loop {
                let (used, filled) = d.decode(&piece[at..], &mut buf);
                got.extend_from_slice(&buf[..filled]);
                at += used;
                if at == piece.len() || d.ended() {
                    break;
                }
                assert!(used > 0 || filled > 0, "no progress");
            }
        }
        (got, d.ended())
    }

    #[test]
    fn round_trips_whatever_the_cuts() {
        // Smaller under Miri, which interprets every byte copied.
        let len = if cfg!(miri) { 1200 } else { 5000 };
        let data: Vec<u8> = (0..len).map(|i| (i * 7 % 251) as u8).collect();
        let stream = frame(&[b"hi\n", &data[..1000], b"", &data[1000..]]);
        // An empty chunk in the middle would end the stream: the runner never writes
        // one, and this checks what happens if it did.
        let (got, ended) = decode_all(&stream, 4096, 4096);
        assert!(ended);
        assert_eq!(got, [&b"hi\n"[..], &data[..1000]].concat());
        let stream = frame(&[b"hi\n", &data[..1000], &data[1000..]]);
        let want = [&b"hi\n"[..], &data].concat();
        let cuts: &[usize] = if cfg!(miri) {
            &[1, 3, 4, 4096]
        } else {
            &[1, 2, 3, 4, 5, 7, 4096, 100_000]
        };
        for &cut in cuts {
            for out in [1, 3, 4096] {
                assert_eq!(decode_all(&stream, cut, out), (want.clone(), true));
            }
        }
    }

    #[test]
    fn headers_are_skipped_into_an_empty_buffer() {
        let stream = frame(&[b"abc"]);
        let mut d = Deframer::new();
        assert!(!d.in_payload());
        assert_eq!(d.decode(&stream[..2], &mut []), (2, 0));
        assert!(!d.in_payload());
        assert_eq!(d.decode(&stream[2..], &mut []), (2, 0));
        assert!(d.in_payload());
        let mut out = [0u8; 8];
        assert_eq!(d.decode(&stream[4..], &mut out), (7, 3));
        assert_eq!(&out[..3], b"abc");
        assert!(d.ended() && !d.in_payload());
        // Nothing is read after the end.
        assert_eq!(d.decode(b"more", &mut out), (0, 0));
    }

    #[test]
    fn stops_at_the_end_of_file_chunk() {
        let mut stream = frame(&[b"x"]);
        stream.extend_from_slice(b"trailing");
        let mut d = Deframer::new();
        let mut out = [0u8; 16];
        assert_eq!(d.decode(&stream, &mut out), (9, 1));
        assert!(d.ended());
    }

    #[test]
    fn large_chunk_lengths() {
        let mut d = Deframer::new();
        let mut out = [0u8; 4];
        assert_eq!(d.decode(&header(u32::MAX), &mut out), (4, 0));
        assert_eq!(d.decode(b"abcdef", &mut out), (4, 4));
        assert!(d.in_payload() && !d.ended());
    }
}
