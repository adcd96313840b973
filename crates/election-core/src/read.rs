//! A small schema reader over `serde_json::Value` that records every problem it meets.
//!
//! Why not `#[derive(Deserialize)]`? Serde stops at the first error, and a file with a
//! wrong type in one grant and an unknown field in another would take two round trips to
//! fix. Each reader here returns `Option<T>`: `None` means "not usable", and the reason is
//! already in [`Problems`]. Callers keep reading siblings so that one pass finds everything.

use chrono::{DateTime, FixedOffset, NaiveDate};
use rust_decimal::Decimal;
use serde_json::{Map, Value};

use crate::problem::{JsonPath, Problems};

/// What a JSON value is, in words, for messages such as "expected a string, found a number".
pub(crate) fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "true or false",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Records that `value` is not of the `expected` kind.
fn mismatch<T>(pr: &Problems, path: &JsonPath, expected: &str, value: &Value) -> Option<T> {
    pr.add(
        path,
        format!("expected {expected}, found {}", kind_of(value)),
    );
    None
}

/// Calls `report(index, first_index)` for each key equal to an earlier one: how duplicate
/// ids are found in every list that has ids.
pub(crate) fn duplicates<K: std::hash::Hash + Eq>(
    keys: impl Iterator<Item = K>,
    mut report: impl FnMut(usize, usize),
) {
    let mut seen = std::collections::HashMap::new();
    for (i, k) in keys.enumerate() {
        match seen.get(&k) {
            Some(&first) => report(i, first),
            None => {
                seen.insert(k, i);
            }
        }
    }
}

/// Reads the members of one JSON object, remembering which keys the schema knows so that
/// [`Obj::finish`] can report the others as unknown fields (often a misspelling).
pub(crate) struct Obj<'a> {
    map: &'a Map<String, Value>,
    path: JsonPath,
    known: Vec<&'static str>,
    pr: &'a Problems,
}

impl<'a> Obj<'a> {
    pub(crate) fn new(value: &'a Value, path: JsonPath, pr: &'a Problems) -> Option<Self> {
        match value {
            Value::Object(map) => Some(Obj {
                map,
                path,
                known: Vec::new(),
                pr,
            }),
            other => mismatch(pr, &path, "an object", other),
        }
    }

    pub(crate) fn path(&self) -> &JsonPath {
        &self.path
    }

    /// A required member: reports it when missing (or null), else reads it with `read`.
    pub(crate) fn req<T>(
        &mut self,
        key: &'static str,
        read: impl FnOnce(&'a Value, JsonPath, &'a Problems) -> Option<T>,
    ) -> Option<T> {
        self.known.push(key);
        match self.map.get(key) {
            None | Some(Value::Null) => {
                self.pr
                    .add(&self.path, format!("missing required field `{key}`"));
                None
            }
            Some(value) => read(value, self.path.key(key), self.pr),
        }
    }

    /// An optional member: absent and null both mean "not given".
    pub(crate) fn opt<T>(
        &mut self,
        key: &'static str,
        read: impl FnOnce(&'a Value, JsonPath, &'a Problems) -> Option<T>,
    ) -> Option<T> {
        self.known.push(key);
        match self.map.get(key) {
            None | Some(Value::Null) => None,
            Some(value) => read(value, self.path.key(key), self.pr),
        }
    }

    /// Whether an optional member is present and not null, so that a caller can tell
    /// "not given" from "given but unusable" (the latter is already a problem).
    pub(crate) fn has(&self, key: &str) -> bool {
        !matches!(self.map.get(key), None | Some(Value::Null))
    }

    /// Whether every optional member given was read (`read`: each member with whether
    /// its value could be read). A member given but unreadable is already a problem; a
    /// caller stops there rather than going on as if it were absent.
    pub(crate) fn all_read(&self, read: &[(&str, bool)]) -> bool {
        read.iter().all(|&(key, ok)| ok || !self.has(key))
    }

