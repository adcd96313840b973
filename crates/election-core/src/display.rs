//! How numbers, money and dates read. In the core so that reasons it words and the
//! widget's screens read alike. The free functions are US English, as the offer documents
//! are; [`Style`] lets a reader's locale write numbers, money and dates its own way (the
//! widget's is the browser's Intl) while the words stay as they are.

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

/// The months, as the documents write them.
pub const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// How numbers, money and dates are written for one reader. Only the figures change
/// with the locale: sentences, the legal texts and the deadline's wording do not.
pub trait Style {
    /// `12,500`.
    fn count(&self, n: u64) -> String;
    /// `$26.0625`: the currency is US dollars, with cents always shown and finer fractions
    /// kept exactly.
    fn money(&self, amount: Decimal) -> String;
    /// `September 27, 2001`.
    fn date(&self, d: NaiveDate) -> String;
    /// `Sep 27, 2001`.
    fn short_date(&self, d: NaiveDate) -> String;
    /// The decimal and grouping separators, for reading what a person types.
    fn separators(&self) -> (char, char) {
        ('.', ',')
    }
    /// `$200,000`: whole dollars, for a chart's axis.
    fn whole_dollars(&self, n: u64) -> String {
        format!("${}", self.count(n))
    }
    /// `1 grant`, `3 grants`.
    fn plural(&self, n: u64, one: &str, many: &str) -> String {
        format!("{} {}", self.count(n), if n == 1 { one } else { many })
    }
    /// A price a person typed, in this style or the plain `1.25` form.
    fn parse_money(&self, input: &str) -> Result<Decimal, String> {
        let (decimal, group) = self.separators();
        parse_money(&normalize_number(input, decimal, group))
    }
}

/// US English: the offer documents' own style, and the default.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct UsEnglish;

impl Style for UsEnglish {
    fn count(&self, n: u64) -> String {
        count(n)
    }
    fn money(&self, amount: Decimal) -> String {
        money(amount)
    }
    fn date(&self, d: NaiveDate) -> String {
        date(d)
    }
    fn short_date(&self, d: NaiveDate) -> String {
        short_date(d)
    }
}

/// A number typed in a locale's style, rewritten in the plain form `1234.5`: spaces and
/// the group separator where they group thousands go, the locale's decimal separator
/// becomes `.`; a lone `.` or `,` before one to four digits is a decimal point whatever
/// the locale (so `1.25` reads everywhere). Anything else is left for the parser to refuse.
pub fn normalize_number(input: &str, decimal: char, group: char) -> String {
    let s: String = input
        .trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '\'' | '’'))
        .collect();
    // The currency, wherever the locale puts it: `$1.25`, `1,25 $ US`, `US$1.25`.
    let s = s.replace("USD", "").replace("US", "").replace('$', "");
    let s = s.as_str();
    if decimal != '.' && s.contains(decimal) {
        return s.replace(group, "").replace(decimal, ".");
    }
    let grouped = |sep: char| {
        let mut parts = s.split(sep);
        let first = parts.next().unwrap_or_default();
        let rest: Vec<&str> = parts.collect();
        !rest.is_empty()
            && (1..=3).contains(&first.len())
            && first.bytes().all(|b| b.is_ascii_digit())
            && rest[..rest.len() - 1]
                .iter()
                .all(|p| p.len() == 3 && p.bytes().all(|b| b.is_ascii_digit()))
            && rest.last().is_some_and(|last| {
                let int = last.split('.').next().unwrap_or_default();
                int.len() == 3 && int.bytes().all(|b| b.is_ascii_digit())
            })
    };
    if (group == ',' || group == '.') && grouped(group) && (group != '.' || !s.contains(',')) {
        return s.replace(group, "");
    }
    match (s.matches('.').count(), s.matches(',').count()) {
        (0, 1) => s.replace(',', "."),
        _ => s.to_owned(),
    }
}

/// `12,500`.
pub fn count(n: u64) -> String {
    group_thousands(&n.to_string())
}

