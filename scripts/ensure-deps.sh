#!/usr/bin/env bash
# The one place that installs what building and testing Eremit needs, when it is missing:
# Debian packages (apt-get), the pinned nightly's components (rustup; rust-toolchain.toml)
# and cargo-installed tools. Every script and make target that needs something calls this.
#
#   scripts/ensure-deps.sh              QEMU, binutils, compilers, cmake, python3, curl,
#                                       libclang, passt, wrk; rustup components and targets
#   scripts/ensure-deps.sh c-toolchain  also newlib's and GCC's sources, gfortran and the
#                                       aarch64-linux-gnu gcc, g++, gfortran
#                                       (scripts/build-toolchain.sh)
#   scripts/ensure-deps.sh cbindgen     also cbindgen $CBINDGEN_VERSION (scripts/gen-header.sh)
#   scripts/ensure-deps.sh netbench     also a Linux kernel image, a static busybox and wrk
#                                       (benches/drivers/netbench.py's Linux guest)
#   scripts/ensure-deps.sh servers      also tcl, dpkg-dev and a deb-src entry
#                                       (tests/servers_tests.py: apt-get source, runtest)
#   scripts/ensure-deps.sh hermit-compat  also uftrace, and the rustup targets Hermit's
#                                       programs build beside the hermit target: the default
#                                       toolchain's x86_64-unknown-none (rftrace's build script)
#                                       and stable's wasm32-wasip1 (hermit-wasm's module)
#                                       (scripts/hermit-compat.py)
#   scripts/ensure-deps.sh oci          also podman, conmon, the CNI plugins, iproute2, skopeo
#                                       and runc (tests/oci_tests.py: eremit-runtime under podman;
#                                       tests/pkg_tests.py: eremit pkg's images;
#                                       benches/drivers/bench_containers.py)
set -euo pipefail
cd "$(dirname "$0")/.."

# The cbindgen that made include/hermit/*.h (another version may format them otherwise).
CBINDGEN_VERSION=0.29.4

log() { echo "ensure-deps: $*"; }

need_apt=()
command -v qemu-system-x86_64 >/dev/null || need_apt+=(qemu-system-x86)
# aarch64 images (eremit run picks qemu-system-aarch64 -M virt for them).
command -v qemu-system-aarch64 >/dev/null || need_apt+=(qemu-system-arm)
command -v ld >/dev/null && command -v objcopy >/dev/null || need_apt+=(binutils)
command -v gcc >/dev/null || need_apt+=(gcc)
command -v python3 >/dev/null || need_apt+=(python3)
command -v curl >/dev/null || need_apt+=(curl)
# eremit run --net passt (tests/net_tests.py's passt case).
command -v passt >/dev/null || need_apt+=(passt)
command -v cmake >/dev/null || need_apt+=(cmake)
# tests/net_c_tests.py's crossed-fins case drives short connections with wrk.
command -v wrk >/dev/null || need_apt+=(wrk)
command -v g++ >/dev/null || need_apt+=(g++)
# bindgen (mixed Rust/C builds) needs libclang itself (libclang-cpp, which other
# packages bring, is not it).
ls /usr/lib/llvm-*/lib/libclang.so* /usr/lib/llvm-*/lib/libclang-[0-9]*.so* >/dev/null 2>&1 ||
    need_apt+=(libclang-dev)

