//! The kernel command line: kernel options, then `--`, then the application's argv.
//!
//! `eremit run` writes it; raw QEMU users can too (`-append "verbose -- app arg"`).
//! Tokens are separated by spaces. A double quote toggles quoting (spaces inside are kept)
//! and a backslash takes the next character literally, so any argument can be passed.

use alloc::string::String;
use alloc::vec::Vec;

/// What the kernel and the application get from the command line.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct CommandLine {
    /// Kernel log on the log channel (`verbose`).
    pub verbose: bool,
    /// TSC frequency measured by the runner on the host (`tsc_khz=N`).
    pub tsc_khz: Option<u64>,
    /// `KEY=VALUE` pairs for the application's environment (`env=KEY=VALUE`).
    pub env: Vec<String>,
    /// Static network configuration (`ip=`, `gateway=`, `dns=`, `ip6=`, `gateway6=`); DHCP
    /// without `ip=`.
    pub net: NetOptions,
    /// The address the runner's network gives a guest that has no DHCP
    /// (`netfallback=A.B.C.D/N,GATEWAY,DNS`; see `NetOptions::resolve`).
    pub net_fallback: Option<NetOptions>,
    /// Which console descriptors are terminals on the runner's side (`tty=0,1,2`, any
    /// of them): bit N for descriptor N, so `isatty` answers as it would natively.
    pub terminals: u8,
    /// Host directories mounted over virtio-fs (`volume=TAG:GUESTDIR[:ro]`, one per
    /// volume).
    pub volumes: Vec<crate::fs::fuse::mounts::MountSpec>,
    /// The runner forwards signals over a console of their own (`signals`).
    pub signals: bool,
    /// Sample the interrupted address this many times a second (`profile=HZ`),
    /// counts in the kernel log at exit (profile.rs).
    pub profile_hz: Option<u32>,
    /// The application's argv, argv[0] included.
    pub args: Vec<String>,
    /// Options the kernel did not understand (logged, never fatal).
    pub unknown: Vec<String>,
}

/// `ip=A.B.C.D/PREFIX gateway=A.B.C.D dns=A.B.C.D` (dns repeatable), and
/// `ip6=ADDR/PREFIX gateway6=ADDR` for a static IPv6 address beside SLAAC's.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct NetOptions {
    /// Address and prefix length; without it the kernel asks DHCP.
    pub ip: Option<([u8; 4], u8)>,
    pub gateway: Option<[u8; 4]>,
    pub dns: Vec<[u8; 4]>,
    /// A static IPv6 address and prefix length (`ip6=`), beside SLAAC's.
    pub ip6: Option<([u8; 16], u8)>,
    /// The IPv6 default router (`gateway6=`); SLAAC learns one from advertisements.
    pub gateway6: Option<[u8; 16]>,
}

/// Hermit's static address when the environment names none (`HERMIT_IP`,
/// `HERMIT_GATEWAY`, `HERMIT_MASK`), as Hermit's kernel takes it.
const HERMIT_DEFAULT_IP: [u8; 4] = [10, 0, 5, 3];
const HERMIT_DEFAULT_GATEWAY: [u8; 4] = [10, 0, 5, 1];
const HERMIT_DEFAULT_PREFIX: u8 = 24;

