//! The console's three channels (the application's stdout and stderr, the kernel log) on
//! one byte stream, for a machine with one output device the kernel can write from any
//! context: aarch64's `virt` has one PL011 and, without semihosting, nothing else that
//! works before the devices are up and while a crash report is made. The runner splits
//! the stream again (tools/eremit/src/demux.rs, which has the same constants).
//!
//! The stream: `ESCAPE c` with `c` a channel's number sends the bytes that follow to
//! that channel; `ESCAPE ESCAPE` is one `ESCAPE` byte of the current channel. Any other
//! byte is data. A writer selects its channel before its bytes unless the stream is
//! already on it, so text costs nothing and binary output one byte per `ESCAPE` byte.

/// The byte that starts a control pair (0xFF never occurs in UTF-8 text).
pub const ESCAPE: u8 = 0xff;

/// The channels, numbered as in the stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Channel {
    Stdout = 1,
    Stderr = 2,
    Log = 3,
}

impl Channel {
    /// The channel numbered `n`, if any.
    pub const fn from_number(n: u8) -> Option<Channel> {
        match n {
            1 => Some(Channel::Stdout),
            2 => Some(Channel::Stderr),
            3 => Some(Channel::Log),
            _ => None,
        }
    }
}

/// The pair that switches the stream to `channel`.
pub const fn select(channel: Channel) -> [u8; 2] {
    [ESCAPE, channel as u8]
}

/// Passes `bytes` to `emit` as the stream carries them (each `ESCAPE` doubled), in
/// pieces of `bytes` itself: nothing is copied.
pub fn escape(bytes: &[u8], mut emit: impl FnMut(&[u8])) {
    let mut rest = bytes;
    while let Some(i) = rest.iter().position(|&b| b == ESCAPE) {
        // The run up to and including the ESCAPE byte, then the ESCAPE again.
        emit(&rest[..=i]);
        emit(&[ESCAPE]);
        rest = &rest[i + 1..];
    }
    if !rest.is_empty() {
        emit(rest);
    }
}

/// The stream's state at the writer: the channel selected last (`None` before the first
/// write), so a writer that continues the same channel sends no selection.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Encoder {
    current: Option<Channel>,
}

impl Encoder {
    pub const fn new() -> Self {
        Encoder { current: None }
    }

    /// An encoder whose stream has `current` selected.
    pub const fn with_current(current: Option<Channel>) -> Self {
        Encoder { current }
    }

    /// Passes to `emit` what sends `bytes` to `channel`.
    pub fn write(&mut self, channel: Channel, bytes: &[u8], mut emit: impl FnMut(&[u8])) {
        if bytes.is_empty() {
            return;
        }
        if self.current != Some(channel) {
            emit(&select(channel));
            self.current = Some(channel);
        }
        escape(bytes, emit);
    }

    /// The channel selected last.
    pub fn current(&self) -> Option<Channel> {
        self.current
    }

    /// Switches the stream back to `channel` (after a write nested inside another, so the
    /// interrupted writer's remaining bytes reach its own channel).
    pub fn restore(&mut self, channel: Option<Channel>, mut emit: impl FnMut(&[u8])) {
        if let Some(c) = channel
            && self.current != Some(c)
        {
            emit(&select(c));
            self.current = Some(c);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec::Vec;

    fn encode(writes: &[(Channel, &[u8])]) -> Vec<u8> {
        let mut e = Encoder::new();
        let mut out = Vec::new();
        for &(c, b) in writes {
            e.write(c, b, |piece| out.extend_from_slice(piece));
        }
        out
    }

    #[test]
    fn text_is_selected_once_per_switch() {
        let out = encode(&[
            (Channel::Stdout, b"one "),
            (Channel::Stdout, b"two\n"),
            (Channel::Stderr, b"err\n"),
            (Channel::Log, b"log\n"),
            (Channel::Stdout, b"three\n"),
        ]);
        assert_eq!(
            out,
            b"\xff\x01one two\n\xff\x02err\n\xff\x03log\n\xff\x01three\n".to_vec()
        );
    }

    #[test]
    fn escape_bytes_are_doubled() {
        let out = encode(&[(Channel::Stderr, b"\xff\x01\xffx\xff")]);
        assert_eq!(out, b"\xff\x02\xff\xff\x01\xff\xffx\xff\xff".to_vec());
    }

    #[test]
    fn channel_numbers() {
        for c in [Channel::Stdout, Channel::Stderr, Channel::Log] {
            assert_eq!(Channel::from_number(c as u8), Some(c));
            assert_eq!(Encoder::with_current(Some(c)).current(), Some(c));
        }
        assert_eq!(Channel::from_number(0), None);
        assert_eq!(Channel::from_number(ESCAPE), None);
    }

    #[test]
    fn empty_writes_send_nothing() {
        assert!(encode(&[(Channel::Log, b"")]).is_empty());
    }

    /// The same bytes tools/eremit/src/demux.rs's test decodes: the two ends agree.
    #[test]
    fn the_runner_test_vector() {
        let out = encode(&[
            (Channel::Stdout, b"out \xff\n"),
            (Channel::Stderr, b"err\n"),
            (Channel::Log, b"\n@@EREMIT-EXIT 3@@\n"),
        ]);
        assert_eq!(
            out,
            b"\xff\x01out \xff\xff\n\xff\x02err\n\xff\x03\n@@EREMIT-EXIT 3@@\n".to_vec()
        );
    }

    #[test]
    fn restore_after_a_nested_write() {
        let mut e = Encoder::new();
        let mut out = Vec::new();
        e.write(Channel::Stdout, b"ab", |p| out.extend_from_slice(p));
        let interrupted = e.current();
        e.write(Channel::Stderr, b"crash", |p| out.extend_from_slice(p));
        e.restore(interrupted, |p| out.extend_from_slice(p));
        e.write(Channel::Stdout, b"cd", |p| out.extend_from_slice(p));
        assert_eq!(out, b"\xff\x01ab\xff\x02crash\xff\x01cd".to_vec());
        // Restoring what is already selected, or nothing, sends nothing.
        let before = out.len();
        e.restore(Some(Channel::Stdout), |p| out.extend_from_slice(p));
        e.restore(None, |p| out.extend_from_slice(p));
        assert_eq!(out.len(), before);
    }
}
