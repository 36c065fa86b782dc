//! `eremit-runtime`: an OCI runtime with runc's command line (podman through conmon,
//! containerd's runc shim, CRI-O), which boots the bundle's Eremit image under QEMU
//! with the runner's code. docs/kubernetes.md describes its use.

pub mod cli;
pub mod config;
pub mod console;
pub mod create;
pub mod lifecycle;
pub mod log;
pub mod network;
pub mod resources;
pub mod state;
pub mod supervisor;

use cli::Command;

/// The OCI runtime spec version this runtime follows.
pub const OCI_VERSION: &str = "1.0.2";

/// What `features` prints (runtime-spec features.md).
pub fn features() -> serde_json::Value {
    serde_json::json!({
        "ociVersionMin": "1.0.0",
        "ociVersionMax": OCI_VERSION,
        "hooks": [],
        "mountOptions": ["bind", "rbind", "ro"],
        "linux": {
            "namespaces": ["network"],
            "capabilities": [],
            "cgroup": {"v1": false, "v2": false, "systemd": false, "systemdUser": false},
        },
        "annotations": {
            "org.eremit.runtime.vm": "qemu",
        },
    })
}

/// Runs the command line; returns the exit status.
pub fn main(args: &[String]) -> i32 {
    let (global, command) = match cli::parse(args) {
        Ok(parsed) => parsed,
        Err(e) => {
            log::error(&cli::Global::default(), &e);
            return 2;
        }
    };
    let result = match command {
        Command::Help => {
            print!("{}", cli::USAGE);
            Ok(())
        }
        Command::Version => {
            println!("eremit-runtime version {}", env!("CARGO_PKG_VERSION"));
            println!("spec: {OCI_VERSION}");
            Ok(())
        }
        Command::Features => {
            println!(
                "{}",
                serde_json::to_string_pretty(&features()).unwrap_or_default()
            );
            Ok(())
        }
        Command::Create {
            id,
            bundle,
            pid_file,
            console_socket,
        } => create::create(
            &global,
            &id,
            &bundle,
            pid_file.as_deref(),
            console_socket.as_deref(),
        ),
        Command::Start { id } => lifecycle::start(&global, &id),
        Command::State { id } => lifecycle::state(&global, &id),
        Command::Kill { id, signal } => lifecycle::kill(&global, &id, signal),
        Command::Delete { id, force } => lifecycle::delete(&global, &id, force),
    };
    match result {
        Ok(()) => 0,
        Err(e) => {
            log::error(&global, &e);
            1
        }
    }
}
