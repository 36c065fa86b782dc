//! Command-line parsing for `eremit` (by hand, no external parser).

use std::fmt;

/// The usage text printed by `eremit --help`.
pub const USAGE: &str = "\
Usage: eremit run [OPTIONS] IMAGE [ARGS...]
       eremit pkg [PKG OPTIONS] -t NAME[:TAG] -o FILE.tar IMAGE [ARGS...]
       eremit --help | eremit help
       eremit --version

Boots an Eremit unikernel IMAGE under QEMU and runs it like a local program:
eremit's stdin becomes the application's, its stdout and stderr become eremit's,
and eremit exits with the application's exit code. Options must come before IMAGE; everything after IMAGE
is passed to the application as its arguments. SIGTERM, SIGINT, SIGHUP, SIGUSR1
and SIGUSR2 sent to eremit go to the application (its handler, or exit 128+n);
a second SIGINT or SIGTERM ends the guest at once.

Options (also accepted as --option=VALUE):
  --cpus N                 number of virtual CPUs (default 1)
  --memory SIZE            guest memory, e.g. 256M, 1G, 1024K; a plain number
                           means MiB (default 512M; at least 4M, more for an
                           image larger than 1.5 MiB or several CPUs)
  --env K=V                set an environment variable in the guest (repeatable)
  --net none|user|passt|tap:IF
                           networking (default none): user is QEMU's
                           built-in user network, passt user-mode
                           networking by a passt daemon the runner starts
                           (the guest gets the host's address, gateway and
                           DNS by DHCP; the gateway address reaches the
                           host's loopback)
  --forward tcp|udp:HOST:GUEST
                           forward a host TCP or UDP port to the guest
                           (repeatable, needs --net user or passt)
  --ip ADDR/PREFIX         the guest's IPv4 address (needs --net); without it
                           the guest asks DHCP, or takes HERMIT_IP from its
                           environment, or user networking's 10.0.2.15/24
  --gateway ADDR           default gateway (with --ip)
  --dns ADDR               DNS server (with --ip; repeatable)
  --ip6 ADDR/PREFIX        a static IPv6 address for the guest (needs --net),
                           beside the one SLAAC configures from router
                           advertisements (user networking's fec0::/64)
  --gateway6 ADDR          IPv6 default router (with --ip6)
  --volume HOSTDIR:GUESTDIR[:ro]
                           share the host directory HOSTDIR with the guest at
                           the absolute path GUESTDIR over virtio-fs (a
                           virtiofsd per volume); :ro refuses every change
                           with EROFS (repeatable, at most 8)
  --accel auto|kvm|tcg     accelerator (default auto: KVM when usable, else TCG)
  --tcg-threads multi|single
                           under TCG with several CPUs: a host thread per vCPU
                           (multi, the default: parallel speed-up) or one for all
                           (single: far faster hand-overs between threads on a
                           busy host, no parallel speed-up)
  --machine microvm|q35|virt
                           QEMU machine type (default microvm for x86-64
                           images, virt, the only one, for aarch64 images)
  --timeout SECS           kill the guest after SECS seconds (exit code 124)
  --verbose                show kernel messages, QEMU output and the QEMU
                           command line on stderr
  -h, --help               print this help

Exit codes: the application's exit code; 124 on timeout; 128+n when a second
SIGINT/SIGTERM (signal n) ended the guest; 125 when eremit itself
fails (QEMU missing, image not bootable, --memory too small or too large for it,
a bad --volume or a virtiofsd that does not start, guest ended without an exit
status); 2 on usage errors.
Environment: EREMIT_QEMU overrides the QEMU binary (default qemu-system-x86_64);
EREMIT_GIC_VERSION=2 gives aarch64's virt a GICv2 instead of its default GICv3.

eremit pkg writes FILE.tar, an OCI image archive (podman load -i FILE.tar,
skopeo copy oci-archive:FILE.tar ...) named NAME:TAG (TAG defaults to latest):
one layer holding IMAGE at /eremit/image, the entrypoint; ARGS are its default
command. Run it with podman --runtime .../eremit-runtime. IMAGE must boot (as
eremit run checks it); the same input always gives the same archive.
PKG OPTIONS (also accepted as --option=VALUE):
  -t, --tag NAME[:TAG]     the image's name (required)
  -o, --output FILE.tar    the archive to write (required; written whole or
                           not at all)
  --cpus N, --memory SIZE  as for run: recorded for the runtime as labels and
                           annotations org.eremit.cpus and org.eremit.memory
                           (defaults 1 and 512M)
  --env K=V                environment variable in the image (repeatable)
  --port PORT[/tcp|/udp]   port the image exposes (repeatable; tcp by default)
Exit codes: 0; 125 when IMAGE is missing or not bootable, --memory does not fit
it, or FILE.tar cannot be written; 2 on usage errors.
";

/// Largest number of virtual CPUs accepted.
pub const MAX_CPUS: u32 = 255;

/// What the user asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Help,
    Version,
    Run(RunOptions),
    Pkg(crate::pkg::options::PkgOptions),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Accel {
    Auto,
    Kvm,
    Tcg,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Machine {
    Microvm,
    Q35,
    /// aarch64's `virt`.
    Virt,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Net {
    None,
    /// QEMU's built-in user network (slirp).
    User,
    /// User-mode networking by a `passt` daemon the runner starts (`crate::passt`).
    Passt,
    Tap(String),
}

/// The transport a `--forward` rule carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Proto {
    Tcp,
    Udp,
}

impl Proto {
    /// Its name in the option and in QEMU's `hostfwd`.
    pub fn name(self) -> &'static str {
        match self {
            Proto::Tcp => "tcp",
            Proto::Udp => "udp",
        }
    }
}

/// A `--forward tcp:HOST:GUEST` or `udp:HOST:GUEST` rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Forward {
    pub proto: Proto,
    pub host: u16,
    pub guest: u16,
}

/// Everything `eremit run` was told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunOptions {
    pub cpus: u32,
    /// Guest memory in KiB.
    pub memory_kib: u64,
    /// `(KEY, VALUE)` pairs in the order given.
    pub env: Vec<(String, String)>,
    pub net: Net,
    /// The guest NIC's MAC address (QEMU's default when `None`); the OCI runtime gives
    /// the guest the container interface's own.
    pub mac: Option<String>,
    pub forwards: Vec<Forward>,
    /// `--ip`, `--gateway`, `--dns` (see `netaddr`).
    pub ip: Option<(std::net::Ipv4Addr, u8)>,
    pub gateway: Option<std::net::Ipv4Addr>,
    pub dns: Vec<std::net::Ipv4Addr>,
    /// `--ip6`, `--gateway6` (see `netaddr`).
    pub ip6: Option<(std::net::Ipv6Addr, u8)>,
    pub gateway6: Option<std::net::Ipv6Addr>,
    /// `--volume` values as given: checked by `run` (`volume::parse`), since a bad one
    /// is exit 125 like a missing directory.
    pub volumes: Vec<String>,
    pub accel: Accel,
    /// `--tcg-threads single`: one host thread runs every vCPU under TCG.
    pub tcg_single_thread: bool,
    /// `None`: the image's architecture decides (`run::machine_for`).
    pub machine: Option<Machine>,
    /// Timeout in seconds; `None` means wait forever.
    pub timeout_secs: Option<u64>,
    pub verbose: bool,
    /// The image path exactly as given.
    pub image: String,
    /// The program's `argv[0]` when it is not the image's path on the host (the OCI
    /// runtime: the path inside the container, as a native container's program sees).
    pub argv0: Option<String>,
    /// Arguments for the application (after IMAGE).
    pub args: Vec<String>,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            cpus: 1,
            memory_kib: 512 * 1024,
            env: Vec::new(),
            net: Net::None,
            mac: None,
            forwards: Vec::new(),
            ip: None,
            gateway: None,
            dns: Vec::new(),
            ip6: None,
            gateway6: None,
            volumes: Vec::new(),
            accel: Accel::Auto,
            tcg_single_thread: false,
            machine: None,
            timeout_secs: None,
            verbose: false,
            image: String::new(),
            argv0: None,
            args: Vec::new(),
        }
    }
}