    /// Reports every member the schema does not know.
    pub(crate) fn finish(self) {
        for key in self.map.keys() {
            if !self.known.contains(&key.as_str()) {
                let mut expected = self.known.clone();
                // An insertion sort: a schema object has a few dozen members at most, and
                // core's quicksort for `&str` was 2.3 KB of the first screen's code, for
                // this message alone.
                for i in 1..expected.len() {
                    let mut j = i;
                    while j > 0 && expected[j - 1] > expected[j] {
                        expected.swap(j - 1, j);
                        j -= 1;
                    }
                }
                self.pr.add(
                    &self.path.key(key),
                    format!(
                        "unknown field `{key}` (expected one of: {})",
                        expected.join(", ")
                    ),
                );
            }
        }
    }
}

/// A string with at least one non-space character, kept exactly as written (legal text is
/// never trimmed or reflowed).
pub(crate) fn text(value: &Value, path: JsonPath, pr: &Problems) -> Option<String> {
    match value {
        Value::String(s) if s.trim().is_empty() => {
            pr.add(&path, "must not be empty");
            None
        }
        Value::String(s) => Some(s.clone()),
        other => mismatch(pr, &path, "a string", other),
    }
}

/// An identifier: letters, digits, `-`, `_` and `.`, 1 to 64 characters.
pub(crate) fn ident(value: &Value, path: JsonPath, pr: &Problems) -> Option<String> {
    let s = text(value, path.clone(), pr)?;
    let ok = s.len() <= 64
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if ok {
        Some(s)
    } else {
        pr.add(
            &path,
            format!(
                "`{}` is not an identifier: use 1 to 64 letters, digits, `-`, `_` or `.`",
                clip(&s)
            ),
        );
        None
    }
}

/// A country as its ISO 3166-1 alpha-2 code: two capital letters (`US`, `DE`).
pub(crate) fn country(value: &Value, path: JsonPath, pr: &Problems) -> Option<String> {
    let s = text(value, path.clone(), pr)?;
    if s.len() == 2 && s.chars().all(|c| c.is_ascii_uppercase()) {
        Some(s)
    } else {
        pr.add(
            &path,
            format!(
                "`{}` is not a country code: use its two capital letters (ISO 3166-1 alpha-2, such as `US`)",
                clip(&s)
            ),
        );
        None
    }
}

pub(crate) fn boolean(value: &Value, path: JsonPath, pr: &Problems) -> Option<bool> {
    match value {
        Value::Bool(b) => Some(*b),
        other => mismatch(pr, &path, "true or false", other),
    }
}

/// The most options one grant can hold. Far above any real grant, and low enough that
/// totals over thousands of grants, and their values, cannot overflow.
pub(crate) const MAX_OPTIONS: u64 = 1_000_000_000_000;

/// The highest exercise price accepted, for the same reason.
pub(crate) const MAX_PRICE: i64 = 10_000_000;

/// A whole number from `min` to `max`.
pub(crate) fn whole_between(
    min: u64,
    max: u64,
) -> impl Fn(&Value, JsonPath, &Problems) -> Option<u64> {
    move |value, path, pr| {
        let n = whole(min)(value, path.clone(), pr)?;
        if n > max {
            pr.add(&path, format!("must be at most {max}, found {n}"));
            return None;
        }
        Some(n)
    }
}

/// A whole number, at least `min`.
pub(crate) fn whole(min: u64) -> impl Fn(&Value, JsonPath, &Problems) -> Option<u64> {
    move |value, path, pr| match value {
        Value::Number(n) => match n.as_u64() {
            Some(v) if v >= min => Some(v),
            Some(v) => {
                pr.add(&path, format!("must be at least {min}, found {v}"));
                None
            }
            None if n.as_i64().is_some() => {
                pr.add(&path, format!("must be at least {min}, found {n}"));
                None
            }
            None => {
                pr.add(&path, format!("expected a whole number, found {n}"));
                None
            }
        },
        other => mismatch(pr, &path, "a whole number", other),
    }
}

