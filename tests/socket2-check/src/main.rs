//! Exercises socket2's hermit backend (compat/socket2/hermit.rs) in Eremit, against
//! servers on the host that tests/tokio_tests.py starts (QEMU user networking: the host
//! is HOST). Prints "ok NAME" or "FAIL NAME: detail" per check; exit code 1 on a failure.
//!
//! Usage: socket2-check HOST TCP_ECHO_PORT UDP_ECHO_PORT CLOSED_PORT LISTEN_PORT
//!   TCP_ECHO_PORT: a server that, after the line "ECHO", echoes until end of file
//!   UDP_ECHO_PORT: answers each datagram with "pong:" and the datagram
//!   CLOSED_PORT:   nobody listens there
//!   LISTEN_PORT:   this program listens there for one connection (the test forwards a
//!                  host port to it), sends a line and closes

#[cfg(target_os = "hermit")]
use hermit as _;

use std::io::{self, Read, Write};
use std::mem::MaybeUninit;
use std::net::{Ipv4Addr, Shutdown, SocketAddr, SocketAddrV4};
use std::time::Duration;

use socket2::{Domain, Protocol, SockAddr, Socket, TcpKeepalive, Type};

struct Checks {
    failed: usize,
}

impl Checks {
    fn check(&mut self, name: &str, ok: bool, detail: impl std::fmt::Debug) {
        if ok {
            println!("ok {name}");
        } else {
            println!("FAIL {name}: {detail:?}");
            self.failed += 1;
        }
    }
}

/// errno values of the hermit ABI (Linux numbering).
const EAFNOSUPPORT: i32 = 97;
const ENOPROTOOPT: i32 = 92;

fn tcp() -> io::Result<Socket> {
    Socket::new(Domain::IPV4, Type::STREAM, Some(Protocol::TCP))
}

fn options(c: &mut Checks) -> io::Result<()> {
    let s = tcp()?;
    s.set_reuse_address(true)?;
    c.check("SO_REUSEADDR set and read back", s.reuse_address()?, ());
    s.set_tcp_nodelay(true)?;
    c.check("TCP_NODELAY set and read back", s.tcp_nodelay()?, ());
    s.set_tcp_nodelay(false)?;
    c.check("TCP_NODELAY cleared", !s.tcp_nodelay()?, ());
    s.set_keepalive(true)?;
    c.check("SO_KEEPALIVE set and read back", s.keepalive()?, ());
    s.set_linger(Some(Duration::from_secs(5)))?;
    let l = s.linger()?;
    c.check(
        "SO_LINGER 5 s read back",
        l == Some(Duration::from_secs(5)),
        l,
    );
    s.set_linger(None)?;
    let l = s.linger()?;
    c.check("SO_LINGER off read back", l.is_none(), l);
    let t = Duration::from_millis(1500);
    s.set_read_timeout(Some(t))?;
    let r = s.read_timeout()?;
    c.check("SO_RCVTIMEO 1.5 s read back", r == Some(t), r);
    s.set_write_timeout(None)?;
    let w = s.write_timeout()?;
    c.check("SO_SNDTIMEO none read back", w.is_none(), w);
    s.set_ttl_v4(33)?;
    let ttl = s.ttl_v4()?;
    c.check("IP_TTL set and read back", ttl == 33, ttl);
    c.check("SO_RCVBUF reads a size", s.recv_buffer_size()? > 0, ());
    c.check("fresh socket is blocking", !s.nonblocking()?, ());
    s.set_nonblocking(true)?;
    c.check("set_nonblocking(true) read back", s.nonblocking()?, ());
    s.set_nonblocking(false)?;
    c.check("set_nonblocking(false) read back", !s.nonblocking()?, ());
    let e = s.take_error()?;
    c.check("SO_ERROR of a fresh socket is none", e.is_none(), e);

    // What the kernel does not serve fails, with its errno or Unsupported.
    let r = s.r#type();
    c.check(
        "SO_TYPE (not in the hermit ABI) fails with ENOPROTOOPT",
        matches!(&r, Err(e) if e.raw_os_error() == Some(ENOPROTOOPT)),
        r,
    );
    let r = s.set_tcp_keepalive(&TcpKeepalive::new().with_time(Duration::from_secs(30)));
    c.check(
        "TCP keepalive time fails with Unsupported",
        matches!(&r, Err(e) if e.kind() == io::ErrorKind::Unsupported),
        r,
    );
    let r = s.tcp_keepalive_time();
    c.check(
        "reading TCP keepalive time fails with Unsupported",
        matches!(&r, Err(e) if e.kind() == io::ErrorKind::Unsupported),
        r,
    );
    c.check(
        "SO_KEEPALIVE alone through set_tcp_keepalive works",
        s.set_tcp_keepalive(&TcpKeepalive::new()).is_ok(),
        (),
    );
    let r = s.set_tos_v4(0x10);
    c.check(
        "IP_TOS is refused by the kernel, not ignored",
        r.is_err(),
        r,
    );
    // IPv6 (docs/ipv6.md): a v6-only socket on [::1].
    let r = Socket::new(Domain::IPV6, Type::STREAM, None).and_then(|s6| {
        s6.set_only_v6(true)?;
        s6.bind(&SocketAddr::from((std::net::Ipv6Addr::LOCALHOST, 0)).into())?;
        Ok((s6.only_v6()?, s6.local_addr()?.as_socket()))
    });
    c.check(
        "an IPv6 socket: IPV6_V6ONLY set and read back, bound to [::1]",
        matches!(&r, Ok((true, Some(a))) if a.is_ipv6() && a.ip().is_loopback()),
        r,
    );
    let r = Socket::new(Domain::from(12345), Type::STREAM, None);
    c.check(
        "an unknown family fails with EAFNOSUPPORT",
        matches!(&r, Err(e) if e.raw_os_error() == Some(EAFNOSUPPORT)),
        r.map(|_| ()),
    );
    Ok(())
}