/// A usage error: reported as `eremit: MESSAGE` with exit code 2.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageError(pub String);

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

pub fn usage_err<T>(msg: impl Into<String>) -> Result<T, UsageError> {
    Err(UsageError(msg.into()))
}

/// Parses the arguments after the program name.
pub fn parse(args: &[String]) -> Result<Command, UsageError> {
    let Some(first) = args.first() else {
        return usage_err("missing command (try 'eremit --help')");
    };
    match first.as_str() {
        "-h" | "--help" | "help" => Ok(Command::Help),
        "-V" | "--version" | "version" => Ok(Command::Version),
        "run" => parse_run(&args[1..]),
        "pkg" => crate::pkg::options::parse(&args[1..]),
        other if other.starts_with('-') => {
            usage_err(format!("unknown option '{other}' (try 'eremit --help')"))
        }
        other => usage_err(format!("unknown command '{other}' (try 'eremit --help')")),
    }
}

/// Options of `run` that take a value.
const VALUE_OPTIONS: &[&str] = &[
    "--cpus",
    "--memory",
    "--env",
    "--net",
    "--forward",
    "--ip",
    "--gateway",
    "--dns",
    "--ip6",
    "--gateway6",
    "--volume",
    "--accel",
    "--tcg-threads",
    "--machine",
    "--timeout",
];

