//! Building the QEMU command line and finding the QEMU binary.

use crate::accel::Backend;
use crate::channels::{APP_STDERR_FD, APP_STDIN_FD, APP_STDOUT_FD, KERNEL_LOG_FD, SIGNALS_FD};
#[cfg(test)]
use crate::cli::Proto;
use crate::cli::{Forward, Machine, Net};
use std::ffi::OsString;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

/// The QEMU binary used unless `EREMIT_QEMU` says otherwise.
pub const DEFAULT_QEMU: &str = "qemu-system-x86_64";
/// The QEMU binary for aarch64 images (Debian's `qemu-system-arm`).
pub const DEFAULT_QEMU_AARCH64: &str = "qemu-system-aarch64";
/// Environment variable that overrides the QEMU binary.
pub const QEMU_ENV: &str = "EREMIT_QEMU";
/// Environment variable choosing the GIC of aarch64's `virt` machine: 3 (the default) or 2
/// (the kernel reads which from the device tree).
pub const GIC_ENV: &str = "EREMIT_GIC_VERSION";

/// The GIC version `EREMIT_GIC_VERSION` asks for (`value`, unset or empty: 3).
pub fn gic_version(value: Option<&str>) -> Result<u8, String> {
    match value.map(str::trim) {
        None | Some("") | Some("3") => Ok(3),
        Some("2") => Ok(2),
        Some(v) => Err(format!("{GIC_ENV}={v}: the GIC version is 2 or 3")),
    }
}

/// Everything that decides the QEMU command line.
#[derive(Debug, Clone)]
pub struct QemuSpec<'a> {
    pub image: &'a str,
    /// The kernel command line (already quoted).
    pub append: &'a str,
    pub memory_kib: u64,
    pub cpus: u32,
    pub machine: Machine,
    /// The GIC of `virt` (2 or 3; unused by the x86-64 machines).
    pub gic_version: u8,
    pub backend: Backend,
    /// Under TCG with several vCPUs, one host thread for all (`--tcg-threads single`).
    pub tcg_single_thread: bool,
    pub net: &'a Net,
    /// The NIC's MAC address (`aa:bb:cc:dd:ee:ff`), QEMU's default when `None`.
    pub mac: Option<&'a str>,
    pub forwards: &'a [Forward],
    /// A virtio console carries the application's stdin (`crate::stdin`).
    pub stdin: bool,
    /// A second virtio console carries the signals sent to eremit (`crate::signals`).
    pub signals: bool,
    /// The vhost-user sockets of the volumes' virtiofsd, in order (tag `eremitN`).
    pub volumes: &'a [PathBuf],
}

/// Formats a memory size for `-m`: in MiB when whole, else in KiB.
pub fn memory_arg(kib: u64) -> String {
    if kib.is_multiple_of(1024) {
        format!("{}M", kib / 1024)
    } else {
        format!("{kib}K")
    }
}

