#!/usr/bin/env bash
# Builds the C toolchain under build/toolchain, for each ARCH of x86_64 and aarch64:
#
#   bin/ARCH-hermit-{gcc,cc,g++,c++,gfortran}    compiler wrappers (libc-port/bin/hermit-cc)
#   bin/ARCH-hermit-{ar,ranlib,nm,...}            binutils wrappers (libc-port/bin/hermit-tool)
#   ARCH-hermit/include                           newlib's headers + the POSIX layer's
#   ARCH-hermit/lib/{libc,libm,libpthread,...}.a  newlib + libc-port + libc-port/posix
#   ARCH-hermit/lib/crt0.o, libhermit.a           start-up code, the kernel
#   ARCH-hermit/lib/kernel-text.ld                the link's placement of the kernel's code
#   ARCH-hermit/{include/c++,finclude,lib}        libstdc++, libgfortran, libgomp (and on
#                                                 x86_64 libquadmath) from GCC's sources
#   cargo.toml                                    Cargo config for mixed Rust/C programs
#
# x86_64 is built with the host's gcc, aarch64 with Debian's aarch64-linux-gnu-gcc family.
# Usage: build-toolchain.sh [ARCH...] (default: both; also EREMIT_TOOLCHAIN_ARCHS).
#
# newlib and GCC's libraries take minutes to build, so they are cached outside
# the tree, keyed by a hash of everything that decides them (the tarballs, libc-port/newlib
# or libc-port/gcc, the compilers): ${EREMIT_CACHE_DIR:-${XDG_CACHE_HOME:-~/.cache}/eremit}
# /newlib-<hash> and /gcc-{cxx,gomp,fortran}-<hash> for x86_64, /newlib-aarch64-<hash> and
# /gcc-{cxx,gomp,fortran}-aarch64-<hash> for aarch64.
# A fresh clone with a warm cache builds the toolchain in seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
tc=$root/build/toolchain
cache=${EREMIT_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/eremit}
start=$(date +%s)
# One build at a time: parallel builds (make -j, several test runners) share the sysroot.
mkdir -p build
exec 9>build/.toolchain.lock
flock 9

arch=
log() { echo "toolchain-c${arch:+ ($arch)}: $*"; }
archs=("$@")
[ ${#archs[@]} -gt 0 ] || read -r -a archs <<<"${EREMIT_TOOLCHAIN_ARCHS:-x86_64 aarch64}"

# --- dependencies (newlib's and GCC's sources, gfortran, cmake: scripts/ensure-deps.sh) ---
scripts/ensure-deps.sh c-toolchain
tarball=$(ls /usr/src/newlib/newlib-*.tar.* | head -1)
for tool in gcc g++ ar ld objcopy nm python3; do
    command -v $tool >/dev/null || { echo "toolchain-c: $tool is required" >&2; exit 1; }
done
for a in "${archs[@]}"; do
    case $a in
    x86_64 | aarch64) ;;
    *)
        echo "toolchain-c: unknown architecture '$a' (x86_64, aarch64)" >&2
        exit 2
        ;;
    esac
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
    # A progress line a minute while it runs (GCC's libraries say nothing for minutes):
    # the time so far and the objects compiled in its scratch directory.
    "${cmd[@]}" &
    local pid=$! began=$SECONDS last=$SECONDS
    while kill -0 "$pid" 2>/dev/null; do
        sleep 2
        if ((SECONDS - last >= 60)); then
            last=$SECONDS
            log "$kind: building, $((SECONDS - began)) s so far, $(find "$scratch" -name '*.o' 2>/dev/null | wc -l) objects compiled"
        fi
    done
    wait "$pid"
    touch "$tmp/.complete"
    # Builds are serialised (the lock above): what is there is incomplete or stale.
    rm -rf "$dir"
    mv -T "$tmp" "$dir"
    trap - EXIT
    rm -rf "$scratch"
    # (Exactly KIND-<16 hex digits>: not another architecture's KIND-aarch64-<key>.)
    ls -dt "$cache/$kind"-???????????????? 2>/dev/null | tail -n +$((keep + 1)) | xargs -r rm -rf
}

