//! I/O ports do not exist on aarch64: reads find nothing (all ones, as on a PC port with
//! no device behind it) and writes go nowhere, so port-probing code (legacy PCI
//! configuration) finds no device.

/// # Safety
/// Always safe here; `unsafe` as the interface is.
pub unsafe fn read_u8(_port: u16) -> u8 {
    0xff
}
/// # Safety
/// Always safe here.
pub unsafe fn write_u8(_port: u16, _value: u8) {}
/// # Safety
/// Always safe here.
pub unsafe fn write_u16(_port: u16, _value: u16) {}
/// # Safety
/// Always safe here.
pub unsafe fn read_u32(_port: u16) -> u32 {
    u32::MAX
}
/// # Safety
/// Always safe here.
pub unsafe fn write_u32(_port: u16, _value: u32) {}
