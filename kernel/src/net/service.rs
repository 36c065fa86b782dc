//! Service names for `getaddrinfo`: there is no services database, so a numeric port
//! or one of the two names every program uses.

/// The port of a numeric service ("8080"), or of the two names every program uses; no
/// services database exists here.
pub fn service_port(service: &str) -> Option<u16> {
    match service {
        "http" => Some(80),
        "https" => Some(443),
        s if !s.is_empty() && s.len() <= 5 && s.bytes().all(|b| b.is_ascii_digit()) => {
            s.parse().ok()
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn services() {
        assert_eq!(service_port("8080"), Some(8080));
        assert_eq!(service_port("http"), Some(80));
        assert_eq!(service_port("65536"), None);
        assert_eq!(service_port("+80"), None);
        assert_eq!(service_port(""), None);
        assert_eq!(service_port("ftp"), None);
    }
}
