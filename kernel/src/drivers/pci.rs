//! PCI configuration space: the walk over buses, devices and functions, capability lists
//! and BARs. The logic works on any `ConfigSpace` (host tests use an array); the kernel
//! reaches the real one through the legacy 0xCF8/0xCFC port pair (`PortConfig`).

/// Read and write access to one function's 256-byte configuration space.
pub trait ConfigSpace {
    fn read32(&self, offset: u8) -> u32;
    fn write32(&self, offset: u8, value: u32);
    /// 16-bit write: the command register shares its dword with the status register,
    /// whose bits are cleared by writing ones, so a read-modify-write of the dword
    /// would clear them by accident.
    fn write16(&self, offset: u8, value: u16);

    fn read16(&self, offset: u8) -> u16 {
        (self.read32(offset & !3) >> ((offset & 2) * 8)) as u16
    }
    fn read8(&self, offset: u8) -> u8 {
        (self.read32(offset & !3) >> ((offset & 3) * 8)) as u8
    }
}

pub const VENDOR_ID: u8 = 0x00;
pub const DEVICE_ID: u8 = 0x02;
pub const COMMAND: u8 = 0x04;
pub const STATUS: u8 = 0x06;
pub const HEADER_TYPE: u8 = 0x0e;
pub const BAR0: u8 = 0x10;
pub const SECONDARY_BUS: u8 = 0x19;
pub const CAPABILITIES: u8 = 0x34;

pub const COMMAND_MEMORY: u16 = 1 << 1;
pub const COMMAND_BUS_MASTER: u16 = 1 << 2;
pub const COMMAND_INTX_DISABLE: u16 = 1 << 10;
const STATUS_CAP_LIST: u16 = 1 << 4;

pub const CAP_MSIX: u8 = 0x11;
pub const CAP_VENDOR: u8 = 0x09;

/// A function's address on the bus.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Location {
    pub bus: u8,
    pub device: u8,
    pub function: u8,
}

/// Offsets of the capabilities in a function's list, with their IDs. A malformed list
/// (a loop, a pointer into the header) ends the walk instead of hanging it.
pub fn capabilities(cfg: &impl ConfigSpace) -> impl Iterator<Item = (u8, u8)> + '_ {
    let mut next = if cfg.read16(STATUS) & STATUS_CAP_LIST != 0 {
        cfg.read8(CAPABILITIES) & !3
    } else {
        0
    };
    // 48 capabilities of 4 bytes fill the 192 bytes after the header.
    let mut left = 48;
    core::iter::from_fn(move || {
        if next < 0x40 || left == 0 {
            return None;
        }
        left -= 1;
        let at = next;
        let id = cfg.read8(at);
        next = cfg.read8(at + 1) & !3;
        Some((at, id))
    })
}

/// A base address register as the firmware programmed it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bar {
    Memory { addr: u64, prefetchable: bool },
    Io { port: u16 },
}

/// Decodes BAR `index` (0-5) of a type-0 header; `None` when it is unused, the upper
/// half of a 64-bit BAR, or not assigned an address.
pub fn bar(cfg: &impl ConfigSpace, index: u8) -> Option<Bar> {
    if index > 5 {
        return None;
    }
    let low = cfg.read32(BAR0 + index * 4);
    if low & 1 != 0 {
        let port = (low & !3) as u16;
        return (port != 0).then_some(Bar::Io { port });
    }
    let addr = match (low >> 1) & 3 {
        0 => (low & !0xf) as u64,
        2 if index < 5 => (low & !0xf) as u64 | (cfg.read32(BAR0 + (index + 1) * 4) as u64) << 32,
        _ => return None,
    };
    (addr != 0).then_some(Bar::Memory {
        addr,
        prefetchable: low & 8 != 0,
    })
}

/// What enumeration reports of each function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Function {
    pub location: Location,
    pub vendor: u16,
    pub device: u16,
}

