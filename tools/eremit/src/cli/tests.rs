//! `eremit`'s command line end to end: commands, `run`'s options in both forms, and the
//! usage errors.

use super::*;

fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

fn run(list: &[&str]) -> RunOptions {
    match parse(&args(list)) {
        Ok(Command::Run(o)) => o,
        other => panic!("expected run, got {other:?}"),
    }
}

fn err(list: &[&str]) -> String {
    match parse(&args(list)) {
        Err(UsageError(m)) => m,
        other => panic!("expected usage error, got {other:?}"),
    }
}

#[test]
fn help_and_version() {
    assert_eq!(parse(&args(&["--help"])), Ok(Command::Help));
    assert_eq!(parse(&args(&["help"])), Ok(Command::Help));
    assert_eq!(parse(&args(&["-h"])), Ok(Command::Help));
    assert_eq!(parse(&args(&["run", "--help"])), Ok(Command::Help));
    assert_eq!(parse(&args(&["--version"])), Ok(Command::Version));
    assert!(err(&[]).contains("missing command"));
    assert!(err(&["frobnicate"]).contains("unknown command"));
    assert!(err(&["--frob"]).contains("unknown option"));
}

#[test]
fn defaults() {
    let o = run(&["run", "img"]);
    assert_eq!(
        o,
        RunOptions {
            image: "img".into(),
            ..RunOptions::default()
        }
    );
    assert_eq!(o.cpus, 1);
    assert_eq!(o.memory_kib, 512 * 1024);
    assert_eq!(o.net, Net::None);
    assert_eq!(o.accel, Accel::Auto);
    assert_eq!(o.machine, None);
    assert_eq!(o.timeout_secs, None);
    assert!(!o.verbose);
}

#[test]
fn all_options_both_forms() {
    let o = run(&[
        "run",
        "--cpus",
        "4",
        "--memory=1G",
        "--env",
        "A=1",
        "--env=B=x=y",
        "--net=user",
        "--forward",
        "tcp:8080:80",
        "--forward=tcp:2222:22",
        "--accel",
        "tcg",
        "--machine=q35",
        "--timeout",
        "30",
        "--volume",
        "/h:/g",
        "--volume=/h2:/g2:ro",
        "--verbose",
        "./app",
        "a",
        "--verbose",
        "--",
        "-x",
    ]);
    assert_eq!(o.cpus, 4);
    assert_eq!(o.memory_kib, 1024 * 1024);
    assert_eq!(
        o.env,
        vec![("A".into(), "1".into()), ("B".into(), "x=y".into())]
    );
    assert_eq!(o.net, Net::User);
    assert_eq!(
        o.forwards,
        vec![
            Forward {
                proto: Proto::Tcp,
                host: 8080,
                guest: 80
            },
            Forward {
                proto: Proto::Tcp,
                host: 2222,
                guest: 22
            }
        ]
    );
    assert_eq!(o.accel, Accel::Tcg);
    assert_eq!(o.machine, Some(Machine::Q35));
    assert_eq!(o.timeout_secs, Some(30));
    assert_eq!(o.volumes, args(&["/h:/g", "/h2:/g2:ro"]));
    assert!(o.verbose);
    assert_eq!(o.image, "./app");
    assert_eq!(o.args, args(&["a", "--verbose", "--", "-x"]));
}

#[test]
fn double_dash_before_image() {
    let o = run(&["run", "--", "--weird-image", "--x"]);
    assert_eq!(o.image, "--weird-image");
    assert_eq!(o.args, args(&["--x"]));
    assert!(err(&["run", "--"]).contains("missing IMAGE"));
}

#[test]
fn usage_errors() {
    assert!(err(&["run"]).contains("missing IMAGE"));
    assert!(err(&["run", "--verbose"]).contains("missing IMAGE"));
    assert!(err(&["run", "--cpus"]).contains("needs a value"));
    assert!(err(&["run", "--cpus", "0", "x"]).contains("--cpus"));
    assert!(err(&["run", "--cpus=abc", "x"]).contains("--cpus"));
    assert!(err(&["run", "--bogus", "x"]).contains("unknown option '--bogus'"));
    assert!(err(&["run", "--bogus=1", "x"]).contains("unknown option '--bogus'"));
    assert!(err(&["run", "--verbose=1", "x"]).contains("takes no value"));
    assert!(err(&["run", "--accel", "hvf", "x"]).contains("--accel"));
    assert!(err(&["run", "--tcg-threads", "two", "x"]).contains("--tcg-threads"));
    assert!(err(&["run", "--machine", "pc", "x"]).contains("--machine"));
    assert!(err(&["run", "--timeout", "0", "x"]).contains("--timeout"));
    assert!(err(&["run", "--timeout", "1.5", "x"]).contains("--timeout"));
    assert!(err(&["run", "--env", "novalue", "x"]).contains("--env"));
    assert!(err(&["run", "--env", "=v", "x"]).contains("--env"));
    assert!(err(&["run", "", "x"]).contains("empty"));
}

#[test]
fn forward_needs_user_net() {
    assert!(err(&["run", "--forward", "tcp:1:2", "x"]).contains("--net user"));
    assert!(err(&["run", "--net", "tap:tap0", "--forward", "tcp:1:2", "x"]).contains("--net user"));
    // Order does not matter.
    let o = run(&["run", "--forward", "tcp:1:2", "--net", "user", "x"]);
    assert_eq!(
        o.forwards,
        vec![Forward {
            proto: Proto::Tcp,
            host: 1,
            guest: 2
        }]
    );
    let o = run(&["run", "--forward", "udp:3:4", "--net", "passt", "x"]);
    assert_eq!(o.net, Net::Passt);
    assert_eq!(o.forwards.len(), 1);
}
