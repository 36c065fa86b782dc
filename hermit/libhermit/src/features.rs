//! Which of the `hermit` crate's features reach the kernel, which are only reported, and
//! which kernel symbols stay global in the packed archive.

use std::collections::{BTreeMap, BTreeSet};

/// Features of the `hermit` crate that change the kernel (they are the kernel crate's
/// features of the same name); every other feature is accepted and ignored (see
/// docs/features.md).
pub const KERNEL_FEATURES: &[&str] = &[
    "smp",
    "tcp",
    "udp",
    "dhcpv4",
    "dns",
    "net",
    "pci",
    "acpi",
    "fs",
    "virtio-fs",
];

// The list of unserved features is a file of its own: the kernel's unit tests read it
// too (`include!`), so that every feature accepted here has a consequence there.
pub use crate::unserved_features::UNSERVED_FEATURES;

/// Symbols the kernel exports to the application and to C code (`objcopy` wildcards).
pub const EXPORTED: &[&str] = &[
    "sys_*",
    "eremit_check_user_memory",
    "eremit_heap_check",
    "eremit_memory_report",
    "_start",
];

/// How cargo names a feature in `CARGO_FEATURE_*`: upper case, `-` as `_`.
pub fn cargo_env_name(feature: &str) -> String {
    feature.to_uppercase().replace('-', "_")
}

/// The kernel features among `enabled` (the `hermit` crate's features that are on), in
/// `KERNEL_FEATURES`' order, so the same set always gives the same command line.
pub fn kernel_features<S: AsRef<str>>(enabled: &[S]) -> Vec<&'static str> {
    KERNEL_FEATURES
        .iter()
        .copied()
        .filter(|k| enabled.iter().any(|e| e.as_ref() == *k))
        .collect()
}

/// The features `default` turns on, transitively, given a crate's `[features]` table
/// (feature -> what it enables). Entries naming a dependency (`dep:x`, `x/f`) are not
/// features of the crate and are left out.
pub fn expand_default(table: &BTreeMap<String, Vec<String>>) -> BTreeSet<String> {
    let mut enabled = BTreeSet::new();
    let mut todo: Vec<&str> = table
        .get("default")
        .map(|d| d.iter().map(String::as_str).collect())
        .unwrap_or_default();
    while let Some(f) = todo.pop() {
        if f.contains('/') || f.contains(':') || !enabled.insert(f.to_string()) {
            continue;
        }
        if let Some(more) = table.get(f) {
            todo.extend(more.iter().map(String::as_str));
        }
    }
    enabled
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_expands_transitively_without_dependencies() {
        let table: BTreeMap<String, Vec<String>> = [
            ("default", vec!["tcp", "smp", "dep:x"]),
            ("tcp", vec!["net", "smoltcp/socket-tcp"]),
            ("net", vec![]),
            ("smp", vec![]),
            ("udp", vec!["net"]),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.into_iter().map(String::from).collect()))
        .collect();
        let got: Vec<_> = expand_default(&table).into_iter().collect();
        assert_eq!(got, ["net", "smp", "tcp"]);
    }

    #[test]
    fn no_default_means_nothing() {
        assert!(expand_default(&BTreeMap::new()).is_empty());
    }

    #[test]
    fn kernel_features_keep_the_table_order_and_drop_the_rest() {
        let enabled = ["fs", "virtio-net", "smp", "tcp", "uhyve", "net"];
        assert_eq!(kernel_features(&enabled), ["smp", "tcp", "net", "fs"]);
    }

    #[test]
    fn no_feature_gives_an_empty_set() {
        assert!(kernel_features::<&str>(&[]).is_empty());
    }

    #[test]
    fn env_names_are_cargos() {
        assert_eq!(cargo_env_name("virtio-fs"), "VIRTIO_FS");
        assert_eq!(cargo_env_name("log-max_level_off"), "LOG_MAX_LEVEL_OFF");
    }

    #[test]
    fn served_and_unserved_are_apart() {
        for f in UNSERVED_FEATURES {
            assert!(!KERNEL_FEATURES.contains(f), "{f} is in both tables");
        }
    }
}
