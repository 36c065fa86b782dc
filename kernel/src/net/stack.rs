//! The network stack: smoltcp's interface over the virtio-net device, the socket set
//! and the task that drives them, and the application's socket table. Loopback needs
//! no device: without one, the first socket call makes a device-less stack (no network
//! task), so a program that never uses the network pays nothing at boot.
//! Everything lives behind one lock, a `SleepLock` (but a loopback connection's data,
//! which has a lock of its own: socket/loop_end.rs): interrupts stay on while it is held
//! (the copies of application data into and out of socket buffers run under it), and a
//! task that finds it taken sleeps rather than spins, so a holder that is preempted
//! holds up nobody's CPU. No interrupt handler takes it: the virtio-net interrupt only
//! acknowledges the device and kicks the network task (`kick`), which takes the lock
//! with `try_lock` and, finding it held, leaves the poll to the holder's unlock. The task wakes on device interrupts, on
//! smoltcp's timers and when an application call needs a timer earlier than the one it
//! sleeps for.

use alloc::vec::Vec;
use core::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use smoltcp::iface::{Config, Interface, PollIngressSingleResult, PollResult, SocketHandle};
use smoltcp::time::Instant;
use smoltcp::wire::{
    EthernetAddress, HardwareAddress, IpCidr, Ipv4Address, Ipv4Cidr, Ipv6Address, Ipv6Cidr,
};

use super::deferred_egress::Deferral;
use super::events;
use super::memory::reserve;
use super::socket::{Admission, Table};
use super::socket_set::Sockets;
use super::syn::{self, Segment};
use crate::clock;
use crate::cmdline::NetOptions;
use crate::drivers::virtio::net_counters::RX_FRAMES;
use crate::drivers::virtio::net_rx_watch;
use crate::drivers::{NetDevice, open_net};
use crate::klog;
use crate::sched::SleepLock;

pub struct Stack {
    pub iface: Interface,
    /// `None` without a network device: only loopback works.
    pub dev: Option<NetDevice>,
    pub set: Sockets,
    #[cfg(feature = "dhcpv4")]
    dhcp: Option<SocketHandle>,
    #[cfg_attr(not(feature = "dns"), allow(dead_code))]
    pub dns: Option<SocketHandle>,
    pub dns_servers: Vec<Ipv4Address>,
    /// Servers from the `dns=` option, which win over those DHCP names.
    dns_override: Vec<Ipv4Address>,
    /// The sockets of the application (see socket/).
    pub table: Table,
    /// Consecutive polls that asked to be repeated at once without changing anything.
    idle_repeats: u32,
    /// Set by a call that queued nothing to send and changed nothing the peer must hear
    /// of at once (a read that left the receive window at least half open): the poll
    /// after it is skipped (`socket::with_sock`). A keep-alive server's read is then
    /// one poll of every socket cheaper; the answer's send polls right after.
    pub quiet_call: bool,
}

static STACK: SleepLock<Option<Stack>> = SleepLock::new(None);
/// The network task's futex word: bumped by the device interrupt and by `kick`.
static KICK: AtomicU32 = AtomicU32::new(0);
/// TSC the network task will next poll at by itself (u64::MAX: only when kicked; 0:
/// it is polling now). Written with the stack locked.
static NET_DEADLINE: AtomicU64 = AtomicU64::new(0);
/// The network task wants to poll but found the stack locked; whoever holds it kicks
/// the task after unlocking. (Spinning for the lock would take a host CPU from the
/// vCPU that holds it, and from QEMU's network thread.)
static POLL_WANTED: AtomicBool = AtomicBool::new(false);
/// Set once the interface has an IPv4 address.
static CONFIGURED: AtomicU32 = AtomicU32::new(0);
/// `init` found no network device: the first socket call makes a stack without one.
static NO_DEVICE: AtomicBool = AtomicBool::new(false);

/// Priority of the network task: above applications (2), so an interrupt's packets are
/// handled before the interrupted application continues.
const TASK_PRIO: u8 = 3;

pub fn now() -> Instant {
    Instant::from_micros((clock::uptime_ns() / 1000) as i64)
}

fn instant_to_tsc(at: Instant) -> u64 {
    clock::ticks_at_uptime_ns(at.total_micros().max(0) as u64 * 1000)
}

/// Socket calls' egress left for later (deferred_egress.rs).
static DEFERRAL: Deferral = Deferral::new();