/// `$26.0625`, `$5.00`, `$1,250.50`: cents always shown, finer fractions (the sixteenths
/// of pre-2001 prices) kept exactly.
/// An amount in whole cents (`9.00` is 900), or `None` for a fraction of a cent or a
/// negative amount. Reads the decimal's parts: no decimal arithmetic.
pub fn whole_cents(amount: Decimal) -> Option<u64> {
    // In u64 (a price's mantissa fits): 128-bit multiplication and division would bring
    // their runtime helpers to the first screen's code.
    let mut mantissa = u64::try_from(amount.mantissa()).ok()?;
    let mut scale = amount.scale();
    while scale > 2 && mantissa % 10 == 0 {
        mantissa /= 10;
        scale -= 1;
    }
    if scale > 2 {
        return None;
    }
    mantissa.checked_mul(10_u64.pow(2 - scale))
}

/// Cents as an amount of money (900 is `9.00`).
pub fn from_cents(cents: u64) -> Decimal {
    Decimal::from_i128_with_scale(i128::from(cents), 2)
}

pub fn money(amount: Decimal) -> String {
    let normalized = amount.normalize();
    let text = if normalized.scale() <= 2 {
        format!("{:.2}", normalized)
    } else {
        normalized.to_string()
    };
    let (sign, digits) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text.as_str()),
    };
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let frac = if frac.is_empty() {
        String::new()
    } else {
        format!(".{frac}")
    };
    format!("{sign}${}{frac}", group_thousands(int))
}

/// A decimal written plainly (`-12.50`, `.5`, `5.`): an optional minus, digits and at most
/// one point. `None` for anything else, and past what a `Decimal` holds (96 bits, 28
/// places). rust_decimal's own parser also reads exponents and underscores and rounds past
/// 28 places: about 3 KB brotli of the employee's first screen, which reads only this form.
pub fn plain_decimal(s: &str) -> Option<Decimal> {
    let (negative, digits) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let (mut mantissa, mut scale, mut point, mut any) = (0u128, 0u32, false, false);
    for b in digits.bytes() {
        match b {
            b'0'..=b'9' => {
                mantissa = mantissa
                    .checked_mul(10)?
                    .checked_add(u128::from(b - b'0'))?;
                any = true;
                scale += u32::from(point);
            }
            b'.' if !point => point = true,
            _ => return None,
        }
    }
    if !any || mantissa >= 1 << 96 || scale > 28 {
        return None;
    }
    let mantissa = i128::try_from(mantissa).ok()?;
    Decimal::try_from_i128_with_scale(if negative { -mantissa } else { mantissa }, scale).ok()
}

/// An amount of money a person typed: `1`, `1.25`, `$1.25`, ` 0.875 `. Positive, at most
/// four decimal places (the finest 2001 prices used were sixteenths, `0.0625`).
pub fn parse_money(input: &str) -> Result<Decimal, String> {
    let s = input.trim();
    let s = s.strip_prefix('$').unwrap_or(s).trim();
    if s.is_empty() {
        return Err("enter a price, such as 1.25".to_owned());
    }
    let plain = s.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && s.bytes().filter(|&b| b == b'.').count() <= 1
        && s.bytes().any(|b| b.is_ascii_digit());
    let value = if plain { plain_decimal(s) } else { None };
    match value {
        None => Err(format!(
            "“{input}” is not a price: use digits and one decimal point, such as 1.25"
        )),
        Some(v) if v <= Decimal::ZERO => Err("the price must be more than $0.00".to_owned()),
        Some(v) if v.normalize().scale() > 4 => Err("use at most four decimal places".to_owned()),
        Some(v) if v > Decimal::from(1_000_000) => {
            Err("the price must be at most $1,000,000".to_owned())
        }
        Some(v) => Ok(v),
    }
}

/// `September 27, 2001`.
pub fn date(d: NaiveDate) -> String {
    // `month0` is 0..=11 by chrono's contract.
    let month = MONTHS.get(d.month0() as usize).copied().unwrap_or("?");
    format!("{month} {}, {}", d.day(), d.year())
}

/// `Sep 27, 2001`: for dense tables.
pub fn short_date(d: NaiveDate) -> String {
    let month = MONTHS.get(d.month0() as usize).map_or("?", |m| &m[..3]);
    format!("{month} {}, {}", d.day(), d.year())
}

/// `1 grant`, `3 grants`.
pub fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{} {}", count(n), if n == 1 { one } else { many })
}

