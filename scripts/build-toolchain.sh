#!/usr/bin/env bash
# Builds the C toolchain under build/toolchain:
#
#   bin/x86_64-hermit-{gcc,cc,g++,c++,gfortran}   compiler wrappers (libc-port/bin)
#   bin/x86_64-hermit-{ar,ranlib,nm,...}           binutils wrappers
#   x86_64-hermit/include                          newlib's headers + the POSIX layer's
#   x86_64-hermit/lib/{libc,libm,libpthread,...}.a newlib + libc-port + libc-port/posix
#   x86_64-hermit/lib/crt0.o, libhermit.a          start-up code, the kernel
#   x86_64-hermit/lib/kernel-text.ld               the link's placement of the kernel's code
#   x86_64-hermit/{include/c++,finclude,lib}       libstdc++, libgfortran, libquadmath and
#                                                  libgomp built from GCC's sources
#   cargo.toml                                     Cargo config for mixed Rust/C programs
#
# newlib and GCC's libraries take minutes to build, so they are cached outside
# the tree, keyed by a hash of everything that decides them (the tarballs, libc-port/newlib
# or libc-port/gcc, the host compilers): ${EREMIT_CACHE_DIR:-${XDG_CACHE_HOME:-~/.cache}/eremit}
# /newlib-<hash> and /gcc-{cxx,gomp,fortran}-<hash>.
# A fresh clone with a warm cache builds the toolchain in seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
tc=$root/build/toolchain
sysroot=$tc/x86_64-hermit
work=$root/build/libc-port
cache=${EREMIT_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/eremit}
start=$(date +%s)
# One build at a time: parallel builds (make -j, several test runners) share the sysroot.
mkdir -p build
exec 9>build/.toolchain.lock
flock 9

log() { echo "toolchain-c: $*"; }

# --- dependencies (newlib's and GCC's sources, gfortran, cmake: scripts/ensure-deps.sh) ---
scripts/ensure-deps.sh c-toolchain
tarball=$(ls /usr/src/newlib/newlib-*.tar.* | head -1)
for tool in gcc g++ ar ld objcopy nm python3; do
    command -v $tool >/dev/null || { echo "toolchain-c: $tool is required" >&2; exit 1; }
done

# cached_build NAME KEEP WORK COMMAND...: unless $cache/NAME holds a complete build, runs
# COMMAND with @OUT@ replaced by a fresh directory in the cache (WORK is its scratch
# directory) and keeps the result as $cache/NAME; then keeps only the KEEP most recent
# builds of the same kind (NAME without its key).
cached_build() {
    local name=$1 keep=$2 scratch=$3 dir=$cache/$1 kind=${1%-*} arg tmp
    shift 3
    if [ -f "$dir/.complete" ]; then
        log "$kind: cached ($dir)"
        return
    fi
    log "$kind: not cached (${name##*-}), building it once (minutes)"
    mkdir -p "$cache"
    tmp=$(mktemp -d "$cache/$name.tmp.XXXXXX")
    local cmd=()
    for arg; do
        [ "$arg" = @OUT@ ] && arg=$tmp
        cmd+=("$arg")
    done
    trap 'rm -rf "$tmp"' EXIT
    "${cmd[@]}"
    touch "$tmp/.complete"
    # Builds are serialised (the lock above): what is there is incomplete or stale.
    rm -rf "$dir"
    mv -T "$tmp" "$dir"
    trap - EXIT
    rm -rf "$scratch"
    ls -dt "$cache/$kind"-* 2>/dev/null | grep -v '\.tmp\.' | tail -n +$((keep + 1)) | xargs -r rm -rf
}

# --- newlib (cached) -----------------------------------------------------------------
key=$(
    {
        sha256sum "$tarball" | cut -d' ' -f1
        (cd libc-port/newlib && find . -type f | LC_ALL=C sort | xargs sha256sum)
        gcc -dumpfullversion
        gcc -dumpmachine
    } | sha256sum | cut -c1-16
)
newlib=$cache/newlib-$key
cached_build "newlib-$key" 3 "$root/build/newlib" \
    libc-port/newlib/build-newlib.sh "$tarball" "$root/build/newlib" @OUT@