/// Sends what socket calls deferred, if anything: before a task sleeps on readiness.
pub fn flush_deferred_egress() {
    // Owed only by `after_call` on a stack with a device.
    if DEFERRAL.take() {
        with(|st| st.egress(Notify::Now));
    }
}

/// Wakes the network task to send what socket calls deferred, if anything: from
/// interrupts and a task about to block, which cannot take the stack's lock there.
pub fn kick_deferred_egress() {
    if DEFERRAL.take() {
        kick();
    }
}

/// Runs `f` on the stack; `None` before `init`.
pub fn with<R>(f: impl FnOnce(&mut Stack) -> R) -> Option<R> {
    let r = {
        let mut guard = STACK.lock();
        if guard.is_none() && NO_DEVICE.load(Ordering::Relaxed) {
            *guard = Some(Stack::without_device());
        }
        guard.as_mut().map(f)
    };
    // The network task found the stack busy and went to sleep: its turn now.
    if POLL_WANTED.load(Ordering::SeqCst) && POLL_WANTED.swap(false, Ordering::SeqCst) {
        kick();
    }
    r
}
/// Whether the stack exists (a device was found, or a socket call made it).
pub fn present() -> bool {
    STACK.lock().is_some()
}

/// Whether the interface has an address (DHCP answered, or a static one was given).
pub fn configured() -> bool {
    CONFIGURED.load(Ordering::Acquire) != 0
}

/// Wakes the network task (interrupt handler, or an application call that needs a
/// poll earlier than the task planned).
fn kick() {
    KICK.fetch_add(1, Ordering::SeqCst);
    crate::sched::futex_wake(&KICK as *const AtomicU32 as usize, 1);
}

impl Stack {
    /// Moves packets: everything received, then everything the sockets want to send,
    /// and tells the device. Signals waiters when socket state may have changed.
    pub fn poll(&mut self) -> bool {
        self.poll_and(Notify::Now)
    }

    /// Leaves the receive interrupt off and has the idle loop watch for frames until TSC
    /// `until` (net_rx_watch.rs); whether frames are waiting already.
    fn watch_rx(&mut self, until: u64) -> bool {
        self.dev.as_mut().is_some_and(|d| d.watch_rx(until))
    }

    /// Lets the device interrupt for received frames again, before the network task
    /// sleeps; whether frames came meanwhile (then it polls again instead).
    fn unmute_rx(&mut self) -> bool {
        self.dev.as_mut().is_some_and(|d| d.unmute_rx())
    }

    /// `poll`, with the transmit notification as `notify` says.
    fn poll_and(&mut self, notify: Notify) -> bool {
        if self.dev.is_none() {
            // Loopback moves its data in the calls themselves.
            return false;
        }
        let now = now();
        // Egress below covers every socket, so whatever calls deferred goes out too.
        DEFERRAL.sent();
        // SLAAC adds and removes addresses here: a connect waiting for one is told.
        let addresses = self.iface.ip_addrs().len();
        self.iface.poll_maintenance(now);
        let mut changed = self.iface.ip_addrs().len() != addresses;
        if changed {
            log_ipv6_addresses(&self.iface);
        }
        loop {
            // Taken anew each round: a DHCP update below needs the whole stack.
            let Some(dev) = self.dev.as_mut() else { break };
            // A connection request for a listener gets a socket listening for it
            // first, or is dropped (socket/backlog.rs, Table::admit).
            let segment = dev.peek_received(syn::classify);
            let listening = match segment {
                Some(Segment::Syn(request)) => match self.table.admit(&mut self.set, request) {
                    Admission::Pass => None,
                    Admission::Listening(h) => Some(h),
                    Admission::Drop => {
                        dev.drop_received();
                        continue;
                    }
                },
                _ => None,
            };
            // A FIN for a closed connection already in CLOSING: the peer's again.
            let closing = match &segment {
                Some(Segment::Fin(fin)) => self.table.closing_orphan(&self.set, fin),
                _ => None,
            };
            let r = self.iface.poll_ingress_single(now, dev, &mut self.set);
            // A DHCP acknowledgement configures the address before the next frame of
            // the batch: a connection request right behind it (a client that found the
            // port open, as QEMU's forwarding does at once) would otherwise meet no
            // address, be dropped, and wait for the peer's retransmission (seconds).
            if !configured() {
                changed |= self.dhcp_update();
            }
            if let Some(h) = listening {
                self.table.settle(&mut self.set, h);
            }
            if let Some(h) = closing {
                self.table.free_if_closing(&mut self.set, h);
            }
            match r {
                PollIngressSingleResult::None => break,
                PollIngressSingleResult::PacketProcessed => {}
                PollIngressSingleResult::SocketStateChanged => changed = true,
            }
        }
        if changed {
            self.table.tidy_listeners(&mut self.set);
        }
        // Before egress, so that the resets it decides go out now.
        self.table.reap(&mut self.set);
        let Some(dev) = self.dev.as_mut() else {
            return changed;
        };
        while self.iface.poll_egress(now, dev, &mut self.set) == PollResult::SocketStateChanged {
            changed = true;
        }
        // After egress, which sent the ACK of the FIN that brought them there.
        self.table.reap_time_wait(&mut self.set);
        // A call that queued nothing also leaves a held notification held while busy.
        if notify == Notify::UnlessBusy && (dev.rx_pending() || data_waiting(&self.set)) {
            dev.flush_holding_tx();
        } else {
            dev.flush();
        }
        changed |= self.dhcp_update();
        if changed {
            events::signal();
        }
        changed
    }

