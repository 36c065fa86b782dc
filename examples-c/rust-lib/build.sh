#!/usr/bin/env bash
# Builds examples-c/rust-lib: the Rust staticlib (src/lib.rs) for x86_64-unknown-hermit
# with build/toolchain/cargo.toml, then the C program main.c linked against it with
# x86_64-hermit-gcc.  `build.sh native` builds the same program for the host instead.
#
#   examples-c/rust-lib/build.sh [native] -> build/examples-c/rust-lib[-native]/rust-lib
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
tc=${EREMIT_TOOLCHAIN:-$root/build/toolchain}
cd "$here" # rust-toolchain.toml of the repository: the pinned nightly

if [ "${1:-}" = native ]; then
    out=$root/build/examples-c/rust-lib-native
    mkdir -p "$out"
    cargo build -q --release --target-dir "$out/target"
    gcc -O2 -Wall main.c "$out/target/release/librustlib.a" -lpthread -ldl -lm -o "$out/rust-lib"
    echo "$out/rust-lib"
    exit 0
fi

[ -f "$tc/cargo.toml" ] || "$root/scripts/gen-cargo-config.sh" "$tc" >/dev/null
out=$root/build/examples-c/rust-lib
mkdir -p "$out"
cargo --config "$tc/cargo.toml" build -q --release --target-dir "$out/target"
# std's runtime_entry (its start-up: std's environment, then a `main`) becomes
# __eremit_std_runtime_entry and its `main` __eremit_std_main: crt0.o's runtime_entry
# sets up the C library, calls std's, which calls __eremit_std_main (crt0.o), which runs
# the C main and exit() (atexit handlers, stdio flushed).  -u pulls std's start-up out of
# the archive (crt0.o only refers to it weakly).  Every other symbol of the archive is
# Rust's own (core, alloc, std, compiler_builtins, whose mem* functions are weak) and
# clashes with neither libc.a, libgcc nor the kernel.
cp "$out/target/x86_64-unknown-hermit/release/librustlib.a" "$out/librustlib.a"
"$tc/bin/x86_64-hermit-objcopy" --redefine-sym runtime_entry=__eremit_std_runtime_entry \
    --redefine-sym main=__eremit_std_main "$out/librustlib.a"
"$tc/bin/x86_64-hermit-gcc" -O2 -Wall main.c -L"$out" -lrustlib \
    -Wl,-u,__eremit_std_runtime_entry -o "$out/rust-lib"
echo "$out/rust-lib"