impl NetOptions {
    /// The configuration the interface gets, first match wins:
    /// 1. the kernel options `ip=`, `gateway=`, `dns=` (`eremit run --ip/--gateway/--dns`);
    /// 2. `HERMIT_IP` (with `HERMIT_GATEWAY`, `HERMIT_MASK`, `HERMIT_DNS1`, `HERMIT_DNS2`)
    ///    in the application's environment, as Hermit's kernel reads them;
    /// 3. DHCP, when the kernel has it (`dhcp`): returned as no address;
    /// 4. the runner's network (`netfallback=`, which `eremit run --net user` passes), so a
    ///    build without DHCP works there out of the box;
    /// 5. Hermit's defaults 10.0.5.3/24, gateway 10.0.5.1.
    ///
    /// `dns=` and `HERMIT_DNS*` name DNS servers in every case (with DHCP too).
    pub fn resolve(&self, env: &[String], dhcp: bool, fallback: Option<&NetOptions>) -> NetOptions {
        let var = |name: &str| {
            env.iter()
                .find_map(|e| e.strip_prefix(name)?.strip_prefix('='))
        };
        let hermit_dns: Vec<[u8; 4]> = ["HERMIT_DNS1", "HERMIT_DNS2"]
            .iter()
            .filter_map(|n| var(n).and_then(parse_ipv4))
            .collect();
        let dns = if self.dns.is_empty() {
            hermit_dns
        } else {
            self.dns.clone()
        };
        if self.ip.is_some() {
            return NetOptions {
                dns,
                ..self.clone()
            };
        }
        let (ip6, gateway6) = (self.ip6, self.gateway6);
        if let Some(ip) = var("HERMIT_IP").and_then(parse_ipv4) {
            let prefix = var("HERMIT_MASK")
                .and_then(parse_ipv4)
                .and_then(prefix_of_mask)
                .unwrap_or(HERMIT_DEFAULT_PREFIX);
            let gateway = var("HERMIT_GATEWAY")
                .and_then(parse_ipv4)
                .or(self.gateway)
                .or(Some(HERMIT_DEFAULT_GATEWAY));
            return NetOptions {
                ip: Some((ip, prefix)),
                gateway,
                dns,
                ip6,
                gateway6,
            };
        }
        if dhcp {
            return NetOptions {
                ip: None,
                gateway: None,
                dns,
                ip6,
                gateway6,
            };
        }
        match fallback {
            Some(f) => NetOptions {
                ip: f.ip,
                gateway: f.gateway,
                dns: if dns.is_empty() { f.dns.clone() } else { dns },
                ip6,
                gateway6,
            },
            None => NetOptions {
                ip: Some((HERMIT_DEFAULT_IP, HERMIT_DEFAULT_PREFIX)),
                gateway: Some(HERMIT_DEFAULT_GATEWAY),
                dns,
                ip6,
                gateway6,
            },
        }
    }
}

/// The prefix length of a netmask such as 255.255.255.0 (contiguous ones only).
fn prefix_of_mask(mask: [u8; 4]) -> Option<u8> {
    let m = u32::from_be_bytes(mask);
    let ones = m.leading_ones();
    (m.checked_shl(ones).unwrap_or(0) == 0).then_some(ones as u8)
}

/// `A.B.C.D/N,GATEWAY,DNS` (the runner's `netfallback=`).
fn parse_fallback(s: &str) -> Option<NetOptions> {
    let mut parts = s.split(',');
    let ip = parse_cidr(parts.next()?)?;
    let gateway = parse_ipv4(parts.next()?)?;
    let dns = parse_ipv4(parts.next()?)?;
    parts.next().is_none().then(|| NetOptions {
        ip: Some(ip),
        gateway: Some(gateway),
        dns: alloc::vec![dns],
        ..NetOptions::default()
    })
}

/// Parses a dotted-quad IPv4 address ("10.0.2.15"); no leading zeros beyond "0".
pub fn parse_ipv4(s: &str) -> Option<[u8; 4]> {
    let mut out = [0u8; 4];
    let mut parts = s.split('.');
    for o in out.iter_mut() {
        let p = parts.next()?;
        if p.is_empty() || p.len() > 3 || !p.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        if p.len() > 1 && p.starts_with('0') {
            return None;
        }
        *o = p.parse().ok()?;
    }
    parts.next().is_none().then_some(out)
}

/// `A.B.C.D/N` (N at most 32); a bare address means /24, as on most small networks.
fn parse_cidr(s: &str) -> Option<([u8; 4], u8)> {
    let (addr, prefix) = match s.split_once('/') {
        Some((a, p)) if (1..=2).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()) => {
            (a, p.parse::<u8>().ok().filter(|&p| p <= 32)?)
        }
        Some(_) => return None,
        None => (s, 24),
    };
    Some((parse_ipv4(addr)?, prefix))
}

/// `ADDR/N` for IPv6 (N at most 128); a bare address means /64.
fn parse_cidr6(s: &str) -> Option<([u8; 16], u8)> {
    let (addr, prefix) = match s.split_once('/') {
        Some((a, p)) if (1..=3).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()) => {
            (a, p.parse::<u8>().ok().filter(|&p| p <= 128)?)
        }
        Some(_) => return None,
        None => (s, 64),
    };
    Some((crate::net::ipv6_text::parse_ipv6(addr)?, prefix))
}

/// `0,1,2` (any of the console descriptors, each at most once) as a bit mask.
fn parse_terminals(s: &str) -> Option<u8> {
    let mut mask = 0u8;
    for fd in s.split(',') {
        let bit = match fd {
            "0" => 1,
            "1" => 2,
            "2" => 4,
            _ => return None,
        };
        if mask & bit != 0 {
            return None;
        }
        mask |= bit;
    }
    Some(mask)
}

