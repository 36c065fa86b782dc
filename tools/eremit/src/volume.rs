//! `--volume HOSTDIR:GUESTDIR[:ro]`: host directories shared with the guest over
//! virtio-fs. Parsing and validation are plain functions (unit-tested); `Daemons`
//! starts one `virtiofsd` per volume and stops them all when dropped, so they end with
//! the VM on every path out of `run` (normal exit, timeout, runner error).

use crate::cli::{UsageError, usage_err};
use crate::helper_process::helper_command;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The most volumes one VM gets (each is a virtio device, a socket and a daemon; the
/// kernel's mount table has room for this many).
pub const MAX_VOLUMES: usize = 8;
/// The `virtiofsd` QEMU 7.2 installs (Debian's qemu-system-common).
pub const VIRTIOFSD: &str = "/usr/lib/qemu/virtiofsd";
/// Environment variable that overrides the daemon (tests, other installs).
pub const VIRTIOFSD_ENV: &str = "EREMIT_VIRTIOFSD";
/// How long a daemon may take to create its socket.
const START_TIMEOUT: Duration = Duration::from_secs(5);

/// One `--volume`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Volume {
    pub host: String,
    pub guest: String,
    pub read_only: bool,
}

impl Volume {
    /// The virtio-fs tag of volume `index` (what the kernel matches the mount table on).
    pub fn tag(index: usize) -> String {
        format!("eremit{index}")
    }
}

/// Parses `HOSTDIR:GUESTDIR[:ro]` (syntax only; `validate` checks the host).
pub fn parse(value: &str) -> Result<Volume, UsageError> {
    let bad = |why: &str| {
        usage_err(format!(
            "invalid --volume '{value}': {why} (expected HOSTDIR:GUESTDIR[:ro])"
        ))
    };
    let mut parts: Vec<&str> = value.split(':').collect();
    let read_only = match parts.len() {
        2 => false,
        3 if parts[2] == "ro" => true,
        3 if parts[2] == "rw" => false,
        3 => return bad("the third field must be 'ro' or 'rw'"),
        _ => return bad("wrong number of ':'"),
    };
    parts.truncate(2);
    let (host, guest) = (parts[0], parts[1]);
    if host.is_empty() {
        return bad("HOSTDIR is empty");
    }
    if !guest.starts_with('/') {
        return bad("GUESTDIR must be absolute");
    }
    let normal = normalize(guest);
    if normal == "/" {
        return bad("GUESTDIR must not be /");
    }
    if normal.split('/').any(|c| c == "..") {
        return bad("GUESTDIR must not contain '..'");
    }
    // The kernel command line separates fields with ':' and tokens with spaces (quoted,
    // but keep the mount table simple): the guest path may hold neither.
    if normal.contains([' ', '"', '\\', ',']) || normal.len() > 255 {
        return bad("GUESTDIR must not contain spaces, quotes, backslashes or commas");
    }
    Ok(Volume {
        host: host.to_string(),
        guest: normal,
        read_only,
    })
}

/// `guest` without repeated or trailing slashes and `.` components.
fn normalize(guest: &str) -> String {
    let parts: Vec<&str> = guest
        .split('/')
        .filter(|c| !c.is_empty() && *c != ".")
        .collect();
    format!("/{}", parts.join("/"))
}

/// Checks the set of volumes: at most `MAX_VOLUMES`, no GUESTDIR twice or inside
/// another (a mount on a mount), each HOSTDIR an existing directory.
pub fn validate(volumes: &[Volume]) -> Result<(), String> {
    if volumes.len() > MAX_VOLUMES {
        return Err(format!(
            "at most {MAX_VOLUMES} volumes (got {})",
            volumes.len()
        ));
    }
    for (i, v) in volumes.iter().enumerate() {
        for w in &volumes[..i] {
            let nested = |a: &str, b: &str| a == b || a.starts_with(&format!("{b}/"));
            if nested(&v.guest, &w.guest) || nested(&w.guest, &v.guest) {
                return Err(format!(
                    "volumes on {} and {} overlap in the guest",
                    w.guest, v.guest
                ));
            }
        }
        match std::fs::metadata(&v.host) {
            Ok(m) if m.is_dir() => {}
            Ok(_) => return Err(format!("volume {}: not a directory", v.host)),
            Err(e) => return Err(format!("volume {}: {}", v.host, io_text(&e))),
        }
    }
    Ok(())
}

