//! `eremit-runtime`'s command line: the subset of runc's that podman (through conmon),
//! containerd's runc shim and CRI-O use. Global options come before the command.

use std::path::PathBuf;

/// Where state lives unless `--root` says otherwise.
pub const DEFAULT_ROOT: &str = "/run/eremit-runtime";

pub const USAGE: &str = "\
Usage: eremit-runtime [GLOBAL OPTIONS] COMMAND [OPTIONS] ID
       eremit-runtime --version | features

An OCI runtime (runc's command line) that boots the bundle's Eremit image under QEMU:
process.args[0] is the image inside the rootfs, the rest are its arguments.

Commands:
  create [--bundle DIR] [--pid-file FILE] [--console-socket SOCKET] ID
  start ID
  state ID
  kill [--all] ID [SIGNAL]     (default SIGTERM)
  delete [--force] ID
  features

Global options:
  --root DIR                   state directory (default /run/eremit-runtime)
  --log FILE                   append errors to FILE
  --log-format text|json
  --systemd-cgroup, --debug    accepted, no effect
";

/// Global options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Global {
    pub root: PathBuf,
    pub log: Option<PathBuf>,
    pub log_json: bool,
}

impl Default for Global {
    fn default() -> Self {
        Global {
            root: PathBuf::from(DEFAULT_ROOT),
            log: None,
            log_json: false,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Help,
    Version,
    Features,
    Create {
        id: String,
        bundle: PathBuf,
        pid_file: Option<PathBuf>,
        console_socket: Option<PathBuf>,
    },
    Start {
        id: String,
    },
    State {
        id: String,
    },
    Kill {
        id: String,
        signal: i32,
    },
    Delete {
        id: String,
        force: bool,
    },
}

/// Splits `--name=value` or takes the value from the next word.
fn value_of(
    name: &str,
    arg: &str,
    rest: &mut std::slice::Iter<'_, String>,
) -> Result<Option<String>, String> {
    if let Some(v) = arg.strip_prefix(name).and_then(|t| t.strip_prefix('=')) {
        return Ok(Some(v.to_string()));
    }
    if arg != name {
        return Ok(None);
    }
    match rest.next() {
        Some(v) => Ok(Some(v.clone())),
        None => Err(format!("option {name} needs a value")),
    }
}

/// A signal by number, or by name with or without `SIG`.
pub fn parse_signal(text: &str) -> Result<i32, String> {
    if let Ok(n) = text.parse::<i32>() {
        if (1..=64).contains(&n) {
            return Ok(n);
        }
        return Err(format!("invalid signal '{text}'"));
    }
    let upper = text.to_ascii_uppercase();
    let name = upper.strip_prefix("SIG").unwrap_or(&upper);
    let n = match name {
        "HUP" => libc::SIGHUP,
        "INT" => libc::SIGINT,
        "QUIT" => libc::SIGQUIT,
        "KILL" => libc::SIGKILL,
        "USR1" => libc::SIGUSR1,
        "USR2" => libc::SIGUSR2,
        "TERM" => libc::SIGTERM,
        "STOP" => libc::SIGSTOP,
        "CONT" => libc::SIGCONT,
        "WINCH" => libc::SIGWINCH,
        _ => return Err(format!("invalid signal '{text}'")),
    };
    Ok(n)
}

/// Parses the arguments after the program name.
pub fn parse(args: &[String]) -> Result<(Global, Command), String> {
    let mut global = Global::default();
    let mut it = args.iter();
    let command = loop {
        let Some(arg) = it.next() else {
            return Err("missing command (try 'eremit-runtime --help')".into());
        };
        if let Some(v) = value_of("--root", arg, &mut it)? {
            global.root = PathBuf::from(v);
        } else if let Some(v) = value_of("--log", arg, &mut it)? {
            global.log = Some(PathBuf::from(v));
        } else if let Some(v) = value_of("--log-format", arg, &mut it)? {
            global.log_json = match v.as_str() {
                "json" => true,
                "text" => false,
                _ => return Err(format!("invalid --log-format '{v}' (text or json)")),
            };
        } else if arg == "--systemd-cgroup" || arg == "--debug" {
            // Accepted as runc does; there is no cgroup to place and nothing more to say.
        } else if arg == "-h" || arg == "--help" || arg == "help" {
            return Ok((global, Command::Help));
        } else if arg == "-v" || arg == "--version" || arg == "version" {
            return Ok((global, Command::Version));
        } else if arg.starts_with('-') {
            return Err(format!("unknown global option '{arg}'"));
        } else {
            break arg.clone();
        }
    };
    let mut positional = Vec::new();
    let mut bundle = PathBuf::from(".");
    let mut pid_file = None;
    let mut console_socket = None;
    let mut force = false;
    while let Some(arg) = it.next() {
        let create = command == "create";
        if create && let Some(v) = value_of("--bundle", arg, &mut it)? {
            bundle = PathBuf::from(v);
        } else if create && let Some(v) = value_of("-b", arg, &mut it)? {
            bundle = PathBuf::from(v);
        } else if create && let Some(v) = value_of("--pid-file", arg, &mut it)? {
            pid_file = Some(PathBuf::from(v));
        } else if create && let Some(v) = value_of("--console-socket", arg, &mut it)? {
            console_socket = Some(PathBuf::from(v));
        } else if create && let Some(v) = value_of("--preserve-fds", arg, &mut it)? {
            if v != "0" {
                return Err(
                    "--preserve-fds is not supported (descriptors cannot enter the VM)".into(),
                );
            }
        } else if create && (arg == "--no-pivot" || arg == "--no-new-keyring") {
            // Meaningless for a VM: there is no pivot_root and no keyring.
        } else if command == "delete" && (arg == "--force" || arg == "-f") {
            force = true;
        } else if command == "kill" && (arg == "--all" || arg == "-a") {
            // One process per container: all of them is the one.
        } else if arg.starts_with('-') && arg.len() > 1 {
            return Err(format!("unknown option '{arg}' for {command}"));
        } else {
            positional.push(arg.clone());
        }
    }
    let id = |positional: &[String]| -> Result<String, String> {
        match positional.first() {
            Some(id) if !id.is_empty() && !id.contains('/') && id != "." && id != ".." => {
                Ok(id.clone())
            }
            Some(id) => Err(format!("invalid container id '{id}'")),
            None => Err(format!("{command}: missing container id")),
        }
    };
    let max = if command == "kill" { 2 } else { 1 };
    if positional.len() > max {
        return Err(format!("{command}: too many arguments"));
    }
    let cmd = match command.as_str() {
        "features" => Command::Features,
        "create" => Command::Create {
            id: id(&positional)?,
            bundle,
            pid_file,
            console_socket,
        },
        "start" => Command::Start {
            id: id(&positional)?,
        },
        "state" => Command::State {
            id: id(&positional)?,
        },
        "kill" => Command::Kill {
            id: id(&positional)?,
            signal: match positional.get(1) {
                Some(s) => parse_signal(s)?,
                None => libc::SIGTERM,
            },
        },
        "delete" => Command::Delete {
            id: id(&positional)?,
            force,
        },
        other => {
            return Err(format!(
                "unknown command '{other}' (try 'eremit-runtime --help')"
            ));
        }
    };
    Ok((global, cmd))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(list: &[&str]) -> Result<(Global, Command), String> {
        parse(&list.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn conmon_create() {
        let (g, c) = p(&[
            "--root",
            "/run/x",
            "--log=/l.json",
            "--log-format",
            "json",
            "--systemd-cgroup",
            "create",
            "--bundle",
            "/b",
            "--pid-file",
            "/b/pid",
            "--no-new-keyring",
            "--console-socket=/s",
            "abc",
        ])
        .unwrap();
        assert_eq!(
            g,
            Global {
                root: "/run/x".into(),
                log: Some("/l.json".into()),
                log_json: true
            }
        );
        assert_eq!(
            c,
            Command::Create {
                id: "abc".into(),
                bundle: "/b".into(),
                pid_file: Some("/b/pid".into()),
                console_socket: Some("/s".into()),
            }
        );
    }

    #[test]
    fn other_commands() {
        assert_eq!(p(&["--version"]).unwrap().1, Command::Version);
        assert_eq!(p(&["features"]).unwrap().1, Command::Features);
        assert_eq!(
            p(&["kill", "--all", "x", "9"]).unwrap().1,
            Command::Kill {
                id: "x".into(),
                signal: 9
            }
        );
        assert_eq!(
            p(&["kill", "x", "SIGUSR1"]).unwrap().1,
            Command::Kill {
                id: "x".into(),
                signal: libc::SIGUSR1
            }
        );
        assert_eq!(
            p(&["kill", "x"]).unwrap().1,
            Command::Kill {
                id: "x".into(),
                signal: 15
            }
        );
        assert_eq!(
            p(&["delete", "-f", "x"]).unwrap().1,
            Command::Delete {
                id: "x".into(),
                force: true
            }
        );
        assert_eq!(
            p(&["start", "x"]).unwrap().1,
            Command::Start { id: "x".into() }
        );
        let (g, c) = p(&["state", "y"]).unwrap();
        assert_eq!(g.root, PathBuf::from(DEFAULT_ROOT));
        assert_eq!(c, Command::State { id: "y".into() });
    }

    #[test]
    fn bad_command_lines() {
        assert!(p(&[]).is_err());
        assert!(p(&["frobnicate", "x"]).is_err());
        assert!(p(&["--bogus", "state", "x"]).is_err());
        assert!(p(&["state"]).is_err());
        assert!(p(&["state", "../x"]).is_err());
        assert!(p(&["state", "x", "y"]).is_err());
        assert!(p(&["kill", "x", "NOPE"]).is_err());
        assert!(p(&["kill", "x", "0"]).is_err());
        assert!(p(&["--log-format", "xml", "state", "x"]).is_err());
        assert!(p(&["create", "--pid-file"]).is_err());
        assert!(p(&["create", "--preserve-fds", "2", "x"]).is_err());
    }
}
