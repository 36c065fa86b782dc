//! Socket constants and address types of the hermit ABI. Note the values that differ
//! from Linux: AF_INET is 3 (AF_INET6 1), SOL_SOCKET 4095, and addresses begin with a
//! length byte (BSD style).

pub type sa_family_t = u8;
pub type in_port_t = u16;

pub const AF_UNSPEC: i32 = 0;
pub const AF_INET6: i32 = 1;
pub const AF_INET: i32 = 3;

pub const SOCK_STREAM: i32 = 1;
pub const SOCK_DGRAM: i32 = 2;
pub const SOCK_NONBLOCK: i32 = 0o4000;
pub const SOCK_CLOEXEC: i32 = 0o40000;

pub const IPPROTO_IP: i32 = 0;
pub const IPPROTO_TCP: i32 = 6;
pub const IPPROTO_UDP: i32 = 17;
pub const IPPROTO_IPV6: i32 = 41;

pub const SOL_SOCKET: i32 = 4095;
pub const SO_REUSEADDR: i32 = 0x0004;
pub const SO_KEEPALIVE: i32 = 0x0008;
pub const SO_BROADCAST: i32 = 0x0020;
pub const SO_LINGER: i32 = 0x0080;
pub const SO_SNDBUF: i32 = 0x1001;
pub const SO_RCVBUF: i32 = 0x1002;
pub const SO_SNDTIMEO: i32 = 0x1005;
pub const SO_RCVTIMEO: i32 = 0x1006;
pub const SO_ERROR: i32 = 0x1007;
pub const TCP_NODELAY: i32 = 1;
pub const IP_TTL: i32 = 2;

pub const SHUT_RD: i32 = 0;
pub const SHUT_WR: i32 = 1;
pub const SHUT_RDWR: i32 = 2;

pub const MSG_PEEK: i32 = 1;

pub const POLLIN: i16 = 0x1;
pub const POLLPRI: i16 = 0x2;
pub const POLLOUT: i16 = 0x4;
pub const POLLERR: i16 = 0x8;
pub const POLLHUP: i16 = 0x10;
pub const POLLNVAL: i16 = 0x20;
pub const POLLRDNORM: i16 = 0x040;
pub const POLLWRNORM: i16 = 0x0100;
pub const POLLRDHUP: i16 = 0x2000;

pub const EFD_SEMAPHORE: i16 = 0o1;
pub const EFD_NONBLOCK: i16 = 0o4000;
pub const EFD_CLOEXEC: i16 = 0o40000;

pub const EAI_AGAIN: i32 = 2;
pub const EAI_BADFLAGS: i32 = 3;
pub const EAI_FAIL: i32 = 4;
pub const EAI_FAMILY: i32 = 5;
pub const EAI_MEMORY: i32 = 6;
pub const EAI_NONAME: i32 = 8;
pub const EAI_SERVICE: i32 = 9;
pub const EAI_SOCKTYPE: i32 = 10;

#[repr(C)]
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct in_addr {
    /// Network byte order.
    pub s_addr: u32,
}

#[repr(C)]
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct sockaddr_in {
    pub sin_len: u8,
    pub sin_family: sa_family_t,
    /// Network byte order.
    pub sin_port: in_port_t,
    pub sin_addr: in_addr,
    pub sin_zero: [core::ffi::c_char; 8],
}

/// `struct timeval` (SO_RCVTIMEO/SO_SNDTIMEO).
#[repr(C)]
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct timeval {
    pub tv_sec: i64,
    pub tv_usec: i32,
}

/// `struct linger` (SO_LINGER).
#[repr(C)]
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct linger {
    pub l_onoff: i32,
    pub l_linger: i32,
}

/// An IPv4 socket address in host terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct V4 {
    pub addr: [u8; 4],
    pub port: u16,
}

