//! Virtio 1.x devices: the split virtqueue, the two transports Eremit's machines offer
//! (virtio-mmio on microvm, modern virtio-pci on q35), the network device, the
//! console that carries standard input and the entropy device.

#[cfg(target_os = "none")]
pub mod any_transport;
#[cfg(target_os = "none")]
pub mod console;
pub mod doorbell;
pub mod event_index;
#[cfg(all(target_os = "none", feature = "virtio-fs"))]
pub mod fs;
#[cfg(target_os = "none")]
pub mod mmio;
#[cfg(all(target_os = "none", feature = "net"))]
pub mod net;
#[cfg(any(test, all(target_os = "none", feature = "net")))]
pub mod net_checksum;
#[cfg(any(test, all(target_os = "none", feature = "net")))]
pub mod net_counters;
#[cfg(any(test, all(target_os = "none", feature = "net")))]
pub mod net_large_rx;
#[cfg(any(test, all(target_os = "none", feature = "net")))]
pub mod net_rx_watch;
#[cfg(all(target_os = "none", feature = "net"))]
pub mod net_tx_notify;
mod notify_hint;
#[cfg(all(target_os = "none", feature = "pci"))]
pub mod pci;
pub mod queue;
#[cfg(target_os = "none")]
pub mod rng;

use queue::Addresses;

/// Device status bits (virtio 1.x, 2.1).
pub const STATUS_ACKNOWLEDGE: u8 = 1;
pub const STATUS_DRIVER: u8 = 2;
pub const STATUS_DRIVER_OK: u8 = 4;
pub const STATUS_FEATURES_OK: u8 = 8;
pub const STATUS_FAILED: u8 = 128;

/// Feature bits this kernel knows.
pub const F_VERSION_1: u64 = 1 << 32;

/// Device IDs (virtio 1.x, 5).
pub const DEVICE_NET: u32 = 1;
pub const DEVICE_CONSOLE: u32 = 3;

/// What a driver needs from a transport.
pub trait Transport {
    fn device_features(&self) -> u64;
    fn set_driver_features(&self, features: u64);
    fn status(&self) -> u8;
    fn set_status(&self, status: u8);
    /// The largest size queue `index` supports; 0 when it does not exist.
    fn queue_max_size(&self, index: u16) -> u16;
    /// Tells the device where queue `index` (of `size` entries) is and enables it.
    fn setup_queue(&self, index: u16, size: u16, addresses: Addresses) -> Result<(), &'static str>;
    /// The notification register of queue `index` (set up already).
    fn doorbell(&self, index: u16) -> doorbell::Doorbell;
    /// Tells the device that queue `index` has new buffers.
    fn notify(&self, index: u16) {
        self.doorbell(index).ring();
    }
    /// Byte `offset` of the device-specific configuration.
    fn config_read8(&self, offset: usize) -> u8;
    /// Changes whenever the device changes its configuration (to read it consistently).
    fn config_generation(&self) -> u32;
}

/// The start of every driver (virtio 1.x, 3.1.1): reset, acknowledge, agree on features.
/// `wanted` are used if offered; `required` must be (VERSION_1 always is). Returns the
/// features in use. The driver then sets up its queues and calls `driver_ok`.
pub fn negotiate(t: &impl Transport, wanted: u64, required: u64) -> Result<u64, &'static str> {
    negotiate_by(t, |offered| offered & wanted, required)
}

/// As `negotiate`, for features that depend on one another: `choose` picks, from those
/// offered, the optional ones to accept.
pub fn negotiate_by(
    t: &impl Transport,
    choose: impl FnOnce(u64) -> u64,
    required: u64,
) -> Result<u64, &'static str> {
    t.set_status(0);
    // The reset is complete once the status reads 0 again (immediate under QEMU).
    let mut spins = 0;
    while t.status() != 0 {
        spins += 1;
        if spins > 1_000_000 {
            return Err("the device does not reset");
        }
        core::hint::spin_loop();
    }
    t.set_status(STATUS_ACKNOWLEDGE);
    t.set_status(STATUS_ACKNOWLEDGE | STATUS_DRIVER);
    let offered = t.device_features();
    let required = required | F_VERSION_1;
    if offered & required != required {
        t.set_status(STATUS_FAILED);
        return Err(if offered & F_VERSION_1 == 0 {
            "a legacy (pre-1.0) device"
        } else {
            "the device lacks a required feature"
        });
    }
    let features = offered & (choose(offered) | required);
    t.set_driver_features(features);
    t.set_status(STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK);
    if t.status() & STATUS_FEATURES_OK == 0 {
        t.set_status(STATUS_FAILED);
        return Err("the device refused the features");
    }
    Ok(features)
}

