//! What an offer's elections come to, for HR (`docs/PROTOCOL.md` §7): participation while
//! the offer runs, and the results at expiry, grant by grant.
//!
//! Everything here is computed from three things only: the offer, the employees' grants
//! and the elections the receiver holds with their receipts. So anyone holding those (an
//! auditor with an export and no database) computes the same figures: [`tally`] is the
//! one place they are decided, and an export's figures are checked by computing them
//! again (`verify_export`, feature `crypto`).
//!
//! - An employee's **governing** election is their on-time election with the highest
//!   sequence, as everywhere else ([`crate::contract::governing`]); a late election is
//!   counted as late and governs nothing.
//! - A grant is **exchanged** when the governing election tenders it (the offer's terms
//!   now in force give its new awards), **kept** when the governing election keeps it,
//!   **no decision registered** when the employee has no election in effect (so the grant
//!   stays as it is), and **excluded** when the offer does not take it (the reason given).
//! - An employee **elected** when the governing election tenders a grant, **withdrew**
//!   when it tenders none after an earlier one did, **kept all** when none ever did, and
//!   **has not responded** when no election of theirs counts.

mod export;

pub use export::*;

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::contract::{governing, Decision, ElectionEntry, Governs, Timeliness};
use crate::{resolve_with, AwardKind, Chosen, Holder, Offer, Portion};

/// The `contract` value of [`Results`].
pub const RESULTS_CONTRACT: &str = "results/v1";

/// What became of one grant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum GrantOutcome {
    Exchanged,
    Kept,
    NoDecision,
    Excluded,
}

impl GrantOutcome {
    /// The words HR reads: `exchanged`, `kept`, `no decision registered`, `excluded`.
    pub fn words(self) -> &'static str {
        match self {
            GrantOutcome::Exchanged => "exchanged",
            GrantOutcome::Kept => "kept",
            GrantOutcome::NoDecision => "no decision registered",
            GrantOutcome::Excluded => "excluded",
        }
    }

    /// The value in the CSV's `outcome` column.
    pub fn code(self) -> &'static str {
        match self {
            GrantOutcome::Exchanged => "exchanged",
            GrantOutcome::Kept => "kept",
            GrantOutcome::NoDecision => "no_decision",
            GrantOutcome::Excluded => "excluded",
        }
    }
}

/// Where an employee stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    /// No grant of theirs is eligible.
    NotEligible,
    /// No election of theirs counts (none, or only late ones).
    NotResponded,
    /// Their election in effect tenders at least one grant.
    Elected,
    /// Their election in effect tenders nothing, after an earlier one tendered something.
    Withdrawn,
    /// Every election of theirs kept every grant.
    KeptAll,
}

impl Standing {
    pub fn words(self) -> &'static str {
        match self {
            Standing::NotEligible => "not eligible",
            Standing::NotResponded => "not yet responded",
            Standing::Elected => "elected to exchange",
            Standing::Withdrawn => "withdrew",
            Standing::KeptAll => "kept all grants",
        }
    }
}

/// One grant's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GrantResult {
    pub grant_id: String,
    pub plan: String,
    pub grant_date: String,
    pub exercise_price: String,
    pub outstanding: u64,
    pub outcome: GrantOutcome,
    /// Options tendered (0 unless exchanged).
    pub options_tendered: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub portion: Option<Portion>,
    /// New awards to grant for it (0 unless exchanged, or where cash is paid instead).
    pub new_awards: u64,
    /// Cash paid instead of new awards, in cents.
    pub cash_cents: u64,
    /// Why the offer does not take it, when excluded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub excluded_because: Option<String>,
}

/// The election that decides an employee's grants.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GoverningElection {
    pub receipt_id: String,
    pub sequence: u64,
    pub received_at: String,
    /// The offer version it was made on (the terms now in force apply to it).
    pub offer_version: u64,
}

/// One employee's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmployeeResult {
    pub employee_id: String,
    pub name: String,
    pub standing: Standing,
    /// When they first read their record from the receiver, signed on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_viewed_at: Option<String>,
    /// Elections received on time, and late.
    pub elections: u64,
    pub late_elections: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub governing: Option<GoverningElection>,
    pub grants: Vec<GrantResult>,
}

/// Totals for one plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct PlanTotals {
    pub plan: String,
    pub grants_exchanged: u64,
    pub options_tendered: u64,
    pub new_awards: u64,
    pub cash_cents: u64,
}

