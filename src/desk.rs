//! The HR preview desk's rules, pure: files opened from disk checked as the widget checks
//! fetched ones, the moments worth previewing, and where a moment falls in the offer's
//! life. The page is `components::desk`; nothing here touches the browser.

use std::rc::Rc;

use chrono::{DateTime, Duration, FixedOffset};
use election_core::{parse_holder, parse_offer, Holder, Offer};

use crate::loading::{DataFile, Failure, FileReport, Loaded};

/// The largest file the desk reads (the core refuses larger ones too).
pub const MAX_FILE_BYTES: f64 = 5.0 * 1024.0 * 1024.0;

/// A file as opened: its name, and its text or why it could not be read.
#[derive(Debug, Clone, PartialEq)]
pub struct DeskFile {
    pub name: String,
    pub text: Result<Rc<str>, String>,
}

impl DeskFile {
    /// A file of `size` bytes: refused unread when it is over [`MAX_FILE_BYTES`].
    pub fn too_large(name: &str, size: f64) -> Option<DeskFile> {
        (size > MAX_FILE_BYTES).then(|| DeskFile {
            name: name.to_owned(),
            text: Err(format!(
                "it is {:.1} MB; an offer or employee file may be at most 5 MB",
                size / 1024.0 / 1024.0
            )),
        })
    }
}

/// The offer file checked: the offer, or its report.
pub fn check_offer(file: &DeskFile) -> Result<Rc<Offer>, FileReport> {
    let failure = match &file.text {
        Err(why) => Failure::Unreachable(why.clone()),
        Ok(text) => match parse_offer(text) {
            Ok(offer) => return Ok(Rc::new(offer)),
            Err(problems) => Failure::Invalid(problems),
        },
    };
    Err(FileReport {
        file: DataFile::Offer,
        location: file.name.clone(),
        failure,
    })
}

/// An employee file checked against the offer (a file for another offer is named as
/// such by the core's check of `offer_id`).
pub fn check_holder(offer: &Rc<Offer>, file: &DeskFile) -> Result<Loaded, FileReport> {
    let failure = match &file.text {
        Err(why) => Failure::Unreachable(why.clone()),
        Ok(text) => match parse_holder(text, Some(offer)) {
            Ok(holder) => {
                return Ok(Loaded {
                    offer: Rc::clone(offer),
                    holder: Rc::new(holder),
                })
            }
            Err(problems) => Failure::Invalid(problems),
        },
    };
    Err(FileReport {
        file: DataFile::Holder,
        location: file.name.clone(),
        failure,
    })
}

/// How many of an employee's grants the offer could take.
pub fn eligible_count(offer: &Offer, holder: &Holder) -> usize {
    holder
        .grants
        .iter()
        .filter(|g| election_core::rules::eligibility(offer, g).is_ok())
        .count()
}

/// The moments HR most wants to see: the offer's opening (9:00 a.m. on its first day,
/// in the deadline's offset), a day before the deadline, its final hour, and a minute
/// after it expired.
pub fn quick_jumps(offer: &Offer) -> Vec<(&'static str, DateTime<FixedOffset>)> {
    let deadline = offer.expiration.instant;
    let offset = *deadline.offset();
    let opening = offer
        .opened_on
        .and_hms_opt(9, 0, 0)
        .and_then(|t| t.and_local_timezone(offset).single())
        .unwrap_or(deadline);
    vec![
        ("Opening", opening),
        ("One day before the deadline", deadline - Duration::days(1)),
        ("Final hour", deadline - Duration::minutes(30)),
        ("One minute after expiry", deadline + Duration::minutes(1)),
    ]
}

/// Where a preview moment falls in the offer's life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Life {
    BeforeLaunch,
    Open,
    Expired,
}

impl Life {
    pub fn of(offer: &Offer, at: DateTime<FixedOffset>) -> Life {
        let opening = quick_jumps(offer)[0].1;
        if at.date_naive() < offer.opened_on && at < opening {
            Life::BeforeLaunch
        } else if at >= offer.expiration.instant {
            Life::Expired
        } else {
            Life::Open
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Life::BeforeLaunch => "before the offer opened: employees could not see it yet",
            Life::Open => "while the offer is open",
            Life::Expired => "after the offer expired: elections are locked",
        }
    }
}

