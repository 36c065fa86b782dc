//! Choosing between KVM and TCG.
//!
//! KVM is only used when `/dev/kvm` opens read-write *and* a hardware KVM
//! module (`kvm_intel` or `kvm_amd`) is loaded: other backends that provide
//! `/dev/kvm` (such as the software `kvm_pvm`) cannot boot Eremit guests.

use crate::cli::Accel;
use std::fs::OpenOptions;
use std::path::Path;

/// The accelerator actually used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Kvm,
    Tcg,
}

/// What was found out about KVM on this host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KvmProbe {
    /// `Ok` when `/dev/kvm` opened read-write, else why not.
    pub device: Result<(), String>,
    /// The hardware KVM module that is loaded, if any.
    pub vendor_module: Option<&'static str>,
}

/// Looks at `/dev/kvm` and `/sys/module/kvm_{intel,amd}`.
pub fn probe() -> KvmProbe {
    let device = OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/kvm")
        .map(drop)
        .map_err(|e| e.to_string());
    let vendor_module = ["kvm_intel", "kvm_amd"]
        .into_iter()
        .find(|m| Path::new("/sys/module").join(m).exists());
    KvmProbe {
        device,
        vendor_module,
    }
}

/// Why KVM is usable (`Ok`) or not (`Err`).
fn kvm_usable(probe: &KvmProbe) -> Result<String, String> {
    if let Err(e) = &probe.device {
        return Err(format!("/dev/kvm cannot be opened read-write ({e})"));
    }
    match probe.vendor_module {
        Some(module) => Ok(format!("/dev/kvm is usable and {module} is loaded")),
        None => Err(
            "/dev/kvm opens but neither kvm_intel nor kvm_amd is loaded \
             (other KVM backends cannot boot Eremit)"
                .to_string(),
        ),
    }
}

/// Picks the backend for `requested`; returns it with a human-readable
/// reason, or an error message when `--accel kvm` cannot be honoured.
pub fn choose(requested: Accel, probe: &KvmProbe) -> Result<(Backend, String), String> {
    match requested {
        Accel::Tcg => Ok((Backend::Tcg, "requested with --accel tcg".to_string())),
        Accel::Kvm => match kvm_usable(probe) {
            Ok(why) => Ok((Backend::Kvm, format!("requested with --accel kvm; {why}"))),
            Err(why) => Err(format!("--accel kvm: KVM is not usable: {why}")),
        },
        Accel::Auto => match kvm_usable(probe) {
            Ok(why) => Ok((Backend::Kvm, why)),
            Err(why) => Ok((Backend::Tcg, why)),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn probe(device: bool, module: Option<&'static str>) -> KvmProbe {
        KvmProbe {
            device: if device {
                Ok(())
            } else {
                Err("Permission denied (os error 13)".into())
            },
            vendor_module: module,
        }
    }

    #[test]
    fn auto_needs_device_and_vendor_module() {
        let (b, why) = choose(Accel::Auto, &probe(true, Some("kvm_intel"))).unwrap();
        assert_eq!(b, Backend::Kvm);
        assert!(why.contains("kvm_intel"));
        assert_eq!(
            choose(Accel::Auto, &probe(true, Some("kvm_amd")))
                .unwrap()
                .0,
            Backend::Kvm
        );
        // A software backend such as kvm_pvm: device opens, no vendor module.
        let (b, why) = choose(Accel::Auto, &probe(true, None)).unwrap();
        assert_eq!(b, Backend::Tcg);
        assert!(why.contains("neither kvm_intel nor kvm_amd"));
        let (b, why) = choose(Accel::Auto, &probe(false, Some("kvm_intel"))).unwrap();
        assert_eq!(b, Backend::Tcg);
        assert!(why.contains("Permission denied"));
    }

    #[test]
    fn explicit_choices() {
        assert_eq!(
            choose(Accel::Tcg, &probe(true, Some("kvm_intel")))
                .unwrap()
                .0,
            Backend::Tcg
        );
        assert_eq!(
            choose(Accel::Kvm, &probe(true, Some("kvm_amd"))).unwrap().0,
            Backend::Kvm
        );
        assert!(choose(Accel::Kvm, &probe(true, None)).is_err());
        assert!(choose(Accel::Kvm, &probe(false, Some("kvm_amd"))).is_err());
    }
}
