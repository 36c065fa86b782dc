# Eremit: `make run` builds what it needs and boots the hello example; `make test` runs
# every check CI runs: the host's unit tests, then every suite through tests/run.py (one
# closing 'N passed, N failed' line); `make test-SUITE` one suite. Both install missing
# dependencies first (scripts/ensure-deps.sh).
SHELL := /bin/bash
EREMIT := build/toolchain/bin/eremit
HERMIT_TARGET := x86_64-unknown-hermit
HELLO := examples-rust/target/$(HERMIT_TARGET)/release/hello

.PHONY: all deps toolchain toolchain-c examples-c hello run test test-host test-miri test-abi test-boot test-c \
	test-posix test-net test-net-c test-mixed test-projects test-cxx test-conformance conformance bench bench-net header install clean \
	test-reliability soak test-hermit-compat test-stdin test-signal test-net-burst compat-crates test-tokio \
	test-fuzz fuzz test-full test-volume test-servers test-pkg test-oci test-aarch64 test-ipv6

all: toolchain

deps:
	@scripts/ensure-deps.sh

# The runner, where README and cargo's runner setting expect it.
toolchain: deps
	@echo "==> building the runner: $(EREMIT)"
	@cargo build --release -q -p eremit
	@mkdir -p build/toolchain/bin
	@install -m 755 target/release/eremit $(EREMIT)
	@install -m 755 target/release/eremit-runtime build/toolchain/bin/eremit-runtime

# The C toolchain: x86_64-hermit-gcc and aarch64-hermit-gcc & co. with newlib, libc-port,
# GCC's libraries and the kernel in build/toolchain (newlib and GCC's libraries are cached
# in ~/.cache/eremit: minutes once, seconds after).  EREMIT_TOOLCHAIN_ARCHS=x86_64 builds
# one architecture.
toolchain-c: toolchain
	@echo "==> building the C toolchain: build/toolchain/bin/{x86_64,aarch64}-hermit-gcc"
	@scripts/build-toolchain.sh

examples-c: toolchain-c
	@echo "==> building examples-c with cmake/hermit-toolchain.cmake"
	@cmake -S examples-c -B build/examples-c/hermit -DCMAKE_TOOLCHAIN_FILE=$(CURDIR)/cmake/hermit-toolchain.cmake >/dev/null
	@cmake --build build/examples-c/hermit -j2

# Copies the toolchain (runner, compilers, sysroot, CMake toolchain file) to PREFIX.
PREFIX ?= /usr/local/eremit
install: toolchain toolchain-c
	@scripts/install-toolchain.sh $(PREFIX)

hello: toolchain
	@echo "==> building examples-rust/hello for $(HERMIT_TARGET) (the first build compiles std and the kernel: a few minutes)"
	@cd examples-rust && cargo build --release -p hello

run: hello
	@$(EREMIT) run $(HELLO)

# Host-side unit tests of the kernel's logic and of the runner.
test-host: toolchain
	@echo "==> cargo fmt --check, unit tests"
	@cargo fmt --all -- --check
	@cargo test -q -p eremit-kernel -p eremit -p eremit-libhermit

test-miri: deps
	@echo "==> Miri on the kernel's host-testable modules"
	@cargo miri test -q -p eremit-kernel

# The C headers are generated from the kernel; they must be current and match hermit-abi,
# and the C library must include them rather than mirror them.
test-abi: deps
	@echo "==> syscall headers up to date, matching hermit-abi, the C library's only view"
	@python3 tests/run.py abi

test-boot: toolchain hello
	@echo "==> boot tests (QEMU, TCG)"
	@python3 tests/run.py boot

# aarch64 on QEMU virt (qemu-system-aarch64, TCG), every case: the suite aarch64 (Rust std
# programs against their native runs, crash reports, GICv3 and GICv2 with 4 vCPUs, a start
# at EL2, the device tree's devices, virtio-rng; C, pthreads on 4 vCPUs, C++ exceptions,
# Fortran, OpenMP, SIGSEGV handlers, mixed Rust/C built with aarch64-hermit-*) and the
# projects built for aarch64 (SQLite, zlib, zlib-ng, Lua, LevelDB, threads programs) against
# native x86_64 builds. `make test` runs a short set of them (tests/run.py, AARCH64_SHORT).
test-aarch64: toolchain-c
	@echo "==> aarch64 tests (qemu-system-aarch64 -M virt, TCG)"
	@python3 tests/run.py --arch aarch64

# C: the toolchain, libc-port, examples-c in Eremit compared with native builds.
test-c: toolchain-c
	@echo "==> C tests (toolchain, libc, examples-c; QEMU)"
	@python3 tests/run.py c

