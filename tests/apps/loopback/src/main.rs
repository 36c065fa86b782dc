//! Talks to itself over loopback with Rust's std (issue 14, item 4): a `TcpListener` on
//! 127.0.0.1:0, a client thread per connection sending a message and reading the
//! answer, a UDP echo over 127.0.0.1, and a refused connection. Prints only what does
//! not depend on ports or timing, so the native run gives the same output.

#[cfg(target_os = "hermit")]
use hermit as _;

use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream, UdpSocket};
use std::thread;

fn main() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("local_addr");
    println!("listening on {}", addr.ip());
    let clients: Vec<_> = (0..3u8)
        .map(|i| {
            thread::spawn(move || {
                let mut s = TcpStream::connect(addr).expect("connect");
                assert_eq!(s.peer_addr().unwrap(), addr);
                let data: Vec<u8> = (0..100_000u32).map(|k| (k as u8) ^ i).collect();
                s.write_all(&data).expect("write");
                s.shutdown(Shutdown::Write).expect("shutdown");
                let mut back = Vec::new();
                s.read_to_end(&mut back).expect("read");
                back == data.iter().rev().copied().collect::<Vec<u8>>()
            })
        })
        .collect();
    for _ in 0..3 {
        let (mut s, peer) = listener.accept().expect("accept");
        assert_eq!(s.peer_addr().unwrap(), peer);
        let mut data = Vec::new();
        s.read_to_end(&mut data).expect("server read");
        data.reverse();
        s.write_all(&data).expect("server write");
        println!("served {} bytes from {}", data.len(), peer.ip());
    }
    let intact = clients
        .into_iter()
        .map(|c| c.join().expect("client thread"))
        .filter(|&ok| ok)
        .count();
    println!("{intact} of 3 clients got their bytes back reversed");

    let server = UdpSocket::bind("127.0.0.1:0").expect("udp bind");
    let server_addr = server.local_addr().unwrap();
    let echo = thread::spawn(move || {
        let mut buf = [0u8; 1500];
        let (n, from) = server.recv_from(&mut buf).expect("recv_from");
        server.send_to(&buf[..n], from).expect("send_to");
    });
    let client = UdpSocket::bind("127.0.0.1:0").expect("udp client bind");
    client.send_to(b"hello over udp", server_addr).expect("udp send");
    let mut buf = [0u8; 64];
    let (n, from) = client.recv_from(&mut buf).expect("udp recv");
    echo.join().unwrap();
    println!(
        "udp echo: {} from the server: {}",
        String::from_utf8_lossy(&buf[..n]),
        from == server_addr
    );

    drop(listener);
    match TcpStream::connect(addr) {
        Err(e) if e.kind() == ErrorKind::ConnectionRefused => println!("closed port refused"),
        other => println!("closed port: {other:?}"),
    }
}