    /// Whether the interface has an IPv6 address beyond its link-local one (SLAAC's or
    /// `ip6=`), which a connection to another network needs as its source.
    pub fn has_routable_ipv6(&self) -> bool {
        self.iface.ip_addrs().iter().any(|c| match c {
            IpCidr::Ipv6(c) => !link_local(c),
            _ => false,
        })
    }

    /// After an application call changed a socket: send what it queued and make sure
    /// the network task wakes in time for the socket's timers.
    pub fn after_call(&mut self) {
        let Some(dev) = self.dev.as_ref() else {
            return;
        };
        // More calls are coming: their sending can be done once (deferred_egress.rs). On
        // one CPU only: measured there; with more, one CI run of the tokio server on two
        // vCPUs served 10x slower and lost an answer, not reproduced since (README).
        if crate::arch::smp::online_cpus() == 1
            && (dev.rx_pending() || data_waiting(&self.set))
            && DEFERRAL.defer()
        {
            return;
        }
        self.egress(Notify::UnlessBusy);
    }

    /// Sends what earlier calls deferred, if anything: before a call that discards a
    /// socket's queue (closing a UDP socket, or a TCP one with unread data, which
    /// resets it), so that data written before it goes out first, as it would have
    /// without the deferral.
    pub fn send_deferred(&mut self) {
        if DEFERRAL.take() {
            self.egress(Notify::UnlessBusy);
        }
    }

    /// Sends what the sockets hold and makes sure the network task wakes in time for
    /// their timers.
    fn egress(&mut self, notify: Notify) {
        self.poll_and(notify);
        if let Some(at) = self.iface.poll_at(now(), &self.set)
            && instant_to_tsc(at) < NET_DEADLINE.load(Ordering::Relaxed)
        {
            NET_DEADLINE.store(0, Ordering::Relaxed);
            kick();
        }
    }

    /// When the network task should poll next (TSC), `None`: only on an interrupt.
    fn next_deadline(&mut self, changed: bool) -> Option<u64> {
        let delay = self.iface.poll_delay(now(), &self.set)?;
        let mut us = delay.total_micros();
        if us == 0 {
            if self.dev.as_ref().is_some_and(|d| d.tx_blocked()) {
                // The device interrupts when it frees a transmit buffer; this is only
                // a fallback.
                us = 10_000;
            } else if !changed {
                // smoltcp asks for an immediate poll that achieves nothing: do not let
                // a high-priority task spin on it.
                self.idle_repeats += 1;
                if self.idle_repeats > 2 {
                    us = 1_000;
                }
            }
        } else {
            self.idle_repeats = 0;
        }
        Some(clock::deadline_after_ns(us * 1000))
    }

