//! The offer's timing: whether the deadline's legal wording matches the instant it is
//! stated at, and the business-day checks of Rule 13e-4 that HR sees in preview.
//!
//! Offer documents word their deadlines in US time zones ("Eastern Daylight Time", or
//! "New York City time"). The US daylight-saving rules since 1987 are small and fixed in
//! law, so the wording is checked against them here, with no time-zone database in the
//! bundle; the widget can cross-check the IANA zone with the browser's Intl.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Timelike, Utc, Weekday};
use serde::Serialize;

use crate::calendar::{business_day_on_or_after, is_business_day, next_business_day};
use crate::display::date;
use crate::offer::{DocumentKind, Offer};

/// A US time zone named in a deadline's wording.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NamedZone {
    pub name: &'static str,
    /// Standard time's offset from UTC, in hours.
    pub standard_hours: i32,
    /// What the wording says: Some(true) for "Daylight", Some(false) for "Standard",
    /// None when it names the zone only ("New York City time", "Eastern Time").
    pub daylight: Option<bool>,
}

const ZONES: [(&str, i32); 5] = [
    ("Eastern", -5),
    ("Central", -6),
    ("Mountain", -7),
    ("Pacific", -8),
    ("Alaska", -9),
];

/// The US zone a deadline's wording names, if it names one.
pub fn zone_in_wording(wording: &str) -> Option<NamedZone> {
    if wording.contains("New York City time") || wording.contains("New York time") {
        return Some(NamedZone {
            name: "Eastern",
            standard_hours: -5,
            daylight: None,
        });
    }
    ZONES.iter().find_map(|&(name, standard_hours)| {
        let daylight = if wording.contains(&format!("{name} Daylight Time")) {
            Some(true)
        } else if wording.contains(&format!("{name} Standard Time")) {
            Some(false)
        } else if wording.contains(&format!("{name} Time")) {
            None
        } else {
            return None;
        };
        Some(NamedZone {
            name,
            standard_hours,
            daylight,
        })
    })
}

/// The n-th `weekday` of `month` (n = 0 for the last one).
fn nth_weekday(year: i32, month: u32, weekday: Weekday, n: u8) -> Option<NaiveDate> {
    if n > 0 {
        return NaiveDate::from_weekday_of_month_opt(year, month, weekday, n);
    }
    (1..=5)
        .rev()
        .find_map(|k| NaiveDate::from_weekday_of_month_opt(year, month, weekday, k))
}

/// Whether US daylight saving time is in effect at `instant` in a zone whose standard
/// offset is `standard_hours`: from 2007, the second Sunday of March to the first Sunday
/// of November; 1987 to 2006, the first Sunday of April to the last Sunday of October;
/// changing at 2:00 a.m. local time. `None` before 1987 (other rules applied).
pub fn us_daylight_saving(instant: DateTime<Utc>, standard_hours: i32) -> Option<bool> {
    let local_standard = instant + chrono::Duration::hours(i64::from(standard_hours));
    let year = local_standard.year();
    let (start, end) = if year >= 2007 {
        (
            nth_weekday(year, 3, Weekday::Sun, 2)?,
            nth_weekday(year, 11, Weekday::Sun, 1)?,
        )
    } else if year >= 1987 {
        (
            nth_weekday(year, 4, Weekday::Sun, 1)?,
            nth_weekday(year, 10, Weekday::Sun, 0)?,
        )
    } else {
        return None;
    };
    // Starts at 2:00 standard time; ends at 2:00 daylight time, which is 1:00 standard.
    let starts = start.and_hms_opt(2, 0, 0)?;
    let ends = end.and_hms_opt(1, 0, 0)?;
    let t = local_standard.naive_utc();
    Some(t >= starts && t < ends)
}

