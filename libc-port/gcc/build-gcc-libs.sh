#!/usr/bin/env bash
# Builds GCC's target libraries for ARCH-hermit (x86_64, aarch64) from Debian's
# gcc-12-source with our compiler wrappers (ARCH-hermit-gcc/g++/gfortran over the newlib
# sysroot) and installs them into PREFIX (PREFIX/include, PREFIX/lib, PREFIX/finclude).
#
#   build-gcc-libs.sh ARCH GROUP TARBALL WORKDIR PREFIX TOOLCHAIN-BIN
#
# GROUP is one of
#   cxx      libstdc++-v3 (with libsupc++): headers in include/c++/VERSION
#   fortran  libbacktrace, libquadmath (x86_64 only: __float128 for real(16); on aarch64
#            real(16) is long double and GCC has no libquadmath), libgfortran (built side
#            by side: libgfortran links the libbacktrace of its own build tree)
#   gomp     libgomp, with omp.h and the Fortran modules omp_lib.mod/omp_lib_kinds.mod
#
# Everything that decides the result is this directory (this script, the patch that
# teaches config.sub the hermit OS and libstdc++'s newlib configuration) plus the sysroot's headers, so
# scripts/build-toolchain.sh keys each group's cache on a hash of them.
#
# The libraries are configured as for a cross build (--host=ARCH-hermit) with newlib's
# fixed feature set where configure asks for one (--with-newlib); link tests work because
# our wrappers link real images, run tests are skipped as for any cross build.
set -euo pipefail

arch=$1
group=$2
tarball=$3
work=$4
prefix=$5
bin=$6
here=$(cd "$(dirname "$0")" && pwd)
jobs=${EREMIT_JOBS:-$(nproc)}
host_triplet=$arch-hermit
# The binutils the wrappers do not cover (configure asks for them by name).
case $arch in
x86_64) tp="" ;;
aarch64) tp=aarch64-linux-gnu- ;;
*)
    echo "build-gcc-libs.sh: unknown architecture '$arch' (x86_64, aarch64)" >&2
    exit 2
    ;;
esac
build_triplet=$(gcc -dumpmachine)

log() { echo "gcc-libs($group): $*"; }

case $group in
cxx) libs=(libstdc++-v3) ;;
fortran)
    libs=(libbacktrace libgfortran)
    [ "$arch" = x86_64 ] && libs=(libbacktrace libquadmath libgfortran)
    ;;
gomp) libs=(libgomp) ;;
*)
    echo "build-gcc-libs.sh: unknown group '$group' (cxx, fortran, gomp)" >&2
    exit 2
    ;;
esac

# --- source: the libraries and the top-level support files, not the compiler ---------
rm -rf "$work"
mkdir -p "$work/src" "$work/build"
log "unpacking $(basename "$tarball") (${libs[*]})"
top=$(tar -tf "$tarball" 2>/dev/null | head -1 | cut -d/ -f1 || true)
# libstdc++ takes gthr*.h from libgcc and cp-demangle.c from libiberty; libgfortran and
# libstdc++'s <stacktrace> use libbacktrace; libgfortran shares gcc/fortran/libgfortran.h
# with its compiler; the other gcc/ files name the version.
members=("$top/config" "$top/include" "$top/libgcc" "$top/libiberty" "$top/libbacktrace"
    "$top/gcc/BASE-VER" "$top/gcc/DATESTAMP" "$top/gcc/DEV-PHASE" "$top/gcc/fortran/libgfortran.h")
for f in config.sub config.guess config-ml.in install-sh ltmain.sh missing mkinstalldirs \
    move-if-change depcomp compile ar-lib test-driver libtool-ldflags; do
    members+=("$top/$f")
done
for l in "${libs[@]}"; do
    [ "$l" = libbacktrace ] || members+=("$top/$l")
