//! The supervisor: the process `create` forks and names in the pid file. It sets up the
//! network in the container's namespace, waits for `start` on the fifo, then boots the
//! image with the runner (`run::run`, in this process: the program's output is the
//! container's, signals sent to the supervisor are forwarded to the program, and the
//! supervisor exits with the program's status, which the engine reads). QEMU and
//! virtiofsd die with it when it is killed (their parent-death signal).

use super::config::{Bind, Config, nameservers};
use super::network::{self, Link};
use crate::cli::{Net, RunOptions};
use crate::{netaddr, run};
use std::io::Write;
use std::os::fd::OwnedFd;
use std::path::Path;

/// What `create` decided.
pub struct Plan {
    pub config: Config,
    pub cpus: u32,
    pub memory_kib: u64,
}

/// The runner's options for the plan and the container's network.
pub fn options(plan: &Plan, link: Option<&Link>, dns: Vec<std::net::Ipv4Addr>) -> RunOptions {
    let c = &plan.config;
    let mut o = RunOptions {
        cpus: plan.cpus,
        memory_kib: plan.memory_kib,
        env: c.env.clone(),
        volumes: c.binds.iter().map(volume_arg).collect(),
        image: c.image.display().to_string(),
        argv0: Some(c.argv0.clone()),
        args: c.args.clone(),
        ..RunOptions::default()
    };
    if let Some(link) = link {
        o.net = Net::Tap(network::TAP.to_string());
        o.mac = link.mac.clone();
        o.ip = Some((link.addr, link.prefix));
        o.gateway = link.gateway;
        o.dns = dns;
    }
    o
}

fn volume_arg(b: &Bind) -> String {
    let ro = if b.readonly { ":ro" } else { "" };
    format!("{}:{}{ro}", b.source, b.destination)
}

/// Sets up the network in the bundle's namespace: the interface handed to the guest.
fn prepare(plan: &Plan) -> Result<Option<Link>, String> {
    let Some(netns) = &plan.config.netns else {
        // No namespace of its own (the host's, or an empty new one): no network to give.
        return Ok(None);
    };
    network::enter(netns)?;
    let Some(link) = network::discover()? else {
        return Ok(None);
    };
    network::connect(&link)?;
    Ok(Some(link))
}

/// Waits until `start` opens the fifo.
fn wait_for_start(fifo: &Path) -> std::io::Result<()> {
    let mut f = std::fs::OpenOptions::new().write(true).open(fifo)?;
    f.write_all(b"0")
}

/// Runs the container to its end; never returns.
pub fn run(plan: Plan, terminal: Option<OwnedFd>, report: OwnedFd, fifo: &Path) -> ! {
    // SAFETY: setsid has no memory effects; failing (already a leader) is harmless.
    unsafe { libc::setsid() };
    let mut report = std::fs::File::from(report);
    if let Some(slave) = terminal
        && let Err(e) = super::console::attach(&slave)
    {
        let _ = write!(report, "error {e}");
        std::process::exit(1);
    }
    let link = match prepare(&plan) {
        Ok(link) => link,
        Err(e) => {
            let _ = write!(report, "error {e}");
            std::process::exit(1);
        }
    };
    let tap = if link.is_some() { network::TAP } else { "" };
    let _ = write!(report, "ok {tap}");
    drop(report);

    if let Err(e) = wait_for_start(fifo) {
        eprintln!("eremit-runtime: waiting for start: {e}");
        finish(link.as_ref(), 1);
    }
    let dns = plan
        .config
        .resolv_conf
        .as_ref()
        .and_then(|p| std::fs::read_to_string(p).ok())
        .map(|t| nameservers(&t))
        .unwrap_or_default();
    let opts = options(&plan, link.as_ref(), dns);
    if let Err(e) = netaddr::validate(&opts) {
        eprintln!("eremit-runtime: {e}");
        finish(link.as_ref(), run::EXIT_FAILURE);
    }
    let code = match run::run(&opts) {
        Ok(code) => code,
        Err(failure) => {
            let mut err = std::io::stderr().lock();
            let _ = writeln!(err, "eremit: {}", failure.message);
            let _ = err.write_all(&failure.details);
            failure.code
        }
    };
    finish(link.as_ref(), code)
}

/// Removes the tap and exits with `code`.
fn finish(link: Option<&Link>, code: i32) -> ! {
    if link.is_some() {
        network::remove_tap();
    }
    std::process::exit(code)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;
    use std::path::PathBuf;

    #[test]
    fn runner_options() {
        let config = Config {
            image: PathBuf::from("/r/eremit/image"),
            argv0: "/eremit/image".into(),
            args: vec!["a".into()],
            env: vec![("K".into(), "V".into())],
            terminal: false,
            netns: Some(PathBuf::from("/run/netns/n")),
            binds: vec![Bind {
                source: "/h".into(),
                destination: "/g".into(),
                readonly: true,
            }],
            resolv_conf: None,
            cpu_quota: None,
            cpu_period: None,
            cpu_shares: None,
            memory_limit: None,
            cpus_annotation: None,
            memory_annotation: None,
        };
        let plan = Plan {
            config,
            cpus: 2,
            memory_kib: 192 * 1024,
        };
        let o = options(&plan, None, vec![]);
        assert_eq!(o.net, Net::None);
        assert_eq!((o.cpus, o.memory_kib), (2, 192 * 1024));
        assert_eq!(o.volumes, ["/h:/g:ro"]);
        assert_eq!(o.image, "/r/eremit/image");
        assert_eq!(o.argv0.as_deref(), Some("/eremit/image"));
        assert_eq!(o.args, ["a"]);
        let link = Link {
            ifname: "eth0".into(),
            addr: Ipv4Addr::new(10, 88, 0, 5),
            prefix: 16,
            mac: Some("52:00:00:00:00:01".into()),
            gateway: Some(Ipv4Addr::new(10, 88, 0, 1)),
        };
        let dns = vec![Ipv4Addr::new(10, 88, 0, 1)];
        let o = options(&plan, Some(&link), dns.clone());
        assert_eq!(o.net, Net::Tap("eremit0".into()));
        assert_eq!(o.ip, Some((Ipv4Addr::new(10, 88, 0, 5), 16)));
        assert_eq!(o.gateway, Some(Ipv4Addr::new(10, 88, 0, 1)));
        assert_eq!(o.dns, dns);
        assert_eq!(o.mac.as_deref(), Some("52:00:00:00:00:01"));
        assert!(netaddr::validate(&o).is_ok());
    }
}
