//! The text `eremit --help` prints.

/// The usage text printed by `eremit --help`.
pub const USAGE: &str = "\
Usage: eremit run [OPTIONS] IMAGE [ARGS...]
       eremit pkg [PKG OPTIONS] -t NAME[:TAG] -o FILE.tar IMAGE [ARGS...]
       eremit --help | eremit help
       eremit --version

Boots an Eremit unikernel IMAGE under QEMU and runs it like a local program:
eremit's stdin becomes the application's, its stdout and stderr become eremit's,
and eremit exits with the application's exit code. Options must come before IMAGE; everything after IMAGE
is passed to the application as its arguments. SIGTERM, SIGINT, SIGHUP, SIGUSR1
and SIGUSR2 sent to eremit go to the application (its handler, or exit 128+n);
a second SIGINT or SIGTERM ends the guest at once.

Options (also accepted as --option=VALUE):
  --cpus N                 number of virtual CPUs (default 1)
  --memory SIZE            guest memory, e.g. 256M, 1G, 1024K; a plain number
                           means MiB (default 512M; at least 4M, more for an
                           image larger than 1.5 MiB or several CPUs)
  --env K=V                set an environment variable in the guest (repeatable)
  --net none|user|passt|tap:IF
                           networking (default none): user is QEMU's
                           built-in user network, passt user-mode
                           networking by a passt daemon the runner starts
                           (the guest gets the host's address, gateway and
                           DNS by DHCP; the gateway address reaches the
                           host's loopback)
  --forward tcp|udp:HOST:GUEST
                           forward a host TCP or UDP port to the guest
                           (repeatable, needs --net user or passt; a host
                           port already in use is an error, 125)
  --ip ADDR/PREFIX         the guest's IPv4 address (needs --net); without it
                           the guest asks DHCP, or takes HERMIT_IP from its
                           environment, or user networking's 10.0.2.15/24
  --gateway ADDR           default gateway (with --ip)
  --dns ADDR               DNS server (with --ip; repeatable)
  --ip6 ADDR/PREFIX        a static IPv6 address for the guest (needs --net),
                           beside the one SLAAC configures from router
                           advertisements (user networking's fec0::/64)
  --gateway6 ADDR          IPv6 default router (with --ip6)
  --volume HOSTDIR:GUESTDIR[:ro]
                           share the host directory HOSTDIR with the guest at
                           the absolute path GUESTDIR over virtio-fs (a
                           virtiofsd per volume); :ro refuses every change
                           with EROFS (repeatable, at most 8)
  --accel auto|kvm|tcg     accelerator (default auto: KVM when usable, else TCG)
  --tcg-threads multi|single
                           under TCG with several CPUs: a host thread per vCPU
                           (multi, the default: parallel speed-up) or one for all
                           (single: far faster hand-overs between threads on a
                           busy host, no parallel speed-up)
  --machine microvm|q35|virt
                           QEMU machine type (default microvm for x86-64
                           images, virt, the only one, for aarch64 images)
  --timeout SECS           kill the guest after SECS seconds (exit code 124)
  --verbose                show kernel messages, QEMU output and the QEMU
                           command line on stderr
  -h, --help               print this help

Exit codes: the application's exit code; 124 on timeout; 128+n when a second
SIGINT/SIGTERM (signal n) ended the guest; 125 when eremit itself
fails (QEMU missing, image not bootable, --memory too small or too large for it,
a bad --volume or a virtiofsd that does not start, guest ended without an exit
status); 2 on usage errors.
Environment: EREMIT_QEMU overrides the QEMU binary (default qemu-system-x86_64);
EREMIT_GIC_VERSION=2 gives aarch64's virt a GICv2 instead of its default GICv3.

eremit pkg writes FILE.tar, an OCI image archive (podman load -i FILE.tar,
skopeo copy oci-archive:FILE.tar ...) named NAME:TAG (TAG defaults to latest):
one layer holding IMAGE at /eremit/image, the entrypoint; ARGS are its default
command. Run it with podman --runtime .../eremit-runtime. IMAGE must boot (as
eremit run checks it); the same input always gives the same archive.
PKG OPTIONS (also accepted as --option=VALUE):
  -t, --tag NAME[:TAG]     the image's name (required)
  -o, --output FILE.tar    the archive to write (required; written whole or
                           not at all)
  --cpus N, --memory SIZE  as for run: recorded for the runtime as labels and
                           annotations org.eremit.cpus and org.eremit.memory
                           (defaults 1 and 512M)
  --env K=V                environment variable in the image (repeatable)
  --port PORT[/tcp|/udp]   port the image exposes (repeatable; tcp by default)
Exit codes: 0; 125 when IMAGE is missing or not bootable, --memory does not fit
it, or FILE.tar cannot be written; 2 on usage errors.
";
