//! `--net passt`: user-mode networking by the `passt` daemon instead of QEMU's built-in
//! slirp. The runner starts passt in the foreground as its child, with its socket in a
//! private directory, waits for the socket, and gives it to QEMU as a `stream` netdev;
//! dropping `Passt` kills the daemon and removes the directory, so it ends with the VM
//! on every path out of `run` (normal exit, timeout, runner error).
//!
//! passt gives the guest, by DHCP, the address, gateway and DNS servers of the host's
//! interface with the default route; connections to the gateway address reach the
//! host's loopback. Each `--forward` becomes a `-t`/`-u` `HOST:GUEST` port mapping.
//!
//! passt (2023-03) says nothing when a forwarded host port is taken: it leaves the port
//! unforwarded, or forwards only the IP version that was free (a port held on 0.0.0.0
//! still gets passt's `[::]` socket). QEMU's user network refuses to start instead, so
//! the runner checks the ports first (`check_host_ports`) and fails the same way.

use crate::cli::{Forward, Proto};
use crate::helper_process::helper_command;
use crate::run::io_text;
use std::path::{Path, PathBuf};
use std::process::Child;
use std::time::{Duration, Instant};

/// The program looked up on `PATH` (Debian's package `passt`).
pub const PASST: &str = "passt";
/// Environment variable that overrides the program (tests, other installs).
pub const PASST_ENV: &str = "EREMIT_PASST";
/// How long the daemon may take to listen on its socket.
const START_TIMEOUT: Duration = Duration::from_secs(5);
/// The user passt runs as when started by root. Started as root, passt changes to
/// `nobody` by itself before it binds its socket, so the directory must be that
/// user's; naming the user makes the owner of the directory certain.
const NOBODY: u32 = 65534;

/// The socket's directory for runner process `pid`.
pub fn socket_dir(pid: u32) -> PathBuf {
    std::env::temp_dir().join(format!("eremit-passt-{pid}"))
}

/// passt's arguments: foreground, quiet, one client (it ends when QEMU does, even if the
/// runner was killed), the socket, and the forwarded ports. `runas` is the user to change
/// to when started as root.
pub fn daemon_args(socket: &Path, forwards: &[Forward], runas: Option<u32>) -> Vec<String> {
    let mut args: Vec<String> = vec!["--foreground".into(), "--quiet".into(), "--one-off".into()];
    if let Some(uid) = runas {
        args.push("--runas".into());
        args.push(format!("{uid}:{uid}"));
    }
    args.push("--socket".into());
    args.push(socket.display().to_string());
    let list = |proto: Proto| -> Vec<String> {
        forwards
            .iter()
            .filter(|f| f.proto == proto)
            .map(|f| format!("{}:{}", f.host, f.guest))
            .collect()
    };
    // Explicit "none" for a protocol without rules: passt would otherwise also forward
    // the UDP ports matching forwarded TCP ports.
    for (option, proto) in [("--tcp-ports", Proto::Tcp), ("--udp-ports", Proto::Udp)] {
        let ports = list(proto);
        args.push(option.into());
        args.push(if ports.is_empty() {
            "none".into()
        } else {
            ports.join(",")
        });
    }
    args
}

/// QEMU's `-netdev` value for passt's socket (commas in the path doubled, QEMU's
/// escape in option values).
pub fn netdev(socket: &Path) -> String {
    format!(
        "stream,id=net0,server=off,addr.type=unix,addr.path={}",
        socket.display().to_string().replace(',', ",,")
    )
}

/// The message when the program is not installed.
pub fn not_found_message(override_value: Option<&str>) -> String {
    match override_value {
        Some(p) => format!("{PASST_ENV}={p}: not found or not executable"),
        None => format!(
            "--net passt: '{PASST}' not found on PATH; install it with: apt-get install passt"
        ),
    }
}

