//! Network checks run in Eremit by tests/net_tests.py against servers on the host
//! (QEMU user networking: the host is 10.0.2.2).
//!
//!   net-client fetch HOST PORT BYTES   GET BYTES from the host server, check every byte
//!   net-client checks HOST PORT UDP_PORT CLOSED_PORT
//!                                     socket API behaviour; prints "ok NAME" or
//!                                     "FAIL NAME: why" per check
//!
//! The host server answers "GET N\n" with N bytes (byte i is i % 251) and closes,
//! "SILENT\n" by saying nothing for a while, "ECHO\n" by echoing until end of file;
//! the UDP server answers each datagram with "pong:" and the datagram.

#[cfg(target_os = "hermit")]
use hermit as _;

use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream, ToSocketAddrs, UdpSocket};
use std::time::{Duration, Instant};

fn fetch(host: &str, port: u16, n: usize) -> Result<String, String> {
    let start = Instant::now();
    let mut s = TcpStream::connect((host, port)).map_err(|e| format!("connect: {e}"))?;
    s.write_all(format!("GET {n}\n").as_bytes())
        .map_err(|e| format!("write: {e}"))?;
    let mut data = Vec::with_capacity(n);
    s.read_to_end(&mut data).map_err(|e| format!("read: {e}"))?;
    let secs = start.elapsed().as_secs_f64();
    if data.len() != n {
        return Err(format!("got {} bytes, wanted {n}", data.len()));
    }
    if let Some(i) = (0..n).find(|&i| data[i] != (i % 251) as u8) {
        return Err(format!("byte {i} is {}, wanted {}", data[i], i % 251));
    }
    Ok(format!(
        "fetch ok {n} bytes in {:.1} ms ({:.1} MB/s)",
        secs * 1000.0,
        n as f64 / secs / 1e6
    ))
}

struct Checks {
    failed: usize,
}

impl Checks {
    fn check(&mut self, name: &str, r: Result<(), String>) {
        match r {
            Ok(()) => println!("ok {name}"),
            Err(e) => {
                self.failed += 1;
                println!("FAIL {name}: {e}");
            }
        }
    }
}

fn expect_kind<T: std::fmt::Debug>(
    r: std::io::Result<T>,
    kinds: &[ErrorKind],
) -> Result<(), String> {
    match r {
        Err(e) if kinds.contains(&e.kind()) => Ok(()),
        Err(e) => Err(format!("error {e} ({:?}), wanted {kinds:?}", e.kind())),
        Ok(v) => Err(format!("succeeded ({v:?}), wanted {kinds:?}")),
    }
}