test-posix: toolchain-c
	@echo "==> POSIX layer tests (pthreads, semaphores; QEMU)"
	@python3 tests/run.py posix

# A service's life (issue 13): memory that comes back, bad pointers, bursts; each program
# natively and in Eremit, output and exit status compared.
test-reliability: toolchain-c
	@echo "==> reliability tests (mmap/munmap, heap reuse, EFAULT, backlog; QEMU)"
	@python3 tests/run.py reliability

# Hermit applications outside the repository (`hermit = "0.13"`, Hermit's feature
# names) built through [patch.crates-io] alone and booted.
test-hermit-compat: toolchain
	@echo "==> Hermit applications switch over ([patch.crates-io]; QEMU)"
	@python3 tests/run.py hermit-compat

# The runner's stdin as the application's descriptor 0 (pipes, files, a terminal, none;
# poll, O_NONBLOCK; 200 MiB checked by SHA-256), C and Rust against native runs.
test-stdin: toolchain-c
	@echo "==> standard input tests (virtio console; QEMU)"
	@python3 tests/run.py stdin

test-signal: toolchain-c
	@echo "==> signals sent to eremit run, delivered to the program (QEMU)"
	@python3 tests/run.py signal

# tokio's `net` feature (axum, hyper servers) on x86_64-unknown-hermit: crates.io's socket2
# and tokio with hermit support added (compat/), in build/compat for [patch.crates-io].
compat-crates:
	@scripts/compat-crates.sh

# examples-rust/tokio-json (axum + serde_json on tokio) built against build/compat and
# driven by curl and Python through user networking; the native build under the same load.
test-tokio: toolchain
	@echo "==> async Rust: tokio + axum JSON server (QEMU user networking)"
	@python3 tests/run.py tokio

# The system-call fuzzer (tests/fuzz): `make fuzz FUZZ_SECONDS=600 FUZZ_SEED=7`; a 60 s
# run is part of `make test`.
# FUZZ_WAKE_LIVE=1 also wakes live tasks with sys_wakeup_taskt (tests/fuzz/README.md).
FUZZ_SECONDS ?= 60
FUZZ_SEED ?= 1
fuzz: toolchain-c
	@echo "==> system-call fuzzer: $(FUZZ_SECONDS) s, seed $(FUZZ_SEED) (QEMU, 2 vCPUs, no network)"
	@python3 tests/fuzz_tests.py --seconds $(FUZZ_SECONDS) --seed $(FUZZ_SEED) $(if $(FUZZ_WAKE_LIVE),--wake-live)

test-fuzz: toolchain-c
	@echo "==> system-call fuzzer, 60 s (QEMU)"
	@python3 tests/run.py fuzz

# Host directories over virtio-fs (`eremit run --volume`): C and Rust on volumes against
# native runs, confinement, read-only, locks, bad input, a killed virtiofsd.
test-volume: toolchain-c
	@echo "==> volume tests (virtio-fs, virtiofsd; QEMU)"
	@python3 tests/run.py volume

# OCI images (`eremit pkg`): the archive's layout, podman load/build/inspect, skopeo.
test-pkg: toolchain-c
	@scripts/ensure-deps.sh oci
	@echo "==> OCI image tests (eremit pkg; podman, skopeo)"
	@python3 tests/run.py pkg

# eremit-runtime, the OCI runtime, under podman (issue 18): run, logs, -p, stop, kill,
# volumes, resources, bad input, nothing left behind; see tests/oci_tests.py.
test-oci: toolchain-c
	@scripts/ensure-deps.sh oci
	@echo "==> OCI runtime tests (eremit-runtime under podman; QEMU)"
	@python3 tests/run.py oci

test-net: toolchain
	@echo "==> network tests (virtio-net, std::net, curl; QEMU user networking)"
	@python3 tests/run.py net

# Connection bursts (1,000 clients at once to listen(s, 1024)) and HTTP servers under 8
# keep-alive clients at the smallest --memory (issue 13, items 6 and 8).
test-net-burst: toolchain-c
	@echo "==> connection bursts and networking short of memory (QEMU user networking)"
	@python3 tests/run.py net-burst

test-mixed: toolchain-c
	@echo "==> mixed Rust/C tests (cc, bindgen, libsqlite3-sys; a C main with a Rust staticlib)"
	@python3 tests/run.py mixed

test-net-c: toolchain-c
	@echo "==> C sockets tests (poll echo server, client, libc checks; QEMU user networking)"
	@python3 tests/run.py net-c

