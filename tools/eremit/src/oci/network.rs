//! The container's network, handed to the guest as VM-based runtimes do (Kata's
//! "tc redirect"): inside the container's network namespace, a tap for QEMU, the
//! container interface's IPv4 address taken off it (the guest owns it now), and every
//! frame arriving on either one sent out of the other by a `tc` mirred redirect. The
//! guest's NIC gets the interface's MAC address, so neighbours' ARP entries stay right.
//! Published ports (podman's DNAT to the container's address) and container-to-
//! container traffic then reach the guest unchanged.

use std::net::Ipv4Addr;
use std::os::fd::AsRawFd;
use std::path::Path;
use std::process::Command;

/// The tap's name (one per network namespace, so one name does).
pub const TAP: &str = "eremit0";

/// The container's interface as the engine set it up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub ifname: String,
    pub addr: Ipv4Addr,
    pub prefix: u8,
    pub mac: Option<String>,
    pub gateway: Option<Ipv4Addr>,
}

/// Joins the network namespace at `path` (the calling thread; call it single-threaded,
/// so that QEMU and every helper started later are in it).
pub fn enter(path: &Path) -> Result<(), String> {
    let file = std::fs::File::open(path)
        .map_err(|e| format!("cannot open network namespace {}: {e}", path.display()))?;
    // SAFETY: setns on a descriptor we hold open; it changes only this thread's
    // namespace, and the process has no other thread yet.
    if unsafe { libc::setns(file.as_raw_fd(), libc::CLONE_NEWNET) } != 0 {
        return Err(format!(
            "cannot join network namespace {}: {}",
            path.display(),
            std::io::Error::last_os_error()
        ));
    }
    Ok(())
}

/// The first global IPv4 address of `ip -o -4 addr show` that is not loopback's.
pub fn parse_addr(output: &str) -> Option<(String, Ipv4Addr, u8)> {
    output.lines().find_map(|line| {
        let words: Vec<&str> = line.split_whitespace().collect();
        let ifname = words.get(1)?.split('@').next()?;
        let at = words.iter().position(|w| *w == "inet")?;
        if ifname == "lo" || !words.contains(&"global") {
            return None;
        }
        let (addr, prefix) = words.get(at + 1)?.split_once('/')?;
        Some((ifname.to_string(), addr.parse().ok()?, prefix.parse().ok()?))
    })
}

/// The MAC address in `ip -o link show dev IF`.
pub fn parse_mac(output: &str) -> Option<String> {
    let words: Vec<&str> = output.split_whitespace().collect();
    let at = words.iter().position(|w| *w == "link/ether")?;
    words.get(at + 1).map(|m| m.to_string())
}

/// The gateway of `ip -4 route show default`.
pub fn parse_gateway(output: &str) -> Option<Ipv4Addr> {
    output.lines().find_map(|line| {
        let words: Vec<&str> = line.split_whitespace().collect();
        let at = words.iter().position(|w| *w == "via")?;
        words.get(at + 1)?.parse().ok()
    })
}

/// Runs a network tool (`ip`, `tc`; found in PATH or the sbin directories); its
/// standard output, or its error as one line.
fn tool(program: &str, args: &[&str]) -> Result<String, String> {
    let mut path = std::env::var_os("PATH").unwrap_or_default();
    path.push(":/usr/sbin:/sbin:/usr/bin:/bin");
    let exe = crate::qemu::find_program(program, Some(path))
        .ok_or_else(|| format!("{program} not found; install it with: apt-get install iproute2"))?;
    let out = Command::new(exe)
        .args(args)
        .output()
        .map_err(|e| format!("cannot run {program}: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "{program} {} failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The container's interface, if the namespace has one with an IPv4 address.
pub fn discover() -> Result<Option<Link>, String> {
    let Some((ifname, addr, prefix)) = parse_addr(&tool("ip", &["-o", "-4", "addr", "show"])?)
    else {
        return Ok(None);
    };
    let mac = parse_mac(&tool("ip", &["-o", "link", "show", "dev", &ifname])?);
    let gateway = parse_gateway(&tool("ip", &["-4", "route", "show", "default"])?);
    Ok(Some(Link {
        ifname,
        addr,
        prefix,
        mac,
        gateway,
    }))
}

/// Creates the tap and redirects `link`'s traffic to it and back. On failure, undoes
/// what was done.
pub fn connect(link: &Link) -> Result<(), String> {
    let cidr = format!("{}/{}", link.addr, link.prefix);
    let dev = link.ifname.as_str();
    tool("ip", &["tuntap", "add", "dev", TAP, "mode", "tap"])?;
    let steps: [&[&str]; 7] = [
        &["ip", "link", "set", TAP, "up"],
        &["ip", "addr", "del", &cidr, "dev", dev],
        &["tc", "qdisc", "add", "dev", dev, "ingress"],
        &["tc", "qdisc", "add", "dev", TAP, "ingress"],
        &[
            "tc", "filter", "add", "dev", dev, "parent", "ffff:", "protocol", "all", "u32",
            "match", "u8", "0", "0", "action", "mirred", "egress", "redirect", "dev", TAP,
        ],
        &[
            "tc", "filter", "add", "dev", TAP, "parent", "ffff:", "protocol", "all", "u32",
            "match", "u8", "0", "0", "action", "mirred", "egress", "redirect", "dev", dev,
        ],
        &["ip", "link", "set", dev, "up"],
    ];
    for step in steps {
        if let Err(e) = tool(step[0], &step[1..]) {
            disconnect(link);
            return Err(e);
        }
    }
    Ok(())
}

/// Undoes `connect` as far as it got (each step may fail: it was not done).
pub fn disconnect(link: &Link) {
    let cidr = format!("{}/{}", link.addr, link.prefix);
    let _ = tool("tc", &["qdisc", "del", "dev", &link.ifname, "ingress"]);
    remove_tap();
    let _ = tool("ip", &["addr", "add", &cidr, "dev", &link.ifname]);
    if let Some(gw) = link.gateway {
        let _ = tool("ip", &["route", "add", "default", "via", &gw.to_string()]);
    }
}

/// Removes the tap from the current namespace, if it is there.
pub fn remove_tap() {
    let _ = tool("ip", &["link", "del", TAP]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ip_output() {
        let addrs = "1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever\n\
                     2: eth0@if7    inet 10.88.0.5/16 brd 10.88.255.255 scope global eth0\\ x\n";
        assert_eq!(
            parse_addr(addrs),
            Some(("eth0".to_string(), Ipv4Addr::new(10, 88, 0, 5), 16))
        );
        assert_eq!(
            parse_addr("1: lo    inet 127.0.0.1/8 scope host lo\n"),
            None
        );
        assert_eq!(parse_addr(""), None);
        let link = "2: eth0@if7: <BROADCAST,UP> mtu 1500 qdisc noqueue state UP \\    link/ether 52:0a:1b:2c:3d:4e brd ff:ff:ff:ff:ff:ff";
        assert_eq!(parse_mac(link).as_deref(), Some("52:0a:1b:2c:3d:4e"));
        assert_eq!(parse_mac("1: lo: <LOOPBACK> link/loopback 00:00"), None);
        assert_eq!(
            parse_gateway("default via 10.88.0.1 dev eth0 \n"),
            Some(Ipv4Addr::new(10, 88, 0, 1))
        );
        assert_eq!(parse_gateway(""), None);
    }
}
