//! tokio's process backend for target_os = "hermit" (written for Eremit,
//! compat/tokio/process_hermit.rs; installed as src/process/hermit.rs by adapt.py).
//!
//! A unikernel runs one program: std's `Command::spawn` fails with `Unsupported` there,
//! so no child process, and no pipe to one, can ever exist. The types are uninhabited
//! and the functions that would take one of std's children or pipes fail the same way,
//! so `tokio::process` (and with it tokio's `full` feature) builds and reports the error
//! at run time, as std does.

use crate::io::{AsyncRead, AsyncWrite, ReadBuf};
use crate::process::kill::Kill;
use crate::process::SpawnedChild;

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::process::{Child as StdChild, ExitStatus, Stdio};
use std::task::{Context, Poll};

fn unsupported() -> io::Error {
    io::Error::new(
        io::ErrorKind::Unsupported,
        "no child processes on hermit: a unikernel runs one program",
    )
}

/// A running child: there is none.
#[derive(Debug)]
pub(crate) enum Child {}

pub(crate) fn build_child(_child: StdChild) -> io::Result<SpawnedChild> {
    Err(unsupported())
}

impl Child {
    pub(crate) fn id(&self) -> u32 {
        match *self {}
    }

    pub(crate) fn try_wait(&mut self) -> io::Result<Option<ExitStatus>> {
        match *self {}
    }
}

impl Kill for Child {
    fn kill(&mut self) -> io::Result<()> {
        match *self {}
    }
}

impl Future for Child {
    type Output = io::Result<ExitStatus>;

    fn poll(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Self::Output> {
        match *self.get_mut() {}
    }
}

/// A pipe to a child: there is none.
#[derive(Debug)]
pub(crate) enum ChildStdio {}

pub(crate) type ChildStdin = ChildStdio;
pub(crate) type ChildStdout = ChildStdio;
pub(crate) type ChildStderr = ChildStdio;

impl ChildStdio {
    pub(super) fn into_stdio(self) -> io::Result<Stdio> {
        match self {}
    }
}

impl AsyncRead for ChildStdio {
    fn poll_read(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        _buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match *self.get_mut() {}
    }
}

impl AsyncWrite for ChildStdio {
    fn poll_write(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        _buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match *self.get_mut() {}
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match *self.get_mut() {}
    }

    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match *self.get_mut() {}
    }
}

/// Wraps one of std's child pipes (`ChildStdin::from_std` and friends): std cannot
/// make one on hermit.
pub(super) fn stdio<T>(_io: T) -> io::Result<ChildStdio> {
    Err(unsupported())
}