fn io_text(e: &std::io::Error) -> String {
    let text = e.to_string();
    match text.rfind(" (os error ") {
        Some(i) if text.ends_with(')') => text[..i].to_string(),
        _ => text,
    }
}

/// The kernel option for the mount table: `volume=TAG:GUESTDIR[:ro]` per volume.
pub fn kernel_options(volumes: &[Volume]) -> Vec<String> {
    volumes
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let ro = if v.read_only { ":ro" } else { "" };
            format!("volume={}:{}{ro}", Volume::tag(i), v.guest)
        })
        .collect()
}

/// The daemon's arguments for one volume. `sandbox` is `namespace` or `chroot`. No
/// `--rlimit-nofile` raise (this may run where setrlimit is refused); POSIX and flock
/// locks are served by the host.
pub fn daemon_args(socket: &Path, host: &Path, sandbox: &str) -> Vec<String> {
    vec![
        format!("--socket-path={}", socket.display()),
        "-o".into(),
        format!("source={}", host.display()),
        "-o".into(),
        "cache=auto".into(),
        "-o".into(),
        format!("sandbox={sandbox}"),
        "-o".into(),
        "posix_lock".into(),
        "-o".into(),
        "flock".into(),
        "--rlimit-nofile=0".into(),
    ]
}

/// Where the runner with process id `pid` keeps its daemons' sockets (the OCI runtime's
/// `delete` removes it after a supervisor that was killed).
pub fn socket_dir(pid: u32) -> PathBuf {
    std::env::temp_dir().join(format!("eremit-vfs-{pid}"))
}

/// The running daemons; dropping this kills them and removes their sockets.
pub struct Daemons {
    children: Vec<Child>,
    dir: Option<PathBuf>,
    /// The socket of each volume, in order.
    pub sockets: Vec<PathBuf>,
}

impl Daemons {
    pub fn none() -> Daemons {
        Daemons {
            children: Vec::new(),
            dir: None,
            sockets: Vec::new(),
        }
    }

    /// Starts one daemon per volume; an error is one line for `eremit:`.
    pub fn start(volumes: &[Volume], verbose: bool) -> Result<Daemons, String> {
        let mut d = Daemons::none();
        if volumes.is_empty() {
            return Ok(d);
        }
        let program = std::env::var(VIRTIOFSD_ENV)
            .ok()
            .filter(|v| !v.is_empty())
            .unwrap_or_else(|| VIRTIOFSD.to_string());
        if !Path::new(&program).exists() {
            return Err(format!(
                "{program} not found; install it with: apt-get install qemu-system-common"
            ));
        }
        let dir = socket_dir(std::process::id());
        std::fs::create_dir_all(&dir)
            .map_err(|e| format!("cannot create {}: {}", dir.display(), io_text(&e)))?;
        d.dir = Some(dir.clone());
        for (i, v) in volumes.iter().enumerate() {
            let host = std::fs::canonicalize(&v.host)
                .map_err(|e| format!("volume {}: {}", v.host, io_text(&e)))?;
            let socket = dir.join(format!("vfs{i}.sock"));
            let mut last_error = String::new();
            let mut started = false;
            // The namespace sandbox confines best; inside a container that refuses new
            // namespaces, chroot(2) still keeps the daemon in the directory. The daemon
            // builds its sandbox only once QEMU connects, so whether namespaces work is
            // probed here first.
            let sandboxes: &[&str] = if namespaces_work() {
                &["namespace", "chroot"]
            } else {
                &["chroot"]
            };
            for &sandbox in sandboxes {
                let _ = std::fs::remove_file(&socket);
                match start_one(&program, &socket, &host, sandbox, verbose) {
                    Ok(child) => {
                        d.children.push(child);
                        started = true;
                        break;
                    }
                    Err(e) => last_error = e,
                }
            }
            if !started {
                return Err(format!(
                    "virtiofsd for volume {} failed to start: {last_error}",
                    v.host
                ));
            }
            d.sockets.push(socket);
        }
        Ok(d)
    }
}

