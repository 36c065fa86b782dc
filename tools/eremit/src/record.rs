//! The exit record on the kernel log channel: a line `@@EREMIT-EXIT <code>@@`
//! where `<code>` is a decimal `i32`.

const PREFIX: &str = "@@EREMIT-EXIT ";
const SUFFIX: &str = "@@";
/// Longest partial line kept back while waiting for its newline.
const MAX_LINE: usize = 64 * 1024;

/// Finds an exit record in one log line (without its line terminator).
/// Returns the text before the record (other log output that shared the
/// line, usually empty) and the code.
pub fn parse_exit_record(line: &[u8]) -> Option<(&[u8], i32)> {
    let prefix = PREFIX.as_bytes();
    let start = line.windows(prefix.len()).position(|w| w == prefix)?;
    let rest = &line[start + prefix.len()..];
    let end = rest
        .windows(SUFFIX.len())
        .position(|w| w == SUFFIX.as_bytes())?;
    let number = std::str::from_utf8(&rest[..end]).ok()?;
    let valid = {
        let digits = number.strip_prefix('-').unwrap_or(number);
        !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
    };
    if !valid {
        return None;
    }
    let code = number.parse::<i32>().ok()?;
    Some((&line[..start], code))
}

/// The process exit status for a guest exit code: its low 8 bits.
pub fn exit_status(code: i32) -> i32 {
    code & 0xff
}

/// Splits the kernel log stream into lines, takes out the exit record and
/// passes everything else on.
#[derive(Debug, Default)]
pub struct LogFilter {
    pending: Vec<u8>,
    code: Option<i32>,
}

impl LogFilter {
    pub fn new() -> Self {
        Self::default()
    }

    /// The exit code from the first exit record seen so far.
    pub fn exit_code(&self) -> Option<i32> {
        self.code
    }

    /// Feeds bytes read from the channel. Returns the complete log lines
    /// (with their `\n`) that should be shown, the exit record removed.
    pub fn feed(&mut self, bytes: &[u8]) -> Vec<u8> {
        self.pending.extend_from_slice(bytes);
        let mut shown = Vec::new();
        let mut consumed = 0;
        while let Some(nl) = self.pending[consumed..].iter().position(|&b| b == b'\n') {
            let line_end = consumed + nl;
            self.take_line(consumed, line_end, true, &mut shown);
            consumed = line_end + 1;
        }
        self.pending.drain(..consumed);
        if self.code.is_none() {
            // A record on a line that is not finished yet still counts, so the
            // runner knows the guest is done even before the newline arrives.
            if let Some((_, code)) = parse_exit_record(&self.pending) {
                self.code = Some(code);
            }
        }
        if self.pending.len() > MAX_LINE {
            // Never hold on to unbounded output without newlines.
            let len = self.pending.len();
            self.take_line(0, len, false, &mut shown);
            self.pending.clear();
        }
        shown
    }

    /// Ends the stream: handles a last line without `\n`.
    pub fn finish(&mut self) -> Vec<u8> {
        let mut shown = Vec::new();
        if !self.pending.is_empty() {
            let len = self.pending.len();
            self.take_line(0, len, false, &mut shown);
            self.pending.clear();
        }
        shown
    }

