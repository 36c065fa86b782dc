//! A reader for the flattened device tree (the DTB that QEMU's `virt` machine hands an
//! aarch64 kernel): the RAM ranges (`/memory*` nodes' `reg`), the kernel command line
//! (`/chosen/bootargs`) and the devices below the root (`devices`: each node's
//! `compatible`, `reg` and `interrupts`). Only what the boot needs; every read is
//! bounds-checked, so a malformed tree is an error, never a fault.

use crate::mm::regions::Range;

const MAGIC: u32 = 0xd00d_feed;
const BEGIN_NODE: u32 = 1;
const END_NODE: u32 = 2;
const PROP: u32 = 3;
const NOP: u32 = 4;
const END: u32 = 9;

/// A parsed header: the structure block and the strings block of one tree.
pub struct Fdt<'a> {
    structs: &'a [u8],
    strings: &'a [u8],
}

/// One property and the top-level node it is in ("" for the root's own).
pub struct Property<'a> {
    /// The name of the node below the root that holds the property (with its unit
    /// address, e.g. `memory@40000000`), or "" for the root's properties.
    pub node: &'a str,
    /// The depth of the holding node: 0 the root, 1 its children, ...
    pub depth: usize,
    pub name: &'a str,
    pub value: &'a [u8],
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at.checked_add(4)?)?;
    Some(u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
}

/// The NUL-terminated string at `at`.
fn cstr(b: &[u8], at: usize) -> Option<&str> {
    let rest = b.get(at..)?;
    let len = rest.iter().position(|&c| c == 0)?;
    core::str::from_utf8(&rest[..len]).ok()
}

/// The total size of the tree at `header` (its first 8 bytes), to know how much to read.
pub fn total_size(header: &[u8]) -> Option<usize> {
    (be32(header, 0)? == MAGIC).then_some(())?;
    Some(be32(header, 4)? as usize)
}

