//! How numbers, money and dates read (US English, as the offer documents are). In the
//! core so that reasons it words and the widget's screens read alike.

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

/// `12,500`.
pub fn count(n: u64) -> String {
    group_thousands(&n.to_string())
}

/// `$26.0625`, `$5.00`, `$1,250.50`: cents always shown, finer fractions (the sixteenths
/// of pre-2001 prices) kept exactly.
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
    let value = if plain {
        s.parse::<Decimal>().ok()
    } else {
        None
    };
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
