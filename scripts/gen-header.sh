#!/usr/bin/env bash
# Regenerates the C headers of the kernel's hermit syscall ABI with cbindgen
# (configuration: kernel/cbindgen.toml):
#
#   include/hermit/syscall.h           the ABI under its own names (struct stat, EINVAL, ...)
#   include/hermit/syscall-prefixed.h  the same declarations with every type named hermit_*
#                                      and every constant HERMIT_*, for C libraries whose
#                                      own headers define struct stat, EINVAL, ... (libc-port)
#
#   scripts/gen-header.sh [OUTPUT-DIR]    # OUTPUT-DIR defaults to include/hermit
#
# cbindgen parses the kernel as rustc expands it for x86_64-unknown-none, so the
# `cfg(target_os = "none")` syscall modules and the macro-generated calls are included.
# The headers keep only the ABI: the `sys_*` functions and the types and constants
# kernel/src/abi defines (rustdoc's JSON lists them); a second cbindgen run excludes
# everything else the first found.
# cbindgen itself comes from scripts/ensure-deps.sh (the version the headers were made with).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$repo/include/hermit}"
if [ -n "${CBINDGEN:-}" ]; then
    cbindgen=$CBINDGEN
else
    "$repo/scripts/ensure-deps.sh" cbindgen >&2
    cbindgen=cbindgen
fi
have="$("$cbindgen" --version | awk '{print $2}')"

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

# The ABI's own names: the items of the kernel's `abi` module, as rustdoc's JSON output
# lists them (the compiler's view, for the host; the module has no target-specific items).
echo "gen-header: listing kernel/src/abi's items (rustdoc --output-format json)"
if ! CARGO_TARGET_DIR="$repo/target/abi-doc" cargo rustdoc -q -p eremit-kernel --lib \
    --manifest-path "$repo/Cargo.toml" -- -Zunstable-options --output-format json \
    2>"$tmpdir/rustdoc.log"; then
    cat "$tmpdir/rustdoc.log" >&2
    echo "gen-header: rustdoc failed" >&2
    exit 1
fi
abi_names="$(python3 - "$repo/target/abi-doc/doc/hermit.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
kinds = {"constant", "static", "type_alias", "struct", "union", "enum"}
names = {p["path"][-1] for p in doc["paths"].values()
         if p["crate_id"] == 0 and p["path"][1:2] == ["abi"] and p["kind"] in kinds}
print("\n".join(sorted(names)))
PY
)"
[ -n "$abi_names" ] || { echo "gen-header: rustdoc listed nothing in the abi module" >&2; exit 1; }
# Everything cbindgen emitted: functions and statics (top-level declarations), #defines,
# struct tags (defined or only declared) and typedefs.
{
    grep -oP '^(?!#|typedef|struct|union|enum|\s|/|\*|\}|extern "C")[^()]*?\b\K\w+(?=\()' "$tmpdir/all.h" || true
    grep -oP '^extern [^(]*\b\K\w+(?=;)' "$tmpdir/all.h" || true
    grep -oP '^#define \K\w+' "$tmpdir/all.h" | grep -vx HERMIT_SYSCALL_H || true
    grep -oP '^(struct|union|enum) \K\w+(?= \{)' "$tmpdir/all.h" || true
    # Forward declarations: the opaque types cbindgen meets (a kernel enum without repr(C)).
    grep -oP '^(struct|union|enum) \K\w+(?=;)' "$tmpdir/all.h" || true
    grep -oP '^typedef .*\b\K\w+(?=;)' "$tmpdir/all.h" || true
} | sort -u >"$tmpdir/emitted"
exclude="$(grep -v '^sys_' "$tmpdir/emitted" | grep -vxF -f <(echo "$abi_names") || true)"
if [ -n "$exclude" ]; then
    echo "gen-header: leaving out what is not ABI: $(echo $exclude)"
fi

# kernel/cbindgen.toml ends with its [export] table: the keys below extend it.
cp "$repo/kernel/cbindgen.toml" "$tmpdir/cbindgen.toml"
{
    echo
    echo "exclude = ["
    for name in $exclude; do echo "    \"$name\","; done
    echo "]"
} >>"$tmpdir/cbindgen.toml"
run_cbindgen "$tmpdir/cbindgen.toml" "$tmpdir/syscall.h" show-warnings

# The prefixed header: the same run with every type renamed hermit_* (struct tags and
# typedefs of the header just made) and every constant prefixed HERMIT_ (cbindgen's
# prefix, which the renames override), under its own guard and header comment.
types="$(
    {
        grep -oP '^(struct|union|enum) (EREMIT_ALIGNED\(\d+\) )?\K\w+(?=[ ;])' "$tmpdir/syscall.h" || true
        grep -oP '^typedef .*\b\K\w+(?=;)' "$tmpdir/syscall.h" || true
    } | sort -u
)"
python3 - "$tmpdir/cbindgen.toml" "$tmpdir/prefixed.toml" <<'PY'
import re, sys
config = open(sys.argv[1]).read()
config = re.sub(r'(?m)^include_guard = .*$', 'include_guard = "HERMIT_SYSCALL_PREFIXED_H"', config)
header = (
    'header = """\\\n'
    "/* The hermit system-call ABI (hermit-abi 0.5) as exported by the Eremit kernel: the\n"
    " * declarations of <hermit/syscall.h> with every type named hermit_* and every constant\n"
    " * HERMIT_*, so that a C library can include it beside its own struct stat, E*, ...\n"
    ' * Calls return a negative errno (HERMIT_E*, Linux\'s values) on failure. */"""'
)
config = re.sub(r'(?ms)^header = """.*?"""', lambda _: header, config)
open(sys.argv[2], "w").write(config)
PY
{
    echo 'prefix = "HERMIT_"'
    echo 'renaming_overrides_prefixing = true'
    echo
    echo "[export.rename]"
    for name in $types; do echo "\"$name\" = \"hermit_$name\""; done
} >>"$tmpdir/prefixed.toml"
run_cbindgen "$tmpdir/prefixed.toml" "$tmpdir/syscall-prefixed.h"

mkdir -p "$out"
cp "$tmpdir/syscall.h" "$out/syscall.h"
cp "$tmpdir/syscall-prefixed.h" "$out/syscall-prefixed.h"
echo "gen-header: wrote ${out#"$repo"/}/syscall.h and syscall-prefixed.h" \
    "($(grep -c '^[a-zA-Z].*[ *]sys_[a-z0-9_]*(' "$out/syscall.h") sys_* functions)"
