//! The HR preview desk's rules, pure: files opened from disk checked as the widget checks
//! fetched ones, the moments worth previewing, and where a moment falls in the offer's
//! life. The page is the widget's `pages::desk`; nothing here touches the browser.

use std::rc::Rc;

use chrono::{DateTime, Duration, FixedOffset, NaiveDateTime};
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
                "it is {} MB; an offer or employee file may be at most 5 MB",
                megabytes(size)
            )),
        })
    }
}

/// `size` bytes in megabytes to one decimal, `5.3`: by integer arithmetic, because
/// formatting an `f64` would bring the float formatter into the bundle.
fn megabytes(size: f64) -> String {
    let tenths = (size * 10.0 / 1_048_576.0).round();
    // A file's size is far below 2^53 bytes; anything else reads as its whole tenths.
    let tenths = if tenths.is_finite() && tenths >= 0.0 {
        tenths as u64
    } else {
        0
    };
    format!("{}.{}", tenths / 10, tenths % 10)
}

/// The offer file checked: the offer, or its report.
pub fn check_offer(file: &DeskFile) -> Result<Rc<Offer>, FileReport> {
    let failure = match &file.text {
        Err(why) => Failure::Unread(why.clone()),
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
        Err(why) => Failure::Unread(why.clone()),
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

/// What a file opened as employees gives the desk: a holder file (JSON) is one employee;
/// a grants export (CSV, the equity system's, one row per grant under the standard column
/// names) is every employee in it, checked as the receiver's `--grants` checks them.
#[derive(Debug, Clone)]
pub enum EmployeesChecked {
    Holder(Result<Loaded, FileReport>),
    /// Each employee of the export, named with the rows their grants came from.
    Export(Vec<(String, Loaded)>),
    /// The export's problems, each by row and column.
    ExportProblems(Vec<election_core::grants_csv::CsvProblem>),
}

/// Whether a file's name says it is a grants export (`.csv`).
pub fn is_export(name: &str) -> bool {
    name.to_ascii_lowercase().ends_with(".csv")
}

/// An employee file or a grants export, checked against the offer.
pub fn check_employees(offer: &Rc<Offer>, file: &DeskFile) -> EmployeesChecked {
    use election_core::grants_csv::{read_grants_csv, ColumnMap, CsvProblem};
    if !is_export(&file.name) {
        return EmployeesChecked::Holder(check_holder(offer, file));
    }
    let text = match &file.text {
        Ok(text) => text,
        Err(why) => {
            return EmployeesChecked::ExportProblems(vec![CsvProblem {
                row: None,
                column: None,
                message: format!("it could not be read: {why}"),
            }])
        }
    };
    // The desk previews: what it reads is sample data, labelled illustrative.
    match read_grants_csv(text, &ColumnMap::default(), &offer.id, true, Some(offer)) {
        Err(problems) => EmployeesChecked::ExportProblems(problems),
        Ok(employees) => EmployeesChecked::Export(
            employees
                .into_iter()
                .map(|e| {
                    let rows = match (e.rows.first(), e.rows.last()) {
                        (Some(a), Some(b)) if a != b => format!("rows {a}–{b}"),
                        (Some(a), _) => format!("row {a}"),
                        _ => String::new(),
                    };
                    (
                        format!("{}, {rows}", file.name),
                        Loaded {
                            offer: Rc::clone(offer),
                            holder: Rc::new(e.holder),
                        },
                    )
                })
                .collect(),
        ),
    }
}

/// What the schema (`docs/schemas/offer.schema.json`, `holder.schema.json`) says of the
/// member at `path` (`$.terms.exchange_ratio.tiers[0].old`): the description of the
/// deepest member of the path the schema knows, and that member's path, for the desk to
/// show beside a problem. `None` when the schema knows nothing past the root.
pub fn schema_note(schema: &serde_json::Value, path: &str) -> Option<(String, String)> {
    let mut node = schema;
    let mut found: Option<(String, String)> = None;
    let mut walked = String::from("$");
    for segment in path_segments(path) {
        let next = match &segment {
            Segment::Key(k) => member(node, k),
            Segment::Index(_) => node.get("items"),
        };
        let Some(next) = next else { break };
        match &segment {
            Segment::Key(k) => {
                walked.push('.');
                walked.push_str(k);
            }
            Segment::Index(i) => walked.push_str(&format!("[{i}]")),
        }
        node = next;
        if let Some(d) = node.get("description").and_then(|d| d.as_str()) {
            found = Some((walked.clone(), d.to_owned()));
        }
    }
    found
}

/// The schema of member `key` of an object schema (its own `properties`, or those of
/// one of its `oneOf`/`anyOf`/`allOf` alternatives).
fn member<'a>(node: &'a serde_json::Value, key: &str) -> Option<&'a serde_json::Value> {
    if let Some(p) = node.get("properties").and_then(|p| p.get(key)) {
        return Some(p);
    }
    ["oneOf", "anyOf", "allOf"].iter().find_map(|alt| {
        node.get(*alt)?
            .as_array()?
            .iter()
            .find_map(|v| member(v, key))
    })
}

