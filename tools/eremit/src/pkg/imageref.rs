//! `eremit pkg -t NAME[:TAG]`: the image's name, checked against the grammar container
//! tools share (distribution's reference grammar, without digests), so that podman,
//! skopeo and containerd accept what `eremit pkg` writes.
//!
//! A name is `[DOMAIN/]COMPONENT[/COMPONENT]...`: a leading part with a `.` or a `:` or
//! equal to `localhost` is a registry (`DOMAIN[:PORT]`); the other components are
//! lower-case letters and digits joined by `.`, `_`, `__` or dashes. A tag is a word
//! character then up to 127 of word characters, `.` and `-`; it defaults to `latest`.

use std::fmt;

/// The longest name (without the tag) the grammar allows.
const MAX_NAME_LEN: usize = 255;
/// The longest tag.
const MAX_TAG_LEN: usize = 128;
/// The tag of a name given without one.
pub const DEFAULT_TAG: &str = "latest";

/// A checked `NAME:TAG`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageRef {
    pub name: String,
    pub tag: String,
}

impl fmt::Display for ImageRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.name, self.tag)
    }
}

/// Parses `NAME[:TAG]`; the error says what is wrong.
pub fn parse(value: &str) -> Result<ImageRef, String> {
    if value.contains('@') {
        return Err(
            "a digest (@sha256:...) cannot be given: the archive's digest follows from its content"
                .into(),
        );
    }
    // The tag is after the last ':' that follows the last '/' (a ':' before it is a
    // registry's port).
    let last_slash = value.rfind('/').map_or(0, |i| i + 1);
    let (name, tag) = match value[last_slash..].rfind(':') {
        Some(i) => (&value[..last_slash + i], &value[last_slash + i + 1..]),
        None => (value, DEFAULT_TAG),
    };
    check_name(name)?;
    check_tag(tag)?;
    Ok(ImageRef {
        name: name.to_string(),
        tag: tag.to_string(),
    })
}

fn check_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("the name is empty".into());
    }
    if name.len() > MAX_NAME_LEN {
        return Err(format!("the name is longer than {MAX_NAME_LEN} characters"));
    }
    let mut parts: Vec<&str> = name.split('/').collect();
    if parts.len() > 1 && is_domain_like(parts[0]) {
        check_domain(parts.remove(0))?;
    }
    for part in parts {
        if !is_path_component(part) {
            return Err(format!(
                "'{part}' is not a valid name component (lower-case letters and digits, \
                 joined by '.', '_', '__' or '-')"
            ));
        }
    }
    Ok(())
}

/// Whether the first part of a name is a registry rather than a path component (the
/// rule podman, docker and containerd use).
fn is_domain_like(part: &str) -> bool {
    part.contains('.')
        || part.contains(':')
        || part == "localhost"
        || part.bytes().any(|b| b.is_ascii_uppercase())
}

fn check_domain(domain: &str) -> Result<(), String> {
    let (host, port) = match domain.split_once(':') {
        Some((h, p)) => (h, Some(p)),
        None => (domain, None),
    };
    let label_ok = |l: &str| {
        !l.is_empty()
            && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && !l.starts_with('-')
            && !l.ends_with('-')
    };
    if !host.split('.').all(label_ok) {
        return Err(format!("'{domain}' is not a valid registry host"));
    }
    if let Some(port) = port
        && (port.is_empty() || !port.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(format!("'{domain}' has an invalid port"));
    }
    Ok(())
}

/// `[a-z0-9]+` runs joined by one separator each: `.`, `_`, `__` or any number of `-`.
fn is_path_component(part: &str) -> bool {
    let alnum = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    let bytes = part.as_bytes();
    let mut i = 0;
    loop {
        let start = i;
        while i < bytes.len() && alnum(bytes[i]) {
            i += 1;
        }
        if i == start {
            return false;
        }
        if i == bytes.len() {
            return true;
        }
        let sep_start = i;
        while i < bytes.len() && !alnum(bytes[i]) {
            i += 1;
        }
        let sep = &part[sep_start..i];
        if !(sep == "." || sep == "_" || sep == "__" || sep.bytes().all(|b| b == b'-')) {
            return false;
        }
    }
}

fn check_tag(tag: &str) -> Result<(), String> {
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let ok = !tag.is_empty()
        && tag.len() <= MAX_TAG_LEN
        && word(tag.as_bytes()[0])
        && tag.bytes().all(|b| word(b) || b == b'.' || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "'{tag}' is not a valid tag (a letter, digit or '_', then up to {} of those, \
             '.' and '-')",
            MAX_TAG_LEN - 1
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(value: &str) -> (String, String) {
        let r = parse(value).unwrap_or_else(|e| panic!("{value}: {e}"));
        (r.name, r.tag)
    }

    #[test]
    fn names_and_tags() {
        assert_eq!(ok("hello"), ("hello".into(), "latest".into()));
        assert_eq!(ok("hello:1.0"), ("hello".into(), "1.0".into()));
        assert_eq!(
            ok("me/hello-world_2:v1-rc.2"),
            ("me/hello-world_2".into(), "v1-rc.2".into())
        );
        assert_eq!(
            ok("localhost/hello"),
            ("localhost/hello".into(), "latest".into())
        );
        assert_eq!(
            ok("registry.example:5000/team/app:x"),
            ("registry.example:5000/team/app".into(), "x".into())
        );
        // A registry port is not a tag.
        assert_eq!(
            ok("registry.example:5000/app"),
            ("registry.example:5000/app".into(), "latest".into())
        );
        assert_eq!(ok("a__b.c---d"), ("a__b.c---d".into(), "latest".into()));
        assert_eq!(ok("Registry.Example/app").0, "Registry.Example/app");
        assert_eq!(parse("hello").unwrap().to_string(), "hello:latest");
    }

    #[test]
    fn bad_names() {
        for bad in [
            "",
            ":tag",
            "Hello",
            "hello/",
            "/hello",
            "a//b",
            "-a",
            "a-",
            "a..b",
            "a___b",
            "a._b",
            "hello:",
            "hello:-x",
            "hello:.x",
            "hello:a b",
            "hello@sha256:00",
            "héllo",
            "bad_host-/x",
            "host.:1x/app",
            "host:/app",
            "a b",
        ] {
            assert!(parse(bad).is_err(), "{bad:?} accepted");
        }
        assert!(parse(&format!("a:{}", "t".repeat(128))).is_ok());
        assert!(parse(&format!("a:{}", "t".repeat(129))).is_err());
        assert!(parse(&"a".repeat(255)).is_ok());
        assert!(parse(&"a".repeat(256)).unwrap_err().contains("longer"));
        assert!(parse("x@sha256:ab").unwrap_err().contains("digest"));
    }
}
