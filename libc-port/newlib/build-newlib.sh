#!/usr/bin/env bash
# Builds newlib 3.3.0 for ARCH-hermit (x86_64 with the host's gcc, aarch64 with Debian's
# aarch64-linux-gnu-gcc) and installs it into PREFIX (PREFIX/include, PREFIX/lib).
# Usage: build-newlib.sh ARCH TARBALL WORKDIR PREFIX
#
# The source comes from Debian's newlib-source package; this directory's patch adds the
# *-*-hermit target and overlay/ adds headers (machine/ARCH/machine/_types.h per
# architecture, overlay-machine/ into every architecture's machine directory).  Everything that decides the result is
# in this directory (this script, the patch, the overlay), so scripts/build-toolchain.sh
# keys its cache on a hash of it.  The syscall layer, malloc, the locks and crt0
# (libc-port/src) are not part of this build.
set -euo pipefail

arch=$1
tarball=$2
work=$3
prefix=$4
target=$arch-hermit
# The compiler and binutils: the host's for x86_64, the cross ones otherwise.
case $arch in
x86_64) tp="" ;;
aarch64) tp=aarch64-linux-gnu- ;;
*)
    echo "newlib: unknown architecture '$arch' (x86_64, aarch64)" >&2
    exit 2
    ;;
esac
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
cp -R "$here/overlay-machine/." "$src/newlib/libc/machine/$arch/"

# The host's gcc, made a cross compiler for hermit by flags: newlib's headers only (and
# gcc's own stddef.h, stdarg.h, ...), no stack protector, position-dependent code.
gccinc=$(${tp}gcc -print-file-name=include)
cflags="-O2 -g -ffunction-sections -fdata-sections -ffreestanding -fno-stack-protector"
cflags+=" -fno-pie -fno-omit-frame-pointer -D__hermit__ -U__linux__ -U__gnu_linux__ -Ulinux"
cflags+=" -nostdinc -isystem $gccinc -Wa,--noexecstack"
# aarch64: atomics inline (LSE or not by -march), not libgcc's out-of-line ones, whose
# start-up asks glibc's getauxval which CPU this is.
[ "$arch" = aarch64 ] && cflags+=" -mno-outline-atomics"

log "configuring (--target=$target, ${tp}gcc $(${tp}gcc -dumpfullversion))"
(
    cd "$work/build"
    "$src/configure" \
        --target=$target \
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
        CC_FOR_TARGET=${tp}gcc AS_FOR_TARGET=${tp}as LD_FOR_TARGET=${tp}ld AR_FOR_TARGET=${tp}ar \
        RANLIB_FOR_TARGET=${tp}ranlib NM_FOR_TARGET=${tp}nm OBJDUMP_FOR_TARGET=${tp}objdump \
        READELF_FOR_TARGET=${tp}readelf STRIP_FOR_TARGET=${tp}strip \
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
        dirs=$(grep -o "Entering directory '[^']*/$target/newlib/[^']*'" make.log \
            | sed "s#.*/$target/newlib/##; s#'##" | cut -d/ -f1-2 | sort -u | tr '\n' ' ' || true)
        if [ "$dirs" != "$seen" ]; then
            log "  ... $(grep -c "^${tp}gcc " make.log || true) files compiled; in: ${dirs:0:160}"
            seen=$dirs
        fi
    done
    wait "$pid" || { grep -B5 -A5 -m3 -i 'error' make.log; tail -20 make.log; exit 1; }
    log "installing into $prefix"
    make install-target-newlib > install.log 2>&1 || { tail -30 install.log; exit 1; }
)
# Flatten PREFIX/ARCH-hermit/{include,lib} to PREFIX/{include,lib}.
mv "$prefix/$target/include" "$prefix/include"
mv "$prefix/$target/lib" "$prefix/lib"
rm -rf "${prefix:?}/$target" "$prefix/share"
log "done: $(du -sh "$prefix" | cut -f1) in $prefix"
