//! The contents of a regular file: a sparse array of fixed-size chunks, so a file can
//! grow to any size memory allows without ever copying what it already holds, and a
//! hole (bytes never written, or past a truncation) costs nothing and reads as zeros.
//! Every allocation is fallible: running out of memory while storing data is `ENOSPC`
//! (the file system is full, as tmpfs says), never a panic.

use alloc::vec::Vec;

use super::Errno;
use crate::abi::errno::{EFBIG, ENOSPC};

/// Bytes per chunk. Large enough that a big file needs few allocations, small enough
/// that a hole in the middle of a file wastes little.
pub const CHUNK: usize = 64 * 1024;

/// Largest file size (Linux's `MAX_LFS_FILESIZE` on 64-bit): offsets are `i64`.
pub const MAX_SIZE: u64 = i64::MAX as u64;

/// One chunk that holds data: chunk `index` covers bytes `index * CHUNK ..`, of which
/// the first `bytes.len()` are stored and the rest of the chunk reads as zeros. A chunk
/// grows as it is written (small files stay small) up to `CHUNK`.
struct Chunk {
    index: u64,
    bytes: Vec<u8>,
}

/// File contents. Invariant: no chunk stores bytes at or past `size`, so growing the
/// file (truncate up, a write after a hole) exposes zeros, never stale data.
#[derive(Default)]
pub struct FileData {
    size: u64,
    /// Sorted by `index`; chunks that were never written are absent.
    chunks: Vec<Chunk>,
}

impl FileData {
    pub const fn new() -> Self {
        FileData {
            size: 0,
            chunks: Vec::new(),
        }
    }

    pub fn len(&self) -> u64 {
        self.size
    }

    /// Bytes of memory the stored chunks use (for `st_blocks`).
    pub fn stored_bytes(&self) -> u64 {
        self.chunks.iter().map(|c| c.bytes.len() as u64).sum()
    }

    /// Position in `chunks` of the first chunk with an index at or after `index`.
    fn chunk_pos(&self, index: u64) -> usize {
        self.chunks.partition_point(|c| c.index < index)
    }

    /// Copies the bytes at `offset..` into `buf`; returns how many there were (0 at or
    /// past the end).
    pub fn read_at(&self, offset: u64, buf: &mut [u8]) -> usize {
        if offset >= self.size {
            return 0;
        }
        let n = (self.size - offset).min(buf.len() as u64) as usize;
        let buf = &mut buf[..n];
        let mut done = 0;
        let mut pos = self.chunk_pos(offset / CHUNK as u64);
        while done < n {
            let at = offset + done as u64;
            let index = at / CHUNK as u64;
            let within = (at % CHUNK as u64) as usize;
            let step = (CHUNK - within).min(n - done);
            let out = &mut buf[done..done + step];
            match self.chunks.get(pos) {
                Some(c) if c.index == index => {
                    // A chunk stores only up to its last written byte: reading past it
                    // (inside the file) reads zeros.
                    let stored = c.bytes.len().saturating_sub(within).min(step);
                    if stored > 0 {
                        out[..stored].copy_from_slice(&c.bytes[within..within + stored]);
                    }
                    out[stored..].fill(0);
                    pos += 1;
                }
                _ => out.fill(0),
            }
            done += step;
        }
        n
    }

    /// Writes `data` at `offset`, growing the file (with a hole between the old end and
    /// `offset`). Returns the bytes written: all of them, or fewer when memory ran out
    /// part way (`ENOSPC` if none could be written: memory is the file
    /// system's space) or the file reached `MAX_SIZE`
    /// (`EFBIG` if `offset` is already there), as Linux returns a short write.
    pub fn write_at(&mut self, offset: u64, data: &[u8]) -> Result<usize, Errno> {
        if data.is_empty() {
            return Ok(0);
        }
        if offset >= MAX_SIZE {
            return Err(EFBIG);
        }
        let n = (MAX_SIZE - offset).min(data.len() as u64) as usize;
        let mut done = 0;
        while done < n {
            let at = offset + done as u64;
            let within = (at % CHUNK as u64) as usize;
            let step = (CHUNK - within).min(n - done);
            let Some(bytes) = self.chunk_for_write(at / CHUNK as u64, within, within + step) else {
                break;
            };
            // Over what the chunk stores, then appended (into the room reserved): new
            // bytes are written once, not zeroed first and then written.
            let src = &data[done..done + step];
            let over = (bytes.len() - within).min(step);
            bytes[within..within + over].copy_from_slice(&src[..over]);
            bytes.extend_from_slice(&src[over..]);
            done += step;
            self.size = self.size.max(offset + done as u64);
        }
        if done == 0 { Err(ENOSPC) } else { Ok(done) }
    }

