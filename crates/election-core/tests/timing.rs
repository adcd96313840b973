//! Deadlines and business days: the 2001 vectors, daylight saving time around the days
//! the clocks change, and the Rule 13e-4 timing checks.

use chrono::{DateTime, FixedOffset, NaiveDate};
use election_core::parse_offer;
use election_core::timing::{
    business_days_inclusive, nth_business_day_after, nth_business_day_of_offer, on_offer_clock,
    timing_checks, us_daylight_saving, wording_problem,
};
use proptest::prelude::*;
use serde_json::json;

const OFFER: &str = include_str!("../../../static/offers/mpower-2001.json");

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}

fn t(s: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(s).expect("instant")
}

#[test]
fn instants_read_on_the_offers_clock() {
    let offer = parse_offer(OFFER).expect("offer");
    let at = |s: &str| t(s).to_utc();
    assert_eq!(
        on_offer_clock(&offer, at("2001-09-28T03:42:07Z")),
        "11:42:07 p.m. EDT on September 27, 2001"
    );
    assert_eq!(
        on_offer_clock(&offer, at("2001-09-20T14:00:01.900Z")),
        "10:00:01 a.m. EDT on September 20, 2001"
    );
    // After the clocks go back (October 28, 2001), the same zone reads EST.
    assert_eq!(
        on_offer_clock(&offer, at("2001-10-29T17:00:00Z")),
        "12:00:00 p.m. EST on October 29, 2001"
    );
    // A deadline worded without a US zone: its own UTC offset.
    let mut elsewhere = offer.clone();
    elsewhere.expiration.legal_wording = "midnight".into();
    assert_eq!(
        on_offer_clock(&elsewhere, at("2001-09-28T03:42:07Z")),
        "11:42:07 p.m. UTC−4 on September 27, 2001"
    );
}

#[test]
fn business_day_vectors_for_2001() {
    assert_eq!(
        business_days_inclusive(d("2001-08-27"), d("2001-09-27")),
        23
    );
    assert_eq!(nth_business_day_after(d("2001-09-13"), 10), d("2001-09-27"));
    // Labor Day (September 3) and Columbus Day (October 8) are skipped.
    assert_eq!(
        nth_business_day_of_offer(d("2001-08-27"), 40),
        d("2001-10-23")
    );
    assert_eq!(
        nth_business_day_of_offer(d("2001-08-27"), 1),
        d("2001-08-27")
    );
    // An offer commenced on a Saturday starts counting on Monday.
    assert_eq!(
        nth_business_day_of_offer(d("2001-08-25"), 1),
        d("2001-08-27")
    );
    assert_eq!(business_days_inclusive(d("2001-09-28"), d("2001-09-27")), 0);
}

#[test]
fn mpower_timing_checks() {
    let offer = parse_offer(OFFER).expect("valid");
    let checks = timing_checks(&offer);
    let details: Vec<(&str, bool, &str)> = checks
        .iter()
        .map(|c| (c.name.as_str(), c.passed, c.detail.as_str()))
        .collect();
    assert_eq!(
        details,
        [
            ("Offer period", true, "23 business days, August 27, 2001 to September 27, 2001 (at least 20 required)"),
            ("Open after the notice of September 13, 2001", true, "10 business days after the notice (at least 5 required)"),
            ("40th business day", true, "October 23, 2001: after it, tendered options not yet accepted for exchange may be withdrawn"),
        ]
    );
}

#[test]
fn timing_checks_fail_when_the_offer_is_too_short() {
    let mut v: serde_json::Value = serde_json::from_str(OFFER).expect("JSON");
    // Expiring on September 20 (-04:00): 18 business days, and 5 after the notice.
    v["expiration"]["instant"] = json!("2001-09-20T23:59:00-04:00");
    v["expiration"]["legal_wording"] =
        json!("11:59 p.m., Eastern Daylight Time, on September 20, 2001");
    v["documents"][1]["changes_consideration"] = json!(true);
    let offer = parse_offer(&v.to_string()).expect("valid data, short offer");
    let checks = timing_checks(&offer);
    assert!(!checks[0].passed && checks[0].detail.starts_with("18 business days"));
    assert!(!checks[1].passed);
    assert_eq!(
        checks[1].detail,
        "5 business days after the notice (at least 10 required, as it changes the consideration)"
    );
}