    fn set_address(&mut self, cidr: Ipv4Cidr, router: Option<Ipv4Address>, dns: &[Ipv4Address]) {
        // The IPv6 addresses (link-local, SLAAC's, `ip6=`) stay.
        self.iface.update_ip_addrs(|addrs| {
            addrs.retain(|a| !matches!(a, IpCidr::Ipv4(_)));
            let _ = addrs.push(IpCidr::Ipv4(cidr));
        });
        match router {
            Some(r) => {
                let _ = self.iface.routes_mut().add_default_ipv4_route(r);
            }
            None => {
                self.iface.routes_mut().remove_default_ipv4_route();
            }
        }
        let dns = if self.dns_override.is_empty() {
            dns
        } else {
            &self.dns_override[..]
        };
        // Runs in the network task (a DHCP renewal): without memory the old list stays.
        let mut servers = Vec::new();
        if reserve(&mut servers, dns.len()).is_some() {
            servers.extend_from_slice(dns);
            self.dns_servers = servers;
        }
        #[cfg(feature = "dns")]
        if let Some(h) = self.dns {
            // smoltcp keeps at most 4 servers (dns-max-server-count-4).
            let mut servers = [smoltcp::wire::IpAddress::Ipv4(Ipv4Address::UNSPECIFIED); 4];
            let n = dns.len().min(servers.len());
            for (to, &from) in servers.iter_mut().zip(dns) {
                *to = from.into();
            }
            self.set
                .get_mut::<smoltcp::socket::dns::Socket>(h)
                .update_servers(&servers[..n]);
        }
        CONFIGURED.store(1, Ordering::Release);
        klog!(
            "eremit: network: {cidr}, gateway {}, DNS {:?}",
            Gateway(router),
            dns
        );
    }

    #[cfg(feature = "dhcpv4")]
    fn dhcp_update(&mut self) -> bool {
        use smoltcp::socket::dhcpv4::{Event, Socket};
        let Some(h) = self.dhcp else { return false };
        match self.set.get_mut::<Socket>(h).poll() {
            None => false,
            Some(Event::Configured(c)) => {
                let (addr, router, dns) = (c.address, c.router, c.dns_servers.clone());
                self.set_address(addr, router, &dns);
                true
            }
            Some(Event::Deconfigured) => {
                // Also reported once at start, before any lease.
                if configured() {
                    klog!("eremit: network: DHCP lease lost");
                }
                CONFIGURED.store(0, Ordering::Release);
                self.iface
                    .update_ip_addrs(|a| a.retain(|a| !matches!(a, IpCidr::Ipv4(_))));
                self.iface.routes_mut().remove_default_ipv4_route();
                true
            }
        }
    }

    #[cfg(not(feature = "dhcpv4"))]
    fn dhcp_update(&mut self) -> bool {
        false
    }
}

/// When `poll` tells the device about the frames it queued.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Notify {
    /// At once.
    Now,
    /// Later if the application has more to do (frames in the receive ring, data
    /// received and not read yet): it is serving a batch of requests, and one
    /// notification after the batch replaces one per answer (see
    /// drivers/virtio/net_tx_notify.rs for when it goes out).
    UnlessBusy,
}

/// Whether a socket holds received data the application has not read. A connection
/// reset or closed (`Closed`, `TimeWait`) keeps what it had received, which nobody
/// reads any more: it does not count, or every answer after it would wait.
fn data_waiting(set: &Sockets) -> bool {
    use smoltcp::socket::{Socket, tcp::State};
    set.iter().any(|(_, s)| match s {
        Socket::Tcp(t) => {
            t.recv_queue() > 0 && !matches!(t.state(), State::Closed | State::TimeWait)
        }
        Socket::Udp(u) => u.can_recv(),
        _ => false,
    })
}

/// Logs the interface's IPv6 addresses beyond the link-local one (after SLAAC changed
/// them).
fn log_ipv6_addresses(iface: &Interface) {
    for c in iface.ip_addrs() {
        if let IpCidr::Ipv6(c) = c
            && !link_local(c)
        {
            klog!("eremit: network: IPv6 {c}");
        }
    }
}

/// Whether `c`'s address is in fe80::/10.
fn link_local(c: &Ipv6Cidr) -> bool {
    let o = c.address().octets();
    o[0] == 0xfe && o[1] & 0xc0 == 0x80
}

/// A default route for the log: its address, or "none".
struct Gateway(Option<Ipv4Address>);

impl core::fmt::Display for Gateway {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self.0 {
            Some(r) => write!(f, "{r}"),
            None => f.write_str("none"),
        }
    }
}

impl Stack {
    /// A stack without a network device, for loopback: an interface with no address
    /// (smoltcp needs one to hand sockets a context; it is never polled) and no
    /// network task. Nothing of it is allocated on the heap.
    fn without_device() -> Stack {
        let mut none = smoltcp::phy::Loopback::new(smoltcp::phy::Medium::Ethernet);
        let config = Config::new(HardwareAddress::Ethernet(EthernetAddress([
            2, 0, 0, 0, 0, 1,
        ])));
        Stack {
            iface: Interface::new(config, &mut none, now()),
            dev: None,
            set: Sockets::new(),
            #[cfg(feature = "dhcpv4")]
            dhcp: None,
            dns: None,
            dns_servers: Vec::new(),
            dns_override: Vec::new(),
            table: Table::new(),
            idle_repeats: 0,
            quiet_call: false,
        }
    }
}