/// A moment typed as RFC 3339, or as the `datetime-local` control gives it
/// (`2001-09-27T23:30`, read in the deadline's offset).
pub fn read_moment(offer: &Offer, text: &str) -> Result<DateTime<FixedOffset>, String> {
    let text = text.trim();
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Ok(at);
    }
    let offset = *offer.expiration.instant.offset();
    // Read by hand: chrono's format-string parser costs the bundle several KB.
    let local = || -> Option<DateTime<FixedOffset>> {
        let (date, time) = text.split_once('T')?;
        let mut d = date.splitn(3, '-').map(|n| n.parse::<u32>().ok());
        let (y, m, day) = (d.next()??, d.next()??, d.next()??);
        let (h, min) = time.split_once(':')?;
        let (h, min) = (h.parse::<u32>().ok()?, min.parse::<u32>().ok()?);
        chrono::NaiveDate::from_ymd_opt(i32::try_from(y).ok()?, m, day)?
            .and_hms_opt(h, min, 0)?
            .and_local_timezone(offset)
            .single()
    };
    local().ok_or_else(|| {
        format!("“{text}” is not a moment: use a date and time such as 2001-09-27T23:30")
    })
}

/// The deadline's UTC offset, as the moment control is read in: `UTC−04:00`.
pub fn offset_label(offer: &Offer) -> String {
    let seconds = offer.expiration.instant.offset().local_minus_utc();
    let (sign, abs) = if seconds < 0 {
        ('−', -seconds)
    } else {
        ('+', seconds)
    };
    format!("UTC{sign}{:02}:{:02}", abs / 3600, abs % 3600 / 60)
}

/// The `datetime-local` value for `at` (in its own offset).
pub fn local_value(at: DateTime<FixedOffset>) -> String {
    use chrono::{Datelike, Timelike};
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}",
        at.year(),
        at.month(),
        at.day(),
        at.hour(),
        at.minute()
    )
}