impl sockaddr_in {
    pub fn from_v4(a: V4) -> Self {
        sockaddr_in {
            sin_len: core::mem::size_of::<sockaddr_in>() as u8,
            sin_family: AF_INET as u8,
            sin_port: a.port.to_be(),
            sin_addr: in_addr {
                s_addr: u32::from_ne_bytes(a.addr),
            },
            sin_zero: [0; 8],
        }
    }

    pub fn to_v4(&self) -> V4 {
        V4 {
            addr: self.sin_addr.s_addr.to_ne_bytes(),
            port: u16::from_be(self.sin_port),
        }
    }
}

/// Reads an address the application passed (`len` bytes at `bytes`): an IPv4 address,
/// or the errno (EAFNOSUPPORT for other families, EINVAL when too short).
pub fn parse_sockaddr(bytes: &[u8]) -> Result<V4, super::errno::Errno> {
    use super::errno::{EAFNOSUPPORT, EINVAL};
    if bytes.len() < 2 {
        return Err(EINVAL);
    }
    // Byte 1 is the family whatever the length byte says (std leaves it 0).
    match bytes[1] as i32 {
        AF_INET if bytes.len() >= 8 => Ok(V4 {
            port: u16::from_be_bytes([bytes[2], bytes[3]]),
            addr: [bytes[4], bytes[5], bytes[6], bytes[7]],
        }),
        AF_INET => Err(EINVAL),
        _ => Err(EAFNOSUPPORT),
    }
}

