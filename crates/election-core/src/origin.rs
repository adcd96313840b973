//! Serialized origins (`scheme://host[:port]`), the unit a browser's same-origin policy
//! and a Content-Security-Policy compare: what a deployment may write where an origin is
//! expected, and nothing else (no path, quote, `;` or space that could smuggle in more).
//! Shared by the widget (which origins a link may name files on) and the receiver (the
//! pages' policy).

/// `scheme://host[:port]` (http or https; a DNS name, IPv4 or bracketed IPv6 address; a
/// port number or `*`), lower-cased; `None` for anything else (paths, quotes, `;`,
/// spaces, wildcard hosts, keywords).
pub fn serialized_origin(text: &str) -> Option<String> {
    let (scheme, rest) = text.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return None;
    }
    let (host, port) = if let Some(v6) = rest.strip_prefix('[') {
        let (address, after) = v6.split_once(']')?;
        let ok = !address.is_empty()
            && address.contains(':')
            && address
                .bytes()
                .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.');
        if !ok {
            return None;
        }
        let port = match after {
            "" => None,
            p => Some(p.strip_prefix(':')?),
        };
        (format!("[{}]", address.to_ascii_lowercase()), port)
    } else {
        let (host, port) = match rest.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (rest, None),
        };
        let label_ok = |l: &str| {
            !l.is_empty()
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        };
        if !host.split('.').all(label_ok) {
            return None;
        }
        (host.to_ascii_lowercase(), port)
    };
    let port = match port {
        None => String::new(),
        Some("*") => ":*".to_owned(),
        Some(p) if !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()) => {
            let n: u32 = p.parse().ok()?;
            if n == 0 || n > 65_535 {
                return None;
            }
            format!(":{n}")
        }
        Some(_) => return None,
    };
    Some(format!("{scheme}://{host}{port}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_checked_and_normalised() {
        assert_eq!(
            serialized_origin("HTTPS://HR.Example.com:443").as_deref(),
            Some("https://hr.example.com:443")
        );
        for bad in [
            "hr.example.com",
            "ftp://hr.example.com",
            "https://",
            "https://hr.example.com/",
            "https://user@hr.example.com",
            "https://hr..example.com",
            "https://-hr.example.com",
            "https://hr.example.com:0",
            "https://hr.example.com:65536",
            "https://hr.example.com:8x",
            "https://hr.example.com:",
            "https://[::1",
            "https://[]",
            "https://hr.example.com?x",
            "'self'",
        ] {
            assert_eq!(serialized_origin(bad), None, "{bad}");
        }
    }
}
