//! `eremit-runtime`: the OCI runtime (src/oci/).

fn main() {
    let mut args = Vec::new();
    for arg in std::env::args_os().skip(1) {
        match arg.into_string() {
            Ok(s) => args.push(s),
            Err(bad) => {
                eprintln!("eremit-runtime: argument {bad:?} is not valid UTF-8");
                std::process::exit(2);
            }
        }
    }
    std::process::exit(eremit::oci::main(&args));
}