fn parse_run(args: &[String]) -> Result<Command, UsageError> {
    let mut opts = RunOptions::default();
    let mut i = 0;
    let mut image = None;
    while i < args.len() {
        let arg = &args[i];
        i += 1;
        if arg == "--" {
            // Explicit end of options: the next argument is IMAGE.
            if i < args.len() {
                image = Some(i);
            }
            break;
        }
        if !arg.starts_with('-') || arg == "-" {
            image = Some(i - 1);
            break;
        }
        if arg == "-h" || arg == "--help" {
            return Ok(Command::Help);
        }
        let (name, inline_value) = match arg.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n, Some(v.to_string())),
            _ => (arg.as_str(), None),
        };
        if name == "--verbose" || name == "-v" {
            if inline_value.is_some() {
                return usage_err("option '--verbose' takes no value");
            }
            opts.verbose = true;
            continue;
        }
        if !VALUE_OPTIONS.contains(&name) {
            return usage_err(format!("unknown option '{name}' (try 'eremit --help')"));
        }
        let value = match inline_value {
            Some(v) => v,
            None => {
                let Some(v) = args.get(i) else {
                    return usage_err(format!("option '{name}' needs a value"));
                };
                i += 1;
                v.clone()
            }
        };
        apply_option(&mut opts, name, &value)?;
    }
    let Some(image_index) = image else {
        return usage_err("missing IMAGE (usage: eremit run [OPTIONS] IMAGE [ARGS...])");
    };
    if args[image_index].is_empty() {
        return usage_err("IMAGE must not be empty");
    }
    opts.image = args[image_index].clone();
    opts.args = args[image_index + 1..].to_vec();
    if !opts.forwards.is_empty() && !matches!(opts.net, Net::User | Net::Passt) {
        return usage_err("--forward needs --net user or --net passt");
    }
    crate::netaddr::validate(&opts)?;
    Ok(Command::Run(opts))
}

