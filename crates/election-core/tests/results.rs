//! The results (`election_core::results`): what each employee's elections come to, the
//! totals for the final amendment, participation, the CSV, and an export that an auditor
//! checks with nothing else (`verify_export`), including every way of tampering with it.
#![allow(clippy::unwrap_used)] // Test data built here; a failure is the test failing.

use std::collections::BTreeMap;

use election_core::contract::{
    payload_hash, receipt_hash, Checkpoint, ElectionEntry, ElectionPayload, Receipt, Signer,
    Signing, Timeliness, CHECKPOINT_CONTRACT, GENESIS_HASH, RECEIPT_CONTRACT,
};
use election_core::disclosure::Acknowledgment;
use election_core::results::{
    non_responders_csv, read_export, results_csv, tally, verify_export, ExportedKey, GrantOutcome,
    Results, ResultsExport, Standing, EXPORT_CONTRACT,
};
use election_core::{parse_holder, parse_offer, Election, Holder, Offer};
use sha2::{Digest as _, Sha256};

fn offer() -> Offer {
    let text = include_str!("../../../static/offers/mpower-2001.json");
    parse_offer(text).unwrap()
}

fn signer(label: &str) -> Signer {
    Signer::from_bytes(&Sha256::digest(label.as_bytes())).unwrap()
}

/// An employee with grants at $10.00 (two for one), $30.00 (three for one) and $2.00
/// (below the offer's minimum price: excluded).
fn holder(id: &str, name: &str) -> Holder {
    let text = serde_json::json!({
        "schema_version": 1,
        "offer_id": "mpower-2001-option-exchange",
        "illustrative": true,
        "employee": { "id": id, "name": name },
        "grants": [
            { "id": format!("{id}-A"), "plan": "holding", "grant_date": "2000-03-01", "exercise_price": "10.00", "outstanding": 1001, "vested": 500, "expiration_date": "2010-03-01" },
            { "id": format!("{id}-B"), "plan": "pnh", "grant_date": "2000-04-01", "exercise_price": "30.00", "outstanding": 900, "vested": 900, "expiration_date": "2010-04-01" },
            { "id": format!("{id}-C"), "plan": "holding", "grant_date": "2000-05-01", "exercise_price": "2.00", "outstanding": 400, "vested": 400, "expiration_date": "2010-05-01" }
        ]
    });
    parse_holder(&text.to_string(), None).unwrap()
}

/// A receiver's chain, kept in memory.
struct Chain {
    receiver: Signer,
    offer: Offer,
    entries: Vec<ElectionEntry>,
    keys: BTreeMap<String, Signer>,
}

const ON_TIME_MS: i64 = 1_001_030_400_000; // 2001-09-21T00:00:00Z: September 20, 8 p.m. EDT
const DAY_MS: i64 = 86_400_000;
const LATE_MS: i64 = 1_001_649_600_000; // 2001-09-28T04:00:00Z: after the deadline

impl Chain {
    fn new() -> Chain {
        Chain {
            receiver: signer("results test: receiver"),
            offer: offer(),
            entries: Vec::new(),
            keys: BTreeMap::new(),
        }
    }