done
tar -xf "$tarball" -C "$work/src" "${members[@]}"
src=$work/src/$top
# Each patch applies to one part of the tree: only where that part was unpacked.
for p in "$here"/*.patch; do
    present=yes
    for f in $(sed -n 's#^+++ b/\([^[:space:]]*\).*#\1#p' "$p"); do
        [ -e "$src/$f" ] || present=no
    done
    [ $present = yes ] && patch -s -p1 -d "$src" <"$p"
done

# --- tools: our wrappers, in bootstrap mode (no C++/Fortran runtime of their own yet) ---
export EREMIT_GCC_LIBS_BOOTSTRAP=1
export CC="$bin/$arch-hermit-gcc" CXX="$bin/$arch-hermit-g++ -nostdinc++"
export FC="$bin/$arch-hermit-gfortran" GFORTRAN="$bin/$arch-hermit-gfortran"
export AR="$bin/$arch-hermit-ar" RANLIB="$bin/$arch-hermit-ranlib" NM="$bin/$arch-hermit-nm"
export AS=${tp}as LD=${tp}ld OBJDUMP=${tp}objdump STRIP=${tp}strip
# Frame pointers keep the kernel's crash-report backtraces useful through these libraries.
# Static images: gthreads (libgfortran's) call pthreads directly, not through weak
# references that nothing would resolve (libstdc++ gets the same from the patch).
export CFLAGS="-O2 -g -fno-omit-frame-pointer -DGTHREAD_USE_WEAK=0"
export CXXFLAGS="$CFLAGS" FCFLAGS="-O2 -g -fno-omit-frame-pointer"

# In a GCC build libgcc's configure picks the thread model's header as gthr-default.h;
# libgfortran includes it from ../libgcc of its build tree.
mkdir -p "$work/build/libgcc"
cp "$src/libgcc/gthr-posix.h" "$work/build/libgcc/gthr-default.h"
# libgfortran's Fortran sources name the compiler's source and build directories with -I
# under -Werror=missing-include-dirs; nothing in them is used.
mkdir -p "$src/gcc/config" "$work/gcc"

common=(--host=$host_triplet --build="$build_triplet" --prefix="$prefix"
    --disable-shared --enable-static --disable-multilib --disable-nls --with-newlib)

flags_for() {
    case $1 in
    libstdc++-v3)
        # The generic ("C") locale model and stdio-based basic_file suit newlib; gthreads
        # over our pthreads; <filesystem> over the POSIX calls in libc-port.
        echo --enable-threads=posix --enable-clocale=generic --enable-cstdio=stdio \
            --disable-libstdcxx-pch --enable-libstdcxx-time=yes \
            --enable-libstdcxx-filesystem-ts --enable-tls \
            --with-gxx-include-dir="$prefix/include/c++/$(${tp}gcc -dumpversion)"
        ;;
    libgomp) echo --enable-threads=posix --enable-tls --disable-werror ;;
    libgfortran) echo --enable-threads=posix ;;
    *) echo ;;
    esac
}

for l in "${libs[@]}"; do
    mkdir -p "$work/build/$l"
    # shellcheck disable=SC2046
    log "configuring $l"
    (
        cd "$work/build/$l"
        "$src/$l/configure" "${common[@]}" $(flags_for "$l") >configure.log 2>&1 ||
            { tail -40 configure.log; tail -60 config.log; exit 1; }
    )
    log "building $l ($jobs jobs)"
    make -C "$work/build/$l" -j"$jobs" >"$work/build/$l.make.log" 2>&1 ||
        { grep -B2 -A8 -m3 -E 'error|Error' "$work/build/$l.make.log" | tail -60; exit 1; }
    # libbacktrace is only linked into libgfortran: nothing to install.
    if [ "$l" != libbacktrace ]; then
        make -C "$work/build/$l" install >"$work/build/$l.install.log" 2>&1 ||
            { tail -30 "$work/build/$l.install.log"; exit 1; }
    fi
done

# libtool archives and pkg-config files would name the build's paths; static archives and
# headers are all that Eremit links.
find "$prefix" \( -name '*.la' -o -name '*.pc' \) -delete
# The libraries install omp.h, quadmath.h and the Fortran modules under
# lib/gcc/TARGET/VERSION, where a GCC built for the target would look; our wrappers look
# in the sysroot's include/ and finclude/ instead.
if [ -d "$prefix/lib/gcc" ]; then
    mkdir -p "$prefix/include" "$prefix/finclude"
    find "$prefix/lib/gcc" -type f -path '*/finclude/*' -exec cp {} "$prefix/finclude/" \;
    find "$prefix/lib/gcc" -type f -path '*/include/*' -exec cp {} "$prefix/include/" \;
    rm -rf "$prefix/lib/gcc"
fi
log "installed into $prefix"
