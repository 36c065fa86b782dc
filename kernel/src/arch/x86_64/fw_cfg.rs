//! QEMU's firmware configuration device (fw_cfg) over its I/O ports: the VM's CPU count.
//! Both `-M microvm` (which has neither ACPI nor MP tables with the runner's options)
//! and `-M q35` provide it at the same ports, so it is the one source that works on both.
//!
//! Reading goes through the `Device` trait so that the protocol is tested on the host
//! against a fake device.

/// Selects the item to read (16-bit writes).
pub const SELECTOR_PORT: u16 = 0x510;
/// Returns the selected item byte by byte.
pub const DATA_PORT: u16 = 0x511;

const KEY_SIGNATURE: u16 = 0x0000;
const KEY_NB_CPUS: u16 = 0x0005;

/// Access to an fw_cfg device.
pub trait Device {
    /// Selects `key` and rewinds its data to the first byte.
    fn select(&mut self, key: u16);
    /// The next byte of the selected item.
    fn read_byte(&mut self) -> u8;
}

fn read<const N: usize>(dev: &mut impl Device, key: u16) -> [u8; N] {
    dev.select(key);
    let mut out = [0; N];
    for b in &mut out {
        *b = dev.read_byte();
    }
    out
}

/// Whether the device is there: its signature item reads "QEMU". Without a device, the
/// data port reads 0xff.
pub fn present(dev: &mut impl Device) -> bool {
    read::<4>(dev, KEY_SIGNATURE) == *b"QEMU"
}

/// The number of CPUs the VM started with (`-smp`), `None` without a device or with a
/// value of 0.
pub fn nb_cpus(dev: &mut impl Device) -> Option<usize> {
    if !present(dev) {
        return None;
    }
    let n = u16::from_le_bytes(read(dev, KEY_NB_CPUS)) as usize;
    (n > 0).then_some(n)
}

/// The device at its I/O ports.
#[cfg(target_os = "none")]
struct Ports;

#[cfg(target_os = "none")]
impl Device for Ports {
    fn select(&mut self, key: u16) {
        // SAFETY: QEMU's fw_cfg selector port; selecting an item has no other effect, and
        // without the device the write goes nowhere.
        unsafe { x86_64::instructions::port::Port::<u16>::new(SELECTOR_PORT).write(key) }
    }
    fn read_byte(&mut self) -> u8 {
        // SAFETY: reading the fw_cfg data port only advances the read position of the
        // selected item.
        unsafe { x86_64::instructions::port::Port::<u8>::new(DATA_PORT).read() }
    }
}

/// The number of CPUs of the VM; 1 when there is no fw_cfg device.
#[cfg(target_os = "none")]
pub fn cpu_count() -> usize {
    nb_cpus(&mut Ports).unwrap_or(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;
    use alloc::vec::Vec;

    /// Items as (key, bytes); an absent device reads 0xff like an unconnected port.
    struct Fake {
        items: Vec<(u16, Vec<u8>)>,
        selected: Option<usize>,
        pos: usize,
    }

    impl Fake {
        fn new(items: Vec<(u16, Vec<u8>)>) -> Self {
            Self {
                items,
                selected: None,
                pos: 0,
            }
        }
    }

    impl Device for Fake {
        fn select(&mut self, key: u16) {
            self.selected = self.items.iter().position(|(k, _)| *k == key);
            self.pos = 0;
        }
        fn read_byte(&mut self) -> u8 {
            let Some(i) = self.selected else { return 0xff };
            let b = self.items[i].1.get(self.pos).copied().unwrap_or(0);
            self.pos += 1;
            b
        }
    }

    #[test]
    fn reads_the_cpu_count_little_endian() {
        let mut dev = Fake::new(vec![(0, b"QEMU".to_vec()), (5, vec![4, 0])]);
        assert_eq!(nb_cpus(&mut dev), Some(4));
        let mut dev = Fake::new(vec![(0, b"QEMU".to_vec()), (5, vec![0x2c, 0x01])]);
        assert_eq!(nb_cpus(&mut dev), Some(300));
    }

    #[test]
    fn reading_twice_rewinds() {
        let mut dev = Fake::new(vec![(0, b"QEMU".to_vec()), (5, vec![2, 0])]);
        assert_eq!(nb_cpus(&mut dev), Some(2));
        assert_eq!(nb_cpus(&mut dev), Some(2));
    }

    #[test]
    fn absent_or_wrong_device_gives_none() {
        assert_eq!(nb_cpus(&mut Fake::new(vec![])), None);
        let mut other = Fake::new(vec![(0, b"XEN\0".to_vec()), (5, vec![4, 0])]);
        assert_eq!(nb_cpus(&mut other), None);
        let mut zero = Fake::new(vec![(0, b"QEMU".to_vec()), (5, vec![0, 0])]);
        assert_eq!(nb_cpus(&mut zero), None);
    }
}
