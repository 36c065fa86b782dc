# CMake toolchain file for Eremit: builds C, C++ and Fortran programs as bootable Eremit
# images.  enable_language(CXX Fortran), find_package(Threads) and find_package(OpenMP)
# (C, CXX, Fortran: -fopenmp and the sysroot's libgomp.a, omp_lib.mod) work unchanged.
#
#   cmake -DCMAKE_TOOLCHAIN_FILE=<eremit>/cmake/hermit-toolchain.cmake -S . -B build
#
# The compilers are found relative to this file: <eremit>/build/toolchain/bin in the
# repository (`make toolchain-c` builds them), or <prefix>/bin after
# `make install PREFIX=<prefix>`, which puts this file in <prefix>/cmake.  Executables are
# run with `eremit run` (try_run, add_test/ctest, CMAKE_CROSSCOMPILING_EMULATOR);
# EREMIT_RUN_OPTIONS adds options to it, e.g. -DEREMIT_RUN_OPTIONS="--cpus;2" for tests
# of threaded (OpenMP) programs: the VM has 1 vCPU otherwise, so OpenMP teams have 1 thread.
# HERMIT_ARCH picks the target: x86_64 (the default) or aarch64 (-DHERMIT_ARCH=aarch64:
# aarch64-hermit-gcc & co.; `eremit run` boots the images on qemu-system-aarch64 -M virt).

set(HERMIT_ARCH "x86_64" CACHE STRING "Eremit target architecture: x86_64 or aarch64")
set_property(CACHE HERMIT_ARCH PROPERTY STRINGS x86_64 aarch64)
if(NOT HERMIT_ARCH MATCHES "^(x86_64|aarch64)$")
  message(FATAL_ERROR "Eremit: HERMIT_ARCH is ${HERMIT_ARCH}; x86_64 or aarch64")
endif()
set(_triple "${HERMIT_ARCH}-hermit")

set(CMAKE_SYSTEM_NAME Hermit)
set(CMAKE_SYSTEM_PROCESSOR ${HERMIT_ARCH})
set(CMAKE_SYSTEM_VERSION 1)
# Platform/Hermit.cmake: a static-only Unix.
list(APPEND CMAKE_MODULE_PATH "${CMAKE_CURRENT_LIST_DIR}")

set(EREMIT_TOOLCHAIN_DIR "" CACHE PATH "Eremit toolchain directory (holds bin/${_triple}-gcc)")
if(NOT EREMIT_TOOLCHAIN_DIR)
  foreach(dir "${CMAKE_CURRENT_LIST_DIR}/../build/toolchain" "${CMAKE_CURRENT_LIST_DIR}/..")
    if(EXISTS "${dir}/bin/${_triple}-gcc")
      get_filename_component(dir "${dir}" ABSOLUTE)
      set(EREMIT_TOOLCHAIN_DIR "${dir}" CACHE PATH
          "Eremit toolchain directory (holds bin/${_triple}-gcc)" FORCE)
      break()
    endif()
  endforeach()
endif()
if(NOT EXISTS "${EREMIT_TOOLCHAIN_DIR}/bin/${_triple}-gcc")
  message(FATAL_ERROR "Eremit: no ${_triple}-gcc next to ${CMAKE_CURRENT_LIST_FILE}; "
                      "run `make toolchain-c` in the Eremit repository first")
endif()
set(_bin "${EREMIT_TOOLCHAIN_DIR}/bin")

set(CMAKE_C_COMPILER "${_bin}/${_triple}-gcc")
set(CMAKE_CXX_COMPILER "${_bin}/${_triple}-g++")
set(CMAKE_ASM_COMPILER "${_bin}/${_triple}-gcc")
if(EXISTS "${_bin}/${_triple}-gfortran")
  set(CMAKE_Fortran_COMPILER "${_bin}/${_triple}-gfortran")
endif()
set(CMAKE_AR "${_bin}/${_triple}-ar" CACHE FILEPATH "Archiver")
set(CMAKE_RANLIB "${_bin}/${_triple}-ranlib" CACHE FILEPATH "Ranlib")
set(CMAKE_NM "${_bin}/${_triple}-nm" CACHE FILEPATH "nm")
set(CMAKE_OBJCOPY "${_bin}/${_triple}-objcopy" CACHE FILEPATH "objcopy")
set(CMAKE_OBJDUMP "${_bin}/${_triple}-objdump" CACHE FILEPATH "objdump")
set(CMAKE_STRIP "${_bin}/${_triple}-strip" CACHE FILEPATH "strip")

# The compiler links complete images (crt0, libc, the kernel), so configure checks link
# real programs: a function that is missing fails its check_function_exists.
set(CMAKE_TRY_COMPILE_TARGET_TYPE EXECUTABLE)
# The toolchain directory and the options above reach try_compile projects too.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES EREMIT_TOOLCHAIN_DIR EREMIT_RUN_OPTIONS HERMIT_ARCH)

# Programs run in a micro-VM.
set(EREMIT_RUN_OPTIONS "" CACHE STRING "Options of `eremit run` for try_run and ctest (a ;-list, e.g. --cpus;2)")
# (An empty option list must not leave an empty argument in the command.)
set(CMAKE_CROSSCOMPILING_EMULATOR "${_bin}/eremit" run ${EREMIT_RUN_OPTIONS})

# Headers and libraries come from the sysroot only; programs (code generators, ...) from
# the host.
set(CMAKE_FIND_ROOT_PATH "${EREMIT_TOOLCHAIN_DIR}/${_triple}")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
