//! Compiles csrc/greet.c with the `cc` crate and generates its Rust bindings with
//! `bindgen`.  For x86_64-unknown-hermit, build/toolchain/cargo.toml points both at
//! Eremit's toolchain (CC_x86_64_unknown_hermit, BINDGEN_EXTRA_CLANG_ARGS_...); natively
//! they use the host's compiler and headers.  Nothing here is Eremit-specific.

use std::env;
use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-changed=csrc/greet.c");
    println!("cargo:rerun-if-changed=csrc/greet.h");

    cc::Build::new()
        .file("csrc/greet.c")
        .warnings(true)
        .compile("greet");

    let bindings = bindgen::Builder::default()
        .header("csrc/greet.h")
        .allowlist_function("greet_.*")
        .allowlist_type("greet_stats")
        .generate()
        .expect("bindgen: cannot generate the bindings of csrc/greet.h");
    let out = PathBuf::from(env::var_os("OUT_DIR").unwrap());
    bindings
        .write_to_file(out.join("greet.rs"))
        .expect("cannot write greet.rs");
}
