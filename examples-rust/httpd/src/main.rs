//! A small HTTP/1.1 server on std::net, one thread per connection, keep-alive.
//!
//!   /        a small HTML page
//!   /big     4 MiB of a fixed pattern (byte i is i % 251)
//!   /quit    answers, then ends the program (exit code 0)
//!
//! Usage: httpd [PORT]   (default 8080). With Eremit:
//!   eremit run --net user --forward tcp:8080:8080 target/x86_64-unknown-hermit/release/httpd

#[cfg(target_os = "hermit")]
use hermit as _;

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::time::Duration;

const BIG: usize = 4 << 20;
const PAGE: &str = "<!doctype html>\n<html><head><title>Eremit</title></head>\n<body><h1>Hello from Eremit!</h1><p>Served by std::net on a unikernel.</p></body></html>\n";

/// The 4 MiB body: byte i is i % 251, so a client can check every byte.
fn big_body() -> Vec<u8> {
    (0..BIG).map(|i| (i % 251) as u8).collect()
}

/// Reads one request head; returns the path and whether the connection stays open.
fn read_request(reader: &mut BufReader<TcpStream>) -> std::io::Result<Option<(String, bool)>> {
    let mut line = String::new();
    if reader.read_line(&mut line)? == 0 {
        return Ok(None);
    }
    let mut parts = line.split_whitespace();
    let (_method, path, version) = (parts.next(), parts.next(), parts.next());
    let path = path.unwrap_or("/").to_string();
    let mut keep_alive = version == Some("HTTP/1.1");
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header)? == 0 {
            return Ok(None);
        }
        let h = header.trim_end();
        if h.is_empty() {
            break;
        }
        if let Some((name, value)) = h.split_once(':') {
            if name.eq_ignore_ascii_case("connection") {
                let v = value.trim();
                if v.eq_ignore_ascii_case("close") {
                    keep_alive = false;
                } else if v.eq_ignore_ascii_case("keep-alive") {
                    keep_alive = true;
                }
            }
        }
    }
    Ok(Some((path, keep_alive)))
}

fn respond(
    stream: &mut TcpStream,
    status: &str,
    kind: &str,
    body: &[u8],
    keep_alive: bool,
) -> std::io::Result<()> {
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: {}\r\nServer: eremit-httpd\r\n\r\n",
        body.len(),
        if keep_alive { "keep-alive" } else { "close" }
    );
    stream.write_all(head.as_bytes())?;
    stream.write_all(body)?;
    stream.flush()
}

fn serve(stream: TcpStream, big: &'static [u8]) -> std::io::Result<()> {
    stream.set_nodelay(true)?;
    // An idle keep-alive connection is dropped after a while.
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut stream = stream;
    while let Some((path, keep_alive)) = read_request(&mut reader)? {
        match path.as_str() {
            "/" | "/index.html" => respond(
                &mut stream,
                "200 OK",
                "text/html",
                PAGE.as_bytes(),
                keep_alive,
            )?,
            "/big" => respond(
                &mut stream,
                "200 OK",
                "application/octet-stream",
                big,
                keep_alive,
            )?,
            "/quit" => {
                respond(&mut stream, "200 OK", "text/plain", b"bye\n", false)?;
                // The VM ends with the program: let the answer reach the client (it
                // closes once it has read it) before exiting.
                stream.shutdown(std::net::Shutdown::Write)?;
                stream.set_read_timeout(Some(Duration::from_secs(2)))?;
                let _ = std::io::copy(&mut reader, &mut std::io::sink());
                println!("httpd: quit requested");
                std::process::exit(0);
            }
            _ => respond(
                &mut stream,
                "404 Not Found",
                "text/plain",
                b"not found\n",
                keep_alive,
            )?,
        }
        if !keep_alive {
            break;
        }
    }
    Ok(())
}

fn main() {
    let port: u16 = std::env::args()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(8080);
    let big: &'static [u8] = Box::leak(big_body().into_boxed_slice());
    let listener = TcpListener::bind(("0.0.0.0", port)).expect("bind");
    println!(
        "httpd: listening on {}",
        listener.local_addr().expect("local address")
    );
    for conn in listener.incoming() {
        match conn {
            Ok(stream) => {
                // Short of memory for another thread, this client is turned away (its
                // connection closed) and the server goes on with the others.
                let spawned = std::thread::Builder::new().spawn(move || {
                    if let Err(e) = serve(stream, big) {
                        if e.kind() != std::io::ErrorKind::WouldBlock {
                            eprintln!("httpd: connection: {e}");
                        }
                    }
                });
                if let Err(e) = spawned {
                    eprintln!("httpd: no thread for a connection: {e}");
                }
            }
            Err(e) => {
                eprintln!("httpd: accept: {e}");
                // ENOMEM and the like last a moment: do not spin on them.
                std::thread::sleep(Duration::from_millis(10));
            }
        }
    }
}