/// `YYYY-MM-DD` as numbers, when `s` has that shape. Hand-written rather than chrono's
/// format parser, which would bring its whole strftime machinery into the wasm bundle.
fn ymd(s: &str) -> Option<(i32, u32, u32)> {
    let b = s.as_bytes();
    let shaped = b.len() == 10
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            _ => c.is_ascii_digit(),
        });
    if !shaped {
        return None;
    }
    Some((
        s[0..4].parse().ok()?,
        s[5..7].parse().ok()?,
        s[8..10].parse().ok()?,
    ))
}

/// A calendar date written `YYYY-MM-DD` that exists (no February 30).
pub(crate) fn date(value: &Value, path: JsonPath, pr: &Problems) -> Option<NaiveDate> {
    let s = text(value, path.clone(), pr)?;
    let Some((y, m, d)) = ymd(&s) else {
        pr.add(
            &path,
            format!("`{}` is not a date written YYYY-MM-DD", clip(&s)),
        );
        return None;
    };
    match NaiveDate::from_ymd_opt(y, m, d) {
        Some(day) => Some(day),
        None => {
            pr.add(&path, format!("`{s}` is not a date on the calendar"));
            None
        }
    }
}

/// An instant: an RFC 3339 date-time with a UTC offset (`Z` or `-04:00`), kept with the
/// offset as written so the local date and time it was stated in stay known. A time
/// without an offset names a different moment in every time zone, so it is refused.
pub(crate) fn instant(
    value: &Value,
    path: JsonPath,
    pr: &Problems,
) -> Option<DateTime<FixedOffset>> {
    let s = text(value, path.clone(), pr)?;
    match DateTime::parse_from_rfc3339(&s) {
        Ok(t) => Some(t),
        Err(_) => {
            // `2001-09-27T23:59` or `2001-09-27T23:59:00`: a local time with no offset.
            // `get`, not indexing: a multi-byte character may straddle byte 10.
            let local_time = s.len() >= 16
                && s.get(..10).and_then(ymd).is_some()
                && s.get(10..11) == Some("T")
                && s.get(11..).is_some_and(|rest| {
                    rest.bytes()
                        .all(|c| c.is_ascii_digit() || c == b':' || c == b'.')
                });
            let hint = if local_time {
                " (it has no UTC offset, so it names a different moment in every time zone)"
            } else if ymd(&s).is_some() {
                " (a date alone is not a moment)"
            } else {
                ""
            };
            pr.add(
                &path,
                format!(
                    "`{}` is not an instant{hint}: write an RFC 3339 date-time with an offset, such as 2001-09-27T23:59:00-04:00",
                    clip(&s)
                ),
            );
            None
        }
    }
}

/// An amount of money in US dollars, written as a decimal string (`"26.0625"`) so that it
/// stays exact; JSON numbers are refused because they pass through binary floating point.
/// Must be greater than zero.
pub(crate) fn price(value: &Value, path: JsonPath, pr: &Problems) -> Option<Decimal> {
    let s = match value {
        Value::String(s) => s,
        Value::Number(n) => {
            pr.add(
                &path,
                format!(
                    "write money as a decimal string, such as \"{n}\": JSON numbers are not exact"
                ),
            );
            return None;
        }
        other => return mismatch(pr, &path, "a decimal string such as \"12.50\"", other),
    };
    let parsed = if is_plain_decimal(s) {
        crate::display::plain_decimal(s)
    } else {
        None
    };
    match parsed {
        None => {
            pr.add(
                &path,
                format!(
                    "`{}` is not a decimal amount such as \"12.50\" (digits, one optional point, no currency sign or commas)",
                    clip(s)
                ),
            );
            None
        }
        Some(d) if d <= Decimal::ZERO => {
            pr.add(&path, format!("must be greater than zero, found {s}"));
            None
        }
        Some(d) if d > Decimal::from(MAX_PRICE) => {
            pr.add(
                &path,
                format!("{s} is more than the highest price accepted, {MAX_PRICE}"),
            );
            None
        }
        Some(d) => Some(d),
    }
}

