//! The guest's IPv4 address from the command line (`--ip ADDR/PREFIX`, `--gateway ADDR`,
//! `--dns ADDR`), its static IPv6 one (`--ip6 ADDR/PREFIX`, `--gateway6 ADDR`) and the
//! kernel options that carry them. With `--net user` the runner also
//! tells the kernel the address QEMU's user network expects (`netfallback=`), which a
//! kernel without DHCP takes when nothing else names one; with DHCP the kernel asks.

use std::net::{Ipv4Addr, Ipv6Addr};

use crate::cli::{Net, RunOptions, UsageError, usage_err};

/// QEMU's user network: guest 10.0.2.15/24, gateway (the host) 10.0.2.2, DNS 10.0.2.3.
pub const USER_NET_FALLBACK: &str = "netfallback=10.0.2.15/24,10.0.2.2,10.0.2.3";

/// A dotted-quad address (`std`'s parser: no leading zeros, four parts).
pub fn parse_addr(option: &str, value: &str) -> Result<Ipv4Addr, UsageError> {
    value
        .parse::<Ipv4Addr>()
        .or_else(|_| usage_err(format!("invalid {option} '{value}' (e.g. 10.0.2.15)")))
}

/// `ADDR/PREFIX` with a prefix of 1 to 32.
pub fn parse_cidr(value: &str) -> Result<(Ipv4Addr, u8), UsageError> {
    let bad = || {
        usage_err(format!(
            "invalid --ip '{value}' (expected ADDR/PREFIX, e.g. 10.0.2.15/24)"
        ))
    };
    let Some((addr, prefix)) = value.split_once('/') else {
        return bad();
    };
    let prefix = match prefix.parse::<u8>() {
        Ok(p) if (1..=32).contains(&p) && !prefix.starts_with(['+', '0']) => p,
        _ => return bad(),
    };
    match addr.parse::<Ipv4Addr>() {
        Ok(a) => Ok((a, prefix)),
        Err(_) => bad(),
    }
}

/// An IPv6 address (`std`'s parser).
pub fn parse_addr6(option: &str, value: &str) -> Result<Ipv6Addr, UsageError> {
    value
        .parse::<Ipv6Addr>()
        .or_else(|_| usage_err(format!("invalid {option} '{value}' (e.g. fec0::2)")))
}

/// IPv6 `ADDR/PREFIX` with a prefix of 1 to 128.
pub fn parse_cidr6(value: &str) -> Result<(Ipv6Addr, u8), UsageError> {
    let bad = || {
        usage_err(format!(
            "invalid --ip6 '{value}' (expected ADDR/PREFIX, e.g. fec0::10/64)"
        ))
    };
    let Some((addr, prefix)) = value.split_once('/') else {
        return bad();
    };
    let prefix = match prefix.parse::<u8>() {
        Ok(p) if (1..=128).contains(&p) && !prefix.starts_with(['+', '0']) => p,
        _ => return bad(),
    };
    match addr.parse::<Ipv6Addr>() {
        Ok(a) => Ok((a, prefix)),
        Err(_) => bad(),
    }
}

/// Checks the combination: an address needs a network, a gateway or DNS server needs
/// an address (with DHCP the network names them).
pub fn validate(opts: &RunOptions) -> Result<(), UsageError> {
    if opts.ip.is_none() && (opts.gateway.is_some() || !opts.dns.is_empty()) {
        return usage_err("--gateway and --dns need --ip");
    }
    if opts.ip.is_some() && opts.net == Net::None {
        return usage_err("--ip needs --net user or --net tap:IF");
    }
    if opts.ip6.is_none() && opts.gateway6.is_some() {
        return usage_err("--gateway6 needs --ip6");
    }
    if opts.ip6.is_some() && opts.net == Net::None {
        return usage_err("--ip6 needs --net user or --net tap:IF");
    }
    Ok(())
}