# build_arch ARCH: everything below for one architecture.
build_arch() {
    arch=$1
    local tp="" sfx="" sysroot=$tc/$1-hermit work=$root/build/libc-port quadmath=yes
    if [ "$arch" != x86_64 ]; then
        # Debian's cross compilers and binutils; the caches and the build directories
        # take the architecture's name (x86_64's keep the names they had before aarch64).
        tp=$arch-linux-gnu-
        sfx=-$arch
        work=$root/build/libc-port$sfx
        quadmath=
        for tool in gcc g++ gfortran ar; do
            command -v "$tp$tool" >/dev/null || { log "$tp$tool is required (scripts/ensure-deps.sh c-toolchain)"; exit 1; }
        done
    fi
    local start_arch
    start_arch=$(date +%s)
    log "building the toolchain for $arch-hermit"

    # --- newlib (cached) -----------------------------------------------------------------
    key=$(
        {
            sha256sum "$tarball" | cut -d' ' -f1
            (cd libc-port/newlib && find . -type f | LC_ALL=C sort | xargs sha256sum)
            ${tp}gcc -dumpfullversion
            ${tp}gcc -dumpmachine
        } | sha256sum | cut -c1-16
    )
    newlib=$cache/newlib$sfx-$key
    cached_build "newlib$sfx-$key" 3 "$root/build/newlib$sfx" \
        libc-port/newlib/build-newlib.sh "$arch" "$tarball" "$root/build/newlib$sfx" @OUT@

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
    version=$(cargo metadata --no-deps --format-version 1 | python3 -c 'import json, sys; print(next(
        p["version"] for p in json.load(sys.stdin)["packages"] if p["name"] == "eremit-kernel"))')
    gccinc=$(${tp}gcc -print-file-name=include)
    cflags=(-O2 -g -ffunction-sections -fdata-sections -ffreestanding -fno-stack-protector -fno-pie
        -fno-omit-frame-pointer -D__hermit__ -U__linux__ -U__gnu_linux__ -Ulinux -D_GNU_SOURCE
        -nostdinc -isystem "$sysroot/include" -isystem "$gccinc" -Wall -Wextra
        -DEREMIT_VERSION="\"$version\"")
    # aarch64: atomics inline, as the wrapper compiles (libc-port/bin/hermit-cc says why).
    [ "$arch" = aarch64 ] && cflags+=(-mno-outline-atomics)
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
            ${tp}gcc "${cflags[@]}" "${incs[@]}" -c "$src" -o "$obj"
            compiled=$((compiled + 1))
        fi
    }

    # libc-port/src and its architecture's directory (setjmp, faults, long double, ...).
    incs=(-Ilibc-port/src)
    objs=()
    for src in libc-port/src/*.c libc-port/src/"$arch"/*.c; do
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
        [ -e "libc-port/src/$base.c" ] || [ -e "libc-port/src/$arch/$base.c" ] || [ -e "$posix/$base.c" ] ||
            { rm -f "$obj"; compiled=$((compiled + 1)); }
    done
    log "libc-port: $compiled files compiled, ${#objs[@]} objects + ${#posix_objs[@]} from $posix"

    libs_key=$(
        {
            echo "$key"
            sha256sum "${objs[@]}" "${posix_objs[@]}" libc-port/merge-libc.py
        } | sha256sum | cut -c1-16
    )
    if [ "$(cat "$sysroot/.libs" 2>/dev/null)" != "$libs_key" ] || [ ! -f "$sysroot/lib/libc.a" ]; then
        NM=${tp}nm AR=${tp}ar python3 libc-port/merge-libc.py "$newlib/lib/libc.a" "$sysroot/lib/libc.a" "${objs[@]}" "${posix_objs[@]}"
        cp "$newlib/lib/libm.a" "$sysroot/lib/libm.a"
        # Everything is in libc.a; these exist so that -lpthread, -lrt, -ldl link.
        for lib in pthread rt dl util; do
            rm -f "$sysroot/lib/lib$lib.a"
            ${tp}ar crs "$sysroot/lib/lib$lib.a"
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
    target/release/eremit-libhermit --target "$arch-unknown-none" "$sysroot/lib/libhermit.a"

    # --- wrappers -----------------------------------------------------------------------------
    mkdir -p "$tc/bin"
    for name in gcc cc g++ c++ gfortran; do
        install -m 755 libc-port/bin/hermit-cc "$tc/bin/$arch-hermit-$name"
    done
    for name in ar ranlib nm objcopy objdump readelf strip ld as size strings addr2line; do
        install -m 755 libc-port/bin/hermit-tool "$tc/bin/$arch-hermit-$name"
    done

    # --- GCC's target libraries: libstdc++, libgfortran (+ libquadmath), libgomp (cached) ----
    # Built from Debian's gcc-12-source with the wrappers above; each group is cached like
    # newlib, keyed by the GCC tarball, libc-port/gcc, the compilers and the sysroot's
    # headers (the libraries' configuration and structure layouts depend on them).  The
    # source's version must be the compiler's (the cross compiler's too: Debian builds both
    # from the same gcc-12).
    gcc_tarball=$(ls /usr/src/gcc-"$(gcc -dumpversion)"/gcc-*.tar.* | head -1)
    gcc_libs_base=$(
        {
            stat -c '%n %s %Y' "$gcc_tarball"
            (cd libc-port/gcc && find . -type f | LC_ALL=C sort | xargs sha256sum)
            ${tp}gcc -dumpfullversion
            ${tp}gfortran -dumpfullversion
            echo "$headers_key"
        } | sha256sum | cut -c1-16
    )
    installed_gcc_libs=
    for group in cxx gomp fortran; do
        gkey=$(echo "$gcc_libs_base $group" | sha256sum | cut -c1-16)
        cached_build "gcc-$group$sfx-$gkey" 2 "$root/build/gcc-$group$sfx" \
            libc-port/gcc/build-gcc-libs.sh "$arch" "$group" "$gcc_tarball" "$root/build/gcc-$group$sfx" @OUT@ "$tc/bin"
        installed_gcc_libs+="$gkey "
    done
    if [ "$(cat "$sysroot/.gcc-libs" 2>/dev/null)" != "$installed_gcc_libs$headers_key" ]; then
        log "sysroot: installing libstdc++, libgfortran, libgomp${quadmath:+, libquadmath}"
        rm -rf "$sysroot/include/c++" "$sysroot/finclude"
        for group in cxx gomp fortran; do
            gkey=$(echo "$gcc_libs_base $group" | sha256sum | cut -c1-16)
            for sub in include lib finclude; do
                [ -d "$cache/gcc-$group$sfx-$gkey/$sub" ] && cp -R "$cache/gcc-$group$sfx-$gkey/$sub/." "$sysroot/$sub/"
            done
        done
        echo "$installed_gcc_libs$headers_key" >"$sysroot/.gcc-libs"
    fi
    log "$arch-hermit done in $(($(date +%s) - start_arch)) s"
}

for a in "${archs[@]}"; do
    build_arch "$a"
done
arch=

# Cargo configuration for mixed Rust/C programs (absolute paths into this toolchain).
scripts/gen-cargo-config.sh "$tc" >/dev/null

log "done in $(($(date +%s) - start)) s: $(for a in "${archs[@]}"; do printf '%s ' "$tc/bin/$a-hermit-gcc"; done)"