/// An array, each element read by `item`. Elements that cannot be read are reported and
/// skipped, and reading goes on, so that all bad elements are found at once. `None` unless
/// every element was read.
pub(crate) fn array<'a, T>(
    value: &'a Value,
    path: JsonPath,
    pr: &'a Problems,
    item: impl FnMut(&'a Value, JsonPath, &'a Problems) -> Option<T>,
) -> Option<Vec<T>> {
    let len = value.as_array().map(Vec::len);
    let read = indexed_array(value, path, pr, item)?;
    (Some(read.len()) == len).then(|| read.into_iter().map(|(_, t)| t).collect())
}

/// Like [`array`], but keeps the elements that could be read, each with its index, even
/// when others could not: rules across elements (duplicate ids) still run over them.
pub(crate) fn indexed_array<'a, T>(
    value: &'a Value,
    path: JsonPath,
    pr: &'a Problems,
    mut item: impl FnMut(&'a Value, JsonPath, &'a Problems) -> Option<T>,
) -> Option<Vec<(usize, T)>> {
    match value {
        Value::Array(items) => Some(
            items
                .iter()
                .enumerate()
                .filter_map(|(i, v)| item(v, path.index(i), pr).map(|t| (i, t)))
                .collect(),
        ),
        other => mismatch(pr, &path, "an array", other),
    }
}

/// A non-empty array.
pub(crate) fn non_empty_array<'a, T>(
    value: &'a Value,
    path: JsonPath,
    pr: &'a Problems,
    item: impl FnMut(&'a Value, JsonPath, &'a Problems) -> Option<T>,
) -> Option<Vec<T>> {
    if matches!(value, Value::Array(a) if a.is_empty()) {
        pr.add(&path, "must have at least one element");
        return None;
    }
    array(value, path, pr, item)
}

/// `123`, `-4.5`, `0.0625`: optional minus, digits, optionally a point and more digits.
fn is_plain_decimal(s: &str) -> bool {
    let unsigned = s.strip_prefix('-').unwrap_or(s);
    let (int, frac) = match unsigned.split_once('.') {
        Some((int, frac)) => (int, Some(frac)),
        None => (unsigned, None),
    };
    let digits = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
    digits(int) && frac.is_none_or(digits)
}

/// One of a fixed set of strings, mapped to a value.
pub(crate) fn one_of<T: Copy>(
    choices: &'static [(&'static str, T)],
) -> impl Fn(&Value, JsonPath, &Problems) -> Option<T> {
    move |value, path, pr| {
        let s = text(value, path.clone(), pr)?;
        match choices.iter().find(|(name, _)| *name == s) {
            Some((_, t)) => Some(*t),
            None => {
                let names: Vec<String> = choices.iter().map(|(n, _)| format!("`{n}`")).collect();
                pr.add(
                    &path,
                    format!("`{}` is not one of {}", clip(&s), names.join(", ")),
                );
                None
            }
        }
    }
}