    /// The stored bytes of chunk `index`, created if absent, with room for `end` bytes and
    /// at least `start` stored (a gap before `start` filled with zeros); `None` when memory
    /// runs out.
    fn chunk_for_write(&mut self, index: u64, start: usize, end: usize) -> Option<&mut Vec<u8>> {
        let pos = self.chunk_pos(index);
        if self.chunks.get(pos).is_none_or(|c| c.index != index) {
            self.chunks.try_reserve(1).ok()?;
            self.chunks.insert(
                pos,
                Chunk {
                    index,
                    bytes: Vec::new(),
                },
            );
        }
        let bytes = &mut self.chunks[pos].bytes;
        if bytes.len() < end {
            if bytes.capacity() < end {
                // Double while small so appending in small pieces stays linear, but
                // never past one chunk.
                let want = end.max(bytes.capacity() * 2).min(CHUNK);
                if bytes.try_reserve_exact(want - bytes.len()).is_err() {
                    let empty = bytes.is_empty();
                    if empty {
                        self.chunks.remove(pos);
                    }
                    return None;
                }
            }
            if bytes.len() < start {
                bytes.resize(start, 0);
            }
        }
        Some(&mut self.chunks[pos].bytes)
    }

    /// Sets the size: shrinking drops the data past the new end, growing adds a hole.
    pub fn set_len(&mut self, len: u64) -> Result<(), Errno> {
        if len > MAX_SIZE {
            return Err(EFBIG);
        }
        if len < self.size {
            let first_gone = len.div_ceil(CHUNK as u64);
            let keep = self.chunk_pos(first_gone);
            self.chunks.truncate(keep);
            if let Some(last) = self.chunks.last_mut() {
                let start = last.index * CHUNK as u64;
                let stored = (len - start.min(len)) as usize;
                // Keeps the capacity: giving it back would mean a reallocation, which
                // could fail.
                last.bytes.truncate(stored);
                if last.bytes.is_empty() {
                    self.chunks.pop();
                }
            }
        }
        self.size = len;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(f: &FileData) -> Vec<u8> {
        let mut v = vec![0xaa; f.len() as usize];
        assert_eq!(f.read_at(0, &mut v), f.len() as usize);
        v
    }

    #[test]
    fn a_write_past_the_stored_end_overwrites_then_appends() {
        let mut f = FileData::new();
        assert_eq!(f.write_at(0, b"abcd"), Ok(4));
        // Two bytes over the stored ones, two appended; then a gap inside the chunk.
        assert_eq!(f.write_at(2, b"XYZW"), Ok(4));
        assert_eq!(f.write_at(10, b"q"), Ok(1));
        assert_eq!(read_all(&f), b"abXYZW\0\0\0\0q");
        // Across a chunk boundary, into a chunk that stores nothing yet.
        let at = CHUNK as u64 - 2;
        assert_eq!(f.write_at(at, b"1234"), Ok(4));
        let mut buf = [0xaa; 6];
        assert_eq!(f.read_at(at - 1, &mut buf), 5);
        assert_eq!(&buf[..5], b"\x001234");
    }

    #[test]
    fn write_then_read_back() {
        let mut f = FileData::new();
        assert_eq!(f.write_at(0, b"hello"), Ok(5));
        assert_eq!(f.len(), 5);
        let mut buf = [0u8; 10];
        assert_eq!(f.read_at(0, &mut buf), 5);
        assert_eq!(&buf[..5], b"hello");
        assert_eq!(f.read_at(3, &mut buf), 2);
        assert_eq!(&buf[..2], b"lo");
        assert_eq!(f.read_at(5, &mut buf), 0);
        assert_eq!(f.read_at(100, &mut buf), 0);
    }

    #[test]
    fn reading_past_a_chunks_stored_bytes_reads_zeros() {
        // Found by the system-call fuzzer: a chunk holding 3 bytes, the file longer.
        let mut f = FileData::new();
        f.write_at(0, b"abc").unwrap();
        f.write_at(2 * CHUNK as u64, b"x").unwrap();
        let mut buf = [0xaau8; 16];
        assert_eq!(f.read_at(100, &mut buf), 16);
        assert_eq!(buf, [0u8; 16]);
        assert_eq!(f.read_at(1, &mut buf[..4]), 4);
        assert_eq!(&buf[..4], b"bc\0\0");
    }

    #[test]
    fn overwrite_in_the_middle() {
        let mut f = FileData::new();
        f.write_at(0, b"abcdef").unwrap();
        f.write_at(2, b"XY").unwrap();
        assert_eq!(read_all(&f), b"abXYef");
        assert_eq!(f.len(), 6);
    }

    #[test]
    fn write_after_end_leaves_a_zero_hole() {
        let mut f = FileData::new();
        f.write_at(0, b"ab").unwrap();
        f.write_at(10, b"cd").unwrap();
        assert_eq!(f.len(), 12);
        assert_eq!(read_all(&f), b"ab\0\0\0\0\0\0\0\0cd");
    }

    #[test]
    fn sparse_far_write_stores_only_the_touched_chunk() {
        let mut f = FileData::new();
        let off = 1u64 << 40;
        f.write_at(off, b"x").unwrap();
        assert_eq!(f.len(), off + 1);
        assert_eq!(f.stored_bytes(), (off % CHUNK as u64) + 1);
        let mut buf = [7u8; 4];
        assert_eq!(f.read_at(off - 3, &mut buf), 4);
        assert_eq!(&buf, b"\0\0\0x");
        assert_eq!(f.read_at(12345, &mut buf), 4);
        assert_eq!(buf, [0; 4]);
    }

    #[test]
    fn writes_and_reads_across_chunk_boundaries() {
        let mut f = FileData::new();
        let data: Vec<u8> = (0..3 * CHUNK + 17).map(|i| (i * 7 % 251) as u8).collect();
        // Start just before a boundary so every piece straddles one.
        let off = CHUNK as u64 - 5;
        assert_eq!(f.write_at(off, &data), Ok(data.len()));
        let mut back = vec![0u8; data.len()];
        assert_eq!(f.read_at(off, &mut back), data.len());
        assert_eq!(back, data);
        let mut head = vec![1u8; off as usize];
        assert_eq!(f.read_at(0, &mut head), off as usize);
        assert!(head.iter().all(|&b| b == 0));
    }

    #[test]
    fn small_appends_grow_one_chunk() {
        let mut f = FileData::new();
        for i in 0..1000u32 {
            let at = f.len();
            f.write_at(at, &i.to_le_bytes()).unwrap();
        }
        assert_eq!(f.len(), 4000);
        assert_eq!(f.chunks.len(), 1);
        let mut b = [0u8; 4];
        f.read_at(4 * 999, &mut b);
        assert_eq!(u32::from_le_bytes(b), 999);
    }

    #[test]
    fn truncate_down_then_up_reads_zeros() {
        let mut f = FileData::new();
        let data = vec![9u8; 2 * CHUNK + 10];
        f.write_at(0, &data).unwrap();
        f.set_len(CHUNK as u64 + 3).unwrap();
        assert_eq!(f.len(), CHUNK as u64 + 3);
        assert_eq!(f.stored_bytes(), CHUNK as u64 + 3);
        f.set_len(3 * CHUNK as u64).unwrap();
        let all = read_all(&f);
        assert!(all[..CHUNK + 3].iter().all(|&b| b == 9));
        assert!(all[CHUNK + 3..].iter().all(|&b| b == 0));
        // A write past the old data keeps the zeros between.
        f.write_at(2 * CHUNK as u64 + 1, b"z").unwrap();
        let all = read_all(&f);
        assert!(all[CHUNK + 3..2 * CHUNK + 1].iter().all(|&b| b == 0));
        assert_eq!(all[2 * CHUNK + 1], b'z');
    }

    #[test]
    fn truncate_to_chunk_boundary_and_to_zero() {
        let mut f = FileData::new();
        f.write_at(0, &vec![1u8; 2 * CHUNK]).unwrap();
        f.set_len(CHUNK as u64).unwrap();
        assert_eq!(f.chunks.len(), 1);
        f.set_len(0).unwrap();
        assert_eq!(f.len(), 0);
        assert_eq!(f.chunks.len(), 0);
        assert_eq!(f.stored_bytes(), 0);
        f.set_len(10).unwrap();
        assert_eq!(read_all(&f), vec![0; 10]);
    }

    #[test]
    fn limits() {
        let mut f = FileData::new();
        assert_eq!(f.write_at(MAX_SIZE, b"x"), Err(EFBIG));
        assert_eq!(f.set_len(MAX_SIZE + 1), Err(EFBIG));
        assert_eq!(f.write_at(MAX_SIZE - 2, b"abcd"), Ok(2));
        assert_eq!(f.len(), MAX_SIZE);
        assert_eq!(f.write_at(0, b""), Ok(0));
    }
}
