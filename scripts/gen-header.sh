#!/usr/bin/env bash
# Regenerates include/hermit/syscall.h, the C header of the kernel's hermit syscall ABI,
# with cbindgen (configuration: kernel/cbindgen.toml).
#
#   scripts/gen-header.sh [OUTPUT]    # OUTPUT defaults to include/hermit/syscall.h
#
# cbindgen parses the kernel as rustc expands it for x86_64-unknown-none, so the
# `cfg(target_os = "none")` syscall modules and the macro-generated calls are included.
# The header keeps only the ABI: the `sys_*` functions and the types and constants
# kernel/src/abi defines; a second cbindgen run excludes everything else the first found.
# Installs cbindgen $CBINDGEN_VERSION with `cargo install` when it is missing.
set -euo pipefail

CBINDGEN_VERSION=0.29.4
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$repo/include/hermit/syscall.h}"
cbindgen="${CBINDGEN:-cbindgen}"

if ! command -v "$cbindgen" >/dev/null 2>&1; then
    echo "gen-header: cbindgen not found; running: cargo install cbindgen --version $CBINDGEN_VERSION --locked"
    cargo install cbindgen --version "$CBINDGEN_VERSION" --locked
    cbindgen=cbindgen
fi
have="$("$cbindgen" --version | awk '{print $2}')"
if [ "$have" != "$CBINDGEN_VERSION" ]; then
    echo "gen-header: warning: cbindgen $have found, the header was made with $CBINDGEN_VERSION;" \
        "output may differ (cargo install cbindgen --version $CBINDGEN_VERSION --locked --force)" >&2
fi

tmpdir="$(mktemp -d)"
trap 'rm -rf "$tmpdir"' EXIT

# run_cbindgen CONFIG OUTPUT [show-warnings]
run_cbindgen() {
    # CARGO_BUILD_TARGET makes cbindgen's `cargo rustc -- -Zunpretty=expanded` expand for
    # the kernel's target; CARGO_EXPAND_TARGET_DIR keeps that build apart from the others.
    if ! CARGO_BUILD_TARGET=x86_64-unknown-none \
        CARGO_EXPAND_TARGET_DIR="$repo/target/cbindgen-expand" \
        "$cbindgen" --config "$1" --crate eremit-kernel --output "$2" "$repo/kernel" \
        2>"$tmpdir/log"; then
        cat "$tmpdir/log" >&2
        echo "gen-header: cbindgen failed" >&2
        exit 1
    fi
    # cbindgen remarks on every kernel-internal item it cannot or need not export
    # (skipped items, clashing internal constants); only what concerns the ABI is news.
    if [ -n "${3:-}" ]; then
        grep -E 'sys_|abi::' "$tmpdir/log" | grep -v '^WARN: Skip\(ping\)\? .* - (not `\(pub\|no_mangle\)`' >&2 || true
    fi
}

echo "gen-header: cbindgen $have: expanding eremit-kernel for x86_64-unknown-none"
run_cbindgen "$repo/kernel/cbindgen.toml" "$tmpdir/all.h"
if ! grep -q 'sys_write(' "$tmpdir/all.h"; then
    echo "gen-header: cbindgen found no sys_write: was the kernel expanded for x86_64-unknown-none?" >&2
    exit 1
fi

# The ABI's own names: what kernel/src/abi defines.
abi_names="$(grep -rhoP '^\s*pub (const|static|type|struct|union|enum) \K\w+' "$repo/kernel/src/abi" | sort -u)"
# Everything cbindgen emitted: functions and statics (top-level declarations), #defines,
# struct tags and typedefs.
{
    grep -oP '^(?!#|typedef|struct|union|enum|\s|/|\*|\}|extern "C")[^()]*?\b\K\w+(?=\()' "$tmpdir/all.h" || true
    grep -oP '^extern [^(]*\b\K\w+(?=;)' "$tmpdir/all.h" || true
    grep -oP '^#define \K\w+' "$tmpdir/all.h" | grep -vx HERMIT_SYSCALL_H || true
    grep -oP '^(struct|union|enum) \K\w+(?= \{)' "$tmpdir/all.h" || true
    grep -oP '^typedef .*\b\K\w+(?=;)' "$tmpdir/all.h" || true
} | sort -u >"$tmpdir/emitted"
exclude="$(grep -v '^sys_' "$tmpdir/emitted" | grep -vxF -f <(echo "$abi_names") || true)"
if [ -n "$exclude" ]; then
    echo "gen-header: leaving out what is not ABI: $(echo $exclude)"
fi

cp "$repo/kernel/cbindgen.toml" "$tmpdir/cbindgen.toml"
{
    echo
    echo "[export]"
    echo "exclude = ["
    for name in $exclude; do echo "    \"$name\","; done
    echo "]"
} >>"$tmpdir/cbindgen.toml"
run_cbindgen "$tmpdir/cbindgen.toml" "$tmpdir/syscall.h" show-warnings

mkdir -p "$(dirname "$out")"
cp "$tmpdir/syscall.h" "$out"
echo "gen-header: wrote ${out#"$repo"/} ($(grep -c '^[a-zA-Z].*[ *]sys_[a-z0-9_]*(' "$out") sys_* functions)"