    /// `holder` signs an election tendering `grants`, received at `at_ms`.
    fn elect(&mut self, holder: &Holder, grants: &[&str], at_ms: i64) {
        let id = holder.employee.id.clone();
        let key = self
            .keys
            .entry(id.clone())
            .or_insert_with(|| signer(&format!("results test: {id}")));
        let mut election = Election::keep_all(&self.offer, holder);
        for g in grants {
            let grant = holder.grants.iter().find(|x| x.id == *g).unwrap();
            election
                .tendered
                .insert(grant.id.clone(), grant.outstanding);
        }
        let sequence = self
            .entries
            .iter()
            .filter(|e| e.election.payload.employee_id == id)
            .count() as u64
            + 1;
        let acks = self
            .offer
            .documents
            .iter()
            .map(|d| Acknowledgment::of(&self.offer, d))
            .collect();
        let payload = ElectionPayload::build(
            &self.offer,
            holder,
            &election,
            acks,
            Signing {
                sequence,
                nonce: format!("nonce-{id}-{sequence}-AAAAAAAAAAAAAAAA"),
                idempotency_key: format!("{id}-{sequence}"),
                client_time: "2001-09-20T10:15:30.250-04:00".into(),
                key_id: key.key_id().to_owned(),
                signed_name: holder.employee.name.clone(),
            },
        );
        let election = key.sign_election(payload);
        let index = self.entries.len() as u64 + 1;
        let previous = self.entries.last().map_or_else(
            || GENESIS_HASH.to_owned(),
            |e| receipt_hash(&e.receipt.receipt).hex(),
        );
        let p = &election.payload;
        let at = chrono::DateTime::from_timestamp_millis(at_ms).unwrap();
        let receipt = Receipt {
            contract: RECEIPT_CONTRACT.into(),
            receipt_id: format!("R{index:010}"),
            received_by: "Mpower Holding Corporation".into(),
            offer_id: p.offer_id.clone(),
            offer_version: p.offer_version,
            employee_id: p.employee_id.clone(),
            sequence: p.sequence,
            idempotency_key: p.idempotency_key.clone(),
            payload_hash: payload_hash(p).hex(),
            received_at: election_core::contract::receipt_time(at),
            received_at_ms: at_ms,
            deadline: self.offer.expiration.instant.to_rfc3339(),
            timeliness: if at >= self.offer.expiration.instant {
                Timeliness::Late
            } else {
                Timeliness::OnTime
            },
            chain_index: index,
            previous_receipt_hash: previous,
            key_id: self.receiver.key_id().to_owned(),
        };
        let receipt = self.receiver.sign_receipt(receipt);
        self.entries.push(ElectionEntry { election, receipt });
    }

    fn export(&self, holders: &[Holder], results: Results) -> (ResultsExport, String) {
        let head = self.entries.last().map_or_else(
            || GENESIS_HASH.to_owned(),
            |e| receipt_hash(&e.receipt.receipt).hex(),
        );
        let checkpoint = self.receiver.sign_checkpoint(Checkpoint {
            contract: CHECKPOINT_CONTRACT.into(),
            received_by: "Mpower Holding Corporation".into(),
            offer_id: self.offer.id.clone(),
            key_id: self.receiver.key_id().to_owned(),
            count: self.entries.len() as u64,
            head,
            at_ms: LATE_MS + DAY_MS,
            at: "2001-09-29T04:00:00.000Z".into(),
        });
        let csv = results_csv(&results).unwrap();
        let export = ResultsExport {
            contract: EXPORT_CONTRACT.into(),
            offer: serde_json::from_str(include_str!("../../../static/offers/mpower-2001.json"))
                .unwrap(),
            employees: holders.iter().map(Holder::file_json).collect(),
            keys: self
                .keys
                .iter()
                .map(|(id, k)| ExportedKey {
                    employee_id: id.clone(),
                    jwk: k.jwk().clone(),
                })
                .collect(),
            elections: self.entries.clone(),
            checkpoint,
            receiver_key: self.receiver.jwk().clone(),
            csv_sha256: election_core::results::sha256_hex(csv.as_bytes()),
            digest: String::new(),
            results,
        }
        .seal()
        .unwrap();
        (export, csv)
    }
}