/// The figures the final amendment to the Schedule TO reports (Rule 13e-4(c)(4)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct ResultsSummary {
    /// Employees with at least one eligible grant.
    pub eligible_employees: u64,
    /// Employees whose election in effect tenders a grant.
    pub employees_taking_part: u64,
    pub eligible_options: u64,
    pub grants_exchanged: u64,
    /// Options tendered (and, once the offer has expired, accepted for exchange).
    pub options_tendered: u64,
    pub new_awards: u64,
    pub award: AwardKind,
    pub cash_cents: u64,
    pub by_plan: Vec<PlanTotals>,
}

/// One day's elections, in the offer's time zone offset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Day {
    /// `YYYY-MM-DD`.
    pub date: String,
    /// Elections received on time that day, and late.
    pub elections: u64,
    pub late: u64,
    /// Employees who had responded by the end of the day (an on-time election).
    pub responded: u64,
}

/// Who has done what so far.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Participation {
    pub eligible: u64,
    /// Eligible employees who have read their record.
    pub viewed: u64,
    /// Eligible employees with an election that counts.
    pub responded: u64,
    pub elected: u64,
    pub withdrawn: u64,
    pub kept_all: u64,
    /// Employees who made more than one election that counts.
    pub changed: u64,
    pub not_responded: u64,
    /// Elections received after the deadline (they count for nothing).
    pub late_elections: u64,
    /// Employees whose only elections are late.
    pub late_only: u64,
    pub by_day: Vec<Day>,
}

/// The offer's results as of a moment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Results {
    /// Always [`RESULTS_CONTRACT`].
    pub contract: String,
    pub offer_id: String,
    pub offer_version: u64,
    pub deadline: String,
    /// The receiver's clock when they were computed.
    pub as_of: String,
    /// Whether the deadline had passed then: the results are final.
    pub closed: bool,
    pub summary: ResultsSummary,
    pub participation: Participation,
    /// One per employee, by employee id.
    pub employees: Vec<EmployeeResult>,
}

struct Counted<'a>(&'a ElectionEntry);

impl Governs for Counted<'_> {
    fn sequence(&self) -> u64 {
        self.0.election.payload.sequence
    }
    fn counts(&self) -> bool {
        self.0.receipt.receipt.timeliness == Timeliness::OnTime
    }
}

fn tenders(entry: &ElectionEntry) -> bool {
    entry
        .election
        .payload
        .decisions
        .iter()
        .any(|d| d.decision == Decision::Exchange)
}

