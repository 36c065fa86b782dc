//! The `O_*` flags of `sys_open`: which go to the filesystem (how to find or create
//! the file), which stay with the open file (access mode, status flags) and which with
//! the descriptor (`O_CLOEXEC`). Linux's values, as hermit-abi's.

use crate::abi::errno::{EINVAL, EOPNOTSUPP};
use crate::abi::{
    O_APPEND, O_CLOEXEC, O_CREAT, O_DIRECTORY, O_EXCL, O_NOFOLLOW, O_NONBLOCK, O_RDONLY, O_RDWR,
    O_TRUNC, O_WRONLY,
};
use crate::fs::{Errno, OpenHow};

/// Linux's `O_ACCMODE`: the two bits of the access mode.
const O_ACCMODE: i32 = 0o3;
/// Linux's `__O_TMPFILE` bit: unnamed temporary files are not supported.
const O_TMPFILE_BIT: i32 = 0o20000000;

/// Status flags `F_SETFL` may change and `F_GETFL` reports; the others Linux accepts
/// there (`O_ASYNC`, `O_DIRECT`, `O_NOATIME`) mean nothing here and are dropped.
pub const STATUS_FLAGS: i32 = O_APPEND | O_NONBLOCK;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    Read,
    Write,
    ReadWrite,
}

impl Access {
    pub fn can_read(self) -> bool {
        self != Access::Write
    }

    pub fn can_write(self) -> bool {
        self != Access::Read
    }

    /// The `O_ACCMODE` bits, for `F_GETFL`.
    pub fn bits(self) -> i32 {
        match self {
            Access::Read => O_RDONLY,
            Access::Write => O_WRONLY,
            Access::ReadWrite => O_RDWR,
        }
    }
}

#[derive(Clone, Copy, Debug)]
pub struct OpenFlags {
    pub access: Access,
    pub how: OpenHow,
    /// `STATUS_FLAGS` bits.
    pub status: i32,
    pub cloexec: bool,
}

/// Splits `flags` up. Unknown bits are ignored, as Linux does.
pub fn decode(flags: i32) -> Result<OpenFlags, Errno> {
    let access = match flags & O_ACCMODE {
        O_RDONLY => Access::Read,
        O_WRONLY => Access::Write,
        O_RDWR => Access::ReadWrite,
        _ => return Err(EINVAL),
    };
    if flags & O_TMPFILE_BIT != 0 {
        return Err(EOPNOTSUPP);
    }
    // Linux (since 6.4) refuses to create and require a directory at once.
    if flags & O_CREAT != 0 && flags & O_DIRECTORY != 0 {
        return Err(EINVAL);
    }
    Ok(OpenFlags {
        access,
        how: OpenHow {
            create: flags & O_CREAT != 0,
            exclusive: flags & O_EXCL != 0,
            truncate: flags & O_TRUNC != 0,
            directory: flags & O_DIRECTORY != 0,
            nofollow: flags & O_NOFOLLOW != 0,
            write: access.can_write(),
        },
        status: flags & STATUS_FLAGS,
        cloexec: flags & O_CLOEXEC != 0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes() {
        let f = decode(O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC).unwrap();
        assert_eq!(f.access, Access::Write);
        assert!(f.how.create && f.how.truncate && f.how.write && !f.how.exclusive);
        assert_eq!(f.status, O_APPEND);
        assert!(f.cloexec);
        let f = decode(O_RDONLY | O_DIRECTORY | O_NONBLOCK).unwrap();
        assert_eq!(f.access, Access::Read);
        assert!(f.how.directory && !f.how.write);
        assert_eq!(f.status, O_NONBLOCK);
        assert!(!f.cloexec);
        assert_eq!(decode(O_RDWR | O_EXCL).unwrap().access, Access::ReadWrite);
        assert_eq!(decode(3).err(), Some(EINVAL));
        assert_eq!(decode(O_CREAT | O_DIRECTORY).err(), Some(EINVAL));
        assert_eq!(
            decode(O_TMPFILE_BIT | O_DIRECTORY | O_RDWR).err(),
            Some(EOPNOTSUPP)
        );
        // Unknown bits (O_NOCTTY, O_LARGEFILE) are ignored.
        assert!(decode(0o400 | 0o100000).is_ok());
        assert!(Access::ReadWrite.can_read() && Access::ReadWrite.can_write());
        assert_eq!(Access::Write.bits(), O_WRONLY);
    }
}
