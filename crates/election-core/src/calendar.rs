//! US business days: every day but Saturdays, Sundays and federal holidays (5 U.S.C.
//! § 6103, with the observed-day rule: a holiday on a Saturday is observed the Friday
//! before, one on a Sunday the Monday after). Rule 13e-4 counts business days this way.

use chrono::{Datelike, Days, Months, NaiveDate, Weekday};

/// The federal holidays in law in `year`, on the days they fall (before the observed-day
/// rule). Martin Luther King Jr. Day from 1986, Juneteenth from 2021.
fn holidays_in(year: i32) -> Vec<NaiveDate> {
    let nth = |month: u32, weekday: Weekday, n: u8| {
        NaiveDate::from_weekday_of_month_opt(year, month, weekday, n)
    };
    let fixed = |month: u32, day: u32| NaiveDate::from_ymd_opt(year, month, day);
    let last_monday_of_may = fixed(5, 31).map(|d| {
        let back = d.weekday().num_days_from_monday();
        d - Days::new(u64::from(back))
    });
    [
        fixed(1, 1),
        (year >= 1986).then(|| nth(1, Weekday::Mon, 3)).flatten(),
        nth(2, Weekday::Mon, 3),
        last_monday_of_may,
        (year >= 2021).then(|| fixed(6, 19)).flatten(),
        fixed(7, 4),
        nth(9, Weekday::Mon, 1),
        nth(10, Weekday::Mon, 2),
        fixed(11, 11),
        nth(11, Weekday::Thu, 4),
        fixed(12, 25),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// The day a holiday is observed.
fn observed(day: NaiveDate) -> NaiveDate {
    match day.weekday() {
        Weekday::Sat => day - Days::new(1),
        Weekday::Sun => day + Days::new(1),
        _ => day,
    }
}

/// Whether federal offices are closed for a holiday on `day`. A New Year's Day on a
/// Saturday is observed on December 31 of the year before, so the next year's holidays
/// are consulted too.
pub fn is_federal_holiday(day: NaiveDate) -> bool {
    [day.year(), day.year() + 1]
        .into_iter()
        .flat_map(holidays_in)
        .any(|h| observed(h) == day)
}

pub fn is_business_day(day: NaiveDate) -> bool {
    !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) && !is_federal_holiday(day)
}

/// `day` itself when it is a business day, else the next one.
pub fn business_day_on_or_after(day: NaiveDate) -> NaiveDate {
    let mut d = day;
    // At most a long weekend plus a holiday: the loop ends within a few steps.
    while !is_business_day(d) {
        d = d + Days::new(1);
    }
    d
}

/// The first business day after `day`.
pub fn next_business_day(day: NaiveDate) -> NaiveDate {
    business_day_on_or_after(day + Days::new(1))
}

/// `day` moved by whole months, clamped to the end of shorter months (August 31 plus six
/// months is February 28 or 29). `None` only past the calendar's end.
pub fn add_months(day: NaiveDate, months: u32) -> Option<NaiveDate> {
    day.checked_add_months(Months::new(months))
}

/// `day` moved back by whole months, clamped likewise.
pub fn sub_months(day: NaiveDate, months: u32) -> Option<NaiveDate> {
    day.checked_sub_months(Months::new(months))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    #[test]
    fn federal_holidays_of_2001_and_2002() {
        for day in [
            "2001-01-01",
            "2001-01-15",
            "2001-02-19",
            "2001-05-28",
            "2001-07-04",
            "2001-09-03",
            "2001-10-08",
            "2001-11-12", // Veterans Day on a Sunday, observed Monday
            "2001-11-22",
            "2001-12-25",
            "2002-01-01",
            "2002-01-21",
            "2002-02-18",
        ] {
            assert!(is_federal_holiday(d(day)), "{day}");
        }
        for day in ["2001-11-11", "2002-03-29", "2001-09-27", "2001-09-13"] {
            assert!(!is_federal_holiday(d(day)), "{day}");
        }
    }

    #[test]
    fn observed_days_cross_the_year_end() {
        // New Year's Day 2022 was a Saturday: observed Friday, December 31, 2021.
        assert!(is_federal_holiday(d("2021-12-31")));
        assert!(!is_federal_holiday(d("2022-01-01")));
        // Juneteenth exists from 2021 (2022-06-19 was a Sunday, observed June 20).
        assert!(is_federal_holiday(d("2022-06-20")));
        assert!(!is_federal_holiday(d("2001-06-19")));
        // Martin Luther King Jr. Day from 1986.
        assert!(!is_federal_holiday(d("1985-01-21")));
    }

    #[test]
    fn business_days() {
        assert!(is_business_day(d("2001-09-27")));
        assert!(!is_business_day(d("2001-09-29")));
        assert_eq!(next_business_day(d("2001-09-27")), d("2001-09-28"));
        assert_eq!(next_business_day(d("2001-08-31")), d("2001-09-04")); // Labor Day weekend
        assert_eq!(business_day_on_or_after(d("2001-12-22")), d("2001-12-24"));
    }

    #[test]
    fn months_clamp_to_month_end() {
        assert_eq!(add_months(d("2001-08-31"), 6), Some(d("2002-02-28")));
        assert_eq!(add_months(d("2001-09-28"), 6), Some(d("2002-03-28")));
        assert_eq!(sub_months(d("2001-08-27"), 6), Some(d("2001-02-27")));
    }
}
