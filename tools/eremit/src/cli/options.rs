//! What the command line asks for: the command, and everything `eremit run` was told
//! with its defaults.

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
