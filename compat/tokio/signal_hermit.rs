//! tokio's signal backend for target_os = "hermit" (written for Eremit,
//! compat/tokio/signal_hermit.rs; installed as src/signal/hermit.rs by adapt.py).
//!
//! No signal ever reaches a unikernel: there are no other processes to send one, and
//! Ctrl-C at the runner ends the whole VM. So `tokio::signal::ctrl_c()` waits for ever,
//! as it does on a Unix system where nobody presses Ctrl-C, and programs that shut down
//! gracefully on Ctrl-C (e.g. axum's `with_graceful_shutdown(ctrl_c())`) build and run
//! unchanged. Failing instead would end them at once: such programs `expect` ctrl_c's
//! result.

use super::RxFuture;
use crate::sync::watch;

use std::io;
use std::sync::OnceLock;

pub(super) fn ctrl_c() -> io::Result<RxFuture> {
    // A sender that lives as long as the program and never sends.
    static NEVER: OnceLock<watch::Sender<()>> = OnceLock::new();
    let tx = NEVER.get_or_init(|| watch::channel(()).0);
    Ok(RxFuture::new(tx.subscribe()))
}
