//! Command-line parsing for `eremit pkg` (the values share `eremit run`'s syntax:
//! `cli::parse_cpus`, `parse_memory`, `parse_env`).

use super::imageref::{self, ImageRef};
use crate::cli::scan::{Grammar, Scanned, scan};
use crate::cli::{self, Command, Proto, UsageError, usage_err};

/// Everything `eremit pkg` was told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PkgOptions {
    pub cpus: u32,
    /// Guest memory in KiB.
    pub memory_kib: u64,
    /// `(KEY, VALUE)` pairs in the order given.
    pub env: Vec<(String, String)>,
    /// `--port` values in the order given.
    pub ports: Vec<(u16, Proto)>,
    pub reference: ImageRef,
    /// The archive to write.
    pub output: String,
    /// The Eremit image exactly as given.
    pub image: String,
    /// Arguments for the application (after IMAGE): the image's default command.
    pub args: Vec<String>,
}

/// Options that take a value, long and short names.
const VALUE_OPTIONS: &[&str] = &[
    "--cpus", "--memory", "--env", "--port", "--tag", "-t", "--output", "-o",
];

const SYNOPSIS: &str = "usage: eremit pkg [OPTIONS] -t NAME[:TAG] -o FILE.tar IMAGE [ARGS...]";

/// Parses the arguments after `pkg`.
pub fn parse(args: &[String]) -> Result<Command, UsageError> {
    let mut cpus = 1;
    let mut memory_kib = cli::RunOptions::default().memory_kib;
    let mut env = Vec::new();
    let mut ports = Vec::new();
    let mut reference = None;
    let mut output = None;
    let grammar = Grammar {
        values: VALUE_OPTIONS,
        flags: &[],
        unknown_context: " for pkg",
    };
    let scanned = scan(args, &grammar, |name, value| {
        let value = value.unwrap_or_default();
        match name {
            "--cpus" => cpus = cli::parse_cpus(&value)?,
            "--memory" => memory_kib = cli::parse_memory(&value)?,
            "--env" => env.push(cli::parse_env(&value)?),
            "--port" => ports.push(parse_port(&value)?),
            "--tag" | "-t" => {
                let r = imageref::parse(&value)
                    .or_else(|why| usage_err(format!("invalid image name '{value}': {why}")))?;
                reference = Some(r);
            }
            "--output" | "-o" => {
                if value.is_empty() {
                    return usage_err("the output file name is empty");
                }
                output = Some(value);
            }
            _ => unreachable!("option list and match are out of sync: {name}"),
        }
        Ok(())
    })?;
    let image = match scanned {
        Scanned::Help => return Ok(Command::Help),
        Scanned::Image(image) => image,
    };
    let Some(reference) = reference else {
        return usage_err(format!("missing -t NAME[:TAG] ({SYNOPSIS})"));
    };
    let Some(output) = output else {
        return usage_err(format!("missing -o FILE.tar ({SYNOPSIS})"));
    };
    let Some(image_index) = image else {
        return usage_err(format!("missing IMAGE ({SYNOPSIS})"));
    };
    if args[image_index].is_empty() {
        return usage_err("IMAGE must not be empty");
    }
    Ok(Command::Pkg(PkgOptions {
        cpus,
        memory_kib,
        env,
        ports,
        reference,
        output,
        image: args[image_index].clone(),
        args: args[image_index + 1..].to_vec(),
    }))
}