/// Kernel options for the guest's address.
pub fn kernel_options(opts: &RunOptions) -> Vec<String> {
    let mut out = Vec::new();
    if let Some((addr, prefix)) = opts.ip {
        out.push(format!("ip={addr}/{prefix}"));
    }
    if let Some(gw) = opts.gateway {
        out.push(format!("gateway={gw}"));
    }
    for d in &opts.dns {
        out.push(format!("dns={d}"));
    }
    if let Some((addr, prefix)) = opts.ip6 {
        out.push(format!("ip6={addr}/{prefix}"));
    }
    if let Some(gw) = opts.gateway6 {
        out.push(format!("gateway6={gw}"));
    }
    if opts.net == Net::User {
        out.push(USER_NET_FALLBACK.to_string());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_parse() {
        assert_eq!(
            parse_cidr("10.0.2.20/24"),
            Ok((Ipv4Addr::new(10, 0, 2, 20), 24))
        );
        for bad in [
            "10.0.2.20",
            "10.0.2.20/0",
            "10.0.2.20/33",
            "10.0.2/24",
            "a/24",
            "10.0.2.20/+8",
            "10.0.2.20/08",
        ] {
            assert!(parse_cidr(bad).is_err(), "{bad}");
        }
        assert_eq!(
            parse_addr("--dns", "1.1.1.1"),
            Ok(Ipv4Addr::new(1, 1, 1, 1))
        );
        assert!(parse_addr("--dns", "1.1.1").is_err());
        assert!(parse_addr("--gateway", "01.1.1.1").is_err());
    }

    #[test]
    fn ipv6_addresses_parse_and_reach_the_kernel() {
        let a: Ipv6Addr = "fec0::10".parse().unwrap();
        assert_eq!(parse_cidr6("fec0::10/64"), Ok((a, 64)));
        for bad in [
            "fec0::10",
            "fec0::10/0",
            "fec0::10/129",
            "fec0::10/064",
            "10.0.2.2/24",
            "x/64",
        ] {
            assert!(parse_cidr6(bad).is_err(), "{bad}");
        }
        assert!(parse_addr6("--gateway6", "fec0::2").is_ok());
        assert!(parse_addr6("--gateway6", "10.0.2.2").is_err());
        let mut o = RunOptions {
            net: Net::User,
            ip6: Some((a, 64)),
            gateway6: Some("fec0::2".parse().unwrap()),
            ..RunOptions::default()
        };
        assert!(validate(&o).is_ok());
        assert_eq!(
            kernel_options(&o),
            ["ip6=fec0::10/64", "gateway6=fec0::2", USER_NET_FALLBACK]
        );
        o.ip6 = None;
        assert!(validate(&o).is_err(), "--gateway6 without --ip6");
        o.gateway6 = None;
        o.ip6 = Some((a, 64));
        o.net = Net::None;
        assert!(validate(&o).is_err(), "--ip6 without a network");
    }

    #[test]
    fn options_for_the_kernel() {
        let mut o = RunOptions {
            net: Net::User,
            ..RunOptions::default()
        };
        assert_eq!(kernel_options(&o), [USER_NET_FALLBACK]);
        o.ip = Some((Ipv4Addr::new(10, 0, 2, 20), 24));
        o.gateway = Some(Ipv4Addr::new(10, 0, 2, 2));
        o.dns = vec![Ipv4Addr::new(10, 0, 2, 3), Ipv4Addr::new(9, 9, 9, 9)];
        assert!(validate(&o).is_ok());
        assert_eq!(
            kernel_options(&o),
            [
                "ip=10.0.2.20/24",
                "gateway=10.0.2.2",
                "dns=10.0.2.3",
                "dns=9.9.9.9",
                USER_NET_FALLBACK
            ]
        );
        o.net = Net::Tap("tap0".into());
        assert_eq!(
            kernel_options(&o).len(),
            4,
            "no user-network fallback on a tap"
        );
        o.net = Net::None;
        assert!(validate(&o).is_err());
        let o = RunOptions {
            net: Net::User,
            gateway: Some(Ipv4Addr::new(10, 0, 2, 2)),
            ..RunOptions::default()
        };
        assert!(validate(&o).is_err());
    }
}