/// Whether this process may make the mount, PID and network namespaces virtiofsd's
/// `sandbox=namespace` needs: a child tries (`unshare` before exec of `true`).
fn namespaces_work() -> bool {
    use std::os::unix::process::CommandExt;
    let mut cmd = Command::new("true");
    cmd.stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    // SAFETY: the closure runs in the forked child before exec and only makes one
    // system call (async-signal-safe), touching no memory shared with the parent.
    unsafe {
        cmd.pre_exec(|| {
            if libc::unshare(libc::CLONE_NEWNS | libc::CLONE_NEWPID | libc::CLONE_NEWNET) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    cmd.status().is_ok_and(|s| s.success())
}

/// Starts one daemon and waits for its socket (or its early death).
fn start_one(
    program: &str,
    socket: &Path,
    host: &Path,
    sandbox: &str,
    verbose: bool,
) -> Result<Child, String> {
    let mut cmd = helper_command(program, verbose);
    cmd.args(daemon_args(socket, host, sandbox));
    let mut child = cmd.spawn().map_err(|e| io_text(&e))?;
    let deadline = Instant::now() + START_TIMEOUT;
    loop {
        if socket.exists() {
            // The namespace sandbox is set up after the socket is listening; a daemon
            // that cannot make it dies right away: give it a moment to show that.
            std::thread::sleep(Duration::from_millis(50));
            if let Ok(Some(status)) = child.try_wait() {
                return Err(format!("exited ({status}) with sandbox={sandbox}"));
            }
            return Ok(child);
        }
        if let Ok(Some(status)) = child.try_wait() {
            return Err(format!("exited ({status}) with sandbox={sandbox}"));
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("no socket after {} s", START_TIMEOUT.as_secs()));
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

impl Drop for Daemons {
    fn drop(&mut self) {
        for child in &mut self.children {
            let _ = child.kill();
            let _ = child.wait();
        }
        if let Some(dir) = &self.dir {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_volumes() {
        assert_eq!(
            parse("/srv/data:/data"),
            Ok(Volume {
                host: "/srv/data".into(),
                guest: "/data".into(),
                read_only: false
            })
        );
        assert_eq!(
            parse("rel/dir:/a//b/./:ro"),
            Ok(Volume {
                host: "rel/dir".into(),
                guest: "/a/b".into(),
                read_only: true
            })
        );
        assert!(!parse("d:/x:rw").unwrap().read_only);
        for bad in [
            "d",
            "d:x",
            "d:",
            ":/x",
            "d:/x:rx",
            "d:/x:ro:1",
            "d:/",
            "d:/a/../b",
            "d:/a b",
            "d:/a,b",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
        assert!(parse("d:x").unwrap_err().0.contains("absolute"));
    }

    #[test]
    fn validates_sets() {
        let tmp = std::env::temp_dir();
        let host = tmp.to_string_lossy().into_owned();
        let v = |g: &str| Volume {
            host: host.clone(),
            guest: g.into(),
            read_only: false,
        };
        assert_eq!(validate(&[v("/a"), v("/b")]), Ok(()));
        assert!(
            validate(&[v("/a"), v("/a")])
                .unwrap_err()
                .contains("overlap")
        );
        assert!(
            validate(&[v("/a"), v("/a/b")])
                .unwrap_err()
                .contains("overlap")
        );
        assert_eq!(validate(&[v("/a"), v("/ab")]), Ok(()));
        let many: Vec<Volume> = (0..=MAX_VOLUMES).map(|i| v(&format!("/v{i}"))).collect();
        assert!(validate(&many).unwrap_err().contains("at most"));
        let missing = Volume {
            host: "/nonexistent/eremit".into(),
            ..v("/m")
        };
        assert!(
            validate(&[missing])
                .unwrap_err()
                .contains("/nonexistent/eremit")
        );
        let file = Volume {
            host: "/etc/hostname".into(),
            ..v("/f")
        };
        if Path::new("/etc/hostname").is_file() {
            assert!(validate(&[file]).unwrap_err().contains("not a directory"));
        }
    }

    #[test]
    fn kernel_mount_table() {
        let vols = [parse("a:/data").unwrap(), parse("b:/ro/x:ro").unwrap()];
        assert_eq!(
            kernel_options(&vols),
            ["volume=eremit0:/data", "volume=eremit1:/ro/x:ro"]
        );
    }

    #[test]
    fn daemon_command() {
        let args = daemon_args(Path::new("/t/s.sock"), Path::new("/h"), "chroot");
        assert_eq!(args[0], "--socket-path=/t/s.sock");
        assert!(args.windows(2).any(|w| w == ["-o", "source=/h"]));
        assert!(args.windows(2).any(|w| w == ["-o", "sandbox=chroot"]));
        assert!(args.contains(&"--rlimit-nofile=0".to_string()));
    }
}