for group in "$@"; do
    case $group in
    c-toolchain)
        # newlib and GCC's target libraries are built from Debian's source packages; GCC's
        # must be the host compiler's version (the wrappers drive the host gcc).
        compgen -G '/usr/src/newlib/newlib-*.tar.*' >/dev/null || need_apt+=(newlib-source)
        gcc_version=$(gcc -dumpversion 2>/dev/null || echo 12)
        compgen -G "/usr/src/gcc-$gcc_version/gcc-*.tar.*" >/dev/null ||
            need_apt+=("gcc-$gcc_version-source")
        command -v gfortran >/dev/null || need_apt+=(gfortran)
        # aarch64-hermit-*: Debian's cross compilers (with binutils-aarch64-linux-gnu).
        for tool in gcc g++ gfortran; do
            command -v aarch64-linux-gnu-$tool >/dev/null || need_apt+=("$tool-aarch64-linux-gnu")
        done
        ;;
    netbench)
        compgen -G '/boot/vmlinuz-*' >/dev/null || need_apt+=(linux-image-amd64)
        file -L /bin/busybox /usr/bin/busybox 2>/dev/null | grep -q "statically linked" ||
            need_apt+=(busybox-static)
        command -v wrk >/dev/null || need_apt+=(wrk)
        ;;
    servers)
        # tests/servers_tests.py: Debian source packages (a deb-src entry, dpkg-source) and
        # Redis' own test suite (tclsh).
        command -v tclsh >/dev/null || need_apt+=(tcl)
        command -v dpkg-source >/dev/null || need_apt+=(dpkg-dev)
        if ! grep -rqsE '^(deb-src|Types: *deb-src)' /etc/apt/sources.list /etc/apt/sources.list.d/; then
            log "adding Debian bookworm's deb-src entry (/etc/apt/sources.list.d/debian-src.sources)"
            sudo=""
            [ "$(id -u)" -eq 0 ] || sudo=sudo
            printf '%s\n' 'Types: deb-src' 'URIs: http://deb.debian.org/debian' \
                'Suites: bookworm bookworm-updates' 'Components: main' \
                'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg' |
                $sudo tee /etc/apt/sources.list.d/debian-src.sources >/dev/null
            $sudo apt-get update -qq
        fi
        ;;
    oci)
        # eremit-runtime runs under podman (Debian's 4.3) with conmon and the CNI plugins of
        # its default network, ip and tc for its tap and redirection; OCI images (eremit pkg)
        # are checked with podman and skopeo; runc runs the native side of the container
        # benchmark (crun, podman's default, fails on this hybrid cgroup set-up).
        command -v podman >/dev/null || need_apt+=(podman)
        command -v conmon >/dev/null || need_apt+=(conmon)
        [ -x /usr/lib/cni/bridge ] || need_apt+=(containernetworking-plugins)
        command -v tc >/dev/null || need_apt+=(iproute2)
        command -v skopeo >/dev/null || need_apt+=(skopeo)
        command -v runc >/dev/null || need_apt+=(runc)
        ;;
    hermit-compat)
        # uftrace reads rftrace-example's dump back (scripts/hermit-compat.py checks it).
        command -v uftrace >/dev/null || need_apt+=(uftrace)
        ;;
    cbindgen) ;;
    *)
        echo "ensure-deps: unknown group $group (c-toolchain, cbindgen, netbench, servers, oci, hermit-compat)" >&2
        exit 2
        ;;
    esac
done

if [ ${#need_apt[@]} -gt 0 ]; then
    log "installing ${need_apt[*]} (apt-get)"
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo=sudo
    $sudo apt-get update -qq
    if ! DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need_apt[@]}" >/dev/null; then
        # apt's resolver can refuse a whole set ("generated breaks") that it installs one
        # package at a time, as on a new bookworm image; try that before giving up.
        log "apt-get refused the set; installing one package at a time"
        for pkg in "${need_apt[@]}"; do
            DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$pkg" >/dev/null
        done
    fi
fi

if ! command -v rustup >/dev/null; then
    echo "ensure-deps: rustup is required (https://rustup.rs); the nightly in rust-toolchain.toml is used" >&2
    exit 1
fi
# rustup installs the toolchain file's components and targets on first use; ask for
# them explicitly so a missing one fails here with a clear message.
toolchain=$(python3 -c 'import tomllib; print(tomllib.load(open("rust-toolchain.toml", "rb"))["toolchain"]["channel"])')
installed=$(rustup component list --toolchain "$toolchain" --installed 2>/dev/null || true)
for c in rust-src llvm-tools rustfmt clippy miri; do
    if ! grep -q "^$c" <<<"$installed"; then
        log "rustup component add $c"
        rustup component add --toolchain "$toolchain" "$c"
    fi
done
for target in x86_64-unknown-none aarch64-unknown-none; do
    if ! rustup target list --toolchain "$toolchain" --installed | grep -q "$target"; then
        log "rustup target add $target"
        rustup target add --toolchain "$toolchain" "$target"
    fi
done

if [[ " $* " == *" hermit-compat "* ]]; then
    # Outside the project (from /) so that rust-toolchain.toml does not pick the toolchain:
    # rftrace's build script drops RUSTUP_TOOLCHAIN and uses the machine's default one;
    # hermit-wasm's module needs stable (the pinned nightly is too old for rustup to still
    # offer wasm32-wasip1).
    add_target() { # toolchain ("" for the default), target
        local tc=()
        [ -n "$1" ] && tc=(--toolchain "$1")
        if ! (cd / && env -u RUSTUP_TOOLCHAIN rustup target list "${tc[@]}" --installed | grep -qx "$2"); then
            log "rustup target add $2 ${1:-(default toolchain)}"
            (cd / && env -u RUSTUP_TOOLCHAIN rustup target add "${tc[@]}" "$2")
        fi
    }
    add_target "" x86_64-unknown-none
    add_target stable wasm32-wasip1
fi

if [[ " $* " == *" cbindgen "* ]]; then
    have=$(cbindgen --version 2>/dev/null | awk '{print $2}' || true)
    if [ "$have" != "$CBINDGEN_VERSION" ]; then
        log "cargo install cbindgen --version $CBINDGEN_VERSION --locked (found: ${have:-none})"
        cargo install cbindgen --version "$CBINDGEN_VERSION" --locked --force
    fi
fi
