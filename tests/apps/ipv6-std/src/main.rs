//! IPv6 through Rust's std (hermit-abi's sockaddr_in6 underneath), run by
//! tests/ipv6_tests.py in Eremit and natively (the same lines are expected, except
//! `localhost`, which depends on the host's /etc/hosts):
//!
//!   ipv6-std local             TcpListener on [::], TcpStream to [::1], an IPv4 client
//!                              of the dual-stack listener, UdpSocket over ::1,
//!                              "localhost:80".to_socket_addrs(); "ok NAME: detail" or
//!                              "FAIL NAME: why" per check
//!   ipv6-std fetch HOST PORT   GET 100000 bytes from [HOST]:PORT (a host server through
//!                              QEMU's user network: fec0::2), check every byte

#[cfg(target_os = "hermit")]
use hermit as _;

use std::io::{Read, Write};
use std::net::{IpAddr, Ipv6Addr, SocketAddr, TcpListener, TcpStream, ToSocketAddrs, UdpSocket};

fn check(name: &str, r: Result<String, String>) -> bool {
    match r {
        Ok(detail) => {
            println!("ok {name}: {detail}");
            true
        }
        Err(why) => {
            println!("FAIL {name}: {why}");
            false
        }
    }
}

fn e<T: std::fmt::Display>(what: &'static str) -> impl Fn(T) -> String {
    move |err| format!("{what}: {err}")
}

fn tcp_over_loopback() -> Result<String, String> {
    let l = TcpListener::bind("[::]:0").map_err(e("bind [::]:0"))?;
    let local = l.local_addr().map_err(e("local_addr"))?;
    if local.ip() != IpAddr::V6(Ipv6Addr::UNSPECIFIED) {
        return Err(format!("listener's address {local}"));
    }
    let mut c = TcpStream::connect(("::1", local.port())).map_err(e("connect [::1]"))?;
    let (mut s, peer) = l.accept().map_err(e("accept"))?;
    c.write_all(b"hello over ::1").map_err(e("write"))?;
    let mut buf = [0u8; 14];
    s.read_exact(&mut buf).map_err(e("read"))?;
    let client = c.local_addr().map_err(e("client local_addr"))?;
    if &buf != b"hello over ::1" || peer != client || !peer.is_ipv6() {
        return Err(format!("got {buf:?} from {peer}, client {client}"));
    }
    Ok(format!(
        "[::] listener, client at {} -> {}, 14 bytes",
        peer.ip(),
        c.peer_addr().map_err(e("peer_addr"))?.ip()
    ))
}

// `only_v6` is deprecated for setting before bind; reading it is what is checked.
#[allow(deprecated)]
fn dual_stack() -> Result<String, String> {
    let l = TcpListener::bind("[::]:0").map_err(e("bind [::]:0"))?;
    let port = l.local_addr().map_err(e("local_addr"))?.port();
    let mut c = TcpStream::connect(("127.0.0.1", port)).map_err(e("connect 127.0.0.1"))?;
    let (mut s, peer) = l.accept().map_err(e("accept"))?;
    c.write_all(b"v4").map_err(e("write"))?;
    let mut buf = [0u8; 2];
    s.read_exact(&mut buf).map_err(e("read"))?;
    match peer {
        SocketAddr::V6(p) if p.ip().to_ipv4_mapped().is_some() && &buf == b"v4" => Ok(format!(
            "the IPv4 client is {} (only_v6 {})",
            p.ip(),
            l.only_v6().map_err(e("only_v6"))?
        )),
        _ => Err(format!("peer {peer}, got {buf:?}")),
    }
}

fn udp_over_loopback() -> Result<String, String> {
    let a = UdpSocket::bind("[::1]:0").map_err(e("bind a"))?;
    let b = UdpSocket::bind("[::1]:0").map_err(e("bind b"))?;
    let to = a.local_addr().map_err(e("local_addr"))?;
    b.send_to(b"datagram6", to).map_err(e("send_to"))?;
    let mut buf = [0u8; 32];
    let (n, from) = a.recv_from(&mut buf).map_err(e("recv_from"))?;
    if &buf[..n] != b"datagram6" || from != b.local_addr().map_err(e("b's address"))? {
        return Err(format!("got {:?} from {from}", &buf[..n]));
    }
    Ok(format!("{n} bytes from {}", from.ip()))
}

fn localhost() -> Result<String, String> {
    let all: Vec<SocketAddr> = "localhost:80"
        .to_socket_addrs()
        .map_err(e("to_socket_addrs"))?
        .collect();
    if !all.contains(&"127.0.0.1:80".parse().unwrap()) {
        return Err(format!("{all:?}"));
    }
    Ok(format!("{all:?}"))
}

fn fetch(host: &str, port: u16) -> Result<String, String> {
    let ip: Ipv6Addr = host.parse().map_err(e("address"))?;
    let mut s = TcpStream::connect((ip, port)).map_err(e("connect"))?;
    s.write_all(b"GET 100000\n").map_err(e("write"))?;
    let mut data = Vec::new();
    s.read_to_end(&mut data).map_err(e("read"))?;
    if data.len() != 100000 || (0..data.len()).any(|i| data[i] != (i % 251) as u8) {
        return Err(format!("{} bytes, not the pattern", data.len()));
    }
    Ok(format!(
        "100000 bytes intact, local address {}",
        s.local_addr().map_err(e("local_addr"))?.ip()
    ))
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let ok = match args.get(1).map(String::as_str) {
        Some("local") => [
            check("tcp over ::1", tcp_over_loopback()),
            check("dual-stack listener", dual_stack()),
            check("udp over ::1", udp_over_loopback()),
            check("localhost", localhost()),
        ]
        .iter()
        .all(|&b| b),
        Some("fetch") if args.len() == 4 => check(
            "fetch",
            args[3]
                .parse()
                .map_err(e("port"))
                .and_then(|p| fetch(&args[2], p)),
        ),
        _ => {
            eprintln!("usage: ipv6-std local | fetch HOST PORT");
            std::process::exit(2);
        }
    };
    std::process::exit(if ok { 0 } else { 1 });
}
