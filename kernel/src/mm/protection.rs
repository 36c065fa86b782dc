//! `mprotect`'s protections as page-table flags. Everything runs in ring 0, where x86
//! has no "present but inaccessible" page: `PROT_NONE` is a page left out of the tables
//! (RAM is identity-mapped, so mapping it again needs no record of where it was), a page
//! without `PROT_WRITE` is mapped without the writable bit (CR0.WP makes ring-0 writes
//! fault there), and only `PROT_EXEC` clears the no-execute bit.

use super::page_table::{NO_EXECUTE, WRITABLE};

pub const PROT_READ: u32 = 1;
pub const PROT_WRITE: u32 = 2;
pub const PROT_EXEC: u32 = 4;

/// Why a protection is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// Bits Linux does not define for `mprotect` (`EINVAL`).
    Unknown,
    /// Writable and executable at once: the kernel keeps write xor execute (`EACCES`,
    /// as Linux under a policy that denies such memory).
    WriteAndExecute,
}

/// The leaf flags (besides PRESENT) for `prot`, or `None` for a page left unmapped.
pub fn page_flags(prot: u32) -> Result<Option<u64>, Refused> {
    if prot & !(PROT_READ | PROT_WRITE | PROT_EXEC) != 0 {
        return Err(Refused::Unknown);
    }
    if prot & PROT_WRITE != 0 && prot & PROT_EXEC != 0 {
        return Err(Refused::WriteAndExecute);
    }
    if prot == 0 {
        return Ok(None);
    }
    let mut flags = 0;
    if prot & PROT_WRITE != 0 {
        flags |= WRITABLE;
    }
    if prot & PROT_EXEC == 0 {
        flags |= NO_EXECUTE;
    }
    // x86 pages are always readable when present: PROT_WRITE or PROT_EXEC alone read too
    // (as on Linux on x86).
    Ok(Some(flags))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn protections_become_page_flags() {
        assert_eq!(page_flags(0), Ok(None));
        assert_eq!(page_flags(PROT_READ), Ok(Some(NO_EXECUTE)));
        assert_eq!(
            page_flags(PROT_READ | PROT_WRITE),
            Ok(Some(WRITABLE | NO_EXECUTE))
        );
        assert_eq!(page_flags(PROT_WRITE), Ok(Some(WRITABLE | NO_EXECUTE)));
        assert_eq!(page_flags(PROT_READ | PROT_EXEC), Ok(Some(0)));
    }

    #[test]
    fn unknown_bits_and_write_plus_execute_are_refused() {
        assert_eq!(page_flags(8), Err(Refused::Unknown));
        assert_eq!(page_flags(PROT_READ | 0x1000_0000), Err(Refused::Unknown));
        assert_eq!(
            page_flags(PROT_READ | PROT_WRITE | PROT_EXEC),
            Err(Refused::WriteAndExecute)
        );
    }
}
