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
pub const IPV6_V6ONLY: i32 = 27;

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

/// Aligned as hermit-abi's (4 bytes).
#[repr(C, align(4))]
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct in6_addr {
    pub s6_addr: [u8; 16],
}

#[repr(C)]
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct sockaddr_in6 {
    pub sin6_len: u8,
    pub sin6_family: sa_family_t,
    /// Network byte order.
    pub sin6_port: in_port_t,
    pub sin6_flowinfo: u32,
    pub sin6_addr: in6_addr,
    pub sin6_scope_id: u32,
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

/// A socket address in host terms, IPv4 or IPv6: an IPv4 address is kept as its
/// IPv4-mapped IPv6 address (::ffff:a.b.c.d), so that one type serves both families
/// and a dual-stack socket needs no translation (RFC 4291 2.5.5.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SockAddr {
    pub addr: [u8; 16],
    pub port: u16,
}

/// The prefix of an IPv4-mapped IPv6 address.
const MAPPED_PREFIX: [u8; 12] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff];

/// `addr` as its IPv4-mapped IPv6 address.
pub const fn mapped(addr: [u8; 4]) -> [u8; 16] {
    [
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, addr[0], addr[1], addr[2], addr[3],
    ]
}

/// 0.0.0.0 (an IPv4 socket's wildcard) and :: (an IPv6 socket's). These three are the
/// kernel's, not ABI: the directive keeps them out of the C header.
/// cbindgen:ignore
pub const ANY_V4: [u8; 16] = mapped([0; 4]);
/// cbindgen:ignore
pub const ANY_V6: [u8; 16] = [0; 16];
/// ::1.
/// cbindgen:ignore
pub const LOOPBACK_V6: [u8; 16] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];

/// The IPv4 address `addr` maps, if it is IPv4-mapped.
pub fn ipv4_of(addr: [u8; 16]) -> Option<[u8; 4]> {
    (addr[..12] == MAPPED_PREFIX).then(|| [addr[12], addr[13], addr[14], addr[15]])
}

impl SockAddr {
    pub const fn v4(addr: [u8; 4], port: u16) -> SockAddr {
        SockAddr {
            addr: mapped(addr),
            port,
        }
    }

    /// The IPv4 address, when this is one.
    pub fn ipv4(&self) -> Option<[u8; 4]> {
        ipv4_of(self.addr)
    }

    /// 0.0.0.0 or ::.
    pub fn is_unspecified(&self) -> bool {
        self.addr == ANY_V4 || self.addr == ANY_V6
    }
}

impl sockaddr_in {
    /// `a` as a `sockaddr_in` (an IPv6 address that maps no IPv4 one is 0.0.0.0).
    pub fn from_addr(a: SockAddr) -> Self {
        sockaddr_in {
            sin_len: core::mem::size_of::<sockaddr_in>() as u8,
            sin_family: AF_INET as u8,
            sin_port: a.port.to_be(),
            sin_addr: in_addr {
                s_addr: u32::from_ne_bytes(a.ipv4().unwrap_or([0; 4])),
            },
            sin_zero: [0; 8],
        }
    }
}

impl sockaddr_in6 {
    pub fn from_addr(a: SockAddr) -> Self {
        sockaddr_in6 {
            sin6_len: core::mem::size_of::<sockaddr_in6>() as u8,
            sin6_family: AF_INET6 as u8,
            sin6_port: a.port.to_be(),
            sin6_flowinfo: 0,
            sin6_addr: in6_addr { s6_addr: a.addr },
            sin6_scope_id: 0,
        }
    }
}

/// Reads an address the application passed (`len` bytes at `bytes`): the address and
/// its family (AF_INET or AF_INET6), or the errno (EAFNOSUPPORT for other families,
/// EINVAL when too short for its family).
pub fn parse_sockaddr(bytes: &[u8]) -> Result<(SockAddr, i32), super::errno::Errno> {
    use super::errno::{EAFNOSUPPORT, EINVAL};
    if bytes.len() < 2 {
        return Err(EINVAL);
    }
    let port = |b: &[u8]| u16::from_be_bytes([b[2], b[3]]);
    // Byte 1 is the family whatever the length byte says (std leaves it 0).
    match bytes[1] as i32 {
        AF_INET if bytes.len() >= 8 => Ok((
            SockAddr::v4([bytes[4], bytes[5], bytes[6], bytes[7]], port(bytes)),
            AF_INET,
        )),
        // Linux wants at least the RFC 2133 layout (24 bytes: no scope id).
        AF_INET6 if bytes.len() >= 24 => {
            let mut addr = [0; 16];
            addr.copy_from_slice(&bytes[8..24]);
            Ok((
                SockAddr {
                    addr,
                    port: port(bytes),
                },
                AF_INET6,
            ))
        }
        AF_INET | AF_INET6 => Err(EINVAL),
        _ => Err(EAFNOSUPPORT),
    }
}