/// Splits `line` into tokens, honouring double quotes and backslash escapes.
pub fn tokenize(line: &str) -> Vec<String> {
    let mut tokens = Vec::new();
    let mut current = String::new();
    let mut in_token = false;
    let mut quoted = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                in_token = true;
                if let Some(next) = chars.next() {
                    current.push(next);
                }
            }
            '"' => {
                in_token = true;
                quoted = !quoted;
            }
            c if c.is_ascii_whitespace() && !quoted => {
                if in_token {
                    tokens.push(core::mem::take(&mut current));
                    in_token = false;
                }
            }
            c => {
                in_token = true;
                current.push(c);
            }
        }
    }
    if in_token {
        tokens.push(current);
    }
    tokens
}

/// Parses the whole command line. Without `--`, every token is a kernel option and the
/// application gets argv = ["app"].
pub fn parse(line: &str) -> CommandLine {
    let mut cmd = CommandLine::default();
    let mut tokens = tokenize(line).into_iter();
    let mut saw_separator = false;
    for token in tokens.by_ref() {
        if token == "--" {
            saw_separator = true;
            break;
        }
        if token == "verbose" {
            cmd.verbose = true;
        } else if token == "signals" {
            cmd.signals = true;
        } else if let Some(khz) = token.strip_prefix("tsc_khz=") {
            match khz.parse::<u64>() {
                Ok(v) if v > 0 => cmd.tsc_khz = Some(v),
                _ => cmd.unknown.push(token),
            }
        } else if let Some(v) = token.strip_prefix("profile=") {
            match v.parse::<u32>() {
                Ok(hz) if hz > 0 => cmd.profile_hz = Some(hz),
                _ => cmd.unknown.push(token),
            }
        } else if let Some(v) = token.strip_prefix("ip=") {
            match parse_cidr(v) {
                Some(c) => cmd.net.ip = Some(c),
                None => cmd.unknown.push(token),
            }
        } else if let Some(v) = token.strip_prefix("gateway=") {
            match parse_ipv4(v) {
                Some(a) => cmd.net.gateway = Some(a),
                None => cmd.unknown.push(token),
            }
        } else if let Some(v) = token.strip_prefix("ip6=") {
            match parse_cidr6(v) {
                Some(c) => cmd.net.ip6 = Some(c),
                None => cmd.unknown.push(token),
            }
        } else if let Some(v) = token.strip_prefix("gateway6=") {
            match crate::net::ipv6_text::parse_ipv6(v) {
                Some(a) => cmd.net.gateway6 = Some(a),
                None => cmd.unknown.push(token),
            }
        } else if let Some(v) = token.strip_prefix("dns=") {
            match parse_ipv4(v) {
                Some(a) => cmd.net.dns.push(a),
                None => cmd.unknown.push(token),
            }
        } else if let Some(v) = token.strip_prefix("netfallback=") {
            match parse_fallback(v) {
                Some(f) => cmd.net_fallback = Some(f),
                None => cmd.unknown.push(token),
            }
        } else if let Some(v) = token.strip_prefix("tty=") {
            match parse_terminals(v) {
                Some(mask) => cmd.terminals = mask,
                None => cmd.unknown.push(token),
            }
        } else if let Some(v) = token.strip_prefix("volume=") {
            match crate::fs::fuse::mounts::parse_option(v) {
                Some(m) => cmd.volumes.push(m),
                None => cmd.unknown.push(token),
            }
        } else if let Some(pair) = token.strip_prefix("env=") {
            if pair.contains('=') && !pair.starts_with('=') {
                cmd.env.push(String::from(pair));
            } else {
                cmd.unknown.push(token);
            }
        } else {
            cmd.unknown.push(token);
        }
    }
    if saw_separator {
        cmd.args.extend(tokens);
    }
    if cmd.args.is_empty() {
        cmd.args.push(String::from("app"));
    }
    cmd
}