# --- sysroot headers: newlib's, ours (libc-port/include), the POSIX layer's -------------
posix=libc-port/posix
headers_key=$(
    {
        echo "$key"
        echo "stdatomic.h: GCC's"
        (cd libc-port/include && find . -type f | LC_ALL=C sort | xargs -r sha256sum)
        [ -d $posix/include ] && (cd $posix/include && find . -type f | LC_ALL=C sort | xargs -r sha256sum)
        true
    } | sha256sum | cut -c1-16
)
if [ "$(cat "$sysroot/.headers" 2>/dev/null)" != "$headers_key" ]; then
    log "sysroot: installing the headers of newlib, libc-port/include and $posix/include"
    rm -rf "$sysroot/include" "$sysroot/.gcc-libs"
    mkdir -p "$sysroot/lib"
    cp -R "$newlib/include" "$sysroot/include"
    cp -R libc-port/include/. "$sysroot/include/"
    if [ -d $posix/include ]; then
        cp -R $posix/include/. "$sysroot/include/"
    fi
    # newlib's stdatomic.h is FreeBSD's, written for compilers of its own era: with GCC it
    # needs <stdint.h> first and falls back to struct-wrapped atomics. GCC's own header
    # (the next directory searched) is the one that matches the compiler.
    rm -f "$sysroot/include/stdatomic.h"
    echo "$headers_key" >"$sysroot/.headers"
fi

