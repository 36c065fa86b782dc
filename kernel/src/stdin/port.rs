//! The virtio console port behind standard input: opened on first use, read through
//! `framing::Deframer`, waited on with the readiness counter that sockets and `poll`
//! share (`net::events`), which the device's interrupt advances.

use core::sync::atomic::{AtomicU64, Ordering};

use hermit_sync::InterruptSpinMutex;

use super::framing::Deframer;
use crate::abi::errno::EAGAIN;
use crate::abi::net::{POLLHUP, POLLIN};
use crate::drivers::virtio::any_transport::{self, AnyTransport};
use crate::drivers::virtio::console::{self, VirtioConsole};
use crate::drivers::virtio::mmio;
use crate::drivers::virtio::{DEVICE_CONSOLE, Transport};
use crate::fs::Errno;
use crate::net::events;

/// What the guest sends the runner to start the stream (any byte would do).
const START_REQUEST: u8 = b'S';

enum Port {
    /// Not looked for yet (nothing has read or polled descriptor 0).
    Unopened,
    /// No console device: end of file.
    Absent,
    Open(Reader),
}

struct Reader {
    dev: VirtioConsole<AnyTransport>,
    /// The received buffer being read: its index, the bytes it holds, the bytes used.
    current: Option<(u16, usize, usize)>,
    deframer: Deframer,
}

static PORT: InterruptSpinMutex<Port> = InterruptSpinMutex::new(Port::Unopened);
/// The MMIO window whose interrupt the handler acknowledges (0: MSI-X, nothing to do).
static ACK_BASE: AtomicU64 = AtomicU64::new(0);

/// The device filled a buffer: wake whoever waits (readers, `poll`).
fn interrupt() {
    let base = ACK_BASE.load(Ordering::Acquire);
    if base != 0 && mmio::ack_interrupt_at(base) == 0 {
        return; // not ours
    }
    events::signal();
}

/// Looks for the console and asks the runner to start sending.
fn open() -> Port {
    let Some(vector) = crate::arch::irq::register_device(interrupt) else {
        crate::klog!("eremit: stdin: no interrupt vector left; at end of file");
        return Port::Absent;
    };
    let stdin_console = |t: &dyn Transport| !console::is_signal_channel(t);
    let Some(found) = any_transport::find_where(DEVICE_CONSOLE, vector, stdin_console) else {
        crate::klog!("eremit: stdin: no console device; at end of file");
        return Port::Absent;
    };
    ACK_BASE.store(found.ack_base.unwrap_or(0), Ordering::Release);
    let mut dev = match VirtioConsole::new(found.transport, console::RX_BUFFERS) {
        Ok(dev) => dev,
        Err(e) => {
            crate::klog!("eremit: stdin: virtio-console: {e}; at end of file");
            return Port::Absent;
        }
    };
    if let Err(e) = dev.send_byte(START_REQUEST) {
        crate::klog!("eremit: stdin: start request: {e}; at end of file");
        return Port::Absent;
    }
    crate::klog!("eremit: stdin: virtio console ready, the runner asked to start sending");
    Port::Open(Reader {
        dev,
        current: None,
        deframer: Deframer::new(),
    })
}

impl Reader {
    /// Decodes received buffers into `out` until it is full (with an empty `out`: up to
    /// the next payload byte), the stream ended or nothing more has arrived; reposts
    /// the buffers used up. Returns the bytes delivered.
    ///
    /// Receive interrupts are on exactly while nothing is left to read, so a reader
    /// keeping up with a steady stream takes none, and data arriving into an empty ring
    /// always interrupts: every task that found nothing and sleeps (readers, `poll`)
    /// is woken, whatever other tasks read meanwhile.
    fn advance(&mut self, out: &mut [u8]) -> usize {
        let mut filled = 0;
        loop {
            let drained = self.consume(out, &mut filled);
            self.dev.set_receive_interrupts(drained);
            // Something may have arrived between the last look and the interrupts
            // going on, without an interrupt: take it now.
            if !drained || !self.dev.has_received() {
                break;
            }
        }
        self.dev.flush();
        filled
    }

    /// `advance` without the interrupt bookkeeping: delivers into `out[*filled..]`;
    /// true when everything received was used up (nothing left to read).
    fn consume(&mut self, out: &mut [u8], filled: &mut usize) -> bool {
        while !self.deframer.ended() {
            let (buffer, len, at) = match self.current {
                Some(c) => c,
                None => match self.dev.take_received() {
                    Some((buffer, len)) => (buffer, len, 0),
                    None => return true,
                },
            };
            // SAFETY: `buffer` came from `take_received` and is reposted only below,
            // after its last use.
            let input = unsafe { self.dev.received(buffer, at, len) };
            let (used, n) = self.deframer.decode(input, &mut out[*filled..]);
            *filled += n;
            let at = at + used;
            if at < len {
                // `out` is full or the stream ended: the rest waits for the next read.
                self.current = Some((buffer, len, at));
                return false;
            }
            self.current = None;
            self.dev.repost(buffer);
        }
        true
    }

    /// Whether a read would return at once (data, or end of file).
    fn pending(&mut self) -> bool {
        self.advance(&mut []);
        self.deframer.ended() || (self.deframer.in_payload() && self.current.is_some())
    }

    /// A read that does not wait: `None` when nothing has arrived.
    fn try_read(&mut self, buf: &mut [u8]) -> Option<usize> {
        let n = self.advance(buf);
        (n > 0 || self.deframer.ended()).then_some(n)
    }
}

/// Runs `f` on the open port; `None` when there is no console (end of file).
fn with_reader<R>(f: impl FnOnce(&mut Reader) -> R) -> Option<R> {
    let mut port = PORT.lock();
    if let Port::Unopened = *port {
        *port = open();
    }
    match &mut *port {
        Port::Open(reader) => Some(f(reader)),
        _ => None,
    }
}

/// `read` on descriptor 0: what has arrived (at least a byte), waiting for it unless
/// `nonblocking` (then `EAGAIN`); 0 at end of file.
pub fn read(buf: &mut [u8], nonblocking: bool) -> Result<usize, Errno> {
    if buf.is_empty() {
        return Ok(0);
    }
    loop {
        let seen = events::current();
        match with_reader(|r| r.try_read(buf)) {
            None => return Ok(0),
            Some(Some(n)) => return Ok(n),
            Some(None) if nonblocking => return Err(EAGAIN),
            Some(None) => {
                events::wait_interruptible(seen, None)?;
            }
        }
    }
}

/// What `poll` sees on descriptor 0: POLLIN when a read would not wait, with POLLHUP
/// once the runner's stdin ended (as a pipe whose writer closed); 0 while nothing has
/// arrived (the device's interrupt wakes `poll` when something does).
pub fn readiness() -> i16 {
    let state = with_reader(|r| r.pending().then(|| r.deframer.ended()));
    match state {
        None => POLLIN,
        Some(Some(true)) => POLLIN | POLLHUP,
        Some(Some(false)) => POLLIN,
        Some(None) => 0,
    }
}