    fn take_line(&mut self, start: usize, end: usize, newline: bool, shown: &mut Vec<u8>) {
        let line = &self.pending[start..end];
        let content = line.strip_suffix(b"\r").unwrap_or(line);
        if let Some((before, code)) = parse_exit_record(content) {
            if self.code.is_none() {
                self.code = Some(code);
            }
            if !before.iter().all(u8::is_ascii_whitespace) {
                shown.extend_from_slice(before);
                shown.push(b'\n');
            }
            return;
        }
        shown.extend_from_slice(line);
        if newline {
            shown.push(b'\n');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_records() {
        assert_eq!(parse_exit_record(b"@@EREMIT-EXIT 0@@"), Some((&b""[..], 0)));
        assert_eq!(
            parse_exit_record(b"@@EREMIT-EXIT 42@@"),
            Some((&b""[..], 42))
        );
        assert_eq!(
            parse_exit_record(b"@@EREMIT-EXIT -1@@"),
            Some((&b""[..], -1))
        );
        assert_eq!(
            parse_exit_record(b"@@EREMIT-EXIT 2147483647@@"),
            Some((&b""[..], i32::MAX))
        );
        assert_eq!(
            parse_exit_record(b"@@EREMIT-EXIT -2147483648@@"),
            Some((&b""[..], i32::MIN))
        );
        assert_eq!(
            parse_exit_record(b"[1.0] bye @@EREMIT-EXIT 7@@"),
            Some((&b"[1.0] bye "[..], 7))
        );
    }

    #[test]
    fn rejects_malformed_records() {
        for bad in [
            &b"@@EREMIT-EXIT @@"[..],
            b"@@EREMIT-EXIT 1",
            b"@@EREMIT-EXIT x@@",
            b"@@EREMIT-EXIT +1@@",
            b"@@EREMIT-EXIT 1 @@",
            b"@@EREMIT-EXIT -@@",
            b"@@EREMIT-EXIT 2147483648@@",
            b"@@EREMIT-EXIT1@@",
            b"EREMIT-EXIT 1",
            b"",
        ] {
            assert_eq!(
                parse_exit_record(bad),
                None,
                "{:?}",
                String::from_utf8_lossy(bad)
            );
        }
    }

    #[test]
    fn status_is_low_byte() {
        assert_eq!(exit_status(0), 0);
        assert_eq!(exit_status(3), 3);
        assert_eq!(exit_status(255), 255);
        assert_eq!(exit_status(256), 0);
        assert_eq!(exit_status(257), 1);
        assert_eq!(exit_status(-1), 255);
        assert_eq!(exit_status(i32::MIN), 0);
    }

    #[test]
    fn filter_strips_record_across_chunks() {
        let mut f = LogFilter::new();
        let mut shown = f.feed(b"boot ok\nmount");
        shown.extend(f.feed(b"ing fs\n@@EREMIT-"));
        assert_eq!(f.exit_code(), None);
        shown.extend(f.feed(b"EXIT 5@@\n"));
        assert_eq!(f.exit_code(), Some(5));
        shown.extend(f.finish());
        assert_eq!(shown, b"boot ok\nmounting fs\n");
    }

    #[test]
    fn filter_keeps_text_before_record_and_handles_crlf() {
        let mut f = LogFilter::new();
        let shown = f.feed(b"panic? no @@EREMIT-EXIT 1@@\r\nlate\r\n");
        assert_eq!(shown, b"panic? no \nlate\r\n");
        assert_eq!(f.exit_code(), Some(1));
    }

    #[test]
    fn filter_final_line_without_newline() {
        let mut f = LogFilter::new();
        assert_eq!(f.feed(b"a\nb"), b"a\n");
        assert_eq!(f.finish(), b"b");
        let mut f = LogFilter::new();
        assert_eq!(f.feed(b"@@EREMIT-EXIT 9@@"), b"");
        assert_eq!(f.exit_code(), Some(9));
        assert_eq!(f.finish(), b"");
        assert_eq!(f.exit_code(), Some(9));
    }

    #[test]
    fn filter_bounds_long_lines() {
        let mut f = LogFilter::new();
        let big = vec![b'x'; MAX_LINE + 1];
        assert_eq!(f.feed(&big).len(), MAX_LINE + 1);
        assert_eq!(f.finish(), b"");
    }

    #[test]
    fn first_record_wins() {
        let mut f = LogFilter::new();
        f.feed(b"@@EREMIT-EXIT 1@@\n@@EREMIT-EXIT 2@@\n");
        assert_eq!(f.exit_code(), Some(1));
    }
}