test-ipv6: toolchain-c
	@echo "==> IPv6 tests (::1, dual stack, SLAAC and a fetch via fec0::2, --forward; C and Rust std)"
	@python3 tests/run.py ipv6

# Unmodified SQLite, zlib/zlib-ng and Lua (sources from crates.io crates that bundle
# them), built as their users build them and compared with native builds.
test-projects: toolchain-c
	@echo "==> real C and C++ projects (SQLite, zlib, zlib-ng via CMake, Lua via CMake, LevelDB via CMake; QEMU)"
	@python3 tests/run.py projects

# Redis and LMDB from Debian's source packages (apt-get source into ~/.cache/eremit),
# built with their own Makefiles for Eremit and natively: Redis served to its own clients
# and test suite from the host, LMDB's test programs; see tests/servers_tests.py.
test-servers: toolchain-c
	@echo "==> real servers and stores from Debian sources (Redis, LMDB; QEMU)"
	@python3 tests/run.py servers

# GCC 12's own run tests (libstdc++, gfortran.dg, libgomp), natively and in Eremit: a fast
# subset here, a larger sample with a report (build/conformance/report.md) in `conformance`.
test-conformance: toolchain-c
	@echo "==> GCC run-test conformance, fast subset (libstdc++, gfortran, libgomp; QEMU)"
	@python3 tests/run.py conformance

conformance: toolchain-c
	@echo "==> GCC run-test conformance (1750 tests natively and in Eremit; about 15 minutes)"
	@python3 tests/conformance.py

# C++ (libstdc++), Fortran (libgfortran) and OpenMP (libgomp): examples-cxx and
# examples-fortran in Eremit compared with native builds; the CMake toolchain file for
# CXX and Fortran, Threads and OpenMP.
test-cxx: toolchain-c
	@echo "==> C++, Fortran and OpenMP tests (examples-cxx, examples-fortran, CMake; QEMU)"
	@python3 tests/run.py cxx

# Every x86_64 suite and aarch64's short set (every capability once) in one run
# (tests/run.py: `python3 tests/run.py --list` lists the suites and their cases,
# `python3 tests/run.py SUITE -k PATTERN` runs some); the builds they need first.
# TEST_ARCH="--arch all": every suite on both architectures (make test-full).
TEST_ARCH ?=
test: test-host test-miri toolchain-c hello
	@scripts/ensure-deps.sh oci
	@echo "==> every test suite (tests/run.py$(if $(TEST_ARCH), $(TEST_ARCH)); QEMU, TCG)"
	@python3 tests/run.py $(TEST_ARCH)

# The long runs CI leaves out: everything in `make test` with aarch64's suites in full
# too, then the full GCC run-test conformance (about 15 minutes), a 10-minute fuzz and the
# 30-minute soak (these three x86_64 only).
test-full:
	@$(MAKE) --no-print-directory test TEST_ARCH="--arch all"
	@$(MAKE) --no-print-directory conformance
	@$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=600
	@$(MAKE) --no-print-directory soak

# A service-like guest for SOAK_MINUTES (default 30) on 2 vCPUs: memory in use every
# minute must end within 5% of its value after the first minute (build/bench/soak.md).
SOAK_MINUTES ?= 30
soak: toolchain-c
	@python3 benches/drivers/soak.py --minutes $(SOAK_MINUTES)

header: deps
	@scripts/gen-header.sh

# The drivers in benches/drivers/: Rust (bench.py), C (bench_c.py), C++/Fortran/OpenMP
# (bench_cxx_fortran.py, a few minutes under TCG), stdin, loopback, volume (files on the
# host, bench_volume.py): each builds its
# programs (benches/NAME/) natively and for Eremit and runs both.
# The network benchmark alone (benches/drivers/netbench.py): Eremit against a Linux guest
# (Debian's kernel, busybox-static) under the same QEMU, keep-alive HTTP under wrk, streams
# both ways, latency, on QEMU's user network and on tap devices; build/bench/results-net.md.
# NET_BENCH_ARGS=--quick for a short run.
NET_BENCH_ARGS ?=
bench-net: toolchain-c
	@scripts/ensure-deps.sh netbench
	@python3 benches/drivers/netbench.py --net-mode user,tap $(NET_BENCH_ARGS)

bench: hello toolchain-c
	@python3 benches/drivers/bench.py
	@python3 benches/drivers/bench_c.py
	@python3 benches/drivers/bench_cxx_fortran.py
	@python3 benches/drivers/bench_stdin.py
	@python3 benches/drivers/bench_loopback.py
	@python3 benches/drivers/bench_volume.py
	@python3 benches/drivers/bench_containers.py

clean:
	cargo clean
	rm -rf build examples-rust/target tests/apps/target