/// Walks the bus tree from bus 0 through PCI-to-PCI bridges, calling `found` for every
/// function present. `open` gives the configuration space of a location.
pub fn enumerate<C: ConfigSpace>(open: impl Fn(Location) -> C, mut found: impl FnMut(Function)) {
    let mut buses = alloc::vec![0u8];
    let mut seen = [false; 256];
    while let Some(bus) = buses.pop() {
        if core::mem::replace(&mut seen[bus as usize], true) {
            continue;
        }
        for device in 0..32 {
            for function in 0..8 {
                let location = Location {
                    bus,
                    device,
                    function,
                };
                let cfg = open(location);
                let id = cfg.read32(VENDOR_ID);
                let vendor = id as u16;
                if vendor == 0xffff {
                    if function == 0 {
                        break;
                    }
                    continue;
                }
                found(Function {
                    location,
                    vendor,
                    device: (id >> 16) as u16,
                });
                let header = cfg.read8(HEADER_TYPE);
                if header & 0x7f == 1 {
                    buses.push(cfg.read8(SECONDARY_BUS));
                }
                if function == 0 && header & 0x80 == 0 {
                    break;
                }
            }
        }
    }
}

/// The MSI-X capability of a function: where its table is and how many entries it has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MsiX {
    pub cap: u8,
    pub table_bar: u8,
    pub table_offset: u32,
    pub entries: u16,
}

pub fn msix(cfg: &impl ConfigSpace) -> Option<MsiX> {
    let (cap, _) = capabilities(cfg).find(|&(_, id)| id == CAP_MSIX)?;
    let control = cfg.read16(cap + 2);
    let table = cfg.read32(cap + 4);
    Some(MsiX {
        cap,
        table_bar: (table & 7) as u8,
        table_offset: table & !7,
        entries: (control & 0x7ff) + 1,
    })
}

/// Message control bits of the MSI-X capability.
pub const MSIX_ENABLE: u16 = 1 << 15;
pub const MSIX_FUNCTION_MASK: u16 = 1 << 14;

#[cfg(target_os = "none")]
pub use port::PortConfig;

#[cfg(target_os = "none")]
mod port {
    use super::{ConfigSpace, Location};
    use crate::arch::port;
    use hermit_sync::InterruptSpinMutex;

    /// The address/data port pair is one shared register: a CPU must finish its access
    /// before another one selects a different address.
    static PORTS: InterruptSpinMutex<()> = InterruptSpinMutex::new(());

    /// Configuration mechanism #1 (ports 0xCF8/0xCFC), on q35 and every PC chipset.
    pub struct PortConfig(pub Location);

    impl PortConfig {
        fn address(&self, offset: u8) -> u32 {
            let l = self.0;
            0x8000_0000
                | (l.bus as u32) << 16
                | (l.device as u32) << 11
                | (l.function as u32) << 8
                | (offset & 0xfc) as u32
        }
    }