fn read_all(s: &mut Socket) -> io::Result<Vec<u8>> {
    let mut out = Vec::new();
    s.read_to_end(&mut out)?;
    Ok(out)
}

fn client(c: &mut Checks, host: Ipv4Addr, echo: u16, closed: u16) -> io::Result<()> {
    let server = SocketAddr::V4(SocketAddrV4::new(host, echo));
    let mut s = tcp()?;
    s.connect_timeout(&server.into(), Duration::from_secs(10))?;
    let peer = s.peer_addr()?.as_socket();
    c.check(
        "connect_timeout; peer_addr is the server",
        peer == Some(server),
        peer,
    );
    let local = s.local_addr()?.as_socket();
    c.check(
        "local_addr is an IPv4 address with a port",
        matches!(local, Some(SocketAddr::V4(a)) if a.port() != 0 && !a.ip().is_unspecified()),
        local,
    );
    s.write_all(b"ECHO\nhello socket2\n")?;
    s.shutdown(Shutdown::Write)?;
    let got = read_all(&mut s)?;
    c.check(
        "send, shutdown(Write), echo read to end of file",
        got == b"hello socket2\n",
        String::from_utf8_lossy(&got),
    );

    let s = tcp()?;
    s.connect(&server.into())?;
    s.set_nonblocking(true)?;
    let mut buf = [MaybeUninit::uninit(); 16];
    let r = s.recv(&mut buf);
    c.check(
        "non-blocking recv with nothing to read: WouldBlock",
        matches!(&r, Err(e) if e.kind() == io::ErrorKind::WouldBlock),
        r,
    );
    drop(s);

    let s = tcp()?;
    let nowhere = SocketAddr::V4(SocketAddrV4::new(host, closed));
    let r = s.connect_timeout(&nowhere.into(), Duration::from_secs(10));
    c.check(
        "connect_timeout to a closed port fails (refused)",
        matches!(&r, Err(e) if e.kind() == io::ErrorKind::ConnectionRefused),
        r,
    );
    Ok(())
}

fn udp(c: &mut Checks, host: Ipv4Addr, port: u16) -> io::Result<()> {
    let s = Socket::new(Domain::IPV4, Type::DGRAM, Some(Protocol::UDP))?;
    s.bind(&SockAddr::from(SocketAddr::from(([0, 0, 0, 0], 0))))?;
    let server = SocketAddr::V4(SocketAddrV4::new(host, port));
    s.set_read_timeout(Some(Duration::from_secs(10)))?;
    let n = s.send_to(b"ping", &server.into())?;
    c.check("UDP send_to", n == 4, n);
    let sender = s.peek_sender()?.as_socket();
    c.check(
        "UDP peek_sender names the server",
        sender == Some(server),
        sender,
    );
    let mut buf = [MaybeUninit::uninit(); 64];
    let (n, from) = s.recv_from(&mut buf)?;
    // SAFETY: recv_from initialised the first n bytes.
    let data: Vec<u8> = buf[..n]
        .iter()
        .map(|b| unsafe { b.assume_init() })
        .collect();
    c.check(
        "UDP recv_from: the reply and its sender",
        data == b"pong:ping" && from.as_socket() == Some(server),
        (String::from_utf8_lossy(&data), from.as_socket()),
    );
    Ok(())
}

fn listener(c: &mut Checks, port: u16) -> io::Result<()> {
    let l = tcp()?;
    l.set_reuse_address(true)?;
    l.bind(&SockAddr::from(SocketAddr::from(([0, 0, 0, 0], port))))?;
    l.listen(8)?;
    let local = l.local_addr()?.as_socket();
    c.check(
        "listener's local_addr is the bound port",
        local.map(|a| a.port()) == Some(port),
        local,
    );
    println!("listening on {port}");
    let (mut conn, peer) = l.accept()?;
    c.check(
        "accept gives the peer's IPv4 address",
        peer.as_socket().is_some_and(|a| a.is_ipv4()),
        peer.as_socket(),
    );
    conn.write_all(b"hi from socket2\n")?;
    conn.shutdown(Shutdown::Both)?;
    Ok(())
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 6 {
        eprintln!("usage: socket2-check HOST TCP_ECHO_PORT UDP_ECHO_PORT CLOSED_PORT LISTEN_PORT");
        std::process::exit(2);
    }
    let host: Ipv4Addr = args[1].parse().expect("HOST");
    let port = |i: usize| -> u16 { args[i].parse().expect("port") };
    let mut c = Checks { failed: 0 };
    let steps: [(&str, &dyn Fn(&mut Checks) -> io::Result<()>); 4] = [
        ("options", &options),
        ("client", &|c| client(c, host, port(2), port(4))),
        ("udp", &|c| udp(c, host, port(3))),
        ("listener", &|c| listener(c, port(5))),
    ];
    for (name, step) in steps {
        if let Err(e) = step(&mut c) {
            c.check(&format!("{name}: no unexpected error"), false, e);
        }
    }
    println!("socket2-check: {} failed", c.failed);
    std::process::exit(if c.failed == 0 { 0 } else { 1 });
}