/// Six employees, one of each kind: Ana exchanges both eligible grants; Ben exchanges one,
/// then withdraws; Cy keeps everything; Di has only read their record; Ed elects only
/// after the deadline; Flo changes from one grant to the other.
fn scenario() -> (Chain, Vec<Holder>, BTreeMap<String, String>) {
    let names = [
        ("E-1", "Ana Alves"),
        ("E-2", "Ben Bauer"),
        ("E-3", "Cy Cole"),
        ("E-4", "Di Dunn"),
        ("E-5", "Ed Eze"),
        ("E-6", "=HYPERLINK(\"http://evil.example\")"),
    ];
    let holders: Vec<Holder> = names.iter().map(|(id, n)| holder(id, n)).collect();
    let mut chain = Chain::new();
    chain.elect(&holders[0], &["E-1-A", "E-1-B"], ON_TIME_MS);
    chain.elect(&holders[1], &["E-2-A"], ON_TIME_MS + 1000);
    chain.elect(&holders[2], &[], ON_TIME_MS + DAY_MS);
    chain.elect(&holders[1], &[], ON_TIME_MS + 2 * DAY_MS);
    chain.elect(&holders[5], &["E-6-A"], ON_TIME_MS + 2 * DAY_MS + 5);
    chain.elect(&holders[5], &["E-6-B"], ON_TIME_MS + 3 * DAY_MS);
    chain.elect(&holders[4], &["E-5-A"], LATE_MS);
    let viewed: BTreeMap<String, String> = ["E-1", "E-2", "E-4"]
        .iter()
        .map(|id| (id.to_string(), "2001-09-19T12:00:00.000Z".to_owned()))
        .collect();
    (chain, holders, viewed)
}

fn results_of(chain: &Chain, holders: &[Holder], viewed: &BTreeMap<String, String>) -> Results {
    let refs: Vec<&Holder> = holders.iter().collect();
    tally(
        &chain.offer,
        &refs,
        &chain.entries,
        viewed,
        "2001-09-28T12:00:00.000Z",
        true,
    )
}

#[test]
fn each_employee_and_grant_gets_its_outcome() {
    let (chain, holders, viewed) = scenario();
    let results = results_of(&chain, &holders, &viewed);
    let standing: Vec<Standing> = results.employees.iter().map(|e| e.standing).collect();
    assert_eq!(
        standing,
        [
            Standing::Elected,
            Standing::Withdrawn,
            Standing::KeptAll,
            Standing::NotResponded,
            Standing::NotResponded,
            Standing::Elected
        ]
    );
    let outcomes = |i: usize| -> Vec<GrantOutcome> {
        results.employees[i]
            .grants
            .iter()
            .map(|g| g.outcome)
            .collect()
    };
    use GrantOutcome::*;
    assert_eq!(outcomes(0), [Exchanged, Exchanged, Excluded]);
    assert_eq!(outcomes(1), [Kept, Kept, Excluded]);
    assert_eq!(outcomes(3), [NoDecision, NoDecision, Excluded]);
    // A late election governs nothing.
    assert_eq!(outcomes(4), [NoDecision, NoDecision, Excluded]);
    // The later election governs.
    assert_eq!(outcomes(5), [Kept, Exchanged, Excluded]);
    let ana = &results.employees[0];
    // 1,001 at two for one, rounded down; 900 at three for one.
    assert_eq!(
        (ana.grants[0].new_awards, ana.grants[1].new_awards),
        (500, 300)
    );
    assert!(ana.grants[2]
        .excluded_because
        .as_deref()
        .is_some_and(|w| w.contains("5.00")));
    assert_eq!(ana.governing.as_ref().unwrap().receipt_id, "R0000000001");
    assert_eq!(results.employees[4].late_elections, 1);
    assert_eq!(
        results.employees[3].first_viewed_at.as_deref(),
        Some("2001-09-19T12:00:00.000Z")
    );
}

