//! A queue's notification register as a value: its address and what to write there.
//! A driver may keep one to notify the device without reaching its transport (from the
//! idle loop or an interrupt, where the driver's lock cannot be taken): writing it is
//! one MMIO store, which the device treats like any other notification.

/// The notification register of one queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Doorbell {
    /// MMIO address of the register (mapped uncached for the kernel's lifetime).
    addr: u64,
    /// The queue's index, the value the device expects.
    queue: u16,
    /// virtio-pci's register is 16 bits wide, virtio-mmio's 32.
    wide: bool,
}

impl Doorbell {
    /// The register at `addr` of queue `queue`; `wide` for a 32-bit one.
    pub const fn new(addr: u64, queue: u16, wide: bool) -> Doorbell {
        Doorbell { addr, queue, wide }
    }

    /// Tells the device to look at the queue.
    pub fn ring(&self) {
        // SAFETY: `addr` is a transport's notification register, mapped for the kernel's
        // lifetime (the transports only make doorbells for their own mapped windows);
        // writing the queue index there has no effect but the notification.
        unsafe {
            if self.wide {
                (self.addr as *mut u32).write_volatile(u32::from(self.queue));
            } else {
                (self.addr as *mut u16).write_volatile(self.queue);
            }
        }
    }
}