enum Segment {
    Key(String),
    Index(usize),
}

/// `$.a.b[2].c` → a, b, 2, c (a key written `["…"]` is read too).
fn path_segments(path: &str) -> Vec<Segment> {
    let mut out = Vec::new();
    let rest = path.strip_prefix('$').unwrap_or(path);
    let mut chars = rest.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '.' => {
                let mut key = String::new();
                while let Some(&n) = chars.peek() {
                    if n == '.' || n == '[' {
                        break;
                    }
                    key.push(n);
                    chars.next();
                }
                out.push(Segment::Key(key));
            }
            '[' => {
                let mut inner = String::new();
                for n in chars.by_ref() {
                    if n == ']' {
                        break;
                    }
                    inner.push(n);
                }
                match inner.parse::<usize>() {
                    Ok(i) => out.push(Segment::Index(i)),
                    Err(_) => out.push(Segment::Key(
                        serde_json::from_str::<String>(&inner)
                            .unwrap_or_else(|_| inner.trim_matches('"').to_owned()),
                    )),
                }
            }
            _ => {}
        }
    }
    out
}

/// How many of an employee's grants the offer could take.
pub fn eligible_count(offer: &Offer, holder: &Holder) -> usize {
    holder
        .grants
        .iter()
        .filter(|g| election_core::rules::eligibility(offer, &holder.employee, g).is_ok())
        .count()
}

/// The UTC offset (seconds east) of the offer's time zone at an instant (ms since the
/// epoch): in the page, the browser's Intl for the offer's IANA zone
/// ([`crate::intl::zone_offset`]); in tests, a rule. An offer period may cross a
/// daylight-saving change, so every moment is resolved at itself, never at the deadline.
pub type ZoneOffset<'a> = &'a dyn Fn(i64) -> i32;

/// `at` as the offer's zone reads it (its offset at that instant).
pub fn in_zone(at: DateTime<FixedOffset>, zone: ZoneOffset) -> DateTime<FixedOffset> {
    FixedOffset::east_opt(zone(at.timestamp_millis()))
        .map_or(at, |offset| at.with_timezone(&offset))
}

/// The instant a wall-clock time in the offer's zone names. In the hour a spring change
/// skips, the time is read with the offset before the change (as a clock that was not
/// yet set forward reads it); in the hour an autumn change repeats, the first of the two.
pub fn local_in_zone(local: NaiveDateTime, zone: ZoneOffset) -> Option<DateTime<FixedOffset>> {
    let as_utc = local.and_utc().timestamp_millis();
    // The offsets in force up to 14 hours either side (the widest UTC offsets) of the wall
    // time read as UTC, earliest first: the instant is the wall time less the first of
    // them that holds at that instant.
    let candidates = [
        zone(as_utc - 3_600_000 * 14),
        zone(as_utc),
        zone(as_utc + 3_600_000 * 14),
    ];
    let mut found = None;
    for offset in candidates {
        let instant = as_utc - i64::from(offset) * 1000;
        if zone(instant) == offset {
            found = Some((instant, offset));
            break;
        }
    }
    let (instant, offset) =
        found.unwrap_or((as_utc - i64::from(candidates[0]) * 1000, candidates[0]));
    let offset = FixedOffset::east_opt(offset)?;
    DateTime::from_timestamp_millis(instant).map(|t| t.with_timezone(&offset))
}

