//! The values of `eremit run`'s options, one parser each (the OCI runtime and `eremit pkg`
//! use them too).

use super::{Forward, MAX_CPUS, Net, Proto, UsageError, usage_err};

fn parse_decimal(s: &str) -> Option<u64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

pub fn parse_cpus(value: &str) -> Result<u32, UsageError> {
    match parse_decimal(value) {
        Some(n) if (1..=u64::from(MAX_CPUS)).contains(&n) => Ok(n as u32),
        _ => usage_err(format!(
            "invalid --cpus '{value}' (a number from 1 to {MAX_CPUS})"
        )),
    }
}

pub fn parse_timeout(value: &str) -> Result<u64, UsageError> {
    match parse_decimal(value) {
        Some(n) if n >= 1 => Ok(n),
        _ => usage_err(format!(
            "invalid --timeout '{value}' (a whole number of seconds, at least 1)"
        )),
    }
}

/// Parses a memory size into KiB: `256M`, `1G`, `1024K`, `2T`; a plain
/// number means MiB. An optional `B`/`iB` after the unit is accepted. Only the
/// syntax is checked here; whether the image boots in that much is `memory::check`'s
/// (a size beyond 2^64 KiB saturates, and is too large there).
pub fn parse_memory(value: &str) -> Result<u64, UsageError> {
    let bad = || {
        usage_err(format!(
            "invalid --memory '{value}' (e.g. 256M, 1G, 1024K; a plain number means MiB)"
        ))
    };
    let digits_end = value
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(value.len());
    let (digits, unit) = value.split_at(digits_end);
    let Some(number) = parse_decimal(digits) else {
        return bad();
    };
    let unit = unit.to_ascii_uppercase();
    let unit = unit
        .strip_suffix("IB")
        .or_else(|| unit.strip_suffix('B'))
        .unwrap_or(&unit);
    let kib_per_unit: u64 = match unit {
        "" | "M" => 1024,
        "K" => 1,
        "G" => 1024 * 1024,
        "T" => 1024 * 1024 * 1024,
        _ => return bad(),
    };
    Ok(number.saturating_mul(kib_per_unit))
}

pub fn parse_env(value: &str) -> Result<(String, String), UsageError> {
    match value.split_once('=') {
        Some((key, val)) if !key.is_empty() => Ok((key.to_string(), val.to_string())),
        _ => usage_err(format!("invalid --env '{value}' (expected KEY=VALUE)")),
    }
}

pub fn parse_net(value: &str) -> Result<Net, UsageError> {
    match value {
        "none" => Ok(Net::None),
        "user" => Ok(Net::User),
        "passt" => Ok(Net::Passt),
        _ => match value.strip_prefix("tap:") {
            Some(ifname) if valid_ifname(ifname) => Ok(Net::Tap(ifname.to_string())),
            Some(ifname) => usage_err(format!("invalid tap interface name '{ifname}'")),
            None => usage_err(format!(
                "invalid --net '{value}' (none, user, passt or tap:IF)"
            )),
        },
    }
}

/// Linux interface names: 1 to 15 bytes, no `/`, whitespace, or (for QEMU's
/// option syntax) `,` or `=`.
fn valid_ifname(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 15
        && name != "."
        && name != ".."
        && name
            .bytes()
            .all(|b| b.is_ascii_graphic() && b != b'/' && b != b',' && b != b'=' && b != b':')
}

pub fn parse_forward(value: &str) -> Result<Forward, UsageError> {
    let bad = || {
        usage_err(format!(
            "invalid --forward '{value}' (expected tcp:HOSTPORT:GUESTPORT or udp:HOSTPORT:GUESTPORT, ports 1-65535)"
        ))
    };
    let mut parts = value.split(':');
    let (Some(proto), Some(host), Some(guest), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return bad();
    };
    let proto = match proto {
        "tcp" => Proto::Tcp,
        "udp" => Proto::Udp,
        _ => return bad(),
    };
    let port = |s: &str| parse_decimal(s).filter(|p| (1..=65535).contains(p));
    match (port(host), port(guest)) {
        (Some(h), Some(g)) => Ok(Forward {
            proto,
            host: h as u16,
            guest: g as u16,
        }),
        _ => bad(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forward_syntax() {
        assert_eq!(
            parse_forward("tcp:65535:1"),
            Ok(Forward {
                proto: Proto::Tcp,
                host: 65535,
                guest: 1
            })
        );
        assert_eq!(
            parse_forward("udp:5353:53"),
            Ok(Forward {
                proto: Proto::Udp,
                host: 5353,
                guest: 53
            })
        );
        for bad in [
            "tcp:0:80",
            "tcp:80:0",
            "tcp:65536:80",
            "sctp:1:2",
            "udp:1",
            "UDP:1:2",
            "tcp:1",
            "tcp:1:2:3",
            "tcp::2",
            "tcp:+1:2",
            "1:2",
        ] {
            assert!(parse_forward(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn memory_sizes() {
        assert_eq!(parse_memory("256M"), Ok(256 * 1024));
        assert_eq!(parse_memory("256m"), Ok(256 * 1024));
        assert_eq!(parse_memory("256MiB"), Ok(256 * 1024));
        assert_eq!(parse_memory("256MB"), Ok(256 * 1024));
        assert_eq!(parse_memory("1G"), Ok(1024 * 1024));
        assert_eq!(parse_memory("32768K"), Ok(32 * 1024));
        assert_eq!(parse_memory("100000K"), Ok(100000));
        assert_eq!(parse_memory("64"), Ok(64 * 1024));
        assert_eq!(parse_memory("32M"), Ok(32 * 1024));
        // Sizes are checked against the image later (memory::check, exit 125).
        assert_eq!(parse_memory("1024K"), Ok(1024));
        assert_eq!(parse_memory("0"), Ok(0));
        assert_eq!(parse_memory("4096T"), Ok(4096 << 30));
        assert_eq!(parse_memory("99999999999999999G"), Ok(u64::MAX));
        assert!(parse_memory("").is_err());
        assert!(parse_memory("M").is_err());
        assert!(parse_memory("1.5G").is_err());
        assert!(parse_memory("1X").is_err());
        assert!(parse_memory("-1G").is_err());
        // Not a number at all (beyond u64): a syntax error.
        assert!(parse_memory("99999999999999999999G").is_err());
    }

    #[test]
    fn net_values() {
        assert_eq!(parse_net("none"), Ok(Net::None));
        assert_eq!(parse_net("user"), Ok(Net::User));
        assert_eq!(parse_net("passt"), Ok(Net::Passt));
        assert_eq!(parse_net("tap:tap0"), Ok(Net::Tap("tap0".into())));
        assert!(parse_net("tap:").is_err());
        assert!(parse_net("tap:a,b").is_err());
        assert!(parse_net("tap:0123456789abcdef").is_err());
        assert!(parse_net("bridge").is_err());
    }
}