fn group_thousands(digits: &str) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).expect("decimal")
    }

    #[test]
    fn plain_decimals_read_as_rust_decimal_reads_them() {
        for text in [
            "0",
            "12.50",
            "-12.50",
            ".5",
            "5.",
            "26.0625",
            "0.0001",
            "-0",
            "007.10",
            "79228162514264337593543950335",
            "7.9228162514264337593543950335",
        ] {
            assert_eq!(plain_decimal(text), Some(d(text)), "{text}");
            assert_eq!(
                plain_decimal(text).map(|v| v.scale()),
                Some(d(text).scale()),
                "{text}"
            );
        }
        for text in [
            "",
            "-",
            ".",
            "1.2.3",
            "1e5",
            "+1",
            "1_000",
            " 1",
            "1,5",
            "$1",
            // Past 96 bits, or 28 places: refused (rust_decimal rounds the latter).
            "79228162514264337593543950336",
            "0.00000000000000000000000000001",
        ] {
            assert_eq!(plain_decimal(text), None, "{text}");
        }
    }

    #[test]
    fn money_shows_cents_and_keeps_fractions() {
        assert_eq!(money(d("5")), "$5.00");
        assert_eq!(money(d("42.5")), "$42.50");
        assert_eq!(money(d("26.0625")), "$26.0625");
        assert_eq!(money(d("26.06250")), "$26.0625");
        assert_eq!(money(d("1250.5")), "$1,250.50");
        assert_eq!(money(d("0.62")), "$0.62");
        assert_eq!(money(d("-3.1")), "-$3.10");
    }

    #[test]
    fn typed_money() {
        assert_eq!(
            parse_money(" $1.25 ").map(|d| d.to_string()),
            Ok("1.25".into())
        );
        assert_eq!(parse_money("2").map(|d| d.to_string()), Ok("2".into()));
        assert_eq!(parse_money(".5").map(|d| d.to_string()), Ok("0.5".into()));
        for bad in [
            "", "abc", "1,25", "-1", "0", "1.2.3", "1e3", "0.00001", "99999999",
        ] {
            assert!(parse_money(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn typed_numbers_in_each_style() {
        let us = |s: &str| normalize_number(s, '.', ',');
        let fr = |s: &str| normalize_number(s, ',', '\u{202f}');
        let de = |s: &str| normalize_number(s, ',', '.');
        assert_eq!(us(" $1,250.50 "), "1250.50");
        assert_eq!(us("1.25"), "1.25");
        assert_eq!(us("1,25"), "1.25");
        assert_eq!(fr("1\u{202f}250,5 $ US"), "1250.5");
        assert_eq!(fr("1,25"), "1.25");
        assert_eq!(fr("1.25"), "1.25");
        assert_eq!(de("1.250,50"), "1250.50");
        assert_eq!(de("1,25"), "1.25");
        assert_eq!(de("1.00"), "1.00");
        assert_eq!(de("1.000"), "1000");
        assert_eq!(us("1,2,3"), "1,2,3");
        assert!(parse_money(&us("1,2,3")).is_err());
        struct German;
        impl Style for German {
            fn count(&self, n: u64) -> String {
                n.to_string()
            }
            fn money(&self, a: Decimal) -> String {
                a.to_string()
            }
            fn date(&self, d: NaiveDate) -> String {
                d.to_string()
            }
            fn short_date(&self, d: NaiveDate) -> String {
                d.to_string()
            }
            fn separators(&self) -> (char, char) {
                (',', '.')
            }
        }
        assert_eq!(
            German.parse_money("2,50 $").map(|d| d.to_string()),
            Ok("2.50".into())
        );
        assert_eq!(German.plural(1, "grant", "grants"), "1 grant");
        assert_eq!(
            UsEnglish.parse_money("$1,250.5").map(|d| d.to_string()),
            Ok("1250.5".into())
        );
    }

    #[test]
    fn counts_and_dates() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(12_500), "12,500");
        assert_eq!(count(1_000_000), "1,000,000");
        assert_eq!(plural(1, "grant", "grants"), "1 grant");
        assert_eq!(plural(1200, "option", "options"), "1,200 options");
        let day = NaiveDate::from_ymd_opt(2001, 9, 27).expect("date");
        assert_eq!(date(day), "September 27, 2001");
        assert_eq!(short_date(day), "Sep 27, 2001");
    }
}