/// Whether the host ports of `forwards` are free, tried the way passt binds them (the
/// wildcard address of IPv4, then of IPv6); an error names the first taken one. IPv6
/// errors other than "in use" are not reported: a host without IPv6 gets IPv4 only.
pub fn check_host_ports(forwards: &[Forward]) -> Result<(), String> {
    use std::io::ErrorKind;
    use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener, UdpSocket};
    for f in forwards {
        let try_bind = |addr: SocketAddr| match f.proto {
            Proto::Tcp => TcpListener::bind(addr).map(drop),
            Proto::Udp => UdpSocket::bind(addr).map(drop),
        };
        let rule = format!("--forward {}:{}:{}", f.proto.name(), f.host, f.guest);
        let what = format!("host {} port {}", f.proto.name().to_uppercase(), f.host);
        if let Err(e) = try_bind((Ipv4Addr::UNSPECIFIED, f.host).into()) {
            return Err(if e.kind() == ErrorKind::AddrInUse {
                format!(
                    "{rule}: {what} is already in use on IPv4 (passt would not forward it there)"
                )
            } else {
                format!("{rule}: cannot bind {what}: {}", io_text(&e))
            });
        }
        // std's IPv6 wildcard socket is dual-stack: with IPv4 free, "in use" is IPv6's.
        if let Err(e) = try_bind((Ipv6Addr::UNSPECIFIED, f.host).into())
            && e.kind() == ErrorKind::AddrInUse
        {
            return Err(format!(
                "{rule}: {what} is already in use on IPv6 (passt would not forward it there)"
            ));
        }
    }
    Ok(())
}

/// The running daemon; dropping this kills it and removes its directory.
pub struct Passt {
    child: Child,
    dir: PathBuf,
    /// The socket QEMU connects to.
    pub socket: PathBuf,
}