/// What is wrong with the deadline's wording given the instant, if anything: the zone it
/// names must have the stated offset at that instant, and the date and time it words must
/// be the instant's local date and time.
pub fn wording_problem(wording: &str, instant: DateTime<FixedOffset>) -> Option<String> {
    let offset_hours = instant.offset().local_minus_utc() / 3600;
    let shown = |h: i32| format!("UTC{}{}", if h < 0 { '−' } else { '+' }, h.abs());
    if let Some(zone) = zone_in_wording(wording) {
        if let Some(dst) = us_daylight_saving(instant.to_utc(), zone.standard_hours) {
            let expected = zone.standard_hours + i32::from(dst);
            let season = |daylight: bool| if daylight { "Daylight" } else { "Standard" };
            if zone.daylight.is_some_and(|worded| worded != dst) {
                return Some(format!(
                    "the wording says {name} {} Time, but {name} {} Time ({}) applies on {}",
                    season(!dst),
                    season(dst),
                    shown(expected),
                    date(instant.date_naive()),
                    name = zone.name,
                ));
            }
            if offset_hours != expected || instant.offset().local_minus_utc() % 3600 != 0 {
                return Some(format!(
                    "the wording names {} time, which is {} at that moment ({} Time), but the instant is stated at {}",
                    zone.name,
                    shown(expected),
                    season(dst),
                    shown(offset_hours)
                ));
            }
        }
    }
    let local_date = date(instant.date_naive());
    if mentions_a_date(wording) && !wording.contains(&local_date) {
        return Some(format!(
            "the wording does not give the instant's local date, {local_date}"
        ));
    }
    if let Some(time) = worded_time(wording) {
        let (h, m) = (instant.hour(), instant.minute());
        if time != (h, m) {
            return Some(format!(
                "the wording gives {} but the instant is at {} local time",
                twelve_hour(time.0, time.1),
                twelve_hour(h, m)
            ));
        }
    }
    None
}

/// An instant as the offer's own clock reads it, to the second, as the documents write
/// times: `11:42:07 p.m. EDT on September 27, 2001`. The zone is the US zone the
/// deadline's wording names (daylight saving by US rules); failing that, the deadline's
/// own UTC offset (`UTC−4`). A receipt's time is read this way, so an employee in another
/// zone sees the time that decides, in the offer's terms.
pub fn on_offer_clock(offer: &Offer, at: DateTime<Utc>) -> String {
    let wording = &offer.expiration.legal_wording;
    let zone = zone_in_wording(wording).and_then(|z| {
        let dst = us_daylight_saving(at, z.standard_hours)?;
        let letters = match z.name {
            "Alaska" => "AK",
            name => &name[..1],
        };
        Some((
            z.standard_hours + i32::from(dst),
            format!("{letters}{}T", if dst { 'D' } else { 'S' }),
        ))
    });
    let (hours, label) = zone.unwrap_or_else(|| {
        let seconds = offer.expiration.instant.offset().local_minus_utc();
        let h = seconds / 3600;
        (
            h,
            format!("UTC{}{}", if h < 0 { '−' } else { '+' }, h.abs()),
        )
    });
    let local = at + chrono::Duration::hours(i64::from(hours));
    let (h, m, s) = (local.hour(), local.minute(), local.second());
    let h12 = if h.is_multiple_of(12) { 12 } else { h % 12 };
    format!(
        "{h12}:{m:02}:{s:02} {} {label} on {}",
        if h < 12 { "a.m." } else { "p.m." },
        date(local.date_naive())
    )
}

/// `11:59 p.m.`, as the documents write times.
fn twelve_hour(h: u32, m: u32) -> String {
    let h12 = if h.is_multiple_of(12) { 12 } else { h % 12 };
    format!("{h12}:{m:02} {}", if h < 12 { "a.m." } else { "p.m." })
}

fn mentions_a_date(wording: &str) -> bool {
    crate::display::MONTHS.iter().any(|m| wording.contains(m))
}

/// The time a wording gives, as a 24-hour (hour, minute): "11:59 p.m." → (23, 59),
/// "12:00 midnight" → (0, 0) is not guessed at: only a.m. and p.m. forms are read.
fn worded_time(wording: &str) -> Option<(u32, u32)> {
    let pm = wording.find(" p.m.").map(|i| (i, true));
    let am = wording.find(" a.m.").map(|i| (i, false));
    let (at, is_pm) = pm.or(am)?;
    let before = &wording[..at];
    let start = before
        .char_indices()
        .rev()
        .find(|&(_, c)| !(c.is_ascii_digit() || c == ':'))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let (h, m) = before[start..].split_once(':')?;
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    if !(1..=12).contains(&h) || m > 59 {
        return None;
    }
    Some(((h % 12) + if is_pm { 12 } else { 0 }, m))
}

