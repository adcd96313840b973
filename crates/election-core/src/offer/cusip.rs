//! CUSIPs: the issuer's CUSIP as read from an offer file, and its check digit
//! ([`cusip_check_digit`]).

use serde_json::Value;

use crate::problem::{JsonPath, Problems};
use crate::read::text;

/// A CUSIP: nine characters whose last is a check digit over the first eight.
pub(super) fn cusip(value: &Value, path: JsonPath, pr: &Problems) -> Option<String> {
    let s = text(value, path.clone(), pr)?;
    match cusip_check_digit(&s) {
        Some(check) if s.len() == 9 && s.as_bytes()[8] == check => Some(s),
        Some(check) if s.len() == 9 => {
            pr.add(
                &path,
                format!(
                    "`{s}` fails the CUSIP check digit (expected {} as the ninth character)",
                    check as char
                ),
            );
            None
        }
        _ => {
            pr.add(
                &path,
                format!(
                    "`{}` is not a CUSIP: nine characters, digits and capital letters",
                    crate::read::clip(&s)
                ),
            );
            None
        }
    }
}

/// The check digit of a CUSIP (the "modulus 10 double-add-double" of its first eight
/// characters), or `None` when those are not CUSIP characters.
pub fn cusip_check_digit(cusip: &str) -> Option<u8> {
    let bytes = cusip.as_bytes();
    if bytes.len() < 8 {
        return None;
    }
    let mut sum = 0u32;
    for (i, &b) in bytes[..8].iter().enumerate() {
        let mut v = match b {
            b'0'..=b'9' => u32::from(b - b'0'),
            b'A'..=b'Z' => u32::from(b - b'A') + 10,
            b'*' => 36,
            b'@' => 37,
            b'#' => 38,
            _ => return None,
        };
        if i % 2 == 1 {
            v *= 2;
        }
        sum += v / 10 + v % 10;
    }
    // The value is below 10, so the cast cannot truncate.
    Some(b'0' + ((10 - sum % 10) % 10) as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mpower_cusip_check_digit() {
        assert_eq!(cusip_check_digit("62473L10"), Some(b'1'));
        // Well-known CUSIPs: Apple 037833100, Cisco 17275R102.
        assert_eq!(cusip_check_digit("03783310"), Some(b'0'));
        assert_eq!(cusip_check_digit("17275R10"), Some(b'2'));
        assert_eq!(cusip_check_digit("abc"), None);
        assert_eq!(cusip_check_digit("62473l10"), None);
    }
}