impl<'a> Fdt<'a> {
    pub fn parse(blob: &'a [u8]) -> Result<Self, &'static str> {
        if be32(blob, 0) != Some(MAGIC) {
            return Err("no device tree (bad magic)");
        }
        let field = |i: usize| be32(blob, 4 * i).ok_or("device tree header truncated");
        let total = field(1)? as usize;
        let (off_struct, off_strings) = (field(2)? as usize, field(3)? as usize);
        let (size_strings, size_struct) = (field(8)? as usize, field(9)? as usize);
        let blob = blob.get(..total).ok_or("device tree truncated")?;
        let structs = off_struct
            .checked_add(size_struct)
            .and_then(|end| blob.get(off_struct..end))
            .ok_or("device tree structure block out of bounds")?;
        let strings = off_strings
            .checked_add(size_strings)
            .and_then(|end| blob.get(off_strings..end))
            .ok_or("device tree strings block out of bounds")?;
        Ok(Self { structs, strings })
    }

    /// Calls `f` with every property, in order; stops at the first malformed token.
    pub fn for_each_property(&self, mut f: impl FnMut(&Property<'a>)) -> Result<(), &'static str> {
        const BAD: &str = "malformed device tree structure";
        let b = self.structs;
        let mut at = 0usize;
        let mut depth = 0usize; // nodes open
        let mut top: &'a str = "";
        loop {
            let token = be32(b, at).ok_or(BAD)?;
            at += 4;
            match token {
                BEGIN_NODE => {
                    let name = cstr(b, at).ok_or(BAD)?;
                    at = (at + name.len() + 1).next_multiple_of(4);
                    depth += 1;
                    if depth == 2 {
                        top = name;
                    }
                }
                END_NODE => {
                    depth = depth.checked_sub(1).ok_or(BAD)?;
                    if depth < 2 {
                        top = "";
                    }
                }
                PROP => {
                    let len = be32(b, at).ok_or(BAD)? as usize;
                    let name_off = be32(b, at + 4).ok_or(BAD)? as usize;
                    let start = at + 8;
                    let value = start
                        .checked_add(len)
                        .and_then(|end| b.get(start..end))
                        .ok_or(BAD)?;
                    let name = cstr(self.strings, name_off).ok_or(BAD)?;
                    f(&Property {
                        node: top,
                        depth: depth.saturating_sub(1),
                        name,
                        value,
                    });
                    at = (start + len).next_multiple_of(4);
                }
                NOP => {}
                END => return Ok(()),
                _ => return Err(BAD),
            }
        }
    }

    /// `/chosen/bootargs`, without its terminating NUL ("" when absent).
    pub fn bootargs(&self) -> Result<&'a str, &'static str> {
        let mut args = "";
        self.for_each_property(|p| {
            if p.depth == 1 && p.node == "chosen" && p.name == "bootargs" {
                args = cstr(p.value, 0).unwrap_or("");
            }
        })?;
        Ok(args)
    }

    /// The RAM ranges of the `/memory*` nodes, into `out`; returns how many there are
    /// (at most `out.len()`).
    pub fn memory(&self, out: &mut [Range]) -> Result<usize, &'static str> {
        let (mut addr_cells, mut size_cells) = (2usize, 1usize);
        let mut n = 0;
        let mut bad = false;
        self.for_each_property(|p| {
            if p.depth == 0 && p.name == "#address-cells" {
                addr_cells = be32(p.value, 0).unwrap_or(2) as usize;
            } else if p.depth == 0 && p.name == "#size-cells" {
                size_cells = be32(p.value, 0).unwrap_or(1) as usize;
            } else if p.depth == 1
                && (p.node == "memory" || p.node.starts_with("memory@"))
                && p.name == "reg"
            {
                let entry = 4 * (addr_cells + size_cells);
                if !(1..=2).contains(&addr_cells) || !(1..=2).contains(&size_cells) {
                    bad = true;
                    return;
                }
                for e in p.value.chunks_exact(entry) {
                    let cells = |from: usize, count: usize| {
                        (0..count).fold(0u64, |v, i| {
                            v << 32 | be32(e, 4 * (from + i)).unwrap_or(0) as u64
                        })
                    };
                    let start = cells(0, addr_cells);
                    let size = cells(addr_cells, size_cells);
                    if size > 0 && n < out.len() {
                        out[n] = Range::new(start, start.saturating_add(size));
                        n += 1;
                    }
                }
            }
        })?;
        if bad {
            return Err("unsupported #address-cells or #size-cells in the device tree");
        }
        Ok(n)
    }
}

/// A node below the root (a device, on `virt`): the properties the kernel looks at, raw.
#[derive(Clone, Copy, Default)]
pub struct Device<'a> {
    /// The node's name with its unit address (`pl011@9000000`).
    pub name: &'a str,
    /// NUL-separated strings, most specific first.
    pub compatible: &'a [u8],
    pub reg: &'a [u8],
    pub interrupts: &'a [u8],
    /// The root's `#address-cells` and `#size-cells`, which `reg` is written in.
    pub address_cells: usize,
    pub size_cells: usize,
}

impl<'a> Device<'a> {
    /// Whether one of the `compatible` strings is `name`.
    pub fn is_compatible(&self, name: &str) -> bool {
        self.compatible
            .split(|&c| c == 0)
            .any(|s| s == name.as_bytes())
    }

    /// The `index`th (address, size) pair of `reg`; `None` past the end or with cell
    /// counts other than 1 or 2.
    pub fn reg(&self, index: usize) -> Option<(u64, u64)> {
        let (ac, sc) = (self.address_cells, self.size_cells);
        if !(1..=2).contains(&ac) || !(1..=2).contains(&sc) {
            return None;
        }
        let entry = 4 * (ac + sc);
        let e = self.reg.get(index * entry..(index + 1) * entry)?;
        Some((cells(e, 0, ac), cells(e, ac, sc)))
    }

