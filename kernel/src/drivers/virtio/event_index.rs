//! The event index (VIRTIO_F_EVENT_IDX, virtio 1.x 2.7.7-2.7.10): instead of a flag
//! meaning "do not interrupt" or "do not notify", each side names the ring index whose
//! arrival it wants to hear about. A burst of buffers then costs one interrupt (or one
//! notification) rather than one per buffer while the other side has not looked yet,
//! which the flags cannot express: the flag is only set once the other side runs.

/// Whether moving a ring index from `old` to `new` passed `event` (the index the other
/// side asked to hear about), i.e. `event` is one of old..new (wrapping at 2^16):
/// then it must be told.
pub fn crossed(event: u16, new: u16, old: u16) -> bool {
    new.wrapping_sub(event).wrapping_sub(1) < new.wrapping_sub(old)
}

/// An event index that the other side will not reach for half the index space: "do
/// not tell me" for a side that only has the event index to say it with.
pub fn far_from(index: u16) -> u16 {
    index.wrapping_add(0x8000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crossing_is_inclusive_of_old_exclusive_of_new() {
        // Entries old..new were added: event `old` (the first of them) is passed...
        assert!(crossed(5, 6, 5));
        assert!(crossed(5, 9, 5));
        assert!(crossed(8, 9, 5));
        // ...event `new` (the next one to come) is not, nor one before `old`.
        assert!(!crossed(9, 9, 5));
        assert!(!crossed(4, 9, 5));
        // Nothing added: nothing crossed.
        assert!(!crossed(5, 5, 5));
    }

    #[test]
    fn wraps_at_two_to_the_sixteen() {
        assert!(crossed(0xffff, 2, 0xfffe));
        assert!(crossed(0, 2, 0xfffe));
        assert!(crossed(1, 2, 0xfffe));
        assert!(!crossed(2, 2, 0xfffe));
        assert!(!crossed(0xfffd, 2, 0xfffe));
    }

    #[test]
    fn far_is_not_crossed_by_a_ring_of_any_size() {
        for start in [0u16, 1, 0x7fff, 0x8000, 0xffff] {
            let event = far_from(start);
            // A queue holds at most 32768 entries: a burst of 32767 after `start`.
            assert!(!crossed(event, start.wrapping_add(0x7fff), start));
        }
    }
}
