//! Routing a device's interrupt line: the GIC's distributor does it on aarch64, and it is
//! not driven yet, so no line is routed (the caller falls back to polling or fails).

pub fn route(_gsi: u32, _vector: u8, _level: bool, _apic_id: u32) -> bool {
    false
}