#[test]
fn a_deadline_in_edt_and_one_in_est() {
    assert_eq!(
        wording_problem(
            "11:59 p.m., Eastern Daylight Time, on September 27, 2001",
            t("2001-09-27T23:59:00-04:00")
        ),
        None
    );
    assert_eq!(
        wording_problem(
            "11:59 p.m., Eastern Standard Time, on November 15, 2001",
            t("2001-11-15T23:59:00-05:00")
        ),
        None
    );
    assert_eq!(
        wording_problem("11:59 p.m., Eastern Daylight Time, on November 15, 2001", t("2001-11-15T23:59:00-05:00")).as_deref(),
        Some("the wording says Eastern Daylight Time, but Eastern Standard Time (UTC−5) applies on November 15, 2001")
    );
    assert_eq!(
        wording_problem(
            "5:00 p.m., Pacific Standard Time, on January 10, 2002",
            t("2002-01-10T17:00:00-08:00")
        ),
        None
    );
}

#[test]
fn the_days_the_clocks_change() {
    let utc = |s: &str| t(s).to_utc();
    // 2001: daylight time from 2:00 a.m. on the first Sunday of April (April 1) to 2:00
    // a.m. on the last Sunday of October (October 28).
    assert_eq!(
        us_daylight_saving(utc("2001-04-01T01:59:00-05:00"), -5),
        Some(false)
    );
    assert_eq!(
        us_daylight_saving(utc("2001-04-01T03:00:00-04:00"), -5),
        Some(true)
    );
    assert_eq!(
        us_daylight_saving(utc("2001-10-28T01:30:00-04:00"), -5),
        Some(true)
    );
    assert_eq!(
        us_daylight_saving(utc("2001-10-28T01:30:00-05:00"), -5),
        Some(false)
    );
    // From 2007: the second Sunday of March to the first Sunday of November.
    assert_eq!(
        us_daylight_saving(utc("2007-03-11T01:59:00-05:00"), -5),
        Some(false)
    );
    assert_eq!(
        us_daylight_saving(utc("2007-03-11T03:00:00-04:00"), -5),
        Some(true)
    );
    assert_eq!(
        us_daylight_saving(utc("2007-11-04T01:30:00-04:00"), -5),
        Some(true)
    );
    assert_eq!(
        us_daylight_saving(utc("2007-11-04T01:30:00-05:00"), -5),
        Some(false)
    );
    // The same wall-clock hour, 1:30 a.m. on October 28, 2001, happens twice: each is
    // right only with its own zone name.
    let daylight = "1:30 a.m., Eastern Daylight Time, on October 28, 2001";
    let standard = "1:30 a.m., Eastern Standard Time, on October 28, 2001";
    assert_eq!(
        wording_problem(daylight, t("2001-10-28T01:30:00-04:00")),
        None
    );
    assert_eq!(
        wording_problem(standard, t("2001-10-28T01:30:00-05:00")),
        None
    );
    assert!(wording_problem(daylight, t("2001-10-28T01:30:00-05:00")).is_some());
    assert!(wording_problem(standard, t("2001-10-28T01:30:00-04:00")).is_some());
    // Before 1987 other rules applied: not guessed at.
    assert_eq!(
        us_daylight_saving(utc("1980-07-01T12:00:00-04:00"), -5),
        None
    );
}

#[test]
fn new_york_city_time_is_eastern_with_its_season() {
    let wording = "12:00 midnight, New York City time, on Friday, March 15, 2002";
    assert_eq!(
        wording_problem(wording, t("2002-03-15T00:00:00-05:00")),
        None
    );
    assert!(wording_problem(wording, t("2002-03-15T00:00:00-04:00"))
        .is_some_and(|p| p.contains("UTC−5 at that moment (Standard Time)")));
}

#[test]
fn a_deadline_whose_wording_disagrees_with_its_instant_is_a_load_problem() {
    let mut v: serde_json::Value = serde_json::from_str(OFFER).expect("JSON");
    v["expiration"]["instant"] = json!("2001-09-27T23:59:00-05:00");
    let problems = parse_offer(&v.to_string()).expect_err("refused");
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].path.as_str(), "$.expiration.legal_wording");
    assert!(
        problems[0]
            .message
            .contains("UTC−4 at that moment (Daylight Time)"),
        "{}",
        problems[0].message
    );
    v["expiration"]["instant"] = json!("2001-09-28T23:59:00-04:00");
    let problems = parse_offer(&v.to_string()).expect_err("refused");
    assert!(problems[0]
        .message
        .contains("does not give the instant's local date, September 28, 2001"));
}

proptest! {
    /// Whatever the wording and the instant, checking them never panics.
    #[test]
    fn any_wording_is_checked_without_panic(wording in "\\PC{0,60}( [ap]\\.m\\.)?( Eastern (Daylight|Standard) Time)?", secs in -2_000_000_000i64..4_000_000_000, offset_q in -56i32..56) {
        let offset = FixedOffset::east_opt(offset_q * 900).expect("within a day");
        if let Some(instant) = DateTime::from_timestamp(secs, 0) {
            let _ = wording_problem(&wording, instant.with_timezone(&offset));
        }
    }
}
