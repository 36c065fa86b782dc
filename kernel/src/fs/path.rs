//! Path syntax (no filesystem access): the length limits, and splitting a path into the
//! components to walk and the last one, which the operations treat specially (created,
//! removed, renamed). Repeated slashes are one separator; `.` and `..` are kept as
//! components because what `..` means depends on the tree.

use super::Errno;
use crate::abi::errno::{ENAMETOOLONG, ENOENT};

/// Longest path, counting its terminating NUL (Linux's `PATH_MAX`).
pub const PATH_MAX: usize = 4096;
/// Longest name of one component (Linux's `NAME_MAX`).
pub const NAME_MAX: usize = 255;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Component<'a> {
    Dot,
    DotDot,
    Name(&'a [u8]),
}

impl<'a> Component<'a> {
    fn of(bytes: &'a [u8]) -> Self {
        match bytes {
            b"." => Component::Dot,
            b".." => Component::DotDot,
            name => Component::Name(name),
        }
    }
}

/// A checked path, split at its last component.
#[derive(Debug, PartialEq, Eq)]
pub struct Split<'a> {
    /// Starts at `/` (else at the current directory).
    pub absolute: bool,
    /// Everything before the last component (walk it with `components`).
    pub dirs: &'a [u8],
    /// `None` when the path is only slashes: the root itself.
    pub last: Option<Component<'a>>,
    /// The path ends in `/`: the last component must be a directory.
    pub trailing_slash: bool,
}

/// Checks `path` and splits it: `ENOENT` when empty, `ENAMETOOLONG` when it (with its
/// NUL) exceeds `PATH_MAX` or a component exceeds `NAME_MAX`, as Linux.
pub fn split(path: &[u8]) -> Result<Split<'_>, Errno> {
    if path.is_empty() {
        return Err(ENOENT);
    }
    if path.len() >= PATH_MAX || components(path).any(|c| c.len() > NAME_MAX) {
        return Err(ENAMETOOLONG);
    }
    let absolute = path[0] == b'/';
    let end = path.iter().rposition(|&b| b != b'/').map_or(0, |i| i + 1);
    let trimmed = &path[..end];
    let start = trimmed
        .iter()
        .rposition(|&b| b == b'/')
        .map_or(0, |i| i + 1);
    Ok(Split {
        absolute,
        dirs: &trimmed[..start],
        last: (!trimmed.is_empty()).then(|| Component::of(&trimmed[start..])),
        trailing_slash: end < path.len() && end > 0,
    })
}

/// The non-empty components of `bytes`, raw.
fn components(bytes: &[u8]) -> impl Iterator<Item = &[u8]> {
    bytes.split(|&b| b == b'/').filter(|c| !c.is_empty())
}

/// The components of `Split::dirs`, in order.
pub fn walk(dirs: &[u8]) -> impl Iterator<Item = Component<'_>> {
    components(dirs).map(Component::of)
}

#[cfg(test)]
mod tests {
    use super::Component::*;
    use super::*;
    use alloc::vec::Vec;

    fn dirs<'a>(s: &Split<'a>) -> Vec<Component<'a>> {
        walk(s.dirs).collect()
    }

    #[test]
    fn splits_at_the_last_component() {
        let s = split(b"/a/b/c").unwrap();
        assert!(s.absolute && !s.trailing_slash);
        assert_eq!(dirs(&s), [Name(b"a"), Name(b"b")]);
        assert_eq!(s.last, Some(Name(b"c")));

        let s = split(b"a//b///").unwrap();
        assert!(!s.absolute && s.trailing_slash);
        assert_eq!(dirs(&s), [Name(b"a")]);
        assert_eq!(s.last, Some(Name(b"b")));

        let s = split(b"x").unwrap();
        assert_eq!(dirs(&s), []);
        assert_eq!(s.last, Some(Name(b"x")));
    }

    #[test]
    fn dots_stay_components() {
        let s = split(b"./a/../b/.").unwrap();
        assert_eq!(dirs(&s), [Dot, Name(b"a"), DotDot, Name(b"b")]);
        assert_eq!(s.last, Some(Dot));
        assert_eq!(split(b"..").unwrap().last, Some(DotDot));
        assert_eq!(split(b"...").unwrap().last, Some(Name(b"...")));
    }

    #[test]
    fn root_has_no_last_component() {
        for p in [&b"/"[..], b"///"] {
            let s = split(p).unwrap();
            assert!(s.absolute && s.last.is_none() && !s.trailing_slash);
            assert_eq!(dirs(&s), []);
        }
    }

    #[test]
    fn limits() {
        assert_eq!(split(b""), Err(ENOENT));
        let long = vec![b'a'; NAME_MAX + 1];
        assert_eq!(split(&long), Err(ENAMETOOLONG));
        assert!(split(&long[..NAME_MAX]).is_ok());
        let mut path = Vec::new();
        while path.len() < PATH_MAX - 1 {
            path.extend_from_slice(b"/d");
        }
        path.truncate(PATH_MAX - 1);
        assert!(split(&path).is_ok());
        path.push(b'x');
        assert_eq!(split(&path), Err(ENAMETOOLONG));
    }
}
