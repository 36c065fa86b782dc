//! A bounded cache of freed blocks in size classes in front of the heap: a block freed
//! while the cache holds less than its bound is kept on its class's free list, and the
//! next allocation of that class takes it back in O(1) (under TCG that is several times
//! cheaper than the heap's own search). Blocks are allocated one by one at their class's
//! size, so every cached block can go back to the heap on its own: the heap takes them
//! all back (`drain`) when it runs short, so memory freed at one size serves every size.

use core::alloc::Layout;
use core::ptr::NonNull;

/// Size classes (bytes): 16-byte steps up to 128, then four steps per power of two, up to
/// 256 KiB (larger blocks go to the heap directly).
pub const CLASSES: [usize; 52] = [
    16, 32, 48, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384, 448, 512, 640, 768, 896, 1024,
    1280, 1536, 1792, 2048, 2560, 3072, 3584, 4096, 5120, 6144, 7168, 8192, 10240, 12288, 14336,
    16384, 20480, 24576, 28672, 32768, 40960, 49152, 57344, 65536, 81920, 98304, 114688, 131072,
    163840, 196608, 229376, 262144,
];
/// Every class block is aligned to this (all classes are multiples of it).
pub const CLASS_ALIGN: usize = 16;
/// The class serving `layout`, if any.
pub fn class_of(layout: Layout) -> Option<usize> {
    if layout.align() > CLASS_ALIGN || layout.size() > CLASSES[CLASSES.len() - 1] {
        return None;
    }
    let size = layout.size().max(1);
    Some(CLASSES.partition_point(|&c| c < size))
}

/// The layout the underlying heap sees for blocks of `class`.
pub fn class_layout(class: usize) -> Layout {
    Layout::from_size_align(CLASSES[class], CLASS_ALIGN).unwrap()
}

struct FreeBlock {
    next: Option<NonNull<FreeBlock>>,
}

/// Per-class singly linked lists threaded through the free blocks themselves.
pub struct ClassCache {
    heads: [Option<NonNull<FreeBlock>>; CLASSES.len()],
    counts: [usize; CLASSES.len()],
    /// Bytes on the free lists.
    cached_bytes: usize,
}

// SAFETY: the cache owns the blocks on its lists; it is used under the heap's lock.
unsafe impl Send for ClassCache {}

impl Default for ClassCache {
    fn default() -> Self {
        Self::new()
    }
}

impl ClassCache {
    pub const fn new() -> Self {
        Self {
            heads: [None; CLASSES.len()],
            counts: [0; CLASSES.len()],
            cached_bytes: 0,
        }
    }

    /// A cached block of `class`, if one is free.
    pub fn pop(&mut self, class: usize) -> Option<NonNull<u8>> {
        let block = self.heads[class]?;
        // SAFETY: blocks on the list are owned by the cache and hold a FreeBlock.
        self.heads[class] = unsafe { block.as_ref().next };
        self.counts[class] -= 1;
        self.cached_bytes -= CLASSES[class];
        Some(block.cast())
    }

    /// Takes every cached block out, calling `give` with each and its class's layout.
    pub fn drain(&mut self, mut give: impl FnMut(NonNull<u8>, Layout)) {
        for class in 0..CLASSES.len() {
            while let Some(block) = self.pop(class) {
                give(block, class_layout(class));
            }
        }
    }

    /// Takes up to `max` cached blocks out (the largest classes first: they split the
    /// most memory), calling `give` with each and its class's layout; returns whether
    /// blocks remain.
    pub fn drain_some(&mut self, max: usize, mut give: impl FnMut(NonNull<u8>, Layout)) -> bool {
        let mut n = 0;
        for class in (0..CLASSES.len()).rev() {
            while n < max {
                let Some(block) = self.pop(class) else {
                    break;
                };
                give(block, class_layout(class));
                n += 1;
            }
        }
        self.cached_bytes != 0
    }

    /// Keeps `block` for reuse.
    ///
    /// # Safety
    /// `block` must be a block of `class` that nothing else uses any more.
    pub unsafe fn push(&mut self, class: usize, block: NonNull<u8>) {
        let node = block.cast::<FreeBlock>();
        // SAFETY: the block is at least 16 bytes, 16-aligned and ours now.
        unsafe {
            node.as_ptr().write(FreeBlock {
                next: self.heads[class],
            })
        };
        self.heads[class] = Some(node);
        self.counts[class] += 1;
        self.cached_bytes += CLASSES[class];
    }