/// The preview report, as plain text: the offer, the timing checks, every legal text
/// verbatim with its SHA-256 digest, and how many sample employees have eligible grants.
/// Generated in the browser; downloaded as a file and printed from the desk.
pub fn report_text(offer: &Offer, employees: &[Loaded], generated_at: &str) -> String {
    use std::fmt::Write as _;
    let disclosure = election_core::disclosure::Disclosure::of(offer);
    let mut out = String::new();
    let rule = "=".repeat(72);
    let _ = writeln!(
        out,
        "OFFER PREVIEW REPORT (a preview: nothing was submitted)\n{rule}"
    );
    let _ = writeln!(
        out,
        "Offer: {} ({} version {})",
        offer.issuer.name, offer.id, offer.version
    );
    let _ = writeln!(
        out,
        "Deadline: {} ({})",
        offer.expiration.legal_wording,
        offer.expiration.instant.to_rfc3339()
    );
    let _ = writeln!(out, "Generated: {generated_at}");
    let _ = writeln!(
        out,
        "Disclosure digest (SHA-256 of all legal texts): {}\n",
        disclosure.offer.hex()
    );
    let _ = writeln!(out, "TIMING CHECKS (Rule 13e-4, US business days)\n{rule}");
    for check in election_core::timing::timing_checks(offer) {
        let _ = writeln!(
            out,
            "[{}] {}: {}",
            if check.passed { "PASS" } else { "FAIL" },
            check.name,
            check.detail
        );
    }
    let _ = writeln!(out, "\nSAMPLE EMPLOYEES\n{rule}");
    let with_eligible = employees
        .iter()
        .filter(|l| eligible_count(offer, &l.holder) > 0)
        .count();
    let _ = writeln!(
        out,
        "{} of {} sample employees have eligible grants.",
        with_eligible,
        employees.len()
    );
    for l in employees {
        let _ = writeln!(
            out,
            "- {} ({}): {} grants, {} eligible",
            l.holder.employee.name,
            l.holder.employee.id,
            l.holder.grants.len(),
            eligible_count(offer, &l.holder)
        );
    }
    let _ = writeln!(
        out,
        "\nLEGAL TEXTS (verbatim, with their SHA-256 digests)\n{rule}"
    );
    for doc in &offer.documents {
        let digests = disclosure.document(&doc.id);
        let _ = writeln!(out, "\n{} dated {}", doc.title, doc.date);
        if let Some(d) = digests {
            let _ = writeln!(out, "Document digest: {}", d.document.hex());
        }
        if let Some(preamble) = &doc.preamble {
            let _ = writeln!(out, "\n{preamble}");
        }
        for a in &doc.amendments {
            let digest = digests
                .and_then(|d| d.amendments.iter().find(|(n, _)| *n == a.number))
                .map(|(_, d)| d.hex())
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "\nAmendment {} ({}), {}: {}\nDigest: {digest}\n\n{}",
                a.number,
                a.change.label(),
                a.section.heading(),
                a.location,
                a.text
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const OFFER: &str = include_str!("../static/offers/mpower-2001.json");
    const AVERY: &str = include_str!("../static/holders/e1001-avery-lindqvist.json");

    fn file(name: &str, text: &str) -> DeskFile {
        DeskFile {
            name: name.into(),
            text: Ok(Rc::from(text)),
        }
    }

    #[test]
    fn files_are_checked_as_the_widget_checks_them() {
        let offer = check_offer(&file("offer.json", OFFER)).expect("the Mpower offer");
        let loaded = check_holder(&offer, &file("avery.json", AVERY)).expect("Avery");
        assert_eq!(eligible_count(&offer, &loaded.holder), 1);
        let broken =
            check_offer(&file("broken.json", "{\"schema_version\": 1")).expect_err("broken");
        assert_eq!(broken.location, "broken.json");
        assert!(matches!(broken.failure, Failure::Invalid(_)));
        let other = AVERY.replace("mpower-2001-option-exchange", "another-offer");
        let report = check_holder(&offer, &file("other.json", &other)).expect_err("another offer");
        let Failure::Invalid(problems) = report.failure else {
            panic!("invalid")
        };
        assert!(
            problems
                .iter()
                .any(|p| p.path.to_string().contains("offer_id")),
            "{problems:?}"
        );
        let big = DeskFile::too_large("huge.json", 6.0 * 1024.0 * 1024.0).expect("refused");
        assert!(check_offer(&big).is_err());
        assert!(DeskFile::too_large("ok.json", 1000.0).is_none());
    }

    #[test]
    fn the_report_has_the_checks_the_texts_and_the_employees() {
        let offer = check_offer(&file("offer.json", OFFER)).expect("offer");
        let avery = check_holder(&offer, &file("avery.json", AVERY)).expect("Avery");
        let text = report_text(&offer, &[avery], "2026-11-24T21:00:00Z");
        for expected in [
            "Disclosure digest (SHA-256 of all legal texts): 32c6ed7c3c93c1899df029617c8984cf234c8aa87a36f717603dba38649834f2",
            "[PASS] Offer period",
            "1 of 1 sample employees have eligible grants.",
            "Avery Lindqvist (E-1001): 1 grants, 1 eligible",
            "Document digest: ca7f149594b95c9ccaabac5ca72f3e316489de959a12ae6800232057d0d6ccf6",
            "The conditions to this offer are for our benefit.",
            "Amendment 3 (Paragraph inserted)",
        ] {
            assert!(text.contains(expected), "{expected} in {text}");
        }
        // The texts are verbatim: each amendment's text appears whole.
        for a in &offer.documents[1].amendments {
            assert!(text.contains(&a.text));
        }
    }

    #[test]
    fn quick_jumps_and_the_offers_life() {
        let offer = check_offer(&file("offer.json", OFFER)).expect("offer");
        let jumps: Vec<String> = quick_jumps(&offer)
            .iter()
            .map(|(label, at)| format!("{label} {}", at.to_rfc3339()))
            .collect();
        assert_eq!(
            jumps,
            [
                "Opening 2001-08-27T09:00:00-04:00",
                "One day before the deadline 2001-09-26T23:59:00-04:00",
                "Final hour 2001-09-27T23:29:00-04:00",
                "One minute after expiry 2001-09-28T00:00:00-04:00",
            ]
        );
        let at = |s: &str| read_moment(&offer, s).expect("moment");
        assert_eq!(Life::of(&offer, at("2001-08-01T12:00")), Life::BeforeLaunch);
        assert_eq!(
            Life::of(&offer, at("2001-09-27T23:58:59-04:00")),
            Life::Open
        );
        assert_eq!(Life::of(&offer, at("2001-09-27T23:59")), Life::Expired);
        assert_eq!(local_value(at("2001-09-27T23:30")), "2001-09-27T23:30");
        assert_eq!(offset_label(&offer), "UTC−04:00");
        assert!(read_moment(&offer, "next Tuesday").is_err());
        assert!(read_moment(&offer, "2001-02-30T10:00").is_err());
        assert!(read_moment(&offer, "2001-09-27T25:00").is_err());
    }
}