/// Ends initialisation: the device may use its queues from now on.
pub fn driver_ok(t: &impl Transport) {
    t.set_status(STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK | STATUS_DRIVER_OK);
}

/// Reads `N` bytes of device configuration without tearing (virtio 1.x, 4.x: re-read
/// while the generation changes).
pub fn read_config<const N: usize>(t: &impl Transport, offset: usize) -> [u8; N] {
    loop {
        let before = t.config_generation();
        let mut out = [0u8; N];
        for (i, b) in out.iter_mut().enumerate() {
            *b = t.config_read8(offset + i);
        }
        if t.config_generation() == before {
            return out;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::cell::{Cell, RefCell};

    #[derive(Default)]
    struct Fake {
        offered: u64,
        driver: Cell<u64>,
        status: Cell<u8>,
        refuse: bool,
        log: RefCell<alloc::vec::Vec<u8>>,
        generation: Cell<u32>,
    }

    impl Transport for Fake {
        fn device_features(&self) -> u64 {
            self.offered
        }
        fn set_driver_features(&self, f: u64) {
            self.driver.set(f);
        }
        fn status(&self) -> u8 {
            self.status.get()
        }
        fn set_status(&self, s: u8) {
            self.log.borrow_mut().push(s);
            let s = if self.refuse {
                s & !STATUS_FEATURES_OK
            } else {
                s
            };
            self.status.set(s);
        }
        fn queue_max_size(&self, _: u16) -> u16 {
            0
        }
        fn setup_queue(&self, _: u16, _: u16, _: Addresses) -> Result<(), &'static str> {
            Ok(())
        }
        fn doorbell(&self, i: u16) -> doorbell::Doorbell {
            doorbell::Doorbell::new(0, i, false)
        }
        fn notify(&self, _: u16) {}
        fn config_read8(&self, offset: usize) -> u8 {
            // The configuration changes once while it is read.
            if offset == 1 && self.generation.get() == 0 {
                self.generation.set(1);
            }
            offset as u8 + 10 * self.generation.get() as u8
        }
        fn config_generation(&self) -> u32 {
            self.generation.get()
        }
    }

    const MAC: u64 = 1 << 5;

    #[test]
    fn negotiates_the_intersection() {
        let t = Fake {
            offered: F_VERSION_1 | MAC | (1 << 15),
            ..Default::default()
        };
        assert_eq!(negotiate(&t, MAC | (1 << 16), 0), Ok(F_VERSION_1 | MAC));
        assert_eq!(t.driver.get(), F_VERSION_1 | MAC);
        assert_eq!(*t.log.borrow(), [0, 1, 3, 11]);
        driver_ok(&t);
        assert_eq!(t.status.get(), 15);
    }

    #[test]
    fn refuses_legacy_and_missing_features() {
        let legacy = Fake {
            offered: MAC,
            ..Default::default()
        };
        assert!(negotiate(&legacy, MAC, 0).is_err());
        assert_eq!(legacy.status.get(), STATUS_FAILED);
        let no_mac = Fake {
            offered: F_VERSION_1,
            ..Default::default()
        };
        assert!(negotiate(&no_mac, 0, MAC).is_err());
        let refusing = Fake {
            offered: F_VERSION_1,
            refuse: true,
            ..Default::default()
        };
        assert_eq!(
            negotiate(&refusing, 0, 0),
            Err("the device refused the features")
        );
    }

    #[test]
    fn config_reads_retry_on_generation_change() {
        let t = Fake::default();
        assert_eq!(read_config::<3>(&t, 0), [10, 11, 12]);
    }
}