# --- libc-port and the POSIX layer --------------------------------------------------
# The workspace's version, as cargo reads it.
version=$(cargo metadata --no-deps --format-version 1 | python3 -c 'import json, sys
print(next(p["version"] for p in json.load(sys.stdin)["packages"] if p["name"] == "eremit-kernel"))')
gccinc=$(gcc -print-file-name=include)
cflags=(-O2 -g -ffunction-sections -fdata-sections -ffreestanding -fno-stack-protector -fno-pie
    -fno-omit-frame-pointer -D__hermit__ -U__linux__ -U__gnu_linux__ -Ulinux -D_GNU_SOURCE
    -nostdinc -isystem "$sysroot/include" -isystem "$gccinc" -Wall -Wextra
    -DEREMIT_VERSION="\"$version\"")
flags_key=$(echo "${cflags[*]} $headers_key" | sha256sum | cut -c1-16)
mkdir -p "$work/obj" "$work/posix"
if [ "$(cat "$work/.flags" 2>/dev/null)" != "$flags_key" ]; then
    rm -f "$work"/obj/*.o "$work"/posix/*.o
    echo "$flags_key" >"$work/.flags"
fi

# compile SRC OBJ INCLUDE-DIRS...: when the object is missing or older than the source or
# a header next to it.
compiled=0
compile() {
    local src=$1 obj=$2
    shift 2
    local newest=$src h
    for h in "$(dirname "$src")"/*.h "$@"; do
        [ -e "$h" ] && [ "$h" -nt "$newest" ] && newest=$h
    done
    if [ ! -f "$obj" ] || [ "$newest" -nt "$obj" ]; then
        gcc "${cflags[@]}" "${incs[@]}" -c "$src" -o "$obj"
        compiled=$((compiled + 1))
    fi
}

incs=(-Ilibc-port/src)
objs=()
for src in libc-port/src/*.c; do
    obj=$work/obj/$(basename "${src%.c}").o
    [ "$(basename "$src")" = crt0.c ] && obj=$work/crt0.o
    compile "$src" "$obj" libc-port/src/*.h include/hermit/*.h
    [ "$(basename "$src")" = crt0.c ] || objs+=("$obj")
done
# The POSIX layer (written separately; may be absent): its include/ comes first.
posix_objs=()
if compgen -G "$posix/*.c" >/dev/null; then
    incs=(-I$posix/include -I$posix -Ilibc-port/src)
    hdrs=()
    if compgen -G "$posix/include/*" >/dev/null; then hdrs=("$posix"/include/*); fi
    for src in "$posix"/*.c; do
        obj=$work/posix/$(basename "${src%.c}").o
        compile "$src" "$obj" "${hdrs[@]}" include/hermit/*.h
        posix_objs+=("$obj")
    done
fi
# Objects of sources that are gone.
for obj in "$work"/obj/*.o "$work"/posix/*.o; do
    [ -e "$obj" ] || continue
    base=$(basename "${obj%.o}")
    [ -e "libc-port/src/$base.c" ] || [ -e "$posix/$base.c" ] || { rm -f "$obj"; compiled=$((compiled + 1)); }
done
log "libc-port: $compiled files compiled, ${#objs[@]} objects + ${#posix_objs[@]} from $posix"

libs_key=$(
    {
        echo "$key"
        sha256sum "${objs[@]}" "${posix_objs[@]}" libc-port/merge-libc.py
    } | sha256sum | cut -c1-16
)
if [ "$(cat "$sysroot/.libs" 2>/dev/null)" != "$libs_key" ] || [ ! -f "$sysroot/lib/libc.a" ]; then
    python3 libc-port/merge-libc.py "$newlib/lib/libc.a" "$sysroot/lib/libc.a" "${objs[@]}" "${posix_objs[@]}"
    cp "$newlib/lib/libm.a" "$sysroot/lib/libm.a"
    # Everything is in libc.a; these exist so that -lpthread, -lrt, -ldl link.
    for lib in pthread rt dl util; do
        rm -f "$sysroot/lib/lib$lib.a"
        ar crs "$sysroot/lib/lib$lib.a"
    done
    echo "$libs_key" >"$sysroot/.libs"
fi
install -m 644 "$work/crt0.o" "$sysroot/lib/crt0.o"
# gcc's default library directories are the host's (glibc): the link leaves them out.
printf '*link_libgcc:\n\n\n' >"$sysroot/lib/hermit.specs"
# The kernel's code apart from the application's (for signals: the file says why).
install -m 644 libc-port/kernel-text.ld "$sysroot/lib/kernel-text.ld"

# --- the kernel --------------------------------------------------------------------------
# Built and packed by hermit/libhermit, the code a Rust application's build runs too, with
# the hermit crate's default features (EREMIT_KERNEL_FEATURES, EREMIT_KERNEL_PROFILE
# override them).
log "libhermit: building eremit-libhermit"
cargo build --release -q -p eremit-libhermit --features cli
target/release/eremit-libhermit "$sysroot/lib/libhermit.a"

# --- wrappers -----------------------------------------------------------------------------
mkdir -p "$tc/bin"
for name in gcc cc g++ c++ gfortran; do
    install -m 755 libc-port/bin/x86_64-hermit-cc "$tc/bin/x86_64-hermit-$name"
done
for name in ar ranlib nm objcopy objdump readelf strip ld as size strings addr2line; do
    install -m 755 libc-port/bin/x86_64-hermit-tool "$tc/bin/x86_64-hermit-$name"
done

# --- GCC's target libraries: libstdc++, libgfortran + libquadmath, libgomp (cached) ------
# Built from Debian's gcc-12-source with the wrappers above; each group is cached like
# newlib, keyed by the GCC tarball, libc-port/gcc, the host compiler and the sysroot's
# headers (the libraries' configuration and structure layouts depend on them).
gcc_tarball=$(ls /usr/src/gcc-"$(gcc -dumpversion)"/gcc-*.tar.* | head -1)
gcc_libs_base=$(
    {
        stat -c '%n %s %Y' "$gcc_tarball"
        (cd libc-port/gcc && find . -type f | LC_ALL=C sort | xargs sha256sum)
        gcc -dumpfullversion
        gfortran -dumpfullversion
        echo "$headers_key"
    } | sha256sum | cut -c1-16
)
installed_gcc_libs=
for group in cxx gomp fortran; do
    gkey=$(echo "$gcc_libs_base $group" | sha256sum | cut -c1-16)
    cached_build "gcc-$group-$gkey" 2 "$root/build/gcc-$group" \
        libc-port/gcc/build-gcc-libs.sh "$group" "$gcc_tarball" "$root/build/gcc-$group" @OUT@ "$tc/bin"
    installed_gcc_libs+="$gkey "
done
if [ "$(cat "$sysroot/.gcc-libs" 2>/dev/null)" != "$installed_gcc_libs$headers_key" ]; then
    log "sysroot: installing libstdc++, libgfortran, libquadmath, libgomp"
    rm -rf "$sysroot/include/c++" "$sysroot/finclude"
    for group in cxx gomp fortran; do
        gkey=$(echo "$gcc_libs_base $group" | sha256sum | cut -c1-16)
        for sub in include lib finclude; do
            [ -d "$cache/gcc-$group-$gkey/$sub" ] && cp -R "$cache/gcc-$group-$gkey/$sub/." "$sysroot/$sub/"
        done
    done
    echo "$installed_gcc_libs$headers_key" >"$sysroot/.gcc-libs"
fi

# Cargo configuration for mixed Rust/C programs (absolute paths into this toolchain).
scripts/gen-cargo-config.sh "$tc" >/dev/null

log "done in $(($(date +%s) - start)) s: $tc/bin/x86_64-hermit-gcc"