/// `PORT`, `PORT/tcp` or `PORT/udp` (1 to 65535; TCP when not said).
pub fn parse_port(value: &str) -> Result<(u16, Proto), UsageError> {
    let (number, proto) = match value.split_once('/') {
        None => (value, Proto::Tcp),
        Some((n, "tcp")) => (n, Proto::Tcp),
        Some((n, "udp")) => (n, Proto::Udp),
        Some(_) => {
            return usage_err(format!(
                "invalid --port '{value}' (PORT, PORT/tcp or PORT/udp)"
            ));
        }
    };
    let valid = !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit());
    match number.parse::<u16>() {
        Ok(port) if valid && port != 0 => Ok((port, proto)),
        _ => usage_err(format!(
            "invalid --port '{value}' (a port from 1 to 65535, then /tcp or /udp)"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    fn pkg(list: &[&str]) -> PkgOptions {
        match parse(&args(list)) {
            Ok(Command::Pkg(o)) => o,
            other => panic!("expected pkg, got {other:?}"),
        }
    }

    fn err(list: &[&str]) -> String {
        match parse(&args(list)) {
            Err(UsageError(m)) => m,
            other => panic!("expected usage error, got {other:?}"),
        }
    }

    #[test]
    fn defaults_and_required() {
        let o = pkg(&["-t", "hello", "-o", "h.tar", "img"]);
        assert_eq!(o.cpus, 1);
        assert_eq!(o.memory_kib, 512 * 1024);
        assert!(o.env.is_empty() && o.ports.is_empty() && o.args.is_empty());
        assert_eq!(o.reference.to_string(), "hello:latest");
        assert_eq!((o.output.as_str(), o.image.as_str()), ("h.tar", "img"));
        assert!(err(&["-o", "h.tar", "img"]).contains("missing -t"));
        assert!(err(&["-t", "h", "img"]).contains("missing -o"));
        assert!(err(&["-t", "h", "-o", "h.tar"]).contains("missing IMAGE"));
        assert!(err(&["-t", "h", "-o", "h.tar", "--"]).contains("missing IMAGE"));
        assert_eq!(parse(&args(&["--help"])), Ok(Command::Help));
    }

    #[test]
    fn every_option_both_forms() {
        let o = pkg(&[
            "--cpus",
            "2",
            "--memory=64M",
            "--env",
            "A=1",
            "--env=B=x=y",
            "--port",
            "8080",
            "--port=53/udp",
            "--port",
            "443/tcp",
            "--tag=reg.example:5000/me/app:v2",
            "--output=out.tar",
            "./app",
            "a",
            "--cpus",
            "--",
            "-x",
        ]);
        assert_eq!(o.cpus, 2);
        assert_eq!(o.memory_kib, 64 * 1024);
        assert_eq!(
            o.env,
            vec![("A".into(), "1".into()), ("B".into(), "x=y".into())]
        );
        assert_eq!(
            o.ports,
            vec![(8080, Proto::Tcp), (53, Proto::Udp), (443, Proto::Tcp)]
        );
        assert_eq!(o.reference.name, "reg.example:5000/me/app");
        assert_eq!(o.reference.tag, "v2");
        assert_eq!(o.output, "out.tar");
        assert_eq!(o.image, "./app");
        assert_eq!(o.args, args(&["a", "--cpus", "--", "-x"]));
        let o = pkg(&["-t", "x", "-o", "o", "--", "--odd-image", "y"]);
        assert_eq!(
            (o.image.as_str(), o.args.clone()),
            ("--odd-image", args(&["y"]))
        );
    }

    #[test]
    fn bad_values_are_usage_errors() {
        let base = |extra: &[&str]| {
            let mut v = args(extra);
            v.extend(args(&["-t", "x", "-o", "o.tar", "img"]));
            v
        };
        let e = |extra: &[&str]| match parse(&base(extra)) {
            Err(UsageError(m)) => m,
            other => panic!("{extra:?}: expected usage error, got {other:?}"),
        };
        assert!(e(&["--cpus", "0"]).contains("--cpus"));
        assert!(e(&["--memory", "lots"]).contains("--memory"));
        assert!(e(&["--env", "NOEQUALS"]).contains("--env"));
        assert!(e(&["--net", "user"]).contains("unknown option '--net'"));
        assert!(e(&["-o", ""]).contains("empty"));
        assert!(
            err(&["-t", "Bad:Name", "-o", "o", "img"]).contains("invalid image name 'Bad:Name'")
        );
        assert!(err(&["-t"]).contains("needs a value"));
        assert!(err(&["-t", "x", "-o", "o", ""]).contains("empty"));
    }

    #[test]
    fn port_values() {
        assert_eq!(parse_port("80"), Ok((80, Proto::Tcp)));
        assert_eq!(parse_port("65535/udp"), Ok((65535, Proto::Udp)));
        assert_eq!(parse_port("1/tcp"), Ok((1, Proto::Tcp)));
        for bad in [
            "", "0", "65536", "80/sctp", "80/", "/tcp", "+80", "8o", "80/TCP", "80/tcp/x",
        ] {
            assert!(parse_port(bad).is_err(), "{bad:?}");
        }
    }
}