fn checks(host: &str, port: u16, udp_port: u16, closed_port: u16) -> usize {
    let mut c = Checks { failed: 0 };
    let server: SocketAddr = format!("{host}:{port}").parse().expect("HOST:PORT");

    c.check(
        "resolve a numeric address and localhost",
        (|| {
            let a: Vec<SocketAddr> = (host, port)
                .to_socket_addrs()
                .map_err(|e| e.to_string())?
                .collect();
            if a != [server] {
                return Err(format!("{a:?}"));
            }
            let l: Vec<SocketAddr> = "localhost:80"
                .to_socket_addrs()
                .map_err(|e| e.to_string())?
                .collect();
            if l.first().map(|a| a.to_string()) != Some("127.0.0.1:80".into()) {
                return Err(format!("localhost: {l:?}"));
            }
            Ok(())
        })(),
    );

    c.check(
        "connection refused",
        expect_kind(
            TcpStream::connect((host, closed_port)),
            &[ErrorKind::ConnectionRefused],
        ),
    );

    c.check(
        "addresses, nodelay, echo, shutdown",
        (|| {
            let mut s = TcpStream::connect(server).map_err(|e| format!("connect: {e}"))?;
            let local = s.local_addr().map_err(|e| e.to_string())?;
            let peer = s.peer_addr().map_err(|e| e.to_string())?;
            if peer != server || local.ip().to_string() != "10.0.2.15" || local.port() == 0 {
                return Err(format!("local {local}, peer {peer}"));
            }
            s.set_nodelay(true).map_err(|e| e.to_string())?;
            if !s.nodelay().map_err(|e| e.to_string())? {
                return Err("nodelay not set".into());
            }
            s.write_all(b"ECHO\nhello eremit")
                .map_err(|e| e.to_string())?;
            s.shutdown(Shutdown::Write).map_err(|e| e.to_string())?;
            let mut back = String::new();
            s.read_to_string(&mut back).map_err(|e| e.to_string())?;
            if back != "hello eremit" {
                return Err(format!("echo {back:?}"));
            }
            if s.take_error().map_err(|e| e.to_string())?.is_some() {
                return Err("SO_ERROR set".into());
            }
            Ok(())
        })(),
    );

    c.check(
        "read timeout",
        (|| {
            let mut s = TcpStream::connect(server).map_err(|e| format!("connect: {e}"))?;
            s.write_all(b"SILENT\n").map_err(|e| e.to_string())?;
            s.set_read_timeout(Some(Duration::from_millis(300)))
                .map_err(|e| e.to_string())?;
            if s.read_timeout().map_err(|e| e.to_string())? != Some(Duration::from_millis(300)) {
                return Err("read_timeout() differs".into());
            }
            let start = Instant::now();
            expect_kind(
                s.read(&mut [0; 16]),
                &[ErrorKind::WouldBlock, ErrorKind::TimedOut],
            )?;
            let waited = start.elapsed();
            if waited < Duration::from_millis(290) || waited > Duration::from_secs(3) {
                return Err(format!("waited {waited:?}"));
            }
            Ok(())
        })(),
    );

    c.check(
        "connect_timeout",
        (|| {
            let s = TcpStream::connect_timeout(&server, Duration::from_secs(5))
                .map_err(|e| e.to_string())?;
            drop(s);
            expect_kind(
                TcpStream::connect_timeout(
                    &format!("{host}:{closed_port}").parse().unwrap(),
                    Duration::from_secs(5),
                ),
                &[ErrorKind::ConnectionRefused],
            )
        })(),
    );

    c.check(
        "non-blocking accept and read",
        (|| {
            let l = TcpListener::bind("0.0.0.0:0").map_err(|e| e.to_string())?;
            l.set_nonblocking(true).map_err(|e| e.to_string())?;
            expect_kind(l.accept(), &[ErrorKind::WouldBlock])?;
            let mut s = TcpStream::connect(server).map_err(|e| e.to_string())?;
            s.write_all(b"SILENT\n").map_err(|e| e.to_string())?;
            s.set_nonblocking(true).map_err(|e| e.to_string())?;
            expect_kind(s.read(&mut [0; 8]), &[ErrorKind::WouldBlock])
        })(),
    );

    c.check(
        "address in use",
        (|| {
            let a = TcpListener::bind("0.0.0.0:0").map_err(|e| e.to_string())?;
            let port = a.local_addr().map_err(|e| e.to_string())?.port();
            expect_kind(
                TcpListener::bind(("0.0.0.0", port)),
                &[ErrorKind::AddrInUse],
            )?;
            drop(a);
            // Free again once closed.
            TcpListener::bind(("0.0.0.0", port))
                .map(drop)
                .map_err(|e| format!("rebind: {e}"))
        })(),
    );

    c.check(
        "udp round trip",
        (|| {
            let u = UdpSocket::bind("0.0.0.0:0").map_err(|e| e.to_string())?;
            u.set_read_timeout(Some(Duration::from_secs(5)))
                .map_err(|e| e.to_string())?;
            let to: SocketAddr = format!("{host}:{udp_port}").parse().unwrap();
            u.send_to(b"ping", to).map_err(|e| e.to_string())?;
            let mut buf = [0u8; 64];
            let (n, from) = u
                .recv_from(&mut buf)
                .map_err(|e| format!("recv_from: {e}"))?;
            if &buf[..n] != b"pong:ping" || from != to {
                return Err(format!("{:?} from {from}", &buf[..n]));
            }
            // Connected UDP: send/recv without addresses.
            u.connect(to).map_err(|e| e.to_string())?;
            u.send(b"again").map_err(|e| e.to_string())?;
            let n = u.recv(&mut buf).map_err(|e| e.to_string())?;
            if &buf[..n] != b"pong:again" {
                return Err(format!("{:?}", &buf[..n]));
            }
            if u.peer_addr().map_err(|e| e.to_string())? != to {
                return Err("peer_addr".into());
            }
            Ok(())
        })(),
    );

    c.check(
        "listener accepts from the guest itself through the host",
        (|| {
            // Two guest connections in flight at once to the same host server.
            let mut a = TcpStream::connect(server).map_err(|e| e.to_string())?;
            let mut b = TcpStream::connect(server).map_err(|e| e.to_string())?;
            a.write_all(b"GET 1000\n").map_err(|e| e.to_string())?;
            b.write_all(b"GET 2000\n").map_err(|e| e.to_string())?;
            let (mut x, mut y) = (Vec::new(), Vec::new());
            b.read_to_end(&mut y).map_err(|e| e.to_string())?;
            a.read_to_end(&mut x).map_err(|e| e.to_string())?;
            if x.len() != 1000 || y.len() != 2000 {
                return Err(format!("{} and {} bytes", x.len(), y.len()));
            }
            Ok(())
        })(),
    );

    #[cfg(target_os = "hermit")]
    raw_abi_checks(&mut c);

    c.failed
}

