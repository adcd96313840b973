//! RFC 8785 canonical JSON (JCS): what is hashed for a disclosure digest and signed in the
//! contract.
//!
//! The value is first made a `serde_json::Value`, then written with its members sorted by
//! their names' UTF-16 code units, strings escaped as ECMAScript's `JSON.stringify` does
//! (`"`, `\`, the short escapes `\b \f \n \r \t`, other controls as lower-case `\u00xx`,
//! nothing else), and every number written as ECMAScript writes a double (`ryu-js`):
//! integers beyond 2^53 round as they would in JavaScript, as RFC 8785 requires.
//!
//! Why not the `serde_json_canonicalizer` crate, which did this until December 2026: it
//! turns on serde_json's `float_roundtrip` feature for the whole build, and with it a
//! second, larger float parser (about 14 KB of code and tables) in every JSON read of the
//! employee's first screen, which parses no float that matters. The crate stays a
//! dev-dependency: `tests/jcs.rs` checks this writer against it.

use serde::Serialize;
use serde_json::{Map, Number, Value};

/// The JCS bytes of `value`. Fails only where `value` is not JSON (a map whose keys are
/// not strings); a non-finite float cannot be written either: serde_json makes it `null`
/// in a `Value`, so structures hashed or signed hold no floats.
pub fn to_vec<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, serde_json::Error> {
    let value = serde_json::to_value(value)?;
    let mut out = Vec::with_capacity(256);
    write_value(&mut out, &value)?;
    Ok(out)
}

fn write_value(out: &mut Vec<u8>, value: &Value) -> Result<(), serde_json::Error> {
    match value {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(true) => out.extend_from_slice(b"true"),
        Value::Bool(false) => out.extend_from_slice(b"false"),
        Value::Number(n) => write_number(out, n)?,
        Value::String(s) => write_str(out, s),
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_value(out, item)?;
            }
            out.push(b']');
        }
        Value::Object(members) => write_object(out, members)?,
    }
    Ok(())
}

fn write_object(out: &mut Vec<u8>, members: &Map<String, Value>) -> Result<(), serde_json::Error> {
    let mut sorted: Vec<(&String, &Value)> = members.iter().collect();
    // By UTF-16 code units (RFC 8785 §3.2.3), which differs from the map's UTF-8 order
    // where a character above U+FFFF meets one in U+E000..U+FFFF.
    sorted.sort_by(|a, b| a.0.encode_utf16().cmp(b.0.encode_utf16()));
    out.push(b'{');
    for (i, (name, value)) in sorted.into_iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_str(out, name);
        out.push(b':');
        write_value(out, value)?;
    }
    out.push(b'}');
    Ok(())
}

/// Every JSON number is a double in JCS: written as ECMAScript's `Number.prototype.toString`.
fn write_number(out: &mut Vec<u8>, n: &Number) -> Result<(), serde_json::Error> {
    // A `Value` holds only finite numbers, so there is always a double; were there none,
    // the bytes would be refused, never written with a stand-in number.
    let double = n.as_f64().ok_or_else(|| {
        <serde_json::Error as serde::ser::Error>::custom("a number JCS cannot write")
    })?;
    out.extend_from_slice(ryu_js::Buffer::new().format_finite(double).as_bytes());
    Ok(())
}

fn write_str(out: &mut Vec<u8>, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push(b'"');
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let short: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            0x08 => b"\\b",
            0x0c => b"\\f",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0x00..=0x1f => b"",
            _ => continue,
        };
        out.extend_from_slice(&bytes[start..i]);
        start = i + 1;
        if short.is_empty() {
            out.extend_from_slice(b"\\u00");
            out.push(HEX[usize::from(b >> 4)]);
            out.push(HEX[usize::from(b & 0xf)]);
        } else {
            out.extend_from_slice(short);
        }
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}