/// The arguments after the QEMU program name.
pub fn build_args(spec: &QemuSpec<'_>) -> Vec<String> {
    let mut a: Vec<String> = Vec::with_capacity(48);
    let mut push = |items: &[&str]| a.extend(items.iter().map(|s| s.to_string()));

    push(&["-kernel", spec.image, "-append", spec.append]);
    push(&["-m", &memory_arg(spec.memory_kib)]);
    push(&["-smp", &spec.cpus.to_string()]);
    push(&[
        "-nodefaults",
        "-no-user-config",
        "-display",
        "none",
        "-no-reboot",
    ]);
    match spec.machine {
        Machine::Microvm => push(&[
            "-M",
            "microvm,x-option-roms=off,pit=off,pic=off,rtc=on,auto-kernel-cmdline=off,acpi=off",
            "-global",
            "virtio-mmio.force-legacy=off",
        ]),
        Machine::Q35 => push(&["-M", "q35"]),
        Machine::Virt => push(&[
            "-M",
            &format!("virt,gic-version={}", spec.gic_version),
            "-global",
            "virtio-mmio.force-legacy=off",
        ]),
    }
    match spec.backend {
        Backend::Kvm => push(&["-accel", "kvm", "-cpu", "host"]),
        Backend::Tcg if spec.cpus > 1 && spec.tcg_single_thread => {
            push(&["-accel", "tcg,thread=single", "-cpu", "max"])
        }
        Backend::Tcg if spec.cpus > 1 => push(&["-accel", "tcg,thread=multi", "-cpu", "max"]),
        Backend::Tcg => push(&["-accel", "tcg", "-cpu", "max"]),
    }
    if spec.machine == Machine::Virt {
        // aarch64: the PL011 carries stdout, stderr and the kernel log with the exit
        // record as one stream (crate::demux); the guest powers off with PSCI. No
        // semihosting: it would let any code in the guest open host files.
        push(&[
            "-chardev",
            &format!("file,id=eout,path=/dev/fd/{APP_STDOUT_FD}"),
            "-serial",
            "chardev:eout",
        ]);
    } else {
        push(&["-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]);
        // Application stdout on COM1.
        push(&[
            "-chardev",
            &format!("file,id=eout,path=/dev/fd/{APP_STDOUT_FD}"),
            "-serial",
            "chardev:eout",
        ]);
        // Application stderr on COM2.
        push(&[
            "-chardev",
            &format!("file,id=eerr,path=/dev/fd/{APP_STDERR_FD}"),
            "-device",
            "isa-serial,chardev=eerr,iobase=0x2f8,irq=3",
        ]);
        // Kernel log and exit record on the debug console.
        push(&[
            "-chardev",
            &format!("file,id=elog,path=/dev/fd/{KERNEL_LOG_FD}"),
            "-device",
            "isa-debugcon,chardev=elog,iobase=0xe9",
        ]);
    }

    let netdev = match spec.net {
        Net::None => None,
        Net::User => {
            // Both families (QEMU's default, said explicitly: naming only one turns the
            // other off): IPv6 brings router advertisements of fec0::/64 for SLAAC,
            // the host at fec0::2, DNS at fec0::3.
            let mut s = "user,id=net0,ipv4=on,ipv6=on".to_string();
            for f in spec.forwards {
                s.push_str(&format!(
                    ",hostfwd={}::{}-:{}",
                    f.proto.name(),
                    f.host,
                    f.guest
                ));
            }
            Some(s)
        }
        Net::Tap(ifname) => Some(format!(
            "tap,id=net0,ifname={ifname},script=no,downscript=no"
        )),
    };
    if let Some(netdev) = netdev {
        let device = match spec.machine {
            Machine::Microvm | Machine::Virt => "virtio-net-device,netdev=net0",
            Machine::Q35 => "virtio-net-pci,netdev=net0,disable-legacy=on",
        };
        let device = match spec.mac {
            Some(mac) => format!("{device},mac={mac}"),
            None => device.to_string(),
        };
        push(&["-netdev", &netdev, "-device", &device]);
    }
    if !spec.volumes.is_empty() {
        // vhost-user devices read guest memory directly: it must be shareable memory.
        push(&[
            "-object",
            &format!(
                "memory-backend-memfd,id=mem,size={},share=on",
                memory_arg(spec.memory_kib)
            ),
            "-machine",
            "memory-backend=mem",
        ]);
        for (i, socket) in spec.volumes.iter().enumerate() {
            let device = match spec.machine {
                Machine::Microvm | Machine::Virt => "vhost-user-fs-device",
                Machine::Q35 => "vhost-user-fs-pci",
            };
            push(&[
                "-chardev",
                &format!("socket,id=vfs{i},path={}", socket.display()),
                "-device",
                &format!(
                    "{device},chardev=vfs{i},tag={}",
                    crate::volume::Volume::tag(i)
                ),
            ]);
        }
    }
    if spec.stdin {
        // One port (max_ports=1: no multiport, no control queues), a console port,
        // which is port 0, on the socket the runner forwards its stdin through.
        // Each console names its device's bus: with the signal channel's device there
        // too, QEMU would otherwise put both consoles on the first bus.
        let serial = match spec.machine {
            Machine::Microvm | Machine::Virt => "virtio-serial-device,max_ports=1,id=einserial",
            Machine::Q35 => "virtio-serial-pci,max_ports=1,disable-legacy=on,id=einserial",
        };
        push(&[
            "-chardev",
            &format!("socket,id=ein,fd={APP_STDIN_FD}"),
            "-device",
            serial,
            "-device",
            "virtconsole,chardev=ein,bus=einserial.0",
        ]);
    }
    if spec.signals {
        // The same device with room for two ports (`max_ports=2`): QEMU then offers the
        // MULTIPORT feature, by which the kernel tells this console from stdin's. The
        // kernel does not accept it and reads port 0, the one console.
        let serial = match spec.machine {
            Machine::Microvm | Machine::Virt => "virtio-serial-device,max_ports=2,id=esigserial",
            Machine::Q35 => "virtio-serial-pci,max_ports=2,disable-legacy=on,id=esigserial",
        };
        push(&[
            "-chardev",
            &format!("socket,id=esig,fd={SIGNALS_FD}"),
            "-device",
            serial,
            "-device",
            "virtconsole,chardev=esig,bus=esigserial.0",
        ]);
    }
    a
}

/// Quotes one word for display in a POSIX shell (for `--verbose`).
pub fn shell_quote(word: &str) -> String {
    let safe = !word.is_empty()
        && word
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./=:,+@%".contains(&b));
    if safe {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// The whole command as one shell-quoted line.
pub fn display_command(program: &str, args: &[String]) -> String {
    std::iter::once(program)
        .chain(args.iter().map(String::as_str))
        .map(shell_quote)
        .collect::<Vec<_>>()
        .join(" ")
}

fn is_executable(path: &Path) -> bool {
    path.metadata()
        .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// Finds `program` like a shell would: a name with a `/` is used as a path,
/// anything else is searched in `path_var` (the value of `PATH`).
pub fn find_program(program: &str, path_var: Option<OsString>) -> Option<PathBuf> {
    if program.is_empty() {
        return None;
    }
    if program.contains('/') {
        let p = PathBuf::from(program);
        return is_executable(&p).then_some(p);
    }
    let path_var = path_var?;
    std::env::split_paths(&path_var)
        .map(|dir| {
            if dir.as_os_str().is_empty() {
                PathBuf::from(".").join(program)
            } else {
                dir.join(program)
            }
        })
        .find(|p| is_executable(p))
}

/// Why QEMU could not be found.
pub fn not_found_message(program: &str, override_value: Option<&str>) -> String {
    let package = if program == DEFAULT_QEMU_AARCH64 {
        "qemu-system-arm"
    } else {
        "qemu-system-x86"
    };
    let base = format!("{program} not found; install it with: apt-get install {package}");
    match override_value {
        Some(v) => format!("{base} ({QEMU_ENV} is set to '{v}', which was not found)"),
        None => base,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec<'a>(net: &'a Net, forwards: &'a [Forward]) -> QemuSpec<'a> {
        QemuSpec {
            image: "build/hello",
            append: "tsc_khz=2000000 -- build/hello",
            memory_kib: 512 * 1024,
            cpus: 1,
            machine: Machine::Microvm,
            gic_version: 3,
            backend: Backend::Tcg,
            tcg_single_thread: false,
            net,
            mac: None,
            forwards,
            stdin: false,
            signals: false,
            volumes: &[],
        }
    }

    fn joined(args: &[String]) -> String {
        args.join(" ")
    }

    /// True when `needle` occurs in `args` as consecutive elements.
    fn has_seq(args: &[String], needle: &[&str]) -> bool {
        args.windows(needle.len())
            .any(|w| w.iter().zip(needle).all(|(a, b)| a == b))
    }

    #[test]
    fn default_microvm_tcg() {
        let args = build_args(&spec(&Net::None, &[]));
        let expected = [
            "-kernel",
            "build/hello",
            "-append",
            "tsc_khz=2000000 -- build/hello",
            "-m",
            "512M",
            "-smp",
            "1",
            "-nodefaults",
            "-no-user-config",
            "-display",
            "none",
            "-no-reboot",
            "-M",
            "microvm,x-option-roms=off,pit=off,pic=off,rtc=on,auto-kernel-cmdline=off,acpi=off",
            "-global",
            "virtio-mmio.force-legacy=off",
            "-accel",
            "tcg",
            "-cpu",
            "max",
            "-device",
            "isa-debug-exit,iobase=0xf4,iosize=0x04",
            "-chardev",
            "file,id=eout,path=/dev/fd/3",
            "-serial",
            "chardev:eout",
            "-chardev",
            "file,id=eerr,path=/dev/fd/4",
            "-device",
            "isa-serial,chardev=eerr,iobase=0x2f8,irq=3",
            "-chardev",
            "file,id=elog,path=/dev/fd/5",
            "-device",
            "isa-debugcon,chardev=elog,iobase=0xe9",
        ];
        assert_eq!(args, expected);
        assert!(!joined(&args).contains("netdev"));
    }

    #[test]
    fn q35_kvm_smp() {
        let mut s = spec(&Net::None, &[]);
        s.machine = Machine::Q35;
        s.backend = Backend::Kvm;
        s.cpus = 4;
        s.memory_kib = 1024 * 1024;
        let args = build_args(&s);
        assert!(has_seq(&args, &["-M", "q35"]));
        assert!(!joined(&args).contains("microvm"));
        assert!(!joined(&args).contains("virtio-mmio"));
        assert!(has_seq(&args, &["-accel", "kvm", "-cpu", "host"]));
        assert!(has_seq(&args, &["-smp", "4"]));
        assert!(has_seq(&args, &["-m", "1024M"]));
    }

    #[test]
    fn multithreaded_tcg_for_smp() {
        let mut s = spec(&Net::None, &[]);
        s.cpus = 2;
        let args = build_args(&s);
        assert!(has_seq(
            &args,
            &["-accel", "tcg,thread=multi", "-cpu", "max"]
        ));
        s.tcg_single_thread = true;
        let args = build_args(&s);
        assert!(has_seq(
            &args,
            &["-accel", "tcg,thread=single", "-cpu", "max"]
        ));
    }

    #[test]
    fn user_net_with_forwards() {
        let fwd = [
            Forward {
                proto: Proto::Tcp,
                host: 8080,
                guest: 80,
            },
            Forward {
                proto: Proto::Udp,
                host: 2222,
                guest: 22,
            },
        ];
        let args = build_args(&spec(&Net::User, &fwd));
        assert!(has_seq(
            &args,
            &[
                "-netdev",
                "user,id=net0,ipv4=on,ipv6=on,hostfwd=tcp::8080-:80,hostfwd=udp::2222-:22",
                "-device",
                "virtio-net-device,netdev=net0",
            ]
        ));
        let mut s = spec(&Net::User, &[]);
        s.machine = Machine::Q35;
        let args = build_args(&s);
        assert!(has_seq(
            &args,
            &[
                "-netdev",
                "user,id=net0,ipv4=on,ipv6=on",
                "-device",
                "virtio-net-pci,netdev=net0,disable-legacy=on",
            ]
        ));
    }

    #[test]
    fn signal_console() {
        let mut s = spec(&Net::None, &[]);
        assert!(!joined(&build_args(&s)).contains("esig"));
        s.signals = true;
        s.stdin = true;
        let args = build_args(&s);
        assert!(has_seq(
            &args,
            &[
                "-chardev",
                "socket,id=esig,fd=7",
                "-device",
                "virtio-serial-device,max_ports=2,id=esigserial",
                "-device",
                "virtconsole,chardev=esig,bus=esigserial.0",
            ]
        ));
        // Standard input's console keeps one port: the kernel tells them apart by that.
        assert!(has_seq(
            &args,
            &["-device", "virtio-serial-device,max_ports=1,id=einserial"]
        ));
        s.machine = Machine::Q35;
        let args = build_args(&s);
        assert!(has_seq(
            &args,
            &[
                "-device",
                "virtio-serial-pci,max_ports=2,disable-legacy=on,id=esigserial"
            ]
        ));
    }

    #[test]
    fn stdin_console() {
        let mut s = spec(&Net::None, &[]);
        assert!(!joined(&build_args(&s)).contains("virtconsole"));
        s.stdin = true;
        let args = build_args(&s);
        assert!(has_seq(
            &args,
            &[
                "-chardev",
                "socket,id=ein,fd=6",
                "-device",
                "virtio-serial-device,max_ports=1,id=einserial",
                "-device",
                "virtconsole,chardev=ein,bus=einserial.0",
            ]
        ));
        s.machine = Machine::Q35;
        let args = build_args(&s);
        assert!(has_seq(
            &args,
            &[
                "-device",
                "virtio-serial-pci,max_ports=1,disable-legacy=on,id=einserial",
            ]
        ));
    }

    #[test]
    fn volumes_share_memory() {
        let mut s = spec(&Net::None, &[]);
        assert!(!joined(&build_args(&s)).contains("vhost-user"));
        let sockets = [PathBuf::from("/t/a.sock"), PathBuf::from("/t/b.sock")];
        s.volumes = &sockets;
        let args = build_args(&s);
        assert!(has_seq(
            &args,
            &[
                "-object",
                "memory-backend-memfd,id=mem,size=512M,share=on",
                "-machine",
                "memory-backend=mem",
            ]
        ));
        assert!(has_seq(
            &args,
            &[
                "-chardev",
                "socket,id=vfs1,path=/t/b.sock",
                "-device",
                "vhost-user-fs-device,chardev=vfs1,tag=eremit1",
            ]
        ));
        s.machine = Machine::Q35;
        let args = build_args(&s);
        assert!(has_seq(
            &args,
            &["-device", "vhost-user-fs-pci,chardev=vfs0,tag=eremit0"]
        ));
    }

    #[test]
    fn tap_net() {
        let net = Net::Tap("tap0".into());
        let args = build_args(&spec(&net, &[]));
        assert!(has_seq(
            &args,
            &[
                "-netdev",
                "tap,id=net0,ifname=tap0,script=no,downscript=no",
                "-device",
                "virtio-net-device,netdev=net0",
            ]
        ));
    }

    #[test]
    fn nic_mac() {
        let net = Net::Tap("tap0".into());
        let mut s = spec(&net, &[]);
        s.mac = Some("02:42:0a:58:00:05");
        assert!(has_seq(
            &build_args(&s),
            &[
                "-device",
                "virtio-net-device,netdev=net0,mac=02:42:0a:58:00:05"
            ]
        ));
    }

    #[test]
    fn memory_formatting() {
        assert_eq!(memory_arg(32 * 1024), "32M");
        assert_eq!(memory_arg(1024 * 1024), "1024M");
        assert_eq!(memory_arg(40000), "40000K");
    }

    #[test]
    fn shell_quoting_for_display() {
        assert_eq!(shell_quote("-m"), "-m");
        assert_eq!(
            shell_quote("file,id=x,path=/dev/fd/3"),
            "file,id=x,path=/dev/fd/3"
        );
        assert_eq!(shell_quote(""), "''");
        assert_eq!(shell_quote("a b"), "'a b'");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
        assert_eq!(
            display_command("qemu", &["-append".into(), "-- x y".into()]),
            "qemu -append '-- x y'"
        );
    }

    #[test]
    fn program_lookup() {
        let sh = find_program("sh", Some("/nonexistent:/bin:/usr/bin".into()));
        assert!(sh.is_some_and(|p| p.ends_with("sh")));
        assert_eq!(find_program("sh", Some("/nonexistent".into())), None);
        assert_eq!(find_program("sh", None), None);
        assert_eq!(find_program("", Some("/bin".into())), None);
        assert_eq!(find_program("/nonexistent/qemu", None), None);
        assert_eq!(
            find_program("/bin/sh", None),
            Some(PathBuf::from("/bin/sh"))
        );
    }

    #[test]
    fn not_found_text() {
        assert_eq!(
            not_found_message(DEFAULT_QEMU, None),
            "qemu-system-x86_64 not found; install it with: apt-get install qemu-system-x86"
        );
        assert!(not_found_message(DEFAULT_QEMU, Some("/x")).starts_with(
            "qemu-system-x86_64 not found; install it with: apt-get install qemu-system-x86"
        ));
        assert_eq!(
            not_found_message(DEFAULT_QEMU_AARCH64, None),
            "qemu-system-aarch64 not found; install it with: apt-get install qemu-system-arm"
        );
    }

    #[test]
    fn gic_version_from_the_environment() {
        assert_eq!(gic_version(None), Ok(3));
        assert_eq!(gic_version(Some("")), Ok(3));
        assert_eq!(gic_version(Some("3")), Ok(3));
        assert_eq!(gic_version(Some(" 2")), Ok(2));
        assert!(gic_version(Some("4")).unwrap_err().contains("2 or 3"));
        let net = Net::None;
        let mut s = spec(&net, &[]);
        s.machine = Machine::Virt;
        s.gic_version = 2;
        assert!(has_seq(&build_args(&s), &["-M", "virt,gic-version=2"]));
    }

    #[test]
    fn virt_one_serial_stream() {
        let net = Net::User;
        let mut s = spec(&net, &[]);
        s.machine = Machine::Virt;
        let args = build_args(&s);
        assert!(has_seq(&args, &["-M", "virt,gic-version=3"]));
        assert!(has_seq(
            &args,
            &[
                "-chardev",
                "file,id=eout,path=/dev/fd/3",
                "-serial",
                "chardev:eout"
            ]
        ));
        // The one serial port: stderr's and the log's fds are not QEMU's to write.
        assert_eq!(args.iter().filter(|a| *a == "-serial").count(), 1);
        assert!(!joined(&args).contains("/dev/fd/4"), "{}", joined(&args));
        assert!(!joined(&args).contains("/dev/fd/5"), "{}", joined(&args));
        assert!(!joined(&args).contains("isa-"), "{}", joined(&args));
        // virtio devices on virt's MMIO transports.
        assert!(joined(&args).contains("virtio-net-device,netdev=net0"));
    }

    /// Semihosting would let any code in an aarch64 guest open and write host files with
    /// QEMU's rights: no QEMU command line may turn it on, whatever the options.
    #[test]
    fn no_semihosting_on_any_machine() {
        let sockets = [PathBuf::from("/t/a.sock")];
        let fwd = [Forward {
            proto: Proto::Tcp,
            host: 8080,
            guest: 80,
        }];
        let nets = [Net::None, Net::User, Net::Tap("tap0".into())];
        for machine in [Machine::Virt, Machine::Microvm, Machine::Q35] {
            for net in &nets {
                for extras in [false, true] {
                    let mut s = spec(net, &fwd);
                    s.machine = machine;
                    s.cpus = if extras { 4 } else { 1 };
                    s.stdin = extras;
                    s.signals = extras;
                    if extras {
                        s.volumes = &sockets;
                    }
                    let args = build_args(&s);
                    assert!(
                        !args
                            .iter()
                            .any(|a| a.to_ascii_lowercase().contains("semihost")),
                        "{machine:?}: {}",
                        joined(&args)
                    );
                }
            }
        }
    }
}