/// Writes `a` into the application's buffer of `capacity` bytes as POSIX says: truncated
/// to fit; returns the full length, which the caller stores in `*addrlen`.
pub fn write_sockaddr(a: V4, out: &mut [u8]) -> u32 {
    let sa = sockaddr_in::from_v4(a);
    let mut bytes = [0u8; 16];
    bytes[0] = sa.sin_len;
    bytes[1] = sa.sin_family;
    bytes[2..4].copy_from_slice(&a.port.to_be_bytes());
    bytes[4..8].copy_from_slice(&a.addr);
    let n = out.len().min(bytes.len());
    out[..n].copy_from_slice(&bytes[..n]);
    bytes.len() as u32
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::mem::{align_of, size_of};

    #[test]
    fn constants_and_layouts_match_hermit_abi() {
        use hermit_abi as h;
        assert_eq!(
            [
                AF_UNSPEC,
                AF_INET6,
                AF_INET,
                SOCK_STREAM,
                SOCK_DGRAM,
                SOCK_NONBLOCK,
                SOCK_CLOEXEC
            ],
            [
                h::AF_UNSPEC,
                h::AF_INET6,
                h::AF_INET,
                h::SOCK_STREAM,
                h::SOCK_DGRAM,
                h::SOCK_NONBLOCK,
                h::SOCK_CLOEXEC
            ]
        );
        assert_eq!(
            [
                IPPROTO_IP,
                IPPROTO_TCP,
                IPPROTO_UDP,
                IPPROTO_IPV6,
                SOL_SOCKET,
                TCP_NODELAY,
                IP_TTL
            ],
            [
                h::IPPROTO_IP,
                h::IPPROTO_TCP,
                h::IPPROTO_UDP,
                h::IPPROTO_IPV6,
                h::SOL_SOCKET,
                h::TCP_NODELAY,
                h::IP_TTL
            ]
        );
        assert_eq!(
            [
                SO_REUSEADDR,
                SO_KEEPALIVE,
                SO_BROADCAST,
                SO_LINGER,
                SO_SNDBUF,
                SO_RCVBUF,
                SO_SNDTIMEO,
                SO_RCVTIMEO,
                SO_ERROR
            ],
            [
                h::SO_REUSEADDR,
                h::SO_KEEPALIVE,
                h::SO_BROADCAST,
                h::SO_LINGER,
                h::SO_SNDBUF,
                h::SO_RCVBUF,
                h::SO_SNDTIMEO,
                h::SO_RCVTIMEO,
                h::SO_ERROR
            ]
        );
        assert_eq!(
            [SHUT_RD, SHUT_WR, SHUT_RDWR, MSG_PEEK],
            [h::SHUT_RD, h::SHUT_WR, h::SHUT_RDWR, h::MSG_PEEK]
        );
        assert_eq!(
            [
                POLLIN, POLLPRI, POLLOUT, POLLERR, POLLHUP, POLLNVAL, POLLRDNORM, POLLWRNORM,
                POLLRDHUP
            ],
            [
                h::POLLIN,
                h::POLLPRI,
                h::POLLOUT,
                h::POLLERR,
                h::POLLHUP,
                h::POLLNVAL,
                h::POLLRDNORM,
                h::POLLWRNORM,
                h::POLLRDHUP
            ]
        );
        assert_eq!(
            [EFD_SEMAPHORE, EFD_NONBLOCK, EFD_CLOEXEC],
            [h::EFD_SEMAPHORE, h::EFD_NONBLOCK, h::EFD_CLOEXEC]
        );
        assert_eq!(
            [
                EAI_AGAIN,
                EAI_BADFLAGS,
                EAI_FAIL,
                EAI_FAMILY,
                EAI_MEMORY,
                EAI_NONAME,
                EAI_SERVICE,
                EAI_SOCKTYPE
            ],
            [
                h::EAI_AGAIN,
                h::EAI_BADFLAGS,
                h::EAI_FAIL,
                h::EAI_FAMILY,
                h::EAI_MEMORY,
                h::EAI_NONAME,
                h::EAI_SERVICE,
                h::EAI_SOCKTYPE
            ]
        );
        assert_eq!(size_of::<sockaddr_in>(), size_of::<h::sockaddr_in>());
        assert_eq!(align_of::<sockaddr_in>(), align_of::<h::sockaddr_in>());
        assert_eq!(size_of::<timeval>(), size_of::<h::timeval>());
        assert_eq!(size_of::<linger>(), size_of::<h::linger>());
        assert_eq!(size_of::<in_addr>(), size_of::<h::in_addr>());
    }

    #[test]
    fn sockaddr_round_trip_as_std_writes_it() {
        // What std's socket_addr_v4_to_c produces for 10.0.2.2:8080: sin_len 0.
        let mut raw = [0u8; 16];
        raw[1] = AF_INET as u8;
        raw[2..4].copy_from_slice(&8080u16.to_be_bytes());
        raw[4..8].copy_from_slice(&[10, 0, 2, 2]);
        let a = parse_sockaddr(&raw).unwrap();
        assert_eq!(
            a,
            V4 {
                addr: [10, 0, 2, 2],
                port: 8080
            }
        );
        let mut out = [0xaau8; 16];
        assert_eq!(write_sockaddr(a, &mut out), 16);
        assert_eq!(out[0], 16);
        assert_eq!(&out[1..], &raw[1..]);
        let sa = sockaddr_in::from_v4(a);
        assert_eq!(sa.to_v4(), a);
    }

    #[test]
    fn bad_addresses() {
        use crate::abi::errno::{EAFNOSUPPORT, EINVAL};
        assert_eq!(parse_sockaddr(&[]), Err(EINVAL));
        assert_eq!(parse_sockaddr(&[16, AF_INET as u8, 0, 80]), Err(EINVAL));
        let mut v6 = [0u8; 28];
        v6[1] = AF_INET6 as u8;
        assert_eq!(parse_sockaddr(&v6), Err(EAFNOSUPPORT));
        // Truncated output keeps the full length for the caller.
        let mut short = [0u8; 4];
        assert_eq!(
            write_sockaddr(
                V4 {
                    addr: [1, 2, 3, 4],
                    port: 1
                },
                &mut short
            ),
            16
        );
        assert_eq!(short, [16, AF_INET as u8, 0, 1]);
    }
}
