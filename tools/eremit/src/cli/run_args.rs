//! The arguments of `eremit run`: options in both forms (`--name value`, `--name=value`),
//! then IMAGE and the application's arguments.

use super::values::{parse_cpus, parse_env, parse_forward, parse_memory, parse_net, parse_timeout};
use super::{Accel, Command, Machine, Net, RunOptions, UsageError, usage_err};

/// Options of `run` that take a value.
const VALUE_OPTIONS: &[&str] = &[
    "--cpus",
    "--memory",
    "--env",
    "--net",
    "--forward",
    "--ip",
    "--gateway",
    "--dns",
    "--ip6",
    "--gateway6",
    "--volume",
    "--accel",
    "--tcg-threads",
    "--machine",
    "--timeout",
];

pub(super) fn parse_run(args: &[String]) -> Result<Command, UsageError> {
    let mut opts = RunOptions::default();
    let mut i = 0;
    let mut image = None;
    while i < args.len() {
        let arg = &args[i];
        i += 1;
        if arg == "--" {
            // Explicit end of options: the next argument is IMAGE.
            if i < args.len() {
                image = Some(i);
            }
            break;
        }
        if !arg.starts_with('-') || arg == "-" {
            image = Some(i - 1);
            break;
        }
        if arg == "-h" || arg == "--help" {
            return Ok(Command::Help);
        }
        let (name, inline_value) = match arg.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n, Some(v.to_string())),
            _ => (arg.as_str(), None),
        };
        if name == "--verbose" || name == "-v" {
            if inline_value.is_some() {
                return usage_err("option '--verbose' takes no value");
            }
            opts.verbose = true;
            continue;
        }
        if !VALUE_OPTIONS.contains(&name) {
            return usage_err(format!("unknown option '{name}' (try 'eremit --help')"));
        }
        let value = match inline_value {
            Some(v) => v,
            None => {
                let Some(v) = args.get(i) else {
                    return usage_err(format!("option '{name}' needs a value"));
                };
                i += 1;
                v.clone()
            }
        };
        apply_option(&mut opts, name, &value)?;
    }
    let Some(image_index) = image else {
        return usage_err("missing IMAGE (usage: eremit run [OPTIONS] IMAGE [ARGS...])");
    };
    if args[image_index].is_empty() {
        return usage_err("IMAGE must not be empty");
    }
    opts.image = args[image_index].clone();
    opts.args = args[image_index + 1..].to_vec();
    if !opts.forwards.is_empty() && opts.net != Net::User {
        return usage_err("--forward needs --net user");
    }
    crate::netaddr::validate(&opts)?;
    Ok(Command::Run(opts))
}

fn apply_option(opts: &mut RunOptions, name: &str, value: &str) -> Result<(), UsageError> {
    match name {
        "--cpus" => opts.cpus = parse_cpus(value)?,
        "--memory" => opts.memory_kib = parse_memory(value)?,
        "--env" => opts.env.push(parse_env(value)?),
        "--net" => opts.net = parse_net(value)?,
        "--forward" => opts.forwards.push(parse_forward(value)?),
        "--ip" => opts.ip = Some(crate::netaddr::parse_cidr(value)?),
        "--gateway" => opts.gateway = Some(crate::netaddr::parse_addr(name, value)?),
        "--dns" => opts.dns.push(crate::netaddr::parse_addr(name, value)?),
        "--ip6" => opts.ip6 = Some(crate::netaddr::parse_cidr6(value)?),
        "--gateway6" => opts.gateway6 = Some(crate::netaddr::parse_addr6(name, value)?),
        "--volume" => opts.volumes.push(value.to_string()),
        "--accel" => {
            opts.accel = match value {
                "auto" => Accel::Auto,
                "kvm" => Accel::Kvm,
                "tcg" => Accel::Tcg,
                _ => return usage_err(format!("invalid --accel '{value}' (auto, kvm or tcg)")),
            }
        }
        "--tcg-threads" => {
            opts.tcg_single_thread = match value {
                "multi" => false,
                "single" => true,
                _ => {
                    return usage_err(format!("invalid --tcg-threads '{value}' (multi or single)"));
                }
            }
        }
        "--machine" => {
            opts.machine = match value {
                "microvm" => Some(Machine::Microvm),
                "q35" => Some(Machine::Q35),
                "virt" => Some(Machine::Virt),
                _ => {
                    return usage_err(format!(
                        "invalid --machine '{value}' (microvm, q35 or virt)"
                    ));
                }
            }
        }
        "--timeout" => opts.timeout_secs = Some(parse_timeout(value)?),
        _ => unreachable!("option list and match are out of sync: {name}"),
    }
    Ok(())
}
