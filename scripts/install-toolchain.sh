#!/usr/bin/env bash
# Copies the toolchain (build/toolchain: eremit, x86_64-hermit-* and aarch64-hermit-*, their
# sysroots) and the CMake toolchain file to PREFIX: PREFIX/bin, PREFIX/x86_64-hermit,
# PREFIX/aarch64-hermit (when built), PREFIX/cmake.  The wrappers and
# the toolchain file find everything relative to themselves, so PREFIX can move later.
# Usage: install-toolchain.sh PREFIX
set -euo pipefail
cd "$(dirname "$0")/.."
prefix=${1:?usage: install-toolchain.sh PREFIX}
[ -x build/toolchain/bin/x86_64-hermit-gcc ] || { echo "install: run make toolchain-c first" >&2; exit 1; }
echo "install: build/toolchain -> $prefix"
mkdir -p "$prefix/bin" "$prefix/cmake/Platform"
cp -R build/toolchain/bin/. "$prefix/bin/"
for arch in x86_64 aarch64; do
    [ -d "build/toolchain/$arch-hermit" ] || continue
    rm -rf "$prefix/$arch-hermit"
    cp -R "build/toolchain/$arch-hermit" "$prefix/$arch-hermit"
    rm -f "$prefix/$arch-hermit/.headers" "$prefix/$arch-hermit/.libs" "$prefix/$arch-hermit/.gcc-libs" \
        "$prefix/$arch-hermit/lib/libhermit.a.stamp"
done
cp cmake/hermit-toolchain.cmake "$prefix/cmake/"
cp cmake/Platform/Hermit.cmake "$prefix/cmake/Platform/"
echo "install: done; CMake: -DCMAKE_TOOLCHAIN_FILE=$prefix/cmake/hermit-toolchain.cmake"
