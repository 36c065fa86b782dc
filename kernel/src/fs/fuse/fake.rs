//! A tiny FUSE daemon for the host tests: a tree of directories, files and symbolic
//! links answering INIT, LOOKUP, GETATTR, READLINK and FORGET, and counting the lookup
//! references it handed out.

use alloc::sync::Arc;
use alloc::vec::Vec;
use hermit_sync::SpinMutex;

use super::proto::{self, ATTR_LEN, IN_HEADER_LEN, OUT_HEADER_LEN};
use super::volume::{Channel, S_IFLNK, Volume};
use crate::abi::{S_IFDIR, S_IFREG};

struct FakeNode {
    parent: u64,
    name: Vec<u8>,
    mode: u32,
    data: Vec<u8>,
}

#[derive(Default)]
struct State {
    /// Node `id` is `nodes[id - 1]`; the root is 1.
    nodes: Vec<FakeNode>,
    outstanding: i64,
    requests: usize,
}

pub struct FakeDaemon(SpinMutex<State>);

fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(b[at..at + 4].try_into().unwrap())
}
fn u64_at(b: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(b[at..at + 8].try_into().unwrap())
}

impl FakeDaemon {
    /// A daemon with an empty root, and a volume mounted from it.
    pub fn volume(read_only: bool) -> (Arc<Volume>, Arc<FakeDaemon>) {
        let d = Arc::new(FakeDaemon(SpinMutex::new(State::default())));
        d.add(0, b"", S_IFDIR | 0o755, b"");
        let chan: Arc<dyn Channel> = d.clone();
        (Volume::new(chan, read_only, 42).unwrap(), d)
    }

    fn add(&self, parent: u64, name: &[u8], mode: u32, data: &[u8]) -> u64 {
        let mut s = self.0.lock();
        s.nodes.push(FakeNode {
            parent,
            name: name.to_vec(),
            mode,
            data: data.to_vec(),
        });
        s.nodes.len() as u64
    }

    pub fn mkdir(&self, parent: u64, name: &[u8]) -> u64 {
        self.add(parent, name, S_IFDIR | 0o755, b"")
    }
    pub fn file(&self, parent: u64, name: &[u8], data: &[u8]) -> u64 {
        self.add(parent, name, S_IFREG | 0o644, data)
    }
    pub fn symlink(&self, parent: u64, name: &[u8], target: &[u8]) -> u64 {
        self.add(parent, name, S_IFLNK | 0o777, target)
    }
    pub fn outstanding(&self) -> i64 {
        self.0.lock().outstanding
    }
    /// Requests other than INIT.
    pub fn requests_after_init(&self) -> usize {
        self.0.lock().requests
    }
}

fn attr(id: u64, n: &FakeNode) -> Vec<u8> {
    let mut v = Vec::with_capacity(ATTR_LEN);
    for x in [id, n.data.len() as u64, 0, 0, 0, 0] {
        v.extend_from_slice(&x.to_le_bytes());
    }
    for x in [0u32, 0, 0, n.mode, 1, 0, 0, 0, 4096, 0] {
        v.extend_from_slice(&x.to_le_bytes());
    }
    v
}

impl Channel for FakeDaemon {
    fn call(&self, req: Vec<u8>, reply_len: usize) -> Result<Vec<u8>, crate::abi::errno::Errno> {
        let mut s = self.0.lock();
        let op = u32_at(&req, 4);
        let unique = u64_at(&req, 8);
        let node = u64_at(&req, 16);
        let args = &req[IN_HEADER_LEN..];
        if op != proto::Opcode::Init as u32 {
            s.requests += 1;
        }
        let result: Result<Vec<u8>, i32> = match op {
            26 => {
                let mut p = Vec::new();
                for x in [7u32, 31, 0, 0, 0, 1 << 20] {
                    p.extend_from_slice(&x.to_le_bytes());
                }
                p.resize(proto::INIT_OUT_LEN, 0);
                Ok(p)
            }
            1 => {
                let name = &args[..args.len() - 1];
                match s
                    .nodes
                    .iter()
                    .position(|n| n.parent == node && n.name == name)
                {
                    Some(i) => {
                        s.outstanding += 1;
                        let id = i as u64 + 1;
                        let mut p = Vec::new();
                        for x in [id, 0, 0, 0, 0] {
                            p.extend_from_slice(&x.to_le_bytes());
                        }
                        p.extend_from_slice(&attr(id, &s.nodes[i]));
                        Ok(p)
                    }
                    None => Err(-2),
                }
            }
            3 => {
                let n = &s.nodes[node as usize - 1];
                let mut p = alloc::vec![0u8; 16];
                p.extend_from_slice(&attr(node, n));
                Ok(p)
            }
            5 => Ok(s.nodes[node as usize - 1].data.clone()),
            15 => {
                let (offset, size) = (u64_at(args, 8) as usize, u32_at(args, 16) as usize);
                let data = &s.nodes[node as usize - 1].data;
                let start = offset.min(data.len());
                Ok(data[start..(start + size).min(data.len())].to_vec())
            }
            2 => {
                s.outstanding -= u64_at(args, 0) as i64;
                return Ok(Vec::new());
            }
            42 => {
                let count = u32_at(args, 0) as usize;
                for i in 0..count {
                    s.outstanding -= u64_at(args, 8 + 16 * i + 8) as i64;
                }
                return Ok(Vec::new());
            }
            _ => Err(-38),
        };
        let (error, payload) = match result {
            Ok(p) => (0, p),
            Err(e) => (e, Vec::new()),
        };
        let mut out = Vec::new();
        out.extend_from_slice(&((OUT_HEADER_LEN + payload.len()) as u32).to_le_bytes());
        out.extend_from_slice(&error.to_le_bytes());
        out.extend_from_slice(&unique.to_le_bytes());
        out.extend_from_slice(&payload);
        assert!(
            out.len() <= reply_len,
            "reply of {} > {reply_len}",
            out.len()
        );
        Ok(out)
    }

    fn send(&self, req: Vec<u8>) {
        let _ = self.call(req, 0);
    }
}