#[test]
fn the_summary_and_participation_count_what_the_elections_give() {
    let (chain, holders, viewed) = scenario();
    let r = results_of(&chain, &holders, &viewed);
    let s = &r.summary;
    assert_eq!(s.eligible_employees, 6);
    assert_eq!(s.employees_taking_part, 2);
    assert_eq!(s.grants_exchanged, 3);
    assert_eq!(s.options_tendered, 1001 + 900 + 900);
    assert_eq!(s.new_awards, 500 + 300 + 300);
    assert_eq!(s.eligible_options, 6 * (1001 + 900));
    let plans: Vec<(&str, u64, u64)> = s
        .by_plan
        .iter()
        .map(|p| (p.plan.as_str(), p.options_tendered, p.new_awards))
        .collect();
    assert_eq!(plans, [("holding", 1001, 500), ("pnh", 1800, 600)]);
    let p = &r.participation;
    assert_eq!(
        (
            p.eligible,
            p.viewed,
            p.responded,
            p.elected,
            p.withdrawn,
            p.kept_all
        ),
        (6, 3, 4, 2, 1, 1)
    );
    assert_eq!(
        (p.changed, p.not_responded, p.late_elections, p.late_only),
        (2, 2, 1, 1)
    );
    // Days in the offer's offset (EDT): the first election on the evening of September
    // 20; the late one on September 28.
    let days: Vec<(&str, u64, u64, u64)> = p
        .by_day
        .iter()
        .map(|d| (d.date.as_str(), d.elections, d.late, d.responded))
        .collect();
    assert_eq!(
        days,
        [
            ("2001-09-20", 2, 0, 2),
            ("2001-09-21", 1, 0, 3),
            ("2001-09-22", 2, 0, 4),
            ("2001-09-23", 1, 0, 4),
            ("2001-09-28", 0, 1, 4)
        ]
    );
}

#[test]
fn the_csv_has_a_row_per_grant_and_disarms_formulas() {
    let (chain, holders, viewed) = scenario();
    let r = results_of(&chain, &holders, &viewed);
    let csv = results_csv(&r).unwrap();
    let lines: Vec<&str> = csv.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(lines.len(), 1 + 6 * 3);
    assert!(lines[0].starts_with("employee_id,name,standing,grant_id"));
    assert!(
        lines[1].starts_with("E-1,Ana Alves,elected,E-1-A,holding,2000-03-01,10.00,1001,exchanged,1001,,500,options,0.00,R0000000001,"),
        "{}",
        lines[1]
    );
    assert!(lines.iter().any(|l| l.contains("no_decision")));
    // A name that a spreadsheet would run as a formula is quoted as text.
    assert!(
        csv.contains("\"'=HYPERLINK(\"\"http://evil.example\"\")\""),
        "{csv}"
    );
    let reminders = non_responders_csv(
        &r,
        &BTreeMap::from([("E-4".into(), "di@example.com".into())]),
    )
    .unwrap();
    assert_eq!(
        reminders,
        "employee_id,name,email,viewed,late_elections\r\nE-4,Di Dunn,di@example.com,yes,0\r\nE-5,Ed Eze,,no,1\r\n"
    );
}

#[test]
fn an_export_verifies_on_its_own() {
    let (chain, holders, viewed) = scenario();
    let (export, csv) = chain.export(&holders, results_of(&chain, &holders, &viewed));
    let text = serde_json::to_string_pretty(&export).unwrap();
    let read = read_export(&text).unwrap();
    let audit = verify_export(&read, Some(&csv), Some(chain.receiver.key_id()));
    assert!(audit.problems.is_empty(), "{:#?}", audit.problems);
    assert_eq!((audit.elections, audit.employees), (7, 6));
}

fn problems_of(export: &ResultsExport, csv: &str, key: Option<&str>) -> Vec<String> {
    verify_export(export, Some(csv), key)
        .problems
        .iter()
        .map(|p| p.to_string())
        .collect()
}

fn assert_found(problems: &[String], words: &str) {
    assert!(
        problems.iter().any(|p| p.contains(words)),
        "no problem saying {words:?} in {problems:#?}"
    );
}

