//! The mount table: which guest directories are volumes (from the kernel's `volume=`
//! options) and, for a path, whether it lies in one and what is left of it there.
//! Pure path arithmetic, host-tested.

use alloc::string::String;
use alloc::vec::Vec;

/// One `volume=TAG:GUESTDIR[:ro]` option.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MountSpec {
    /// The virtio-fs tag of the device that serves it.
    pub tag: String,
    /// Normalised absolute path, never `/`.
    pub guest: Vec<u8>,
    pub read_only: bool,
}

/// Parses the value of a `volume=` option; `None` if it is malformed.
pub fn parse_option(value: &str) -> Option<MountSpec> {
    let mut parts = value.split(':');
    let tag = parts.next()?;
    let guest = parts.next()?;
    let read_only = match parts.next() {
        None => false,
        Some("ro") => true,
        Some("rw") => false,
        Some(_) => return None,
    };
    if parts.next().is_some() || tag.is_empty() || tag.len() > 36 || !guest.starts_with('/') {
        return None;
    }
    let guest = normalize(guest.as_bytes())?;
    if guest == b"/" {
        return None;
    }
    Some(MountSpec {
        tag: tag.into(),
        guest,
        read_only,
    })
}

/// Lexical normalisation of an absolute path: repeated slashes, `.` and `..` (at `/`,
/// `..` stays at `/`). Exact outside volumes, where the in-memory tree has no symbolic
/// links. `None` for a relative path.
pub fn normalize(path: &[u8]) -> Option<Vec<u8>> {
    if path.first() != Some(&b'/') {
        return None;
    }
    let mut parts: Vec<&[u8]> = Vec::new();
    for c in path.split(|&b| b == b'/') {
        match c {
            b"" | b"." => {}
            b".." => {
                parts.pop();
            }
            name => parts.push(name),
        }
    }
    let mut out = Vec::with_capacity(path.len());
    for p in &parts {
        out.push(b'/');
        out.extend_from_slice(p);
    }
    if out.is_empty() {
        out.push(b'/');
    }
    Some(out)
}

/// Where an absolute path leads: the index of the mount it enters and the rest of the
/// path inside it (relative to the volume's root, `.` and `..` still in it: the volume
/// resolves them, `..` at its root staying there), or `None` when it stays in the
/// in-memory tree. The part before the mount point is resolved lexically (the in-memory
/// tree has no symbolic links).
pub fn route<'p>(mounts: &[MountSpec], path: &'p [u8]) -> Option<(usize, &'p [u8])> {
    if path.first() != Some(&b'/') {
        return None;
    }
    // Walk components keeping the lexical prefix; after each, is it a mount point?
    let mut prefix: Vec<u8> = Vec::new();
    let mut at = 0;
    while at < path.len() {
        while at < path.len() && path[at] == b'/' {
            at += 1;
        }
        if at >= path.len() {
            break;
        }
        let end = path[at..]
            .iter()
            .position(|&b| b == b'/')
            .map_or(path.len(), |i| at + i);
        match &path[at..end] {
            b"." => {}
            b".." => {
                let cut = prefix.iter().rposition(|&b| b == b'/').unwrap_or(0);
                prefix.truncate(cut);
            }
            name => {
                prefix.push(b'/');
                prefix.extend_from_slice(name);
            }
        }
        at = end;
        if let Some(i) = mounts.iter().position(|m| m.guest == prefix) {
            return Some((i, &path[at..]));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Vec<MountSpec> {
        ["eremit0:/data", "eremit1:/srv/ro:ro"]
            .iter()
            .map(|s| parse_option(s).unwrap())
            .collect()
    }

    #[test]
    fn options() {
        let t = table();
        assert_eq!(t[0].guest, b"/data");
        assert!(!t[0].read_only);
        assert_eq!(t[1].tag, "eremit1");
        assert!(t[1].read_only);
        assert_eq!(parse_option("t:/a//b/./").unwrap().guest, b"/a/b");
        for bad in ["t", "t:rel", ":/a", "t:/", "t:/a:rx", "t:/a:ro:x", "t:/.."] {
            assert_eq!(parse_option(bad), None, "{bad}");
        }
    }

    #[test]
    fn normalizes() {
        assert_eq!(normalize(b"/a/../../b/./c//").unwrap(), b"/b/c");
        assert_eq!(normalize(b"/..").unwrap(), b"/");
        assert_eq!(normalize(b"rel"), None);
    }

    #[test]
    fn routes_paths() {
        let t = table();
        assert_eq!(route(&t, b"/data"), Some((0, &b""[..])));
        assert_eq!(route(&t, b"/data/"), Some((0, &b"/"[..])));
        assert_eq!(route(&t, b"/data/a/b"), Some((0, &b"/a/b"[..])));
        assert_eq!(route(&t, b"//tmp/../data/x"), Some((0, &b"/x"[..])));
        // `..` inside the volume is the volume's to resolve (it stays at its root).
        assert_eq!(route(&t, b"/data/../etc"), Some((0, &b"/../etc"[..])));
        assert_eq!(route(&t, b"/srv/ro/f"), Some((1, &b"/f"[..])));
        assert_eq!(route(&t, b"/srv"), None);
        assert_eq!(route(&t, b"/database"), None);
        assert_eq!(route(&t, b"/tmp/x"), None);
        assert_eq!(route(&t, b"data/x"), None);
        assert_eq!(route(&t, b"/"), None);
    }
}