/// The application's environment: the `env=` pairs, plus `HOME=/` unless they set HOME.
/// Linux starts its first process with HOME=/ too; programs that look HOME up (Python's
/// `expanduser`, shells, libstdc++'s tests) find it.
pub fn environment(env: &[String]) -> Vec<String> {
    let mut all = env.to_vec();
    if !env.iter().any(|e| e.starts_with("HOME=")) {
        all.push(String::from("HOME=/"));
    }
    all
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| String::from(*x)).collect()
    }

    #[test]
    fn static_address_sources_in_order() {
        let none = NetOptions::default();
        let env = s(&[
            "HERMIT_IP=192.168.7.9",
            "HERMIT_MASK=255.255.0.0",
            "HERMIT_GATEWAY=192.168.0.1",
            "HERMIT_DNS1=9.9.9.9",
            "HERMIT_DNS2=bad",
            "HOME=/",
        ]);
        let fallback = parse_fallback("10.0.2.15/24,10.0.2.2,10.0.2.3").unwrap();
        // The environment, as Hermit reads it.
        let r = none.resolve(&env, true, Some(&fallback));
        assert_eq!(r.ip, Some(([192, 168, 7, 9], 16)));
        assert_eq!(r.gateway, Some([192, 168, 0, 1]));
        assert_eq!(r.dns, vec![[9, 9, 9, 9]]);
        // Kernel options win over it.
        let opts = parse("ip=10.1.1.1/8 dns=1.1.1.1").net;
        let r = opts.resolve(&env, false, Some(&fallback));
        assert_eq!(
            (r.ip, r.gateway, r.dns),
            (Some(([10, 1, 1, 1], 8)), None, vec![[1, 1, 1, 1]])
        );
        // No address anywhere: DHCP if the kernel has it, else the runner's network,
        // else Hermit's defaults.
        assert_eq!(none.resolve(&[], true, Some(&fallback)).ip, None);
        assert_eq!(none.resolve(&[], false, Some(&fallback)), fallback);
        let r = none.resolve(&s(&["HERMIT_DNS1=8.8.8.8"]), false, None);
        assert_eq!(r.ip, Some(([10, 0, 5, 3], 24)));
        assert_eq!(r.gateway, Some([10, 0, 5, 1]));
        assert_eq!(r.dns, vec![[8, 8, 8, 8]]);
        // HERMIT_IP alone: Hermit's mask and gateway.
        let r = none.resolve(&s(&["HERMIT_IP=10.0.2.20"]), false, None);
        assert_eq!(
            (r.ip, r.gateway),
            (Some(([10, 0, 2, 20], 24)), Some([10, 0, 5, 1]))
        );
        // A malformed HERMIT_IP is no address.
        assert_eq!(none.resolve(&s(&["HERMIT_IP=10.0.2"]), true, None).ip, None);
    }

    #[test]
    fn ipv6_options_parse_and_survive_resolution() {
        let c = parse("ip6=fec0::10/64 gateway6=fec0::2 ip6=fec0::1/129 gateway6=10.0.2.2");
        let mut fec0_10 = [0u8; 16];
        fec0_10[0] = 0xfe;
        fec0_10[1] = 0xc0;
        fec0_10[15] = 0x10;
        let mut fec0_2 = fec0_10;
        fec0_2[15] = 2;
        assert_eq!(c.net.ip6, Some((fec0_10, 64)));
        assert_eq!(c.net.gateway6, Some(fec0_2));
        assert_eq!(c.unknown, s(&["ip6=fec0::1/129", "gateway6=10.0.2.2"]));
        assert_eq!(parse("ip6=::1").net.ip6.map(|a| a.1), Some(64));
        // With DHCP, HERMIT_IP or the runner's fallback, the IPv6 options stay.
        let fallback = parse_fallback("10.0.2.15/24,10.0.2.2,10.0.2.3").unwrap();
        for r in [
            c.net.resolve(&[], true, None),
            c.net.resolve(&s(&["HERMIT_IP=10.0.2.20"]), false, None),
            c.net.resolve(&[], false, Some(&fallback)),
        ] {
            assert_eq!((r.ip6, r.gateway6), (Some((fec0_10, 64)), Some(fec0_2)));
        }
    }

    #[test]
    fn masks_and_fallbacks_parse() {
        assert_eq!(prefix_of_mask([255, 255, 255, 0]), Some(24));
        assert_eq!(prefix_of_mask([255, 255, 255, 255]), Some(32));
        assert_eq!(prefix_of_mask([0, 0, 0, 0]), Some(0));
        assert_eq!(prefix_of_mask([255, 0, 255, 0]), None);
        let c = parse("netfallback=10.0.2.15/24,10.0.2.2,10.0.2.3 netfallback=1.2.3.4 -- a");
        assert_eq!(c.net_fallback.unwrap().ip, Some(([10, 0, 2, 15], 24)));
        assert_eq!(c.unknown, s(&["netfallback=1.2.3.4"]));
    }

    #[test]
    fn splits_options_and_args() {
        let c = parse("verbose tsc_khz=2200000 env=A=1 env=B=x=y -- /img a --b");
        assert!(c.verbose);
        assert_eq!(c.tsc_khz, Some(2_200_000));
        assert_eq!(c.env, s(&["A=1", "B=x=y"]));
        assert_eq!(c.args, s(&["/img", "a", "--b"]));
        assert!(c.unknown.is_empty());
    }

    #[test]
    fn quotes_and_escapes() {
        assert_eq!(
            tokenize(r#"a "b c" "" d\"e "f\\g""#),
            s(&["a", "b c", "", "d\"e", "f\\g"])
        );
        let c = parse(r#""env=MSG=hello world" -- app "two words" """#);
        assert_eq!(c.env, s(&["MSG=hello world"]));
        assert_eq!(c.args, s(&["app", "two words", ""]));
    }

    #[test]
    fn bad_options_are_reported_not_fatal() {
        let c = parse("tsc_khz=abc env=noequals env==x frob");
        assert_eq!(c.tsc_khz, None);
        assert!(c.env.is_empty());
        assert_eq!(
            c.unknown,
            s(&["tsc_khz=abc", "env=noequals", "env==x", "frob"])
        );
        assert_eq!(c.args, vec![String::from("app")]);
    }

    #[test]
    fn network_options() {
        let c = parse("ip=10.0.2.15/24 gateway=10.0.2.2 dns=10.0.2.3 dns=1.1.1.1 -- app");
        assert_eq!(c.net.ip, Some(([10, 0, 2, 15], 24)));
        assert_eq!(c.net.gateway, Some([10, 0, 2, 2]));
        assert_eq!(c.net.dns, vec![[10, 0, 2, 3], [1, 1, 1, 1]]);
        assert!(c.unknown.is_empty());
        assert_eq!(parse("ip=192.168.1.2").net.ip, Some(([192, 168, 1, 2], 24)));
        assert_eq!(parse("ip=0.0.0.0/0").net.ip, Some(([0, 0, 0, 0], 0)));
        let bad = parse(
            "ip=10.0.2.15/33 ip=10.0.2/24 ip=10.0.2.256/8 ip=10.0.2.1/+8 gateway=a.b.c.d dns=1.2.3.4.5 dns=01.2.3.4",
        );
        assert_eq!(bad.net, NetOptions::default());
        assert_eq!(bad.unknown.len(), 7);
        assert_eq!(parse_ipv4("255.255.255.255"), Some([255; 4]));
        assert_eq!(parse_ipv4(""), None);
        assert_eq!(parse_ipv4("1..2.3"), None);
        assert_eq!(parse_ipv4("1.2.3.-4"), None);
    }

    #[test]
    fn terminal_descriptors() {
        assert_eq!(parse("-- app").terminals, 0);
        assert_eq!(parse("tty=0 -- app").terminals, 1);
        assert!(parse("signals -- app").signals);
        assert!(!parse("-- signals").signals);
        let v = parse("volume=eremit0:/data volume=eremit1:/r:ro volume=x -- app");
        assert_eq!(v.volumes.len(), 2);
        assert_eq!(v.volumes[1].guest, b"/r");
        assert!(v.volumes[1].read_only);
        assert_eq!(v.unknown, ["volume=x"]);
        assert_eq!(parse("tty=0,1,2").terminals, 7);
        assert_eq!(parse("tty=2,1").terminals, 6);
        let bad = parse("tty=3 tty= tty=0,0 tty=1,,2 tty=01");
        assert_eq!(bad.terminals, 0);
        assert_eq!(bad.unknown.len(), 5);
    }

    #[test]
    fn empty_and_whitespace() {
        assert_eq!(
            parse(""),
            CommandLine {
                args: s(&["app"]),
                ..Default::default()
            }
        );
        assert_eq!(tokenize("  a \t b  "), s(&["a", "b"]));
        assert_eq!(parse("--").args, s(&["app"]));
    }

    #[test]
    fn home_defaults_to_root() {
        assert_eq!(environment(&s(&["A=1"])), s(&["A=1", "HOME=/"]));
        assert_eq!(environment(&s(&["HOME=/tmp"])), s(&["HOME=/tmp"]));
        assert_eq!(environment(&[]), s(&["HOME=/"]));
    }
}
