//! Threads that move guest and QEMU output to where it belongs, as it
//! arrives.

use crate::annotate::LineAnnotator;
use crate::backtrace::Symboliser;
use crate::record::LogFilter;
use std::fs::File;
use std::io::{self, Read, Write};
use std::sync::{Arc, OnceLock};
use std::thread::{self, JoinHandle};
use std::time::Instant;

const CHUNK: usize = 16 * 1024;
/// How much of QEMU's own output is kept to show after a failure.
const MAX_CAPTURE: usize = 64 * 1024;

/// Where a stream goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sink {
    Stdout,
    Stderr,
}

impl Sink {
    /// Writes and flushes. Errors (such as a closed pipe) are reported to the
    /// caller, which keeps draining the channel so QEMU never blocks.
    fn write(self, bytes: &[u8]) -> io::Result<()> {
        match self {
            Sink::Stdout => {
                let mut out = io::stdout().lock();
                out.write_all(bytes)?;
                out.flush()
            }
            Sink::Stderr => {
                let mut err = io::stderr().lock();
                err.write_all(bytes)?;
                err.flush()
            }
        }
    }
}

/// Calls `f` with each chunk read from `reader` until EOF or a read error.
fn for_each_chunk(mut reader: impl Read, mut f: impl FnMut(&[u8])) {
    let mut buf = vec![0u8; CHUNK];
    loop {
        match reader.read(&mut buf) {
            Ok(0) => return,
            Ok(n) => f(&buf[..n]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => return,
        }
    }
}

/// Passes a stream through unchanged, or with backtrace frame lines
/// symbolised.
enum Filter<F> {
    Plain,
    Frames(LineAnnotator<F>),
}

/// A `Filter` that symbolises frame lines with `symbols`, if given.
fn frame_filter(symbols: Option<Arc<Symboliser>>) -> Filter<impl FnMut(&[u8]) -> Option<Vec<u8>>> {
    match symbols {
        Some(s) => Filter::Frames(LineAnnotator::new(move |line: &[u8]| s.annotate(line))),
        None => Filter::Plain,
    }
}

impl<F: FnMut(&[u8]) -> Option<Vec<u8>>> Filter<F> {
    /// Calls `write` with what `bytes` becomes, if anything.
    fn feed(&mut self, bytes: &[u8], mut write: impl FnMut(&[u8])) {
        match self {
            Filter::Plain => write(bytes),
            Filter::Frames(a) => {
                let out = a.feed(bytes);
                if !out.is_empty() {
                    write(&out);
                }
            }
        }
    }

    /// Calls `write` with anything still held at the end of the stream.
    fn finish(&mut self, mut write: impl FnMut(&[u8])) {
        if let Filter::Frames(a) = self {
            let out = a.finish();
            if !out.is_empty() {
                write(&out);
            }
        }
    }
}

/// Copies an application stream to `sink`, symbolising backtrace frame lines
/// with `symbols` if given.
pub fn spawn_copy(reader: File, sink: Sink, symbols: Option<Arc<Symboliser>>) -> JoinHandle<()> {
    thread::spawn(move || {
        let mut filter = frame_filter(symbols);
        let mut sink_ok = true;
        let mut write = |bytes: &[u8]| {
            if sink_ok {
                sink_ok = sink.write(bytes).is_ok();
            }
        };
        for_each_chunk(reader, |bytes| filter.feed(bytes, &mut write));
        filter.finish(&mut write);
    })
}

/// The exit record once seen: the guest's code and when it arrived.
pub type ExitRecord = Arc<OnceLock<(i32, Instant)>>;

/// Reads the kernel log: records the exit code in `record`, and shows the
/// rest on stderr when `verbose` (backtrace frame lines symbolised with
/// `symbols` if given).
pub fn spawn_log(
    reader: File,
    verbose: bool,
    record: ExitRecord,
    symbols: Option<Arc<Symboliser>>,
) -> JoinHandle<()> {
    thread::spawn(move || {
        let mut filter = LogFilter::new();
        let mut frames = frame_filter(symbols.filter(|_| verbose));
        let mut sink_ok = true;
        let mut show = |bytes: &[u8]| {
            if verbose && sink_ok && !bytes.is_empty() {
                sink_ok = Sink::Stderr.write(bytes).is_ok();
            }
        };
        for_each_chunk(reader, |bytes| {
            let shown = filter.feed(bytes);
            if let Some(code) = filter.exit_code() {
                let _ = record.set((code, Instant::now()));
            }
            frames.feed(&shown, &mut show);
        });
        let shown = filter.finish();
        if let Some(code) = filter.exit_code() {
            let _ = record.set((code, Instant::now()));
        }
        frames.feed(&shown, &mut show);
        frames.finish(&mut show);
    })
}

/// Collects QEMU's own stdout or stderr (the last `MAX_CAPTURE` bytes),
/// echoing it to stderr at once when `echo`.
pub fn spawn_capture(reader: impl Read + Send + 'static, echo: bool) -> JoinHandle<Vec<u8>> {
    thread::spawn(move || {
        let mut kept = Vec::new();
        let mut sink_ok = true;
        for_each_chunk(reader, |bytes| {
            if echo && sink_ok {
                sink_ok = Sink::Stderr.write(bytes).is_ok();
            }
            kept.extend_from_slice(bytes);
            if kept.len() > MAX_CAPTURE {
                kept.drain(..kept.len() - MAX_CAPTURE);
            }
        });
        kept
    })
}