/// The moments HR most wants to see: the offer's opening (9:00 a.m. on its first day in
/// the offer's zone, at that day's offset), a day before the deadline, its final hour,
/// and a minute after it expired.
pub fn quick_jumps(offer: &Offer, zone: ZoneOffset) -> Vec<(&'static str, DateTime<FixedOffset>)> {
    let deadline = offer.expiration.instant;
    let opening = offer
        .opened_on
        .and_hms_opt(9, 0, 0)
        .and_then(|t| local_in_zone(t, zone))
        .unwrap_or(deadline);
    vec![
        ("Opening", opening),
        (
            "One day before the deadline",
            in_zone(deadline - Duration::days(1), zone),
        ),
        (
            "Final hour",
            in_zone(deadline - Duration::minutes(30), zone),
        ),
        (
            "One minute after expiry",
            in_zone(deadline + Duration::minutes(1), zone),
        ),
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
    pub fn of(offer: &Offer, at: DateTime<FixedOffset>, zone: ZoneOffset) -> Life {
        let opening = quick_jumps(offer, zone)[0].1;
        if in_zone(at, zone).date_naive() < offer.opened_on && at < opening {
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
/// (`2001-09-27T23:30`, a wall time in the offer's zone, at that moment's offset).
pub fn read_moment(text: &str, zone: ZoneOffset) -> Result<DateTime<FixedOffset>, String> {
    let text = text.trim();
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Ok(at);
    }
    // Read by hand: chrono's format-string parser costs the bundle several KB.
    let local = || -> Option<DateTime<FixedOffset>> {
        let (date, time) = text.split_once('T')?;
        let mut d = date.splitn(3, '-').map(|n| n.parse::<u32>().ok());
        let (y, m, day) = (d.next()??, d.next()??, d.next()??);
        let (h, min) = time.split_once(':')?;
        let (h, min) = (h.parse::<u32>().ok()?, min.parse::<u32>().ok()?);
        let wall = chrono::NaiveDate::from_ymd_opt(i32::try_from(y).ok()?, m, day)?
            .and_hms_opt(h, min, 0)?;
        local_in_zone(wall, zone)
    };
    local().ok_or_else(|| {
        format!("“{text}” is not a moment: use a date and time such as 2001-09-27T23:30")
    })
}

/// A moment's UTC offset, as the desk says which one it used: `UTC−04:00`.
pub fn offset_label(at: DateTime<FixedOffset>) -> String {
    let seconds = at.offset().local_minus_utc();
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
        "Disclosure digest (disclosure/v2: the legal texts and the terms that set the consideration): {}\nLegal texts digest (SHA-256 of all legal texts): {}\n",
        disclosure.offer.hex(),
        election_core::disclosure::legal_texts_digest(offer).hex()
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

    const OFFER: &str = include_str!("../../../static/offers/mpower-2001.json");
    const AVERY: &str = include_str!("../../../static/holders/e1001-avery-lindqvist.json");

    fn file(name: &str, text: &str) -> DeskFile {
        DeskFile {
            name: name.into(),
            text: Ok(Rc::from(text)),
        }
    }

    const HEADER: &str = "employee_id,name,email,grant_id,plan,grant_date,exercise_price,outstanding,vested,expiration_date";

    #[test]
    fn a_grants_export_gives_its_employees_or_its_problems_by_row() {
        let offer = check_offer(&file("offer.json", OFFER)).expect("the Mpower offer");
        let csv = format!(
            "{HEADER}\r\nE-7,Ana Alves,ana@example.com,G-1,holding,2000-03-10,42.50,\"1,200\",600,2010-03-10\r\nE-7,Ana Alves,ana@example.com,G-2,pnh,2000-04-10,12.00,300,300,2010-04-10\r\nE-8,Ben Bauer,,G-3,holding,2000-05-10,3.00,100,100,2010-05-10\r\n"
        );
        let EmployeesChecked::Export(employees) =
            check_employees(&offer, &file("Grants.CSV", &csv))
        else {
            panic!("a clean export");
        };
        let names: Vec<(&str, &str, usize)> = employees
            .iter()
            .map(|(label, l)| {
                (
                    label.as_str(),
                    l.holder.employee.id.as_str(),
                    l.holder.grants.len(),
                )
            })
            .collect();
        assert_eq!(
            names,
            [
                ("Grants.CSV, rows 2–3", "E-7", 2),
                ("Grants.CSV, row 4", "E-8", 1)
            ]
        );
        assert_eq!(
            eligible_count(&offer, &employees[1].1.holder),
            0,
            "$3.00 is below the minimum"
        );

        let bad = csv.replace("2000-04-10", "2000-02-30");
        let EmployeesChecked::ExportProblems(problems) =
            check_employees(&offer, &file("grants.csv", &bad))
        else {
            panic!("a bad date");
        };
        assert_eq!(
            problems[0].to_string(),
            "row 3, column `grant_date`: `2000-02-30` is not a date on the calendar"
        );
        // A JSON file is a holder file, whatever it holds.
        assert!(matches!(
            check_employees(&offer, &file("avery.json", AVERY)),
            EmployeesChecked::Holder(Ok(_))
        ));
        let unread = DeskFile {
            name: "big.csv".into(),
            text: Err("it is 6.0 MB".into()),
        };
        assert!(
            matches!(check_employees(&offer, &unread), EmployeesChecked::ExportProblems(p) if p[0].message.contains("6.0 MB"))
        );
    }

    #[test]
    fn a_problem_is_paired_with_what_the_schema_says_of_its_member() {
        let schema: serde_json::Value =
            serde_json::from_str(include_str!("../../../docs/schemas/offer.schema.json"))
                .expect("schema");
        let (at, note) =
            schema_note(&schema, "$.terms.exchange_ratio.tiers[0].old").expect("known");
        assert_eq!(at, "$.terms.exchange_ratio.tiers[0].old");
        assert!(!note.is_empty());
        // A member the schema does not know: what it says of the nearest one it does.
        let (at, _) = schema_note(&schema, "$.terms.colour").expect("its parent");
        assert_eq!(at, "$.terms");
        assert_eq!(schema_note(&schema, "$"), None);
        let holder: serde_json::Value =
            serde_json::from_str(include_str!("../../../docs/schemas/holder.schema.json"))
                .expect("schema");
        let (at, note) = schema_note(&holder, "$.grants[3].exercise_price").expect("known");
        assert_eq!(at, "$.grants[3].exercise_price");
        assert!(note.to_lowercase().contains("price"), "{note}");
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
        assert!(matches!(
            check_offer(&big),
            Err(FileReport { failure: Failure::Unread(why), .. }) if why.contains("6.0 MB")
        ));
        assert!(DeskFile::too_large("ok.json", 1000.0).is_none());
        assert_eq!(
            big.text,
            Err("it is 6.0 MB; an offer or employee file may be at most 5 MB".to_owned())
        );
        let odd = DeskFile::too_large("odd.json", 5.0 * 1024.0 * 1024.0 + 300_000.0);
        assert!(
            matches!(odd, Some(DeskFile { text: Err(why), .. }) if why.starts_with("it is 5.3 MB"))
        );
        assert_eq!(megabytes(f64::INFINITY), "0.0");
    }

    #[test]
    fn the_report_has_the_checks_the_texts_and_the_employees() {
        let offer = check_offer(&file("offer.json", OFFER)).expect("offer");
        let avery = check_holder(&offer, &file("avery.json", AVERY)).expect("Avery");
        let text = report_text(&offer, &[avery], "2026-11-24T21:00:00Z");
        for expected in [
            "Disclosure digest (disclosure/v2: the legal texts and the terms that set the consideration): 73362fba484b9c12e451084064193b83ef122ff10403bdb7f6bd8278ce73e9af",
            "Legal texts digest (SHA-256 of all legal texts): 32c6ed7c3c93c1899df029617c8984cf234c8aa87a36f717603dba38649834f2",
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
        let zone = eastern;
        let jumps: Vec<String> = quick_jumps(&offer, &zone)
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
        let at = |s: &str| read_moment(s, &zone).expect("moment");
        assert_eq!(
            Life::of(&offer, at("2001-08-01T12:00"), &zone),
            Life::BeforeLaunch
        );
        assert_eq!(
            Life::of(&offer, at("2001-09-27T23:58:59-04:00"), &zone),
            Life::Open
        );
        assert_eq!(
            Life::of(&offer, at("2001-09-27T23:59"), &zone),
            Life::Expired
        );
        assert_eq!(local_value(at("2001-09-27T23:30")), "2001-09-27T23:30");
        assert_eq!(offset_label(at("2001-09-27T23:30")), "UTC−04:00");
        assert!(read_moment("next Tuesday", &zone).is_err());
        assert!(read_moment("2001-02-30T10:00", &zone).is_err());
        assert!(read_moment("2001-09-27T25:00", &zone).is_err());
    }

    /// US Pacific time by the rules since 2007 (second Sunday of March at 2 a.m. to the
    /// first Sunday of November at 2 a.m.), as Intl gives it in the page.
    fn pacific(ms: i64) -> i32 {
        us_zone(ms, -8)
    }
    fn eastern(ms: i64) -> i32 {
        us_zone(ms, -5)
    }
    fn us_zone(ms: i64, standard: i32) -> i32 {
        use chrono::{Datelike, NaiveDate, Weekday};
        let at = DateTime::from_timestamp_millis(ms).expect("instant");
        let year = at.year();
        let nth_sunday = |month: u32, n: u32| {
            let first = NaiveDate::from_ymd_opt(year, month, 1).expect("date");
            let offset = (7 - first.weekday().num_days_from_sunday()) % 7;
            first + Duration::days(i64::from(offset + 7 * (n - 1)))
        };
        let (start_n, start_m, end_m) = if year >= 2007 { (2, 3, 11) } else { (1, 4, 10) };
        let end = if year >= 2007 {
            nth_sunday(end_m, 1)
        } else {
            // The last Sunday of October.
            let mut d = NaiveDate::from_ymd_opt(year, 10, 31).expect("date");
            while d.weekday() != Weekday::Sun {
                d -= Duration::days(1);
            }
            d
        };
        let starts = nth_sunday(start_m, start_n)
            .and_hms_opt(2, 0, 0)
            .expect("t")
            .and_utc()
            .timestamp_millis()
            - i64::from(standard) * 3_600_000;
        let ends = end
            .and_hms_opt(2, 0, 0)
            .expect("t")
            .and_utc()
            .timestamp_millis()
            - i64::from(standard + 1) * 3_600_000;
        let daylight = ms >= starts && ms < ends;
        (standard + i32::from(daylight)) * 3600
    }

    #[test]
    fn an_offer_period_across_a_daylight_saving_change_reads_each_moment_at_its_own_offset() {
        // Opens in October under Pacific Daylight Time, expires in November under
        // Pacific Standard Time.
        let mut offer = (*check_offer(&file("offer.json", OFFER)).expect("offer")).clone();
        offer.opened_on = chrono::NaiveDate::from_ymd_opt(2025, 10, 20).expect("date");
        offer.expiration.instant =
            DateTime::parse_from_rfc3339("2025-11-18T23:59:00-08:00").expect("instant");
        let zone = pacific;
        let jumps = quick_jumps(&offer, &zone);
        assert_eq!(
            jumps[0].1.to_rfc3339(),
            "2025-10-20T09:00:00-07:00",
            "opening, 9:00 a.m. PDT"
        );
        assert_eq!(offset_label(jumps[0].1), "UTC−07:00");
        assert_eq!(jumps[1].1.to_rfc3339(), "2025-11-17T23:59:00-08:00");
        assert_eq!(offset_label(jumps[3].1), "UTC−08:00");
        // Typed moments: each at its own offset.
        let at = |s: &str| read_moment(s, &zone).expect("moment").to_rfc3339();
        assert_eq!(at("2025-10-31T12:00"), "2025-10-31T12:00:00-07:00");
        assert_eq!(at("2025-11-03T12:00"), "2025-11-03T12:00:00-08:00");
        // The repeated hour of November 2: the first (daylight) one.
        assert_eq!(at("2025-11-02T01:30"), "2025-11-02T01:30:00-07:00");
        // The skipped hour of March 9, 2025: read at the offset before the change.
        assert_eq!(at("2025-03-09T02:30"), "2025-03-09T02:30:00-08:00");
        assert_eq!(
            Life::of(
                &offer,
                read_moment("2025-10-19T23:30", &zone).expect("m"),
                &zone
            ),
            Life::BeforeLaunch
        );
        assert_eq!(
            Life::of(
                &offer,
                read_moment("2025-10-20T09:00", &zone).expect("m"),
                &zone
            ),
            Life::Open
        );
    }
}
