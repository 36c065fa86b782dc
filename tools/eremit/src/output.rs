//! Threads that move guest and QEMU output to where it belongs, as it
//! arrives.

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

/// Copies an application stream to `sink`.
pub fn spawn_copy(reader: File, sink: Sink) -> JoinHandle<()> {
    thread::spawn(move || {
        let mut sink_ok = true;
        for_each_chunk(reader, |bytes| {
            if sink_ok {
                sink_ok = sink.write(bytes).is_ok();
            }
        });
    })
}

/// The exit record once seen: the guest's code and when it arrived.
pub type ExitRecord = Arc<OnceLock<(i32, Instant)>>;

/// Reads the kernel log: records the exit code in `record`, and shows the
/// rest on stderr when `verbose`.
pub fn spawn_log(reader: File, verbose: bool, record: ExitRecord) -> JoinHandle<()> {
    thread::spawn(move || {
        let mut filter = LogFilter::new();
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
            show(&shown);
        });
        let shown = filter.finish();
        if let Some(code) = filter.exit_code() {
            let _ = record.set((code, Instant::now()));
        }
        show(&shown);
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