/// The interface's own IPv6 addresses: the link-local one from the MAC (EUI-64, RFC
/// 4291 appendix A; neighbour discovery and SLAAC's router solicitations come from
/// it), and the static one of `ip6=` with the router of `gateway6=`.
fn setup_ipv6(iface: &mut Interface, mac: [u8; 6], opts: &NetOptions) {
    let mut ll = [0u8; 16];
    ll[0] = 0xfe;
    ll[1] = 0x80;
    ll[8..11].copy_from_slice(&[mac[0] ^ 0x02, mac[1], mac[2]]);
    ll[11] = 0xff;
    ll[12] = 0xfe;
    ll[13..16].copy_from_slice(&mac[3..6]);
    let link_local = Ipv6Cidr::new(Ipv6Address::from(ll), 64);
    let fixed = opts
        .ip6
        .map(|(a, prefix)| Ipv6Cidr::new(Ipv6Address::from(a), prefix));
    iface.update_ip_addrs(|addrs| {
        let _ = addrs.push(IpCidr::Ipv6(link_local));
        if let Some(c) = fixed {
            let _ = addrs.push(IpCidr::Ipv6(c));
        }
    });
    if let Some(r) = opts.gateway6 {
        let _ = iface
            .routes_mut()
            .add_default_ipv6_route(Ipv6Address::from(r));
    }
    klog!(
        "eremit: network: IPv6 {link_local}{}{}, SLAAC",
        Shown(fixed.map(|c| alloc::format!(", {c}"))),
        Shown(
            opts.gateway6
                .map(|r| alloc::format!(", gateway {}", Ipv6Address::from(r)))
        )
    );
}

/// An optional piece of a log line.
struct Shown(Option<alloc::string::String>);

impl core::fmt::Display for Shown {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.0.as_deref().unwrap_or(""))
    }
}

/// The network task: polls, then sleeps until an interrupt, a kick or the next timer.
extern "C" fn task(_: usize) {
    loop {
        let kicked = KICK.load(Ordering::SeqCst);
        POLL_WANTED.store(true, Ordering::SeqCst);
        let Some(mut guard) = STACK.try_lock() else {
            // An application call holds the stack (and polls it); `with` kicks this
            // task when it is done, or already has if the lock is free again.
            // A mismatch (kicked meanwhile) just means another round.
            let _ = crate::sched::futex_wait(&KICK, kicked, None);
            continue;
        };
        POLL_WANTED.store(false, Ordering::SeqCst);
        let mut more = false;
        let deadline = guard.as_mut().and_then(|s| {
            NET_DEADLINE.store(0, Ordering::Relaxed);
            crate::drivers::virtio::net_counters::TASK_POLLS.add(1);
            let before = RX_FRAMES.get();
            let changed = s.poll();
            // While frames keep coming (on one CPU: the idle loop watches, and with
            // more there would be several), the idle loop watches the ring for the
            // next ones instead of an interrupt (net_rx_watch.rs): a poll that took
            // frames opens a window, one that took none (woken for something else)
            // keeps the window open; after a window without frames the interrupt is on
            // again. With the event index the device interrupted once since the last
            // round: frames that came while the task polled raised none, so either way
            // they are polled now, not slept on.
            let took = RX_FRAMES.get() != before;
            let until = match (net_rx_watch::take_expired(), took) {
                (true, _) => 0,
                (false, true) => clock::deadline_after_ns(net_rx_watch::WINDOW_NS),
                (false, false) => net_rx_watch::until(),
            };
            more = if until != 0 && crate::arch::smp::online_cpus() == 1 {
                s.watch_rx(until)
            } else {
                s.unmute_rx()
            };
            let d = s.next_deadline(changed);
            NET_DEADLINE.store(d.unwrap_or(u64::MAX), Ordering::Relaxed);
            d
        });
        drop(guard);
        if more {
            continue;
        }
        // Woken, kicked meanwhile or timed out: every case polls again.
        let _ = crate::sched::futex_wait(&KICK, kicked, deadline);
    }
}

