// The one list of Hermit's features that Eremit accepts without serving. Also read by
// the kernel's unit tests (`kernel/src/unserved.rs`, through `include!`): keep it a
// single constant with no `use`.

/// Features of Hermit's crate that Eremit accepts but does not serve: the kernel is told
/// which of them the application asked for and says so once at boot under
/// `eremit run --verbose`; the calls they would serve fail with an error.
pub const UNSERVED_FEATURES: &[&str] = &[
    "uhyve",
    "vsock",
    "virtio-vsock",
    "fuse",
    "initramfs",
    "net-trace",
    "write-pcap-file",
    "semihosting",
    "shell",
    "vga",
    "instrument-mcount",
];
