#!/usr/bin/env bash
# Installs what building and testing Eremit needs when it is missing: QEMU, binutils,
# python3 (Debian packages) and the pinned nightly's components (rust-toolchain.toml).
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v qemu-system-x86_64 >/dev/null || need_apt+=(qemu-system-x86)
command -v ld >/dev/null && command -v objcopy >/dev/null || need_apt+=(binutils)
command -v gcc >/dev/null || need_apt+=(gcc)
command -v python3 >/dev/null || need_apt+=(python3)
command -v curl >/dev/null || need_apt+=(curl)
command -v cmake >/dev/null || need_apt+=(cmake)
command -v g++ >/dev/null || need_apt+=(g++)
# bindgen (mixed Rust/C builds) needs libclang itself (libclang-cpp, which other
# packages bring, is not it).
ls /usr/lib/llvm-*/lib/libclang.so* /usr/lib/llvm-*/lib/libclang-[0-9]*.so* >/dev/null 2>&1 ||
    need_apt+=(libclang-dev)
if [ ${#need_apt[@]} -gt 0 ]; then
    echo "ensure-deps: installing ${need_apt[*]} (apt-get)"
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo=sudo
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

if ! command -v rustup >/dev/null; then
    echo "ensure-deps: rustup is required (https://rustup.rs); the nightly in rust-toolchain.toml is used" >&2
    exit 1
fi
# rustup installs the toolchain file's components and targets on first use; ask for
# them explicitly so a missing one fails here with a clear message.
toolchain=$(sed -n 's/^channel *= *"\(.*\)"/\1/p' rust-toolchain.toml)
installed=$(rustup component list --toolchain "$toolchain" --installed 2>/dev/null || true)
for c in rust-src llvm-tools rustfmt clippy miri; do
    if ! grep -q "^$c" <<<"$installed"; then
        echo "ensure-deps: rustup component add $c"
        rustup component add --toolchain "$toolchain" "$c"
    fi
done
if ! rustup target list --toolchain "$toolchain" --installed | grep -q x86_64-unknown-none; then
    echo "ensure-deps: rustup target add x86_64-unknown-none"
    rustup target add --toolchain "$toolchain" x86_64-unknown-none
fi