/// Finds the network device, configures the interface (static address from the
/// command line, else DHCP) and starts the network task. Without a device only
/// loopback works: the first socket call makes a device-less stack (see `with`).
pub fn init(opts: &NetOptions) {
    let Some(mut dev) = open_net(kick) else {
        klog!("eremit: no network device (loopback only)");
        NO_DEVICE.store(true, Ordering::Relaxed);
        return;
    };
    let mac = dev.mac();
    let offload = dev.checksum_offload();
    let large = dev.large_receive();
    let mut config = Config::new(HardwareAddress::Ethernet(EthernetAddress(mac)));
    config.random_seed =
        crate::arch::cpu::hardware_random().unwrap_or_else(crate::arch::cpu::rdtsc);
    // Addresses from the prefixes routers advertise (QEMU's user network: fec0::/64).
    config.slaac = true;
    let mut iface = Interface::new(config, &mut dev, now());
    setup_ipv6(&mut iface, mac, opts);
    #[cfg_attr(not(feature = "dns"), allow(unused_mut))]
    let mut set = Sockets::new();
    #[cfg(feature = "dns")]
    let dns = {
        let slots: Vec<Option<smoltcp::socket::dns::DnsQuery>> = (0..4).map(|_| None).collect();
        set.add(smoltcp::socket::dns::Socket::new(&[], slots)).ok()
    };
    #[cfg(not(feature = "dns"))]
    let dns = None;
    let mut stack = Stack {
        iface,
        dev: Some(dev),
        set,
        #[cfg(feature = "dhcpv4")]
        dhcp: None,
        dns,
        dns_servers: Vec::new(),
        dns_override: opts.dns.iter().map(|&a| Ipv4Address::from(a)).collect(),
        table: Table::new(),
        idle_repeats: 0,
        quiet_call: false,
    };
    klog!(
        "eremit: network: MAC {:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}, TCP checksums {}{}",
        mac[0],
        mac[1],
        mac[2],
        mac[3],
        mac[4],
        mac[5],
        if offload {
            "offloaded to the device"
        } else {
            "computed here"
        },
        if large {
            ", received TCP segments up to 64 KiB"
        } else {
            ""
        }
    );
    match opts.ip {
        Some((ip, prefix)) => {
            let cidr = Ipv4Cidr::new(Ipv4Address::from(ip), prefix);
            stack.set_address(cidr, opts.gateway.map(Ipv4Address::from), &[]);
        }
        None => {
            #[cfg(feature = "dhcpv4")]
            {
                stack.dhcp = stack.set.add(smoltcp::socket::dhcpv4::Socket::new()).ok();
            }
            #[cfg(not(feature = "dhcpv4"))]
            crate::kreport!(
                "eremit: warning: no ip= option and no DHCP (feature dhcpv4): the network has no address"
            );
        }
    }
    *STACK.lock() = Some(stack);
    if let Err(e) = crate::sched::spawn(task, 0, TASK_PRIO, 128 * 1024, "network") {
        crate::kreport!("eremit: cannot start the network task ({e:?})");
    }
}

/// Gives data the application queued on TCP connections up to `max_ns` to reach the
/// peers before the VM powers off: a program that writes its last reply, closes the
/// connection and exits at once must not lose the reply (on Linux the kernel keeps
/// sending after the process is gone).
pub fn drain(max_ns: u64) {
    use smoltcp::socket::{Socket, tcp};
    // Without a device there is nothing to send (loopback data is where it goes).
    if !present() || !with(|st| st.dev.is_some()).unwrap_or(false) {
        return;
    }
    // A notification held back for the last calls goes out now: a datagram answered
    // just before the exit must not stay in the ring.
    with(|st| st.poll());
    klog!(
        "eremit: network device: {}",
        crate::drivers::virtio::net_counters::summary()
    );
    let deadline = clock::deadline_after_ns(max_ns);
    loop {
        let pending = with(|st| {
            st.set.iter().any(|(_, s)| match s {
                Socket::Tcp(t) => {
                    t.send_queue() > 0
                        || matches!(
                            t.state(),
                            tcp::State::FinWait1 | tcp::State::Closing | tcp::State::LastAck
                        )
                }
                _ => false,
            })
        })
        .unwrap_or(false);
        if crate::arch::cpu::rdtsc() >= deadline {
            return;
        }
        if !pending {
            // The last frames handed to the device may still be in its ring.
            let sent = with(|st| !st.dev.as_mut().is_some_and(|d| d.tx_in_flight()));
            if sent.unwrap_or(true) {
                return;
            }
            crate::sched::sleep_until(clock::deadline_after_ns(100_000));
            continue;
        }
        kick();
        crate::sched::sleep_until(clock::deadline_after_ns(1_000_000));
    }
}