fn apply_option(opts: &mut RunOptions, name: &str, value: &str) -> Result<(), UsageError> {
    match name {
        "--cpus" => opts.cpus = parse_cpus(value)?,
        "--memory" => opts.memory_kib = parse_memory(value)?,
        "--env" => opts.env.push(parse_env(value)?),
        "--net" => opts.net = parse_net(value)?,
        "--forward" => opts.forwards.push(parse_forward(value)?),
        "--ip" => opts.ip = Some(crate::netaddr::parse_cidr(value)?),
        "--gateway" => opts.gateway = Some(crate::netaddr::parse_addr(name, value)?),
        "--dns" => opts.dns.push(crate::netaddr::parse_addr(name, value)?),
        "--ip6" => opts.ip6 = Some(crate::netaddr::parse_cidr6(value)?),
        "--gateway6" => opts.gateway6 = Some(crate::netaddr::parse_addr6(name, value)?),
        "--volume" => opts.volumes.push(value.to_string()),
        "--accel" => {
            opts.accel = match value {
                "auto" => Accel::Auto,
                "kvm" => Accel::Kvm,
                "tcg" => Accel::Tcg,
                _ => return usage_err(format!("invalid --accel '{value}' (auto, kvm or tcg)")),
            }
        }
        "--tcg-threads" => {
            opts.tcg_single_thread = match value {
                "multi" => false,
                "single" => true,
                _ => {
                    return usage_err(format!("invalid --tcg-threads '{value}' (multi or single)"));
                }
            }
        }
        "--machine" => {
            opts.machine = match value {
                "microvm" => Some(Machine::Microvm),
                "q35" => Some(Machine::Q35),
                "virt" => Some(Machine::Virt),
                _ => {
                    return usage_err(format!(
                        "invalid --machine '{value}' (microvm, q35 or virt)"
                    ));
                }
            }
        }
        "--timeout" => opts.timeout_secs = Some(parse_timeout(value)?),
        _ => unreachable!("option list and match are out of sync: {name}"),
    }
    Ok(())
}

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

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    fn run(list: &[&str]) -> RunOptions {
        match parse(&args(list)) {
            Ok(Command::Run(o)) => o,
            other => panic!("expected run, got {other:?}"),
        }
    }

    fn err(list: &[&str]) -> String {
        match parse(&args(list)) {
            Err(UsageError(m)) => m,
            other => panic!("expected usage error, got {other:?}"),
        }
    }

    #[test]
    fn help_and_version() {
        assert_eq!(parse(&args(&["--help"])), Ok(Command::Help));
        assert_eq!(parse(&args(&["help"])), Ok(Command::Help));
        assert_eq!(parse(&args(&["-h"])), Ok(Command::Help));
        assert_eq!(parse(&args(&["run", "--help"])), Ok(Command::Help));
        assert_eq!(parse(&args(&["--version"])), Ok(Command::Version));
        assert!(err(&[]).contains("missing command"));
        assert!(err(&["frobnicate"]).contains("unknown command"));
        assert!(err(&["--frob"]).contains("unknown option"));
    }

    #[test]
    fn defaults() {
        let o = run(&["run", "img"]);
        assert_eq!(
            o,
            RunOptions {
                image: "img".into(),
                ..RunOptions::default()
            }
        );
        assert_eq!(o.cpus, 1);
        assert_eq!(o.memory_kib, 512 * 1024);
        assert_eq!(o.net, Net::None);
        assert_eq!(o.accel, Accel::Auto);
        assert_eq!(o.machine, None);
        assert_eq!(o.timeout_secs, None);
        assert!(!o.verbose);
    }

    #[test]
    fn all_options_both_forms() {
        let o = run(&[
            "run",
            "--cpus",
            "4",
            "--memory=1G",
            "--env",
            "A=1",
            "--env=B=x=y",
            "--net=user",
            "--forward",
            "tcp:8080:80",
            "--forward=tcp:2222:22",
            "--accel",
            "tcg",
            "--machine=q35",
            "--timeout",
            "30",
            "--volume",
            "/h:/g",
            "--volume=/h2:/g2:ro",
            "--verbose",
            "./app",
            "a",
            "--verbose",
            "--",
            "-x",
        ]);
        assert_eq!(o.cpus, 4);
        assert_eq!(o.memory_kib, 1024 * 1024);
        assert_eq!(
            o.env,
            vec![("A".into(), "1".into()), ("B".into(), "x=y".into())]
        );
        assert_eq!(o.net, Net::User);
        assert_eq!(
            o.forwards,
            vec![
                Forward {
                    proto: Proto::Tcp,
                    host: 8080,
                    guest: 80
                },
                Forward {
                    proto: Proto::Tcp,
                    host: 2222,
                    guest: 22
                }
            ]
        );
        assert_eq!(o.accel, Accel::Tcg);
        assert_eq!(o.machine, Some(Machine::Q35));
        assert_eq!(o.timeout_secs, Some(30));
        assert_eq!(o.volumes, args(&["/h:/g", "/h2:/g2:ro"]));
        assert!(o.verbose);
        assert_eq!(o.image, "./app");
        assert_eq!(o.args, args(&["a", "--verbose", "--", "-x"]));
    }

    #[test]
    fn double_dash_before_image() {
        let o = run(&["run", "--", "--weird-image", "--x"]);
        assert_eq!(o.image, "--weird-image");
        assert_eq!(o.args, args(&["--x"]));
        assert!(err(&["run", "--"]).contains("missing IMAGE"));
    }

    #[test]
    fn usage_errors() {
        assert!(err(&["run"]).contains("missing IMAGE"));
        assert!(err(&["run", "--verbose"]).contains("missing IMAGE"));
        assert!(err(&["run", "--cpus"]).contains("needs a value"));
        assert!(err(&["run", "--cpus", "0", "x"]).contains("--cpus"));
        assert!(err(&["run", "--cpus=abc", "x"]).contains("--cpus"));
        assert!(err(&["run", "--bogus", "x"]).contains("unknown option '--bogus'"));
        assert!(err(&["run", "--bogus=1", "x"]).contains("unknown option '--bogus'"));
        assert!(err(&["run", "--verbose=1", "x"]).contains("takes no value"));
        assert!(err(&["run", "--accel", "hvf", "x"]).contains("--accel"));
        assert!(err(&["run", "--tcg-threads", "two", "x"]).contains("--tcg-threads"));
        assert!(err(&["run", "--machine", "pc", "x"]).contains("--machine"));
        assert!(err(&["run", "--timeout", "0", "x"]).contains("--timeout"));
        assert!(err(&["run", "--timeout", "1.5", "x"]).contains("--timeout"));
        assert!(err(&["run", "--env", "novalue", "x"]).contains("--env"));
        assert!(err(&["run", "--env", "=v", "x"]).contains("--env"));
        assert!(err(&["run", "", "x"]).contains("empty"));
    }

    #[test]
    fn forward_needs_user_net() {
        assert!(err(&["run", "--forward", "tcp:1:2", "x"]).contains("--net user"));
        assert!(
            err(&["run", "--net", "tap:tap0", "--forward", "tcp:1:2", "x"]).contains("--net user")
        );
        // Order does not matter.
        let o = run(&["run", "--forward", "tcp:1:2", "--net", "user", "x"]);
        assert_eq!(
            o.forwards,
            vec![Forward {
                proto: Proto::Tcp,
                host: 1,
                guest: 2
            }]
        );
        let o = run(&["run", "--forward", "udp:3:4", "--net", "passt", "x"]);
        assert_eq!(o.net, Net::Passt);
        assert_eq!(o.forwards.len(), 1);
    }

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