    /// Walks every list (at most its recorded length, so a cycle cannot hang it):
    /// each block 16-aligned, each list as long as recorded, the byte count right.
    pub fn verify(&self) -> Result<(), &'static str> {
        let mut bytes = 0;
        for class in 0..CLASSES.len() {
            let mut node = self.heads[class];
            for _ in 0..self.counts[class] {
                let Some(block) = node else {
                    return Err("a size-class list is shorter than recorded");
                };
                if block.as_ptr() as usize % CLASS_ALIGN != 0 {
                    return Err("a size-class list holds a misaligned block");
                }
                // SAFETY: blocks on the list are owned by the cache and hold a FreeBlock.
                node = unsafe { block.as_ref().next };
                bytes += CLASSES[class];
            }
            if node.is_some() {
                return Err("a size-class list is longer than recorded");
            }
        }
        if bytes != self.cached_bytes {
            return Err("the size-class cache's byte count is wrong");
        }
        Ok(())
    }

    /// Bytes sitting in the cache (free from the application's point of view).
    pub fn cached_bytes(&self) -> usize {
        self.cached_bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::alloc::{alloc, dealloc};
    use alloc::vec::Vec;

    #[test]
    fn classes_cover_sizes_and_respect_alignment() {
        let l = |s, a| Layout::from_size_align(s, a).unwrap();
        assert_eq!(class_of(l(1, 1)), Some(0));
        assert_eq!(class_of(l(16, 8)), Some(0));
        assert_eq!(class_of(l(17, 8)), Some(1));
        assert_eq!(CLASSES[class_of(l(1000, 16)).unwrap()], 1024);
        assert_eq!(CLASSES[class_of(l(4096, 4)).unwrap()], 4096);
        assert_eq!(CLASSES[class_of(l(4097, 4)).unwrap()], 5120);
        assert_eq!(CLASSES[class_of(l(32769, 4)).unwrap()], 40960);
        assert_eq!(class_of(l(262145, 4)), None);
        assert_eq!(
            class_of(l(64, 64)),
            None,
            "over-aligned requests bypass the cache"
        );
        assert!(
            CLASSES
                .windows(2)
                .all(|w| w[0] < w[1] && w[1] % CLASS_ALIGN == 0)
        );
    }

    #[test]
    fn verify_walks_the_lists() {
        let mut cache = ClassCache::new();
        let layout = class_layout(3);
        // SAFETY: non-zero layouts.
        let blocks: Vec<_> = (0..3)
            .map(|_| NonNull::new(unsafe { alloc(layout) }).unwrap())
            .collect();
        for b in &blocks {
            // SAFETY: fresh blocks of this class, handed over.
            unsafe { cache.push(3, *b) };
        }
        assert_eq!(cache.verify(), Ok(()));
        cache.counts[3] += 1;
        assert!(cache.verify().is_err(), "a list shorter than recorded");
        cache.counts[3] -= 2;
        assert!(cache.verify().is_err(), "a list longer than recorded");
        cache.counts[3] += 1;
        cache.drain(|b, l| {
            // SAFETY: allocated above with this layout.
            unsafe { dealloc(b.as_ptr(), l) }
        });
        assert_eq!(cache.verify(), Ok(()));
    }

    #[test]
    fn drain_some_gives_back_at_most_max_blocks_largest_first() {
        let mut cache = ClassCache::new();
        let (small, large) = (2, 20);
        let blocks: Vec<_> = [small, large, large]
            .iter()
            // SAFETY: non-zero layouts.
            .map(|&c| (c, NonNull::new(unsafe { alloc(class_layout(c)) }).unwrap()))
            .collect();
        for &(c, b) in &blocks {
            // SAFETY: fresh blocks of their class, handed over.
            unsafe { cache.push(c, b) };
        }
        let mut given = Vec::new();
        let remain = cache.drain_some(2, |b, l| given.push((b, l)));
        assert!(remain, "one block is left");
        assert_eq!(given.len(), 2);
        assert!(given.iter().all(|&(_, l)| l == class_layout(large)));
        assert_eq!(cache.cached_bytes(), CLASSES[small]);
        assert!(!cache.drain_some(8, |b, l| given.push((b, l))));
        assert_eq!(given.len(), 3);
        assert_eq!(cache.verify(), Ok(()));
        for (b, l) in given {
            // SAFETY: allocated above with this layout.
            unsafe { dealloc(b.as_ptr(), l) };
        }
    }

    #[test]
    fn blocks_are_reused_last_first_and_drained() {
        let mut cache = ClassCache::new();
        let class = class_of(Layout::from_size_align(3000, 8).unwrap()).unwrap();
        assert_eq!(CLASSES[class], 3072);
        let layout = class_layout(class);
        let blocks: Vec<_> = (0..4)
            // SAFETY: non-zero layout.
            .map(|_| NonNull::new(unsafe { alloc(layout) }).unwrap())
            .collect();
        assert!(cache.pop(class).is_none());
        for b in &blocks {
            // SAFETY: fresh blocks of this class, handed over.
            unsafe { cache.push(class, *b) };
        }
        assert_eq!(cache.cached_bytes(), 4 * 3072);
        assert_eq!(
            cache.pop(class),
            Some(blocks[3]),
            "the last freed block is reused first"
        );
        assert_eq!(cache.cached_bytes(), 3 * 3072);
        let mut given = Vec::new();
        cache.drain(|b, l| {
            assert_eq!(l, layout);
            given.push(b);
        });
        assert_eq!(given.len(), 3);
        assert_eq!(cache.cached_bytes(), 0);
        assert!(cache.pop(class).is_none());
        for b in blocks {
            // SAFETY: allocated above with this layout.
            unsafe { dealloc(b.as_ptr(), layout) };
        }
    }
}