/// Business days from `start` to `end`, both counted (zero if `end` is before `start`).
pub fn business_days_inclusive(start: NaiveDate, end: NaiveDate) -> u32 {
    start
        .iter_days()
        .take_while(|d| *d <= end)
        .filter(|d| is_business_day(*d))
        .count() as u32
}

/// The `n`-th business day after `day` (`day` itself not counted).
pub fn nth_business_day_after(day: NaiveDate, n: u32) -> NaiveDate {
    (0..n).fold(day, |d, _| next_business_day(d))
}

/// The `n`-th business day of an offer that commenced on `commenced` (which is the first).
pub fn nth_business_day_of_offer(commenced: NaiveDate, n: u32) -> NaiveDate {
    let first = business_day_on_or_after(commenced);
    nth_business_day_after(first, n.saturating_sub(1))
}

/// One of the timing checks HR sees in preview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TimingCheck {
    pub name: String,
    pub passed: bool,
    pub detail: String,
}

/// Rule 13e-4 timing, on US business days: the offer open at least 20 business days;
/// after each notice of amendment, open at least 5 more business days (10 when it changes
/// the consideration); and the 40th business day, after which tendered options not yet
/// accepted may be withdrawn.
pub fn timing_checks(offer: &Offer) -> Vec<TimingCheck> {
    let expires = offer.expiration.instant.date_naive();
    let period = business_days_inclusive(offer.opened_on, expires);
    let mut checks = vec![TimingCheck {
        name: "Offer period".to_owned(),
        passed: period >= 20,
        detail: format!(
            "{period} business days, {} to {} (at least 20 required)",
            date(offer.opened_on),
            date(expires)
        ),
    }];
    for notice in offer
        .documents
        .iter()
        .filter(|d| d.kind == DocumentKind::NoticeOfAmendment)
    {
        let required = if notice.changes_consideration { 10 } else { 5 };
        let after = business_days_inclusive(notice.date, expires)
            .saturating_sub(u32::from(is_business_day(notice.date)));
        checks.push(TimingCheck {
            name: format!("Open after the notice of {}", date(notice.date)),
            passed: after >= required,
            detail: format!(
                "{after} business days after the notice (at least {required} required{})",
                if notice.changes_consideration {
                    ", as it changes the consideration"
                } else {
                    ""
                }
            ),
        });
    }
    let fortieth = nth_business_day_of_offer(offer.opened_on, 40);
    checks.push(TimingCheck {
        name: "40th business day".to_owned(),
        passed: true,
        detail: format!(
            "{}: after it, tendered options not yet accepted for exchange may be withdrawn",
            date(fortieth)
        ),
    });
    checks
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(s).expect("instant")
    }

    #[test]
    fn worded_times() {
        assert_eq!(
            worded_time("11:59 p.m., Eastern Daylight Time"),
            Some((23, 59))
        );
        assert_eq!(worded_time("at 9:00 a.m. on"), Some((9, 0)));
        assert_eq!(worded_time("12:00 a.m."), Some((0, 0)));
        assert_eq!(worded_time("12:30 p.m."), Some((12, 30)));
        assert_eq!(worded_time("midnight"), None);
        assert_eq!(worded_time("deadline—11:59 p.m."), Some((23, 59)));
        assert_eq!(worded_time("—— p.m."), None);
    }

    #[test]
    fn the_mpower_wording_matches_its_instant() {
        let wording = "11:59 p.m., Eastern Daylight Time, on September 27, 2001";
        assert_eq!(
            wording_problem(wording, t("2001-09-27T23:59:00-04:00")),
            None
        );
        assert!(wording_problem(wording, t("2001-09-27T23:59:00-05:00"))
            .is_some_and(|p| p.contains("UTC−4 at that moment")));
        assert!(wording_problem(wording, t("2001-09-28T03:59:00Z"))
            .is_some_and(|p| p.contains("stated at UTC+0")));
        assert!(wording_problem(wording, t("2001-09-26T23:59:00-04:00"))
            .is_some_and(|p| p.contains("September 26, 2001")));
        assert!(wording_problem(wording, t("2001-09-27T22:59:00-04:00"))
            .is_some_and(|p| p.contains("11:59")));
    }
}