/// Writes `a` into the application's buffer as POSIX says, a `sockaddr_in6` for an
/// IPv6 socket (`v6`), else a `sockaddr_in`: truncated to fit; returns the full length,
/// which the caller stores in `*addrlen`.
pub fn write_sockaddr(a: SockAddr, v6: bool, out: &mut [u8]) -> u32 {
    let mut bytes = [0u8; 28];
    let len = if v6 {
        bytes[0] = core::mem::size_of::<sockaddr_in6>() as u8;
        bytes[1] = AF_INET6 as u8;
        bytes[8..24].copy_from_slice(&a.addr);
        28
    } else {
        bytes[0] = core::mem::size_of::<sockaddr_in>() as u8;
        bytes[1] = AF_INET as u8;
        bytes[4..8].copy_from_slice(&a.ipv4().unwrap_or([0; 4]));
        16
    };
    bytes[2..4].copy_from_slice(&a.port.to_be_bytes());
    let n = out.len().min(len);
    out[..n].copy_from_slice(&bytes[..n]);
    len as u32
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
        assert_eq!(size_of::<sockaddr_in6>(), size_of::<h::sockaddr_in6>());
        assert_eq!(align_of::<sockaddr_in6>(), align_of::<h::sockaddr_in6>());
        assert_eq!(size_of::<in6_addr>(), size_of::<h::in6_addr>());
        assert_eq!(align_of::<in6_addr>(), align_of::<h::in6_addr>());
        assert_eq!(IPV6_V6ONLY, h::IPV6_V6ONLY);
    }

    #[test]
    fn sockaddr_round_trip_as_std_writes_it() {
        // What std's socket_addr_v4_to_c produces for 10.0.2.2:8080: sin_len 0.
        let mut raw = [0u8; 16];
        raw[1] = AF_INET as u8;
        raw[2..4].copy_from_slice(&8080u16.to_be_bytes());
        raw[4..8].copy_from_slice(&[10, 0, 2, 2]);
        let (a, family) = parse_sockaddr(&raw).unwrap();
        assert_eq!(family, AF_INET);
        assert_eq!(a, SockAddr::v4([10, 0, 2, 2], 8080));
        assert_eq!(a.ipv4(), Some([10, 0, 2, 2]));
        let mut out = [0xaau8; 16];
        assert_eq!(write_sockaddr(a, false, &mut out), 16);
        assert_eq!(out[0], 16);
        assert_eq!(&out[1..], &raw[1..]);
        assert_eq!(sockaddr_in::from_addr(a).sin_port, 8080u16.to_be());
    }

    #[test]
    fn sockaddr_in6_round_trip() {
        // [fec0::2]:80 as std writes it (sin6_len 0, flowinfo and scope id 0).
        let mut raw = [0u8; 28];
        raw[1] = AF_INET6 as u8;
        raw[2..4].copy_from_slice(&80u16.to_be_bytes());
        raw[8] = 0xfe;
        raw[9] = 0xc0;
        raw[23] = 2;
        let (a, family) = parse_sockaddr(&raw).unwrap();
        assert_eq!(family, AF_INET6);
        assert_eq!(a.port, 80);
        assert_eq!(a.ipv4(), None);
        let mut out = [0u8; 28];
        assert_eq!(write_sockaddr(a, true, &mut out), 28);
        assert_eq!(out[0], 28);
        assert_eq!(&out[1..], &raw[1..]);
        // The RFC 2133 layout without a scope id is accepted too.
        assert_eq!(parse_sockaddr(&raw[..24]).unwrap().0, a);
        let sa = sockaddr_in6::from_addr(a);
        assert_eq!(sa.sin6_addr.s6_addr, a.addr);
        // An IPv4 client of a dual-stack socket appears as ::ffff:a.b.c.d.
        let v4 = SockAddr::v4([10, 0, 2, 2], 1);
        write_sockaddr(v4, true, &mut out);
        assert_eq!(&out[8..24], &mapped([10, 0, 2, 2]));
        assert!(
            SockAddr {
                addr: ANY_V6,
                port: 0
            }
            .is_unspecified()
        );
        assert!(SockAddr::v4([0; 4], 0).is_unspecified());
        assert!(
            !SockAddr {
                addr: LOOPBACK_V6,
                port: 0
            }
            .is_unspecified()
        );
    }

    #[test]
    fn bad_addresses() {
        use crate::abi::errno::{EAFNOSUPPORT, EINVAL};
        assert_eq!(parse_sockaddr(&[]), Err(EINVAL));
        assert_eq!(parse_sockaddr(&[16, AF_INET as u8, 0, 80]), Err(EINVAL));
        let mut v6 = [0u8; 28];
        v6[1] = AF_INET6 as u8;
        assert_eq!(parse_sockaddr(&v6[..16]), Err(EINVAL));
        assert_eq!(parse_sockaddr(&v6[..23]), Err(EINVAL));
        v6[1] = 99;
        assert_eq!(parse_sockaddr(&v6), Err(EAFNOSUPPORT));
        // Truncated output keeps the full length for the caller.
        let mut short = [0u8; 4];
        assert_eq!(
            write_sockaddr(SockAddr::v4([1, 2, 3, 4], 1), false, &mut short),
            16
        );
        assert_eq!(short, [16, AF_INET as u8, 0, 1]);
        assert_eq!(
            write_sockaddr(SockAddr::v4([1, 2, 3, 4], 1), true, &mut short),
            28
        );
        assert_eq!(short, [28, AF_INET6 as u8, 0, 1]);
    }
}
