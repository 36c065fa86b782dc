#!/usr/bin/env bash
# Writes build/compat/{socket2,tokio,parking_lot_core,mio}: the crates.io sources of
# those crates, unchanged but for hermit support (and mio's wake-up fix) added by
# compat/*/adapt.py (our files).
# Applications point [patch.crates-io] at them to use tokio's `net` feature (and so axum,
# hyper servers) on x86_64-unknown-hermit; see README, "Async Rust: tokio".
#
# The sources come through cargo's ordinary registry access (a throw-away manifest that
# depends on the exact versions, resolved with `cargo metadata`), so nothing but
# crates.io is contacted. A directory is made anew from a pristine copy when the version
# or our files changed (a stamp records both), else left alone, so cargo does not
# rebuild what depends on it.
#
#   SOCKET2_VERSION / TOKIO_VERSION / PARKING_LOT_CORE_VERSION / MIO_VERSION
#                                    override the versions adapted (default: tested ones)
#   COMPAT_OUT                       output directory (default: build/compat)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SOCKET2_VERSION=${SOCKET2_VERSION:-0.6.5}
TOKIO_VERSION=${TOKIO_VERSION:-1.54.1}
PARKING_LOT_CORE_VERSION=${PARKING_LOT_CORE_VERSION:-0.9.12}
MIO_VERSION=${MIO_VERSION:-1.2.5}
OUT=${COMPAT_OUT:-$ROOT/build/compat}

fetch=$OUT/.fetch
mkdir -p "$fetch/src"
: > "$fetch/src/lib.rs"
# [workspace]: this manifest lives under the repository's workspace but is not part of it.
cat > "$fetch/Cargo.toml" <<TOML
[package]
name = "eremit-compat-fetch"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
socket2 = "=$SOCKET2_VERSION"
tokio = { version = "=$TOKIO_VERSION", default-features = false }
parking_lot_core = "=$PARKING_LOT_CORE_VERSION"
mio = "=$MIO_VERSION"

[workspace]
TOML

# The directory cargo unpacked each crate into (it downloads what is missing).
src_dir() {
    cargo metadata -q --format-version 1 --manifest-path "$fetch/Cargo.toml" \
        --filter-platform x86_64-unknown-linux-gnu |
        python3 -c 'import json, os, sys
name, version = sys.argv[1:]
for p in json.load(sys.stdin)["packages"]:
    if p["name"] == name and p["version"] == version:
        print(os.path.dirname(p["manifest_path"]))' "$1" "$2"
}

adapt() { # name version
    local from to stamp
    to=$OUT/$1
    stamp="$1 $2 $(find "$ROOT/compat/$1" -type f ! -path '*__pycache__*' | sort | xargs cat |
        sha256sum | cut -d' ' -f1)"
    if [ -f "$to/.eremit-compat" ] && [ "$(cat "$to/.eremit-compat")" = "$stamp" ]; then
        echo "compat-crates: $to is current ($1 $2)"
        return
    fi
    from=$(src_dir "$1" "$2")
    [ -n "$from" ] && [ -f "$from/Cargo.toml" ] || { echo "compat-crates: $1 $2 not found" >&2; exit 1; }
    rm -rf "$to" "$to.tmp"
    cp -r "$from" "$to.tmp"
    chmod -R u+w "$to.tmp"
    python3 "$ROOT/compat/$1/adapt.py" "$to.tmp"
    # Its own workspace root, so cargo never takes it for a member of an enclosing one.
    printf '\n[workspace]\n' >> "$to.tmp/Cargo.toml"
    echo "$stamp" > "$to.tmp/.eremit-compat"
    mv "$to.tmp" "$to"
    echo "compat-crates: $to ($1 $2 from crates.io, hermit support added)"
}

adapt socket2 "$SOCKET2_VERSION"
adapt tokio "$TOKIO_VERSION"
adapt parking_lot_core "$PARKING_LOT_CORE_VERSION"
adapt mio "$MIO_VERSION"