#[test]
fn every_tampering_is_named() {
    let (chain, holders, viewed) = scenario();
    let (export, csv) = chain.export(&holders, results_of(&chain, &holders, &viewed));

    // A figure changed, the digest left as it was.
    let mut changed = export.clone();
    changed.results.summary.new_awards += 1;
    assert_found(
        &problems_of(&changed, &csv, None),
        "digest: the export hashes to",
    );
    // … and sealed again: the figures no longer follow from the elections.
    let resealed = changed.seal().unwrap();
    assert_found(
        &problems_of(&resealed, &csv, None),
        "results.summary: states",
    );

    // An employee's outcome changed and resealed.
    let mut outcome = export.clone();
    outcome.results.employees[2].grants[0].outcome = GrantOutcome::Exchanged;
    let outcome = outcome.seal().unwrap();
    assert_found(
        &problems_of(&outcome, &csv, None),
        "results.employees[E-3]: is not what the employee's elections give",
    );

    // The newest election dropped: the checkpoint counts more.
    let mut dropped = export.clone();
    dropped.elections.pop();
    let dropped = dropped.seal().unwrap();
    assert_found(
        &problems_of(&dropped, &csv, None),
        "counts 7 receipts, but the export holds 6",
    );

    // An election's decisions rewritten: its receipt and signature no longer match.
    let mut rewritten = export.clone();
    rewritten.elections[1].election.payload.decisions[0].decision =
        election_core::contract::Decision::Keep;
    let rewritten = rewritten.seal().unwrap();
    let found = problems_of(&rewritten, &csv, None);
    assert_found(
        &found,
        "elections[1] (receipt R0000000002): the election hashes to",
    );
    assert_found(&found, "the election's signature does not verify");

    // Another receiver's key: the checkpoint and receipts do not verify, and the key is
    // not the one the receiver publishes.
    let mut other = export.clone();
    other.receiver_key = signer("someone else").jwk().clone();
    let other = other.seal().unwrap();
    let found = problems_of(&other, &csv, Some(chain.receiver.key_id()));
    assert_found(&found, "the receiver's published key");
    assert_found(&found, "checkpoint: its signature does not verify");

    // A key swapped for the employee's: the election was not signed by it.
    let mut key = export.clone();
    key.keys[0].jwk = signer("a stranger").jwk().clone();
    let key = key.seal().unwrap();
    assert_found(
        &problems_of(&key, &csv, None),
        "which the export does not hold",
    );

    // The CSV edited.
    let edited = csv.replacen("exchanged,1001", "exchanged,1002", 1);
    let found = problems_of(&export, &edited, None);
    assert_found(&found, "csv: the CSV hashes to");
    assert_found(&found, "csv: its rows are not the results");

    // Another offer put in the export's place, resealed: the checkpoint and the receipts
    // are of another offer's chain.
    let mut swapped = export.clone();
    swapped.offer["id"] = "another-offer-2001".into();
    let swapped = swapped.seal().unwrap();
    let found = problems_of(&swapped, &csv, None);
    assert_found(&found, "checkpoint: is of the offer mpower-2001-option-exchange, not of the export's offer another-offer-2001");
    assert_found(
        &found,
        "elections[0] (receipt R0000000001): is for the offer mpower-2001-option-exchange",
    );

    // Said to be final before the deadline.
    let mut early = export.clone();
    early.results.as_of = "2001-09-20T12:00:00.000Z".into();
    let early = early.seal().unwrap();
    assert_found(
        &problems_of(&early, &csv, None),
        "results.closed: says true",
    );
}

#[test]
fn an_ambiguous_or_foreign_export_is_refused_by_name() {
    assert!(read_export("{\"contract\": 1, \"contract\": 2}")
        .unwrap_err()
        .contains("more than once"));
    assert!(read_export("[]")
        .unwrap_err()
        .contains("not a results export"));
    assert!(read_export("{").unwrap_err().contains("not valid JSON"));
}

#[test]
fn a_holder_file_round_trips() {
    let h = holder("E-7", "Gus Grey");
    let again = parse_holder(&h.file_json().to_string(), Some(&offer())).unwrap();
    assert_eq!(again, h);
}
