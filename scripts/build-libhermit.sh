#!/usr/bin/env bash
# Builds the kernel as libhermit.a for C programs, the way hermit/build.rs does for Rust
# ones: `cargo build` of kernel/ for x86_64-unknown-none (in the same target directory,
# with the same flags and the hermit crate's default features, so the two share the
# build), then `ld -r` into one object and `objcopy` so that only the ABI stays global.
#
# Usage: build-libhermit.sh OUT.a     (env: EREMIT_KERNEL_PROFILE, EREMIT_KERNEL_FEATURES)
set -euo pipefail
cd "$(dirname "$0")/.."
out=$1

profile=${EREMIT_KERNEL_PROFILE:-kernel}
# The features a Rust application gets by default: the hermit crate's default features
# (expanded) that hermit/build.rs passes on (its KERNEL_FEATURES, in that order).
default_features() {
    python3 - <<'PY'
import re, tomllib
manifest = tomllib.load(open("hermit/Cargo.toml", "rb"))["features"]
enabled, todo = set(), list(manifest.get("default", []))
while todo:
    f = todo.pop()
    if f not in enabled:
        enabled.add(f)
        todo += [d for d in manifest.get(f, []) if "/" not in d and ":" not in d]
build = open("hermit/build.rs").read()
kernel = re.findall(r'"([a-z0-9-]+)"', re.search(r"KERNEL_FEATURES[^=]*=\s*&\[(.*?)\];", build, re.S).group(1))
print(",".join(f for f in kernel if f in enabled))
PY
}
features=${EREMIT_KERNEL_FEATURES:-$(default_features)}
dir=$profile
[ "$profile" = dev ] && dir=debug
archive=target/kernel/x86_64-unknown-none/$dir/libhermit.a

echo "libhermit: cargo build of kernel/ ($profile, features $features)"
(
    cd kernel
    # As hermit/build.rs: the application's flags and target are not the kernel's (its
    # own flags are in kernel/.cargo/config.toml).
    env -u CARGO_ENCODED_RUSTFLAGS -u RUSTFLAGS -u CARGO_BUILD_TARGET -u CARGO_TARGET_DIR \
        -u CARGO_BUILD_RUSTFLAGS -u RUSTC_WORKSPACE_WRAPPER -u CARGO_PROFILE_RELEASE_LTO \
        -u CARGO_UNSTABLE_BUILD_STD \
        cargo build -q --lib --target=x86_64-unknown-none --profile="$profile" \
        -Zbuild-std=core,alloc,compiler_builtins -Zbuild-std-features=compiler-builtins-mem \
        --no-default-features --features="$features" --target-dir ../target/kernel
)

# Repack when the kernel archive or the feature set changed (a feature set built before
# leaves an older archive in place, so timestamps alone do not tell).
stamp="$profile $features $(stat -c %Y.%s "$archive") $(cat hermit/build.rs scripts/kernel-sections.ld | sha256sum | cut -c1-16)"
if [ -f "$out" ] && [ "$(cat "$out.stamp" 2>/dev/null)" = "$stamp" ]; then
    echo "libhermit: $out is up to date"
    exit 0
fi
echo "libhermit: packing $out (only the ABI stays global)"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# scripts/kernel-sections.ld gathers the kernel's statics (see there).
${EREMIT_LD:-ld} -r -T scripts/kernel-sections.ld --whole-archive "$archive" -o "$tmp/hermit.o"
# hermit/build.rs's EXPORTED: the symbols that stay global.
keep=()
for sym in $(python3 -c 'import re; print(" ".join(re.findall(r"\"([^\"]+)\"", re.search(r"const EXPORTED[^=]*=\s*&\[(.*?)\];", open("hermit/build.rs").read(), re.S).group(1))))'); do
    keep+=("--keep-global-symbol=$sym")
done
[ ${#keep[@]} -gt 0 ] || { echo "libhermit: no EXPORTED list in hermit/build.rs" >&2; exit 1; }
# As hermit/build.rs: no LLVM bitcode for ar's LTO plugin to choke on.
${EREMIT_OBJCOPY:-objcopy} --remove-section=.llvmbc --remove-section=.llvmcmd --wildcard \
    "${keep[@]}" "$tmp/hermit.o"
mkdir -p "$(dirname "$out")"
rm -f "$out"
${EREMIT_AR:-ar} crs "$out" "$tmp/hermit.o"
echo "$stamp" >"$out.stamp"