/// The results of `elections` (every election held, in any order) for `holders`, as of
/// `as_of` (RFC 3339); `viewed` gives each employee's first read of their record.
/// Elections of employees not among `holders` are left out (the receiver never accepts
/// one). Linear in the grants and elections.
pub fn tally(
    offer: &Offer,
    holders: &[&Holder],
    elections: &[ElectionEntry],
    viewed: &BTreeMap<String, String>,
    as_of: &str,
    closed: bool,
) -> Results {
    let mut by_employee: BTreeMap<&str, Vec<&ElectionEntry>> = BTreeMap::new();
    for entry in elections {
        by_employee
            .entry(entry.election.payload.employee_id.as_str())
            .or_default()
            .push(entry);
    }
    let mut holders: Vec<&Holder> = holders.to_vec();
    holders.sort_by(|a, b| a.employee.id.cmp(&b.employee.id));
    let mut summary = ResultsSummary {
        award: offer.award(),
        ..ResultsSummary::default()
    };
    let mut plans: BTreeMap<String, PlanTotals> = BTreeMap::new();
    let mut participation = Participation::default();
    let mut employees = Vec::with_capacity(holders.len());
    let offset = *offer.expiration.instant.offset();
    // Per day: on-time elections, late ones, and employees first responding.
    let mut days: BTreeMap<chrono::NaiveDate, (u64, u64, u64)> = BTreeMap::new();
    let day_of = |ms: i64| {
        chrono::DateTime::from_timestamp_millis(ms)
            .map(|t| t.with_timezone(&offset).date_naive())
            .unwrap_or_default()
    };
    for holder in holders {
        let id = holder.employee.id.as_str();
        let held: &[&ElectionEntry] = by_employee.get(id).map_or(&[], Vec::as_slice);
        let on_time: Vec<&ElectionEntry> = held
            .iter()
            .copied()
            .filter(|e| Counted(e).counts())
            .collect();
        let late = (held.len() - on_time.len()) as u64;
        for e in held {
            let day = days
                .entry(day_of(e.receipt.receipt.received_at_ms))
                .or_default();
            if Counted(e).counts() {
                day.0 += 1;
            } else {
                day.1 += 1;
            }
        }
        let governing_entry = governing(held.iter().map(|e| Counted(e))).map(|c| c.0);
        let mut chosen: BTreeMap<String, Chosen> = BTreeMap::new();
        let picks: BTreeSet<String> = governing_entry
            .iter()
            .flat_map(|entry| &entry.election.payload.decisions)
            .filter(|d| d.decision == Decision::Exchange)
            .map(|d| {
                let choice = match d.portion {
                    Some(p) => Chosen::Portion(p),
                    None => Chosen::Options(d.options),
                };
                chosen.insert(d.grant_id.clone(), choice);
                d.grant_id.clone()
            })
            .collect();
        let resolution = resolve_with(offer, holder, &picks, &|g| chosen.get(g).copied());
        let eligible = resolution.statuses.iter().any(|s| s.eligible());
        let mut grants = Vec::with_capacity(holder.grants.len());
        for (g, s) in holder.grants.iter().zip(&resolution.statuses) {
            let outcome = match (&s.eligibility, governing_entry, s.exchanged) {
                (Err(_), _, _) => GrantOutcome::Excluded,
                (Ok(()), None, _) => GrantOutcome::NoDecision,
                (Ok(()), Some(_), true) => GrantOutcome::Exchanged,
                (Ok(()), Some(_), false) => GrantOutcome::Kept,
            };
            let exchanged = outcome == GrantOutcome::Exchanged;
            let cash_cents = if exchanged {
                s.cash_cents.unwrap_or(0)
            } else {
                0
            };
            let new_awards = if exchanged && s.cash_cents.is_none() {
                s.new_options
            } else {
                0
            };
            if s.eligible() {
                summary.eligible_options = summary.eligible_options.saturating_add(g.outstanding);
            }
            if exchanged {
                let plan = plans.entry(g.plan.clone()).or_insert_with(|| PlanTotals {
                    plan: g.plan.clone(),
                    ..PlanTotals::default()
                });
                plan.grants_exchanged += 1;
                plan.options_tendered = plan.options_tendered.saturating_add(s.tendered);
                plan.new_awards = plan.new_awards.saturating_add(new_awards);
                plan.cash_cents = plan.cash_cents.saturating_add(cash_cents);
            }
            grants.push(GrantResult {
                grant_id: g.id.clone(),
                plan: g.plan.clone(),
                grant_date: g.grant_date.to_string(),
                exercise_price: g.exercise_price.to_string(),
                outstanding: g.outstanding,
                outcome,
                options_tendered: if exchanged { s.tendered } else { 0 },
                portion: if exchanged { s.portion } else { None },
                new_awards,
                cash_cents,
                excluded_because: s.eligibility.as_ref().err().map(|why| {
                    why.iter()
                        .map(|w| w.describe(offer))
                        .collect::<Vec<_>>()
                        .join("; ")
                }),
            });
        }
        let standing = match governing_entry {
            _ if !eligible => Standing::NotEligible,
            None => Standing::NotResponded,
            Some(e) if tenders(e) => Standing::Elected,
            Some(_) if on_time.iter().any(|e| tenders(e)) => Standing::Withdrawn,
            Some(_) => Standing::KeptAll,
        };
        if eligible {
            let p = &mut participation;
            p.eligible += 1;
            p.viewed += u64::from(viewed.contains_key(id));
            p.late_elections += late;
            p.changed += u64::from(on_time.len() > 1);
            match standing {
                Standing::NotResponded => {
                    p.not_responded += 1;
                    p.late_only += u64::from(late > 0);
                }
                Standing::Elected => p.elected += 1,
                Standing::Withdrawn => p.withdrawn += 1,
                Standing::KeptAll => p.kept_all += 1,
                Standing::NotEligible => {}
            }
            if let Some(first) = on_time
                .iter()
                .map(|e| e.receipt.receipt.received_at_ms)
                .min()
            {
                p.responded += 1;
                days.entry(day_of(first)).or_default().2 += 1;
            }
            summary.eligible_employees += 1;
        }
        if standing == Standing::Elected {
            summary.employees_taking_part += 1;
        }
        employees.push(EmployeeResult {
            employee_id: id.to_owned(),
            name: holder.employee.name.clone(),
            standing,
            first_viewed_at: viewed.get(id).cloned(),
            elections: on_time.len() as u64,
            late_elections: late,
            governing: governing_entry.map(|e| GoverningElection {
                receipt_id: e.receipt.receipt.receipt_id.clone(),
                sequence: e.election.payload.sequence,
                received_at: e.receipt.receipt.received_at.clone(),
                offer_version: e.election.payload.offer_version,
            }),
            grants,
        });
    }
    for plan in plans.values() {
        summary.grants_exchanged += plan.grants_exchanged;
        summary.options_tendered = summary
            .options_tendered
            .saturating_add(plan.options_tendered);
        summary.new_awards = summary.new_awards.saturating_add(plan.new_awards);
        summary.cash_cents = summary.cash_cents.saturating_add(plan.cash_cents);
    }
    summary.by_plan = plans.into_values().collect();
    let mut responded = 0;
    participation.by_day = days
        .into_iter()
        .map(|(date, (elections, late, first))| {
            responded += first;
            Day {
                date: date.to_string(),
                elections,
                late,
                responded,
            }
        })
        .collect();
    Results {
        contract: RESULTS_CONTRACT.to_owned(),
        offer_id: offer.id.clone(),
        offer_version: offer.version,
        deadline: offer.expiration.instant.to_rfc3339(),
        as_of: as_of.to_owned(),
        closed,
        summary,
        participation,
        employees,
    }
}