    /// The `index`th cell of `interrupts` (for the GIC's 3-cell specifiers: type, number,
    /// flags).
    pub fn interrupt_cell(&self, index: usize) -> Option<u32> {
        be32(self.interrupts, index.checked_mul(4)?)
    }
}

/// `count` big-endian cells from cell `from` of `e` as one number.
fn cells(e: &[u8], from: usize, count: usize) -> u64 {
    (0..count).fold(0u64, |v, i| {
        v << 32 | be32(e, 4 * (from + i)).unwrap_or(0) as u64
    })
}

impl<'a> Fdt<'a> {
    /// Calls `f` with every node directly below the root, in the tree's order (children
    /// of those nodes are not devices of their own here: the GIC's ITS, the cpus' list).
    pub fn devices(&self, mut f: impl FnMut(&Device<'a>)) -> Result<(), &'static str> {
        let (mut address_cells, mut size_cells) = (2usize, 1usize);
        let mut current: Option<Device<'a>> = None;
        self.for_each_property(|p| {
            if p.depth == 0 {
                match p.name {
                    "#address-cells" => address_cells = be32(p.value, 0).unwrap_or(2) as usize,
                    "#size-cells" => size_cells = be32(p.value, 0).unwrap_or(1) as usize,
                    _ => {}
                }
                return;
            }
            if p.depth != 1 {
                return;
            }
            // A node's own properties come before its children, so they are contiguous.
            if current.is_some_and(|d| d.name != p.node) {
                f(&current.take().unwrap_or_default());
            }
            let d = current.get_or_insert(Device {
                name: p.node,
                address_cells,
                size_cells,
                ..Device::default()
            });
            match p.name {
                "compatible" => d.compatible = p.value,
                "reg" => d.reg = p.value,
                "interrupts" => d.interrupts = p.value,
                _ => {}
            }
        })?;
        if let Some(d) = current {
            f(&d);
        }
        Ok(())
    }
}

impl<'a> Fdt<'a> {
    /// Property `name` of the first node below the root compatible with `compatible`
    /// (PSCI's `method` on `/psci`), or `None` when there is no such node or property.
    pub fn property_of(
        &self,
        compatible: &str,
        name: &str,
    ) -> Result<Option<&'a [u8]>, &'static str> {
        let mut node = None;
        self.devices(|d| {
            if node.is_none() && d.is_compatible(compatible) {
                node = Some(d.name);
            }
        })?;
        let Some(node) = node else {
            return Ok(None);
        };
        let mut value = None;
        self.for_each_property(|p| {
            if p.depth == 1 && p.node == node && p.name == name {
                value.get_or_insert(p.value);
            }
        })?;
        Ok(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec::Vec;

    /// Builds a tree: `/` (#address-cells 2, #size-cells 2), `/chosen` with bootargs,
    /// `/memory@40000000` with one 128 MiB range.
    fn sample(bootargs: &str) -> Vec<u8> {
        let mut strings = Vec::new();
        let mut name = |s: &str| {
            let off = strings.len() as u32;
            strings.extend_from_slice(s.as_bytes());
            strings.push(0);
            off
        };
        let (ac, sc, ba, reg) = (
            name("#address-cells"),
            name("#size-cells"),
            name("bootargs"),
            name("reg"),
        );
        let mut st = Vec::new();
        let word = |st: &mut Vec<u8>, w: u32| st.extend_from_slice(&w.to_be_bytes());
        let node = |st: &mut Vec<u8>, n: &str| {
            word(st, BEGIN_NODE);
            st.extend_from_slice(n.as_bytes());
            st.push(0);
            while st.len() % 4 != 0 {
                st.push(0);
            }
        };
        let prop = |st: &mut Vec<u8>, off: u32, v: &[u8]| {
            word(st, PROP);
            word(st, v.len() as u32);
            word(st, off);
            st.extend_from_slice(v);
            while st.len() % 4 != 0 {
                st.push(0);
            }
        };
        node(&mut st, "");
        prop(&mut st, ac, &2u32.to_be_bytes());
        prop(&mut st, sc, &2u32.to_be_bytes());
        node(&mut st, "chosen");
        let mut args = bootargs.as_bytes().to_vec();
        args.push(0);
        prop(&mut st, ba, &args);
        word(&mut st, END_NODE);
        node(&mut st, "memory@40000000");
        let mut r = Vec::new();
        r.extend_from_slice(&0x4000_0000u64.to_be_bytes());
        r.extend_from_slice(&(128u64 << 20).to_be_bytes());
        prop(&mut st, reg, &r);
        word(&mut st, END_NODE);
        // Two devices: a UART, and a GIC whose child (an ITS) has a `reg` of its own.
        let (compat, irqs) = (name("compatible"), name("interrupts"));
        let be = |ws: &[u32]| ws.iter().flat_map(|w| w.to_be_bytes()).collect::<Vec<u8>>();
        node(&mut st, "pl011@9000000");
        prop(&mut st, compat, b"arm,pl011\0arm,primecell\0");
        prop(&mut st, reg, &be(&[0, 0x0900_0000, 0, 0x1000]));
        prop(&mut st, irqs, &be(&[0, 1, 4]));
        word(&mut st, END_NODE);
        let method = name("method");
        node(&mut st, "psci");
        prop(&mut st, compat, b"arm,psci-1.0\0arm,psci-0.2\0arm,psci\0");
        prop(&mut st, method, b"smc\0");
        word(&mut st, END_NODE);
        node(&mut st, "intc@8000000");
        prop(&mut st, compat, b"arm,gic-v3\0");
        prop(
            &mut st,
            reg,
            &be(&[0, 0x0800_0000, 0, 0x10000, 0, 0x080a_0000, 0, 0xf6_0000]),
        );
        node(&mut st, "its@8080000");
        prop(&mut st, reg, &be(&[0, 0x0808_0000, 0, 0x20000]));
        word(&mut st, END_NODE);
        word(&mut st, END_NODE);
        word(&mut st, END_NODE);
        word(&mut st, END);
        let off_struct = 40 + 16;
        let off_strings = off_struct + st.len();
        let total = off_strings + strings.len();
        let mut blob = Vec::new();
        for w in [
            MAGIC,
            total as u32,
            off_struct as u32,
            off_strings as u32,
            40,
            17,
            16,
            0,
            strings.len() as u32,
            st.len() as u32,
        ] {
            word(&mut blob, w);
        }
        blob.extend_from_slice(&[0; 16]); // empty memory reservation map
        blob.extend_from_slice(&st);
        blob.extend_from_slice(&strings);
        blob
    }

    #[test]
    fn reads_bootargs_and_memory() {
        let blob = sample("-- hello world");
        assert_eq!(total_size(&blob), Some(blob.len()));
        let fdt = Fdt::parse(&blob).unwrap();
        assert_eq!(fdt.bootargs().unwrap(), "-- hello world");
        let mut ram = [Range::new(0, 0); 4];
        assert_eq!(fdt.memory(&mut ram).unwrap(), 1);
        assert_eq!(ram[0], Range::new(0x4000_0000, 0x4800_0000));
    }

    #[test]
    fn lists_the_devices_below_the_root() {
        let blob = sample("");
        let fdt = Fdt::parse(&blob).unwrap();
        let mut seen = Vec::new();
        fdt.devices(|d| {
            seen.push((
                d.name,
                d.is_compatible("arm,primecell"),
                d.reg(0),
                d.reg(1),
                d.interrupt_cell(1),
            ))
        })
        .unwrap();
        assert_eq!(
            seen,
            [
                ("chosen", false, None, None, None),
                (
                    "memory@40000000",
                    false,
                    Some((0x4000_0000, 128 << 20)),
                    None,
                    None
                ),
                (
                    "pl011@9000000",
                    true,
                    Some((0x0900_0000, 0x1000)),
                    None,
                    Some(1)
                ),
                ("psci", false, None, None, None),
                (
                    "intc@8000000",
                    false,
                    Some((0x0800_0000, 0x10000)),
                    Some((0x080a_0000, 0xf6_0000)),
                    None
                ),
            ]
        );
    }

    #[test]
    fn finds_a_property_of_the_node_compatible_with_a_name() {
        let blob = sample("");
        let fdt = Fdt::parse(&blob).unwrap();
        assert_eq!(
            fdt.property_of("arm,psci-0.2", "method").unwrap(),
            Some(&b"smc\0"[..])
        );
        assert_eq!(fdt.property_of("arm,psci-0.2", "cpu_on").unwrap(), None);
        // Another node's property of the same name is not this node's.
        assert_eq!(fdt.property_of("arm,pl011", "method").unwrap(), None);
        assert_eq!(fdt.property_of("arm,nothing", "method").unwrap(), None);
    }

    #[test]
    fn a_partial_name_is_not_compatible() {
        let d = Device {
            compatible: b"arm,gic-v3\0",
            ..Device::default()
        };
        assert!(d.is_compatible("arm,gic-v3"));
        assert!(!d.is_compatible("arm,gic"));
        assert!(!d.is_compatible("arm,gic-v3-its"));
    }

    #[test]
    fn rejects_bad_magic_and_truncation() {
        let mut blob = sample("x");
        assert!(Fdt::parse(&blob[..20]).is_err());
        blob[0] = 0;
        assert!(Fdt::parse(&blob).is_err());
        assert_eq!(total_size(&blob), None);
    }

    #[test]
    fn truncated_structure_is_an_error_not_a_panic() {
        let blob = sample("abc");
        // Every shorter total size: parse or walk fails cleanly.
        for cut in 0..blob.len() {
            let mut b = blob[..cut].to_vec();
            if b.len() >= 8 {
                b[4..8].copy_from_slice(&(cut as u32).to_be_bytes());
            }
            if let Ok(f) = Fdt::parse(&b) {
                let _ = f.bootargs();
                let mut ram = [Range::new(0, 0); 2];
                let _ = f.memory(&mut ram);
                let _ = f.devices(|d| {
                    let _ = (d.reg(0), d.reg(3), d.interrupt_cell(2));
                });
                let _ = f.property_of("arm,psci", "method");
            }
        }
    }
}