    impl ConfigSpace for PortConfig {
        fn read32(&self, offset: u8) -> u32 {
            let _g = PORTS.lock();
            // SAFETY: selecting a configuration address and reading its data port has no
            // effect beyond the read (the lock keeps the pair consistent).
            unsafe {
                port::write_u32(0xcf8, self.address(offset));
                port::read_u32(0xcfc)
            }
        }
        fn write32(&self, offset: u8, value: u32) {
            let _g = PORTS.lock();
            // SAFETY: callers write registers whose effect they intend.
            unsafe {
                port::write_u32(0xcf8, self.address(offset));
                port::write_u32(0xcfc, value);
            }
        }
        fn write16(&self, offset: u8, value: u16) {
            let _g = PORTS.lock();
            // SAFETY: as in write32; the data port is byte-addressable, so the word
            // lands at its offset within the dword.
            unsafe {
                port::write_u32(0xcf8, self.address(offset));
                port::write_u16(0xcfc + (offset & 2) as u16, value);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec::Vec;
    use core::cell::RefCell;

    /// A configuration space in memory.
    struct Fake(RefCell<[u8; 256]>);

    impl Fake {
        fn new() -> Self {
            Fake(RefCell::new([0; 256]))
        }
        fn set(&self, offset: usize, bytes: &[u8]) {
            self.0.borrow_mut()[offset..offset + bytes.len()].copy_from_slice(bytes);
        }
    }

    impl ConfigSpace for Fake {
        fn read32(&self, offset: u8) -> u32 {
            let o = offset as usize & !3;
            u32::from_le_bytes(self.0.borrow()[o..o + 4].try_into().unwrap())
        }
        fn write32(&self, offset: u8, value: u32) {
            self.set(offset as usize & !3, &value.to_le_bytes());
        }
        fn write16(&self, offset: u8, value: u16) {
            self.set(offset as usize & !1, &value.to_le_bytes());
        }
    }

    #[test]
    fn walks_capabilities_and_stops_on_loops() {
        let f = Fake::new();
        f.set(STATUS as usize, &STATUS_CAP_LIST.to_le_bytes());
        f.set(CAPABILITIES as usize, &[0x40]);
        f.set(0x40, &[CAP_MSIX, 0x50]);
        f.set(0x50, &[CAP_VENDOR, 0x60]);
        f.set(0x60, &[CAP_VENDOR, 0x00]);
        let caps: Vec<_> = capabilities(&f).collect();
        assert_eq!(
            caps,
            [(0x40, CAP_MSIX), (0x50, CAP_VENDOR), (0x60, CAP_VENDOR)]
        );
        // A list that points back at itself ends after 48 entries.
        f.set(0x60, &[CAP_VENDOR, 0x40]);
        assert_eq!(capabilities(&f).count(), 48);
        // Without the status bit there is no list.
        f.set(STATUS as usize, &[0, 0]);
        assert_eq!(capabilities(&f).count(), 0);
    }

    #[test]
    fn decodes_bars() {
        let f = Fake::new();
        f.write32(BAR0, 0xfebd_1000);
        f.write32(BAR0 + 4, 0xc001);
        f.write32(BAR0 + 16, 0xfe00_000c); // 64-bit, prefetchable
        f.write32(BAR0 + 20, 0x1);
        assert_eq!(
            bar(&f, 0),
            Some(Bar::Memory {
                addr: 0xfebd_1000,
                prefetchable: false
            })
        );
        assert_eq!(bar(&f, 1), Some(Bar::Io { port: 0xc000 }));
        assert_eq!(bar(&f, 2), None);
        assert_eq!(
            bar(&f, 4),
            Some(Bar::Memory {
                addr: 0x1_fe00_0000,
                prefetchable: true
            })
        );
        assert_eq!(bar(&f, 6), None);
    }

    #[test]
    fn finds_msix() {
        let f = Fake::new();
        f.set(STATUS as usize, &STATUS_CAP_LIST.to_le_bytes());
        f.set(CAPABILITIES as usize, &[0x98]);
        f.set(0x98, &[CAP_MSIX, 0x00, 0x02, 0x00]);
        f.write32(0x9c, 0x0000_1001);
        assert_eq!(
            msix(&f),
            Some(MsiX {
                cap: 0x98,
                table_bar: 1,
                table_offset: 0x1000,
                entries: 3
            })
        );
    }

    #[test]
    fn enumerates_through_bridges() {
        // Bus 0: a host bridge at 0.0, a multifunction device at 3.0/3.1 and a bridge
        // at 4.0 to bus 1, which has one device at 2.0.
        let open = |l: Location| {
            let f = Fake::new();
            f.write32(VENDOR_ID, 0xffff_ffff);
            let dev = |f: &Fake, id: u32, header: u8| {
                f.write32(VENDOR_ID, id);
                f.set(HEADER_TYPE as usize, &[header]);
            };
            match (l.bus, l.device, l.function) {
                (0, 0, 0) => dev(&f, 0x29c0_8086, 0),
                (0, 3, 0) => dev(&f, 0x1041_1af4, 0x80),
                (0, 3, 1) => dev(&f, 0x1042_1af4, 0),
                (0, 4, 0) => {
                    dev(&f, 0x000e_1b36, 1);
                    f.set(SECONDARY_BUS as usize, &[1]);
                }
                (1, 2, 0) => dev(&f, 0x1041_1af4, 0),
                _ => {}
            }
            f
        };
        let mut seen = Vec::new();
        enumerate(open, |f| {
            seen.push((
                f.location.bus,
                f.location.device,
                f.location.function,
                f.device,
            ))
        });
        assert_eq!(
            seen,
            [
                (0, 0, 0, 0x29c0),
                (0, 3, 0, 0x1041),
                (0, 3, 1, 0x1042),
                (0, 4, 0, 0x000e),
                (1, 2, 0, 0x1041)
            ]
        );
    }
}