/// The CSV header of [`results_csv`].
pub const RESULTS_CSV_HEADER: &[&str] = &[
    "employee_id",
    "name",
    "standing",
    "grant_id",
    "plan",
    "grant_date",
    "exercise_price",
    "outstanding",
    "outcome",
    "options_tendered",
    "portion",
    "new_awards",
    "award",
    "cash",
    "receipt_id",
    "received_at",
    "offer_version",
];

/// The results grant by grant, one row per grant, for the stock plan administrator:
/// always the same bytes for the same results (`verify-export` compares them).
pub fn results_csv(results: &Results) -> Result<String, CsvError> {
    let mut out = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let award = match results.summary.award {
        AwardKind::Options => "options",
        AwardKind::RestrictedStockUnits => "restricted_stock_units",
    };
    out.write_record(RESULTS_CSV_HEADER)?;
    for e in &results.employees {
        let standing = match e.standing {
            Standing::NotEligible => "not_eligible",
            Standing::NotResponded => "not_responded",
            Standing::Elected => "elected",
            Standing::Withdrawn => "withdrawn",
            Standing::KeptAll => "kept_all",
        };
        for g in &e.grants {
            let gov = e.governing.as_ref();
            let record = [
                csv_text(&e.employee_id),
                csv_text(&e.name),
                standing.to_owned(),
                csv_text(&g.grant_id),
                csv_text(&g.plan),
                g.grant_date.clone(),
                g.exercise_price.clone(),
                g.outstanding.to_string(),
                g.outcome.code().to_owned(),
                g.options_tendered.to_string(),
                g.portion.map(|p| p.word().to_owned()).unwrap_or_default(),
                g.new_awards.to_string(),
                if g.outcome == GrantOutcome::Exchanged {
                    award
                } else {
                    ""
                }
                .to_owned(),
                crate::display::from_cents(g.cash_cents).to_string(),
                gov.map(|g| g.receipt_id.clone()).unwrap_or_default(),
                gov.map(|g| g.received_at.clone()).unwrap_or_default(),
                gov.map(|g| g.offer_version.to_string()).unwrap_or_default(),
            ];
            out.write_record(&record)?;
        }
    }
    finish(out)
}

/// The employees who have not responded, for reminders: id, name and e-mail (where the
/// grants import gave one).
pub fn non_responders_csv(
    results: &Results,
    emails: &BTreeMap<String, String>,
) -> Result<String, CsvError> {
    let mut out = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    out.write_record(["employee_id", "name", "email", "viewed", "late_elections"])?;
    for e in results
        .employees
        .iter()
        .filter(|e| e.standing == Standing::NotResponded)
    {
        out.write_record([
            csv_text(&e.employee_id),
            csv_text(&e.name),
            csv_text(emails.get(&e.employee_id).map_or("", String::as_str)),
            if e.first_viewed_at.is_some() {
                "yes"
            } else {
                "no"
            }
            .to_owned(),
            e.late_elections.to_string(),
        ])?;
    }
    finish(out)
}

/// A CSV could not be written (in memory: only a bug would do it).
#[derive(Debug)]
pub struct CsvError(pub String);

impl std::fmt::Display for CsvError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the CSV could not be written: {}", self.0)
    }
}

impl std::error::Error for CsvError {}

impl From<csv::Error> for CsvError {
    fn from(e: csv::Error) -> Self {
        CsvError(e.to_string())
    }
}

fn finish(out: csv::Writer<Vec<u8>>) -> Result<String, CsvError> {
    let bytes = out.into_inner().map_err(|e| CsvError(e.to_string()))?;
    String::from_utf8(bytes).map_err(|e| CsvError(e.to_string()))
}

/// A cell that a spreadsheet would read as a formula (`=`, `+`, `-`, `@`, a tab or a
/// carriage return first) is prefixed with `'`, so a name in an employee record cannot
/// run in HR's spreadsheet (CSV injection).
fn csv_text(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}
