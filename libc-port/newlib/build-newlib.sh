#!/usr/bin/env bash
# Builds newlib 3.3.0 for x86_64-hermit with the host's gcc and installs it into PREFIX
# (PREFIX/include, PREFIX/lib).  Usage: build-newlib.sh TARBALL WORKDIR PREFIX
#
# The source comes from Debian's newlib-source package; this directory's patch adds the
# x86_64-*-hermit target and overlay/ adds headers.  Everything that decides the result is
# in this directory (this script, the patch, the overlay), so scripts/build-toolchain.sh
# keys its cache on a hash of it.  The syscall layer, malloc, the locks and crt0
# (libc-port/src) are not part of this build.
set -euo pipefail

tarball=$1
work=$2
prefix=$3
here=$(cd "$(dirname "$0")" && pwd)
jobs=${EREMIT_JOBS:-$(nproc)}

log() { echo "newlib: $*"; }

rm -rf "$work"
mkdir -p "$work/build"
log "unpacking $(basename "$tarball")"
tar xf "$tarball" -C "$work"
src=$(find "$work" -mindepth 2 -maxdepth 2 -name configure -path '*/configure' -printf '%h\n' | head -1)
[ -n "$src" ] && [ -d "$src/newlib" ] || { echo "newlib: no newlib source tree in $tarball" >&2; exit 1; }

log "applying $(basename "$here"/newlib-*.patch) and overlay/"
for p in "$here"/*.patch; do
    patch -s -p1 -d "$src" < "$p"
done
cp -R "$here/overlay/." "$src/"

# The host's gcc, made a cross compiler for hermit by flags: newlib's headers only (and
# gcc's own stddef.h, stdarg.h, ...), no stack protector, position-dependent code.
gccinc=$(gcc -print-file-name=include)
cflags="-O2 -g -ffunction-sections -fdata-sections -ffreestanding -fno-stack-protector"
cflags+=" -fno-pie -fno-omit-frame-pointer -D__hermit__ -U__linux__ -U__gnu_linux__ -Ulinux"
cflags+=" -nostdinc -isystem $gccinc -Wa,--noexecstack"

log "configuring (--target=x86_64-hermit, host gcc $(gcc -dumpfullversion))"
(
    cd "$work/build"
    "$src/configure" \
        --target=x86_64-hermit \
        --prefix="$prefix" \
        --disable-multilib \
        --disable-newlib-supplied-syscalls \
        --enable-newlib-retargetable-locking \
        --enable-newlib-multithread \
        --enable-newlib-io-long-long \
        --enable-newlib-io-long-double \
        --enable-newlib-io-c99-formats \
        --enable-newlib-io-pos-args \
        --enable-newlib-global-atexit \
        --enable-newlib-mb \
        CC_FOR_TARGET=gcc AS_FOR_TARGET=as LD_FOR_TARGET=ld AR_FOR_TARGET=ar \
        RANLIB_FOR_TARGET=ranlib NM_FOR_TARGET=nm OBJDUMP_FOR_TARGET=objdump \
        READELF_FOR_TARGET=readelf STRIP_FOR_TARGET=strip \
        CFLAGS_FOR_TARGET="$cflags" \
        > configure.log 2>&1 || { tail -30 configure.log; exit 1; }
)

log "compiling with $jobs jobs (a few minutes; log: $work/build/make.log)"
(
    cd "$work/build"
    # Progress: one line per newlib directory as make enters it.
    make -j"$jobs" all-target-newlib > make.log 2>&1 &
    pid=$!
    seen=""
    while kill -0 "$pid" 2>/dev/null; do
        sleep 10
        dirs=$(grep -o "Entering directory '[^']*/x86_64-hermit/newlib/[^']*'" make.log \
            | sed "s#.*/x86_64-hermit/newlib/##; s#'##" | cut -d/ -f1-2 | sort -u | tr '\n' ' ' || true)
        if [ "$dirs" != "$seen" ]; then
            log "  ... $(grep -c '^gcc ' make.log || true) files compiled; in: ${dirs:0:160}"
            seen=$dirs
        fi
    done
    wait "$pid" || { grep -B5 -A5 -m3 -i 'error' make.log; tail -20 make.log; exit 1; }
    log "installing into $prefix"
    make install-target-newlib > install.log 2>&1 || { tail -30 install.log; exit 1; }
)
# Flatten PREFIX/x86_64-hermit/{include,lib} to PREFIX/{include,lib}.
mv "$prefix/x86_64-hermit/include" "$prefix/include"
mv "$prefix/x86_64-hermit/lib" "$prefix/lib"
rm -rf "$prefix/x86_64-hermit" "$prefix/share"
log "done: $(du -sh "$prefix" | cut -f1) in $prefix"