/// Shortens a quoted input in a message so a huge string cannot flood the error panel.
pub(crate) fn clip(s: &str) -> String {
    const MAX: usize = 80;
    if s.chars().count() <= MAX {
        s.to_owned()
    } else {
        let head: String = s.chars().take(MAX).collect();
        format!("{head}…")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn run<T>(f: impl Fn(&Value, JsonPath, &Problems) -> Option<T>, v: Value) -> Result<T, String> {
        let pr = Problems::default();
        let out = f(&v, JsonPath::root().key("x"), &pr);
        match out {
            Some(t) if pr.is_empty() => Ok(t),
            _ => Err(pr
                .into_vec()
                .into_iter()
                .map(|p| p.to_string())
                .collect::<Vec<_>>()
                .join("; ")),
        }
    }

    #[test]
    fn prices_are_exact_positive_decimal_strings() {
        assert_eq!(run(price, json!("26.0625")).unwrap().to_string(), "26.0625");
        assert_eq!(run(price, json!("5")).unwrap().to_string(), "5");
        for bad in ["0", "0.00", "-1.5"] {
            let e = run(price, json!(bad)).unwrap_err();
            assert!(e.contains("greater than zero"), "{bad}: {e}");
        }
        for bad in [
            "$5.00", "1,000.00", "abc", "", ".5", "5.", "1e3", "--1", "5.0.0", " 5",
        ] {
            let e = run(price, json!(bad)).unwrap_err();
            assert!(e.contains("not a decimal amount"), "{bad}: {e}");
        }
        let e = run(price, json!(12.5)).unwrap_err();
        assert!(
            e.contains("decimal string") && e.contains("\"12.5\""),
            "{e}"
        );
    }

    #[test]
    fn dates_must_exist() {
        assert!(run(date, json!("2001-09-27")).is_ok());
        assert!(run(date, json!("2001-02-29"))
            .unwrap_err()
            .contains("not a date on the calendar"));
        assert!(run(date, json!("9/27/2001"))
            .unwrap_err()
            .contains("YYYY-MM-DD"));
    }

    #[test]
    fn instants_need_an_offset() {
        let t = run(instant, json!("2001-09-27T23:59:00-04:00")).unwrap();
        assert_eq!(t.to_rfc3339(), "2001-09-27T23:59:00-04:00");
        assert_eq!(t.to_utc().to_rfc3339(), "2001-09-28T03:59:00+00:00");
        let e = run(instant, json!("2001-09-27T23:59:00")).unwrap_err();
        assert!(e.contains("no UTC offset"), "{e}");
        let e = run(instant, json!("2001-09-27")).unwrap_err();
        assert!(e.contains("a date alone"), "{e}");
        let e = run(instant, json!("2001-09-31T23:59:00Z")).unwrap_err();
        assert!(e.contains("not an instant"), "{e}");
    }

    #[test]
    fn instants_with_characters_straddling_the_date_do_not_panic() {
        for s in [
            "2001-09-2é7T23:59:00",
            "2001-09-27é23:59:00",
            "ééééééééééééé",
            "2001-09-27T23:5é",
        ] {
            assert!(run(instant, json!(s)).is_err(), "{s}");
        }
    }

    #[test]
    fn bounds_keep_arithmetic_from_overflowing() {
        assert!(run(whole_between(1, 10), json!(11))
            .unwrap_err()
            .contains("at most 10"));
        assert_eq!(run(whole_between(1, 10), json!(10)).unwrap(), 10);
        assert!(run(price, json!("99999999999999999999999999"))
            .unwrap_err()
            .contains("more than the highest price accepted"));
        assert!(run(price, json!("10000000")).is_ok());
    }

    #[test]
    fn whole_numbers() {
        assert_eq!(run(whole(1), json!(3)).unwrap(), 3);
        assert!(run(whole(1), json!(0)).unwrap_err().contains("at least 1"));
        assert!(run(whole(0), json!(-2)).unwrap_err().contains("at least 0"));
        assert!(run(whole(0), json!(2.5))
            .unwrap_err()
            .contains("whole number"));
        assert!(run(whole(0), json!("2")).unwrap_err().contains("a string"));
    }

    #[test]
    fn unknown_fields_are_named_with_what_was_expected() {
        let pr = Problems::default();
        let v = json!({"id": "a", "colour": "red"});
        let mut o = Obj::new(&v, JsonPath::root(), &pr).unwrap();
        assert_eq!(o.req("id", ident).as_deref(), Some("a"));
        o.opt("name", text);
        o.finish();
        let problems = pr.into_vec();
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].path.as_str(), "$.colour");
        assert!(problems[0].message.contains("expected one of: id, name"));
        // Read in any order, listed in order.
        let pr = Problems::default();
        let v = json!({"zone": "x", "b": 1, "extra": true});
        let mut o = Obj::new(&v, JsonPath::root(), &pr).unwrap();
        for key in ["zone", "b", "a", "y", "c", "b2", "aa"] {
            o.opt(key, text);
        }
        o.finish();
        let problems = pr.into_vec();
        let extra = problems
            .iter()
            .find(|p| p.path.as_str() == "$.extra")
            .unwrap();
        assert!(
            extra
                .message
                .ends_with("(expected one of: a, aa, b, b2, c, y, zone)"),
            "{}",
            extra.message
        );
    }

    #[test]
    fn long_inputs_are_clipped_in_messages() {
        let long = "x".repeat(10_000);
        let e = run(date, json!(long)).unwrap_err();
        assert!(e.len() < 300, "{}", e.len());
    }
}