/// The calls std does not reach: errno values, eventfd and poll.
#[cfg(target_os = "hermit")]
fn raw_abi_checks(c: &mut Checks) {
    use hermit_abi as h;
    c.check(
        "socket errors",
        (|| {
            // SAFETY: plain calls with constant arguments.
            let r = unsafe { h::socket(12345, h::SOCK_STREAM, 0) };
            if r != -h::errno::EAFNOSUPPORT {
                return Err(format!("family 12345: {r}"));
            }
            // SAFETY: an ABI call on descriptors made here, with local buffers.
            let s = unsafe { h::socket(h::AF_INET, h::SOCK_STREAM, 0) };
            if s < 0 {
                return Err(format!("socket: {s}"));
            }
            let mut v = 0i32;
            let mut len = 4u32;
            let r =
                // SAFETY: an ABI call on descriptors made here, with local buffers.
                unsafe { h::getsockopt(s, h::SOL_SOCKET, 0x7777, (&raw mut v).cast(), &mut len) };
            if r != -h::errno::ENOPROTOOPT {
                return Err(format!("unknown option: {r}"));
            }
            // SAFETY: an ABI call on descriptors made here, with local buffers.
            let r = unsafe {
                h::getsockopt(
                    s,
                    h::SOL_SOCKET,
                    h::SO_KEEPALIVE,
                    (&raw mut v).cast(),
                    &mut len,
                )
            };
            if r != 0 || v != 0 {
                return Err(format!("SO_KEEPALIVE: {r} {v}"));
            }
            let one = 1i32;
            // SAFETY: an ABI call on descriptors made here, with local buffers.
            let r = unsafe {
                h::setsockopt(
                    s,
                    h::SOL_SOCKET,
                    h::SO_KEEPALIVE,
                    (&raw const one).cast(),
                    4,
                )
            };
            // SAFETY: an ABI call on descriptors made here, with local buffers.
            let r2 = unsafe {
                h::getsockopt(
                    s,
                    h::SOL_SOCKET,
                    h::SO_KEEPALIVE,
                    (&raw mut v).cast(),
                    &mut len,
                )
            };
            if r != 0 || r2 != 0 || v != 1 {
                return Err(format!("SO_KEEPALIVE set: {r} {r2} {v}"));
            }
            // SAFETY: an ABI call on descriptors made here, with local buffers.
            let r = unsafe { h::send(s, b"x".as_ptr().cast(), 1, 0) };
            if r != -(h::errno::ENOTCONN as isize) {
                return Err(format!("send unconnected: {r}"));
            }
            // SAFETY: an ABI call on descriptors made here, with local buffers.
            let r = unsafe { h::listen(1, 1) };
            if r != -h::errno::ENOTSOCK {
                return Err(format!("listen on stdout: {r}"));
            }
            // SAFETY: an ABI call on descriptors made here, with local buffers.
            unsafe { h::close(s) };
            // SAFETY: an ABI call on descriptors made here, with local buffers.
            let r = unsafe { h::listen(s, 1) };
            if r != -h::errno::EBADF {
                return Err(format!("listen on closed: {r}"));
            }
            Ok(())
        })(),
    );

    c.check(
        "eventfd and poll",
        (|| {
            // SAFETY: plain calls on descriptors made here, with local buffers.
            let e = unsafe { h::eventfd(0, h::EFD_NONBLOCK) };
            if e < 0 {
                return Err(format!("eventfd: {e}"));
            }
            let mut buf = [0u8; 8];
            // SAFETY: an ABI call on descriptors made here, with local buffers.
            let r = unsafe { h::read(e, buf.as_mut_ptr(), 8) };
            if r != -(h::errno::EAGAIN as isize) {
                return Err(format!("empty read: {r}"));
            }
            let mut p = h::pollfd {
                fd: e,
                events: h::POLLIN,
                revents: 0,
            };
            let start = Instant::now();
            // SAFETY: an ABI call on descriptors made here, with local buffers.
            let r = unsafe { h::poll(&mut p, 1, 100) };
            if r != 0 || start.elapsed() < Duration::from_millis(95) {
                return Err(format!("poll on empty: {r} after {:?}", start.elapsed()));
            }
            let three = 3u64.to_ne_bytes();
            // SAFETY: an ABI call on descriptors made here, with local buffers.
            if unsafe { h::write(e, three.as_ptr(), 8) } != 8 {
                return Err("write".into());
            }
            // SAFETY: an ABI call on descriptors made here, with local buffers.
            let r = unsafe { h::poll(&mut p, 1, -1) };
            if r != 1 || p.revents & h::POLLIN == 0 {
                return Err(format!("poll: {r} revents {}", p.revents));
            }
            // SAFETY: an ABI call on descriptors made here, with local buffers.
            if unsafe { h::read(e, buf.as_mut_ptr(), 8) } != 8 || u64::from_ne_bytes(buf) != 3 {
                return Err(format!("read {:?}", buf));
            }
            // A blocked reader is woken by a write from another thread.
            // SAFETY: an ABI call on descriptors made here, with local buffers.
            let e2 = unsafe { h::eventfd(0, 0) };
            let t = std::thread::spawn(move || {
                std::thread::sleep(Duration::from_millis(50));
                let one = 1u64.to_ne_bytes();
                // SAFETY: an ABI call on descriptors made here, with local buffers.
                unsafe { h::write(e2, one.as_ptr(), 8) }
            });
            // SAFETY: an ABI call on descriptors made here, with local buffers.
            let r = unsafe { h::read(e2, buf.as_mut_ptr(), 8) };
            t.join().unwrap();
            if r != 8 || u64::from_ne_bytes(buf) != 1 {
                return Err(format!("blocking read: {r}"));
            }
            // SAFETY: an ABI call on descriptors made here, with local buffers.
            unsafe { h::close(e) };
            // SAFETY: an ABI call on descriptors made here, with local buffers.
            unsafe { h::close(e2) };
            Ok(())
        })(),
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let arg = |i: usize| args.get(i).cloned().unwrap_or_default();
    let num = |i: usize| arg(i).parse::<u64>().unwrap_or(0);
    match arg(1).as_str() {
        "fetch" => match fetch(&arg(2), num(3) as u16, num(4) as usize) {
            Ok(msg) => println!("{msg}"),
            Err(e) => {
                println!("fetch FAILED: {e}");
                std::process::exit(1);
            }
        },
        "checks" => {
            let failed = checks(&arg(2), num(3) as u16, num(4) as u16, num(5) as u16);
            println!("{failed} checks failed");
            std::process::exit(if failed == 0 { 0 } else { 1 });
        }
        _ => {
            eprintln!(
                "usage: net-client fetch HOST PORT BYTES | checks HOST PORT UDP_PORT CLOSED_PORT"
            );
            std::process::exit(2);
        }
    }
}
