//! Rewrites backtrace frame lines in a stream while keeping it streaming:
//! only a line that starts with blanks followed by `#` is held back until its
//! newline (and the blanks at the start of a line, until the next byte shows
//! what the line is); everything else passes straight through.

/// Longest run of blanks held at the start of a line.
const MAX_INDENT: usize = 256;
/// Longest candidate line held while waiting for its newline.
const MAX_HELD: usize = 4096;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// At the start of a line, possibly after blanks (held).
    LineStart,
    /// In a line that starts with blanks and `#` (held).
    Candidate,
    /// In any other line (passed through).
    Passing,
}

/// Feeds chunks of a stream through, rewriting candidate lines with
/// `rewrite`, which gets a line without its `\n` and returns its replacement
/// or `None` to keep it.
pub struct LineAnnotator<F> {
    state: State,
    held: Vec<u8>,
    rewrite: F,
}

impl<F: FnMut(&[u8]) -> Option<Vec<u8>>> LineAnnotator<F> {
    pub fn new(rewrite: F) -> Self {
        Self {
            state: State::LineStart,
            held: Vec::new(),
            rewrite,
        }
    }

    /// Takes the next chunk; returns what can be written now.
    pub fn feed(&mut self, mut bytes: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(bytes.len());
        while let Some((&b, rest)) = bytes.split_first() {
            match self.state {
                State::Passing => {
                    let (line, rest) = split_line(bytes);
                    out.extend_from_slice(line);
                    if line.ends_with(b"\n") {
                        self.state = State::LineStart;
                    }
                    bytes = rest;
                }
                State::LineStart => {
                    bytes = rest;
                    if b == b' ' || b == b'\t' {
                        self.held.push(b);
                        if self.held.len() > MAX_INDENT {
                            self.release(&mut out, State::Passing);
                        }
                    } else if b == b'#' && !self.held.is_empty() {
                        self.held.push(b);
                        self.state = State::Candidate;
                    } else {
                        self.held.push(b);
                        let next = if b == b'\n' {
                            State::LineStart
                        } else {
                            State::Passing
                        };
                        self.release(&mut out, next);
                    }
                }
                State::Candidate => {
                    let (line, rest) = split_line(bytes);
                    self.held.extend_from_slice(line);
                    bytes = rest;
                    if line.ends_with(b"\n") {
                        self.held.pop();
                        self.rewrite_held(&mut out);
                        out.push(b'\n');
                        self.state = State::LineStart;
                    } else if self.held.len() > MAX_HELD {
                        self.release(&mut out, State::Passing);
                    }
                }
            }
        }
        out
    }

    /// Ends the stream: returns whatever is still held (a last candidate line
    /// without a newline is rewritten too).
    pub fn finish(&mut self) -> Vec<u8> {
        let mut out = Vec::new();
        match self.state {
            State::Candidate => self.rewrite_held(&mut out),
            State::LineStart | State::Passing => out.append(&mut self.held),
        }
        self.state = State::LineStart;
        out
    }

    /// Passes the held bytes on unchanged.
    fn release(&mut self, out: &mut Vec<u8>, next: State) {
        out.append(&mut self.held);
        self.state = next;
    }

    /// Passes the held line (without `\n`) on, rewritten if `rewrite` says so.
    fn rewrite_held(&mut self, out: &mut Vec<u8>) {
        match (self.rewrite)(&self.held) {
            Some(line) => out.extend_from_slice(&line),
            None => out.extend_from_slice(&self.held),
        }
        self.held.clear();
    }
}

/// Splits after the first `\n`, or returns everything as the first part.
fn split_line(bytes: &[u8]) -> (&[u8], &[u8]) {
    match bytes.iter().position(|&b| b == b'\n') {
        Some(i) => bytes.split_at(i + 1),
        None => (bytes, &[]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Upper-cases candidate lines that contain "x", and records every line
    /// it was asked about.
    fn upper(seen: &mut Vec<String>) -> impl FnMut(&[u8]) -> Option<Vec<u8>> + '_ {
        |line| {
            seen.push(String::from_utf8_lossy(line).into_owned());
            line.contains(&b'x').then(|| line.to_ascii_uppercase())
        }
    }

    fn run_chunks(chunks: &[&[u8]]) -> (Vec<Vec<u8>>, Vec<u8>, Vec<String>) {
        let mut seen = Vec::new();
        let mut a = LineAnnotator::new(upper(&mut seen));
        let mut outs: Vec<Vec<u8>> = chunks.iter().map(|c| a.feed(c)).collect();
        let last = a.finish();
        outs.push(last);
        let all = outs.concat();
        drop(a);
        (outs, all, seen)
    }

    #[test]
    fn other_lines_stream_through_at_once() {
        let (outs, all, seen) = run_chunks(&[b"hello", b" world\n#x no indent\n", b"  a # x"]);
        assert_eq!(outs[0], b"hello");
        assert_eq!(outs[1], b" world\n#x no indent\n");
        assert_eq!(outs[2], b"  a # x");
        assert_eq!(all, b"hello world\n#x no indent\n  a # x");
        assert!(seen.is_empty());
    }

    #[test]
    fn candidate_lines_wait_for_their_newline() {
        let (outs, all, seen) = run_chunks(&[b"a\n  ", b"  #0 x", b"y\n  #1 keep\r\nz"]);
        assert_eq!(outs[0], b"a\n");
        assert_eq!(outs[1], b"");
        assert_eq!(outs[2], b"    #0 XY\n  #1 keep\r\nz");
        assert_eq!(all, b"a\n    #0 XY\n  #1 keep\r\nz");
        assert_eq!(seen, ["    #0 xy", "  #1 keep\r"]);
    }

    #[test]
    fn byte_by_byte_matches_one_chunk() {
        let text: &[u8] = b"crash\n  backtrace:\n    #0  x1\n    #1  x2  (scan)\n\n  \n\tdone\n";
        let (_, whole, _) = run_chunks(&[text]);
        let bytes: Vec<&[u8]> = text.chunks(1).collect();
        let (_, split, _) = run_chunks(&bytes);
        assert_eq!(whole, split);
        assert_eq!(
            whole,
            b"crash\n  backtrace:\n    #0  X1\n    #1  X2  (SCAN)\n\n  \n\tdone\n"
        );
    }

    #[test]
    fn last_line_without_newline_is_rewritten_at_the_end() {
        let (outs, all, _) = run_chunks(&[b" #x"]);
        assert_eq!(outs[0], b"");
        assert_eq!(all, b" #X");
        let (_, all, _) = run_chunks(&[b"   "]);
        assert_eq!(all, b"   ");
    }

    #[test]
    fn held_text_is_bounded() {
        let blanks = vec![b' '; MAX_INDENT + 1];
        let (outs, _, _) = run_chunks(&[&blanks, b"#x\n"]);
        assert_eq!(outs[0], blanks);
        assert_eq!(outs[1], b"#x\n");

        let mut long = b"  #".to_vec();
        long.resize(MAX_HELD + 1, b'x');
        let (outs, _, seen) = run_chunks(&[&long, b"x\n  #x\n"]);
        assert_eq!(outs[0], long);
        assert_eq!(outs[1], b"x\n  #X\n");
        assert_eq!(seen, ["  #x"]);
    }
}
