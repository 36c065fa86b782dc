# CMAKE_SYSTEM_NAME "Hermit" (cmake/hermit-toolchain.cmake): a Unix without shared
# libraries; executables have no suffix and are bootable images.
include(Platform/UnixPaths)

set_property(GLOBAL PROPERTY TARGET_SUPPORTS_SHARED_LIBS FALSE)
set(CMAKE_EXECUTABLE_SUFFIX "")
set(CMAKE_STATIC_LIBRARY_PREFIX "lib")
set(CMAKE_STATIC_LIBRARY_SUFFIX ".a")
set(CMAKE_FIND_LIBRARY_PREFIXES "lib")
set(CMAKE_FIND_LIBRARY_SUFFIXES ".a")
set(HERMIT 1)
set(EREMIT 1)
