//! Features of Hermit's `hermit` crate that an application may name and Eremit accepts
//! without serving (a host vsock device, uhyve, an initramfs, ...). The application still
//! builds, so it must be told at run time: the kernel says once at boot, under
//! `eremit run --verbose`, which of them the application asked for and what becomes of
//! the calls they would serve (they fail with an error, never a silent success).

/// Comma-separated feature names, set by the `hermit` crate's build script for the
/// kernel build (`EREMIT_UNSERVED_FEATURES`); empty for the C toolchain's kernel.
#[cfg_attr(not(target_os = "none"), allow(dead_code))]
const ASKED: &str = match option_env!("EREMIT_UNSERVED_FEATURES") {
    Some(list) => list,
    None => "",
};

/// The names in a comma-separated list, empty pieces skipped.
pub fn names(list: &str) -> impl Iterator<Item = &str> {
    list.split(',').map(str::trim).filter(|n| !n.is_empty())
}

/// What an application that asked for `feature` gets here instead.
pub fn consequence(feature: &str) -> &'static str {
    match feature {
        "uhyve" => "Eremit boots under QEMU only; the uhyve hypercalls are not there",
        "vsock" | "virtio-vsock" => "no vsock device: AF_VSOCK sockets fail with EAFNOSUPPORT",
        "fuse" => {
            "no FUSE daemons in the guest: host directories come over virtio-fs (`virtio-fs`)"
        }
        "initramfs" => "no initramfs is loaded: only the in-memory file system (/tmp, /dev)",
        "net-trace" | "write-pcap-file" => "packets are not traced",
        "semihosting" => "no semihosting: output goes to the serial console",
        "shell" => "no kernel shell",
        "vga" => "no VGA console: output goes to the serial console",
        "instrument-mcount" => "mcount instrumentation is not collected",
        _ => "not served by Eremit",
    }
}

/// Logs each feature the application asked for that is not served (kernel log only).
#[cfg(target_os = "none")]
pub fn report() {
    for name in names(ASKED) {
        crate::klog!(
            "eremit: feature '{name}' is accepted but not served: {}",
            consequence(name)
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec::Vec;

    // The `hermit` crate's list of the features it accepts and the kernel does not serve
    // (the one list: the build script tells the kernel which of them were asked for).
    include!("../../hermit/libhermit/src/unserved_features.rs");

    #[test]
    fn lists_split_and_skip_empty_pieces() {
        assert_eq!(names("").count(), 0);
        assert_eq!(
            names("uhyve,,vsock, fuse").collect::<Vec<_>>(),
            ["uhyve", "vsock", "fuse"]
        );
    }

    #[test]
    fn every_unserved_feature_has_its_own_consequence() {
        for f in UNSERVED_FEATURES {
            assert_ne!(consequence(f), consequence("anything else"), "{f}");
        }
    }
}
