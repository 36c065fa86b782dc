//! The arguments of `eremit run`: options in both forms (`--name value`, `--name=value`),
//! then IMAGE and the application's arguments.

use super::scan::{Grammar, Scanned, scan};
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
    let grammar = Grammar {
        values: VALUE_OPTIONS,
        flags: &["--verbose", "-v"],
        unknown_context: "",
    };
    let image = match scan(args, &grammar, |name, value| match value {
        Some(value) => apply_option(&mut opts, name, &value),
        None => {
            opts.verbose = true;
            Ok(())
        }
    })? {
        Scanned::Help => return Ok(Command::Help),
        Scanned::Image(image) => image,
    };
    let Some(image_index) = image else {
        return usage_err("missing IMAGE (usage: eremit run [OPTIONS] IMAGE [ARGS...])");
    };
    if args[image_index].is_empty() {
        return usage_err("IMAGE must not be empty");
    }
    opts.image = args[image_index].clone();
    opts.args = args[image_index + 1..].to_vec();
    if !opts.forwards.is_empty() && !matches!(opts.net, Net::User | Net::Passt) {
        return usage_err("--forward needs --net user or --net passt");
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