impl Passt {
    /// Starts passt and waits for its socket; an error is one line for `eremit:`.
    pub fn start(forwards: &[Forward], verbose: bool) -> Result<Passt, String> {
        let override_value = std::env::var(PASST_ENV).ok().filter(|v| !v.is_empty());
        let program = override_value.as_deref().unwrap_or(PASST);
        let Some(program_path) = crate::qemu::find_program(program, std::env::var_os("PATH"))
        else {
            return Err(not_found_message(override_value.as_deref()));
        };
        check_host_ports(forwards)?;
        let dir = socket_dir(std::process::id());
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir(&dir)
            .map_err(|e| format!("cannot create {}: {}", dir.display(), io_text(&e)))?;
        // From here on, `cleanup` removes the directory on errors.
        let cleanup = |message: String| {
            let _ = std::fs::remove_dir_all(&dir);
            message
        };
        // Only passt's user (and root) may reach the socket.
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700))
                .map_err(|e| cleanup(format!("cannot chmod {}: {}", dir.display(), io_text(&e))))?;
        }
        // SAFETY: geteuid has no preconditions and cannot fail.
        let runas = (unsafe { libc::geteuid() } == 0).then_some(NOBODY);
        if let Some(uid) = runas {
            std::os::unix::fs::chown(&dir, Some(uid), Some(uid))
                .map_err(|e| cleanup(format!("cannot chown {}: {}", dir.display(), io_text(&e))))?;
        }
        let socket = dir.join("passt.sock");
        let mut cmd = helper_command(&program_path, verbose);
        cmd.args(daemon_args(&socket, forwards, runas));
        let child = cmd.spawn().map_err(|e| {
            cleanup(format!(
                "cannot start {}: {}",
                program_path.display(),
                io_text(&e)
            ))
        })?;
        let mut passt = Passt {
            child,
            dir: dir.clone(),
            socket,
        };
        // Dropping `passt` from here on kills the daemon and removes the directory.
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            if listening(&passt.socket) {
                return Ok(passt);
            }
            if let Ok(Some(status)) = passt.child.try_wait() {
                return Err(format!(
                    "passt exited ({status}) before listening on {}; run with -v to see why",
                    passt.socket.display()
                ));
            }
            if Instant::now() >= deadline {
                return Err(format!(
                    "passt did not listen on {} within {} s",
                    passt.socket.display(),
                    START_TIMEOUT.as_secs()
                ));
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

/// Whether a Unix socket is listening at `socket` (from `/proc/net/unix`). Not probed
/// by connecting: passt serves one client at a time, and a probe could hold QEMU off.
fn listening(socket: &Path) -> bool {
    std::fs::read_to_string("/proc/net/unix")
        .is_ok_and(|table| listening_in(&table, &socket.display().to_string()))
}

/// `/proc/net/unix` lines are `Num RefCount Protocol Flags Type St Inode Path`; a
/// listening socket has `__SO_ACCEPTCON` (0x10000) in Flags.
fn listening_in(table: &str, path: &str) -> bool {
    const SO_ACCEPTCON: u32 = 0x10000;
    table.lines().skip(1).any(|line| {
        let fields: Vec<&str> = line.split_whitespace().collect();
        fields.len() == 8
            && fields[7] == path
            && u32::from_str_radix(fields[3], 16).is_ok_and(|f| f & SO_ACCEPTCON != 0)
    })
}

impl Drop for Passt {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fwd(proto: Proto, host: u16, guest: u16) -> Forward {
        Forward { proto, host, guest }
    }

    #[test]
    fn arguments_without_forwards() {
        let args = daemon_args(Path::new("/tmp/d/passt.sock"), &[], None);
        assert_eq!(
            args,
            [
                "--foreground",
                "--quiet",
                "--one-off",
                "--socket",
                "/tmp/d/passt.sock",
                "--tcp-ports",
                "none",
                "--udp-ports",
                "none"
            ]
        );
    }

    #[test]
    fn forwards_become_port_mappings() {
        let f = [
            fwd(Proto::Tcp, 8080, 80),
            fwd(Proto::Udp, 5353, 53),
            fwd(Proto::Tcp, 2222, 22),
        ];
        let args = daemon_args(Path::new("/s"), &f, Some(NOBODY));
        assert_eq!(
            args,
            [
                "--foreground",
                "--quiet",
                "--one-off",
                "--runas",
                "65534:65534",
                "--socket",
                "/s",
                "--tcp-ports",
                "8080:80,2222:22",
                "--udp-ports",
                "5353:53"
            ]
        );
    }

    #[test]
    fn netdev_names_the_socket() {
        assert_eq!(
            netdev(Path::new("/tmp/eremit-passt-7/passt.sock")),
            "stream,id=net0,server=off,addr.type=unix,addr.path=/tmp/eremit-passt-7/passt.sock"
        );
        assert_eq!(
            netdev(Path::new("/t,x/p.sock")),
            "stream,id=net0,server=off,addr.type=unix,addr.path=/t,,x/p.sock"
        );
    }

    #[test]
    fn listening_socket_found() {
        let table = "Num       RefCount Protocol Flags    Type St Inode Path\n\
            0000000000000000: 00000002 00000000 00010000 0001 01 7305291 /tmp/e/passt.sock\n\
            0000000000000000: 00000002 00000000 00000000 0001 01 7305292 /tmp/f/passt.sock\n\
            0000000000000000: 00000003 00000000 00000000 0001 03 7302684\n";
        assert!(listening_in(table, "/tmp/e/passt.sock"));
        // Bound but not listening yet.
        assert!(!listening_in(table, "/tmp/f/passt.sock"));
        assert!(!listening_in(table, "/tmp/g/passt.sock"));
        assert!(!listening_in("", "/tmp/e/passt.sock"));
    }

    #[test]
    fn taken_host_ports_reported() {
        use std::net::{TcpListener, UdpSocket};
        let tcp = TcpListener::bind("0.0.0.0:0").unwrap();
        let port = tcp.local_addr().unwrap().port();
        let e = check_host_ports(&[fwd(Proto::Tcp, port, 80)]).unwrap_err();
        assert!(e.contains(&format!("--forward tcp:{port}:80")), "{e}");
        assert!(
            e.contains(&format!("host TCP port {port} is already in use on IPv4")),
            "{e}"
        );
        drop(tcp);
        assert_eq!(check_host_ports(&[fwd(Proto::Tcp, port, 80)]), Ok(()));

        let udp = UdpSocket::bind("127.0.0.1:0").unwrap();
        let port = udp.local_addr().unwrap().port();
        assert!(
            check_host_ports(&[fwd(Proto::Udp, port, 53)])
                .unwrap_err()
                .contains(&format!(
                    "--forward udp:{port}:53: host UDP port {port} is already in use on IPv4"
                ))
        );
        drop(udp);
        assert_eq!(check_host_ports(&[fwd(Proto::Udp, port, 53)]), Ok(()));
    }

    #[test]
    fn taken_ipv6_host_port_reported() {
        // Held on IPv6 only: passt would forward IPv4 alone. Skipped without IPv6.
        let Ok(tcp) = std::net::TcpListener::bind("[::1]:0") else {
            return;
        };
        let port = tcp.local_addr().unwrap().port();
        let e = check_host_ports(&[fwd(Proto::Tcp, port, 80)]).unwrap_err();
        assert!(e.contains("already in use on IPv6"), "{e}");
    }

    #[test]
    fn missing_program_message() {
        assert!(not_found_message(None).contains("apt-get install passt"));
        assert!(not_found_message(Some("/nope")).contains("EREMIT_PASST=/nope"));
    }
}
