//! The results as files anyone can check (`docs/PROTOCOL.md` §7.3): a JSON export that
//! carries, beside the figures, everything they rest on (the offer, every employee's
//! grants, every registered key, every election with its receipt, and the receiver's
//! signed checkpoint covering exactly those receipts) and a digest of itself; and the CSV
//! for the stock plan administrator, which the JSON export names by its SHA-256.
//!
//! [`verify_export`] (feature `crypto`) is what `election-receiver verify-export` runs:
//! with those files alone, no database and no network, it checks every signature, the
//! chain up to the checkpoint, and computes the results again from the elections.

use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use super::Results;
use crate::contract::{ElectionEntry, PublicJwk, SignedCheckpoint};

/// The `contract` value of [`ResultsExport`].
pub const EXPORT_CONTRACT: &str = "results-export/v1";

/// A key registered to an employee, as the receiver holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportedKey {
    pub employee_id: String,
    pub jwk: PublicJwk,
}

/// The results and everything they rest on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResultsExport {
    /// Always [`EXPORT_CONTRACT`].
    pub contract: String,
    pub results: Results,
    /// The offer file the receiver serves.
    pub offer: serde_json::Value,
    /// Every employee's record (the holder file format), by employee id.
    pub employees: Vec<serde_json::Value>,
    /// Every registered key.
    pub keys: Vec<ExportedKey>,
    /// Every election held, in chain order, with its receipt: exactly the receipts the
    /// checkpoint counts.
    pub elections: Vec<ElectionEntry>,
    pub checkpoint: SignedCheckpoint,
    /// The receiver's public key. `verify-export --key-id` checks it is the one the
    /// receiver publishes (`GET /v1/offer`): the file alone cannot prove whose key it is.
    pub receiver_key: PublicJwk,
    /// SHA-256 (hex) of the CSV export of the same results.
    pub csv_sha256: String,
    /// SHA-256 (hex) of this object's JCS bytes without `digest`.
    pub digest: String,
}

impl ResultsExport {
    /// The digest this export should carry: SHA-256 over its JCS bytes without `digest`.
    pub fn computed_digest(&self) -> Result<String, serde_json::Error> {
        let mut value = serde_json::to_value(self)?;
        if let Some(map) = value.as_object_mut() {
            map.remove("digest");
        }
        Ok(sha256_hex(&crate::jcs::to_vec(&value)?))
    }

    /// Fills in `digest`.
    pub fn seal(mut self) -> Result<ResultsExport, serde_json::Error> {
        self.digest = self.computed_digest()?;
        Ok(self)
    }
}

/// SHA-256 as lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    crate::disclosure::Digest(Sha256::digest(bytes).into()).hex()
}

/// One thing found wrong in an export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportProblem {
    /// `digest`, `checkpoint`, `elections[3] (receipt R…)`, `results.employees[E-1]`.
    pub place: String,
    pub what: String,
}

impl std::fmt::Display for ExportProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.place, self.what)
    }
}

/// What [`verify_export`] checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportAudit {
    pub elections: usize,
    pub employees: usize,
    pub key_id: String,
    pub problems: Vec<ExportProblem>,
}

/// Reads an export's JSON text: the same strict reader as everything else (a member given
/// twice is refused, not silently taken once).
pub fn read_export(text: &str) -> Result<ResultsExport, String> {
    let (value, repeated) = crate::json::parse(text.as_bytes())
        .map_err(|e| format!("the export is not valid JSON: {e}"))?;
    if let Some(p) = repeated.first() {
        return Err(format!(
            "the export gives {} more than once: it is ambiguous",
            p.path
        ));
    }
    serde_json::from_value(value).map_err(|e| format!("the export is not a results export: {e}"))
}

#[cfg(feature = "crypto")]
mod verify {
    use std::collections::{BTreeMap, HashMap};

    use super::*;
    use crate::contract::{
        check_covers, payload_hash, verify_checkpoint, verify_election, verify_receipt, Receipt,
    };
    use crate::{parse_holder, parse_offer, Holder};

    /// Checks an export on its own: its digest; the receiver's key (against `key_id`, the
    /// id the receiver publishes, when given); the checkpoint's signature and that the
    /// receipts are exactly the chain it counts; every receipt's signature; every
    /// election against its receipt and signed by the key registered to its employee;
    /// the results computed again from the offer, the employees and the elections; and,
    /// when given, the CSV's bytes against its SHA-256 and against the results.
    pub fn verify_export(
        export: &ResultsExport,
        csv: Option<&str>,
        key_id: Option<&str>,
    ) -> ExportAudit {
        let mut problems = Vec::new();
        let mut problem = |place: &str, what: String| {
            problems.push(ExportProblem {
                place: place.to_owned(),
                what,
            })
        };
        if export.contract != EXPORT_CONTRACT {
            problem(
                "contract",
                format!("is {:?}, not {EXPORT_CONTRACT:?}", export.contract),
            );
        }
        match export.computed_digest() {
            Ok(d) if d == export.digest => {}
            Ok(d) => problem(
                "digest",
                format!(
                    "the export hashes to {d}, but names {}: it was changed after it was made",
                    export.digest
                ),
            ),
            Err(e) => problem("digest", format!("cannot be computed: {e}")),
        }
        let receiver_id = export.receiver_key.thumbprint();
        if let Some(expected) = key_id {
            if expected != receiver_id {
                problem(
                    "receiver_key",
                    format!("is key {receiver_id}, not {expected}, the receiver's published key"),
                );
            }
        }
        if let Err(e) = verify_checkpoint(&export.checkpoint, &export.receiver_key) {
            problem("checkpoint", format!("its signature does not verify: {e}"));
        }
        let count = export.checkpoint.checkpoint.count;
        if count != export.elections.len() as u64 {
            problem(
                "checkpoint",
                format!(
                    "counts {count} receipts, but the export holds {} elections",
                    export.elections.len()
                ),
            );
        }
        let receipts: Vec<Receipt> = export
            .elections
            .iter()
            .map(|e| e.receipt.receipt.clone())
            .collect();
        if let Err(why) = check_covers(&export.checkpoint.checkpoint, &receipts) {
            problem("checkpoint", why);
        }
        let mut keys_by_id: HashMap<String, &ExportedKey> = HashMap::new();
        for k in &export.keys {
            keys_by_id.insert(k.jwk.thumbprint(), k);
        }
        for (i, entry) in export.elections.iter().enumerate() {
            let r = &entry.receipt.receipt;
            let place = format!("elections[{i}] (receipt {})", r.receipt_id);
            if let Err(e) = verify_receipt(&entry.receipt, &export.receiver_key) {
                problem(
                    &place,
                    format!("the receipt's signature does not verify: {e}"),
                );
            }
            let p = &entry.election.payload;
            let hash = payload_hash(p).hex();
            if hash != r.payload_hash {
                problem(
                    &place,
                    format!(
                        "the election hashes to {hash}, but its receipt names {}",
                        r.payload_hash
                    ),
                );
            }
            if p.employee_id != r.employee_id
                || p.sequence != r.sequence
                || p.offer_id != r.offer_id
            {
                problem(&place, "the receipt names another election".to_owned());
            }
            match keys_by_id.get(&p.key_id) {
                Some(k) if k.employee_id == p.employee_id => {
                    if let Err(e) = verify_election(&entry.election, &k.jwk) {
                        problem(
                            &place,
                            format!("the election's signature does not verify: {e}"),
                        );
                    }
                }
                Some(k) => problem(
                    &place,
                    format!(
                        "signed with a key registered to {}, not to {}",
                        k.employee_id, p.employee_id
                    ),
                ),
                None => problem(
                    &place,
                    format!(
                        "signed with key {}, which the export does not hold",
                        p.key_id
                    ),
                ),
            }
        }
        // The figures, computed again.
        let offer = match serde_json::to_string(&export.offer)
            .map_err(|e| vec![e.to_string()])
            .and_then(|t| parse_offer(&t).map_err(|ps| ps.iter().map(|p| p.to_string()).collect()))
        {
            Ok(offer) => Some(offer),
            Err(why) => {
                problem("offer", format!("cannot be read: {}", why.join("; ")));
                None
            }
        };
        if let Some(offer) = offer {
            // The checkpoint and every receipt are the receiver's word about this offer's
            // chain: an offer swapped for another cannot borrow them.
            if export.checkpoint.checkpoint.offer_id != offer.id {
                problem(
                    "checkpoint",
                    format!(
                        "is of the offer {}, not of the export's offer {}",
                        export.checkpoint.checkpoint.offer_id, offer.id
                    ),
                );
            }
            for (i, entry) in export.elections.iter().enumerate() {
                if entry.receipt.receipt.offer_id != offer.id {
                    problem(
                        &format!(
                            "elections[{i}] (receipt {})",
                            entry.receipt.receipt.receipt_id
                        ),
                        format!(
                            "is for the offer {}, not for the export's offer {}",
                            entry.receipt.receipt.offer_id, offer.id
                        ),
                    );
                }
            }
            let mut holders: Vec<Holder> = Vec::new();
            for (i, value) in export.employees.iter().enumerate() {
                match parse_holder(&value.to_string(), Some(&offer)) {
                    Ok(h) => holders.push(h),
                    Err(ps) => problem(
                        &format!("employees[{i}]"),
                        format!(
                            "cannot be read: {}",
                            ps.iter()
                                .map(|p| p.to_string())
                                .collect::<Vec<_>>()
                                .join("; ")
                        ),
                    ),
                }
            }
            let viewed: BTreeMap<String, String> = export
                .results
                .employees
                .iter()
                .filter_map(|e| Some((e.employee_id.clone(), e.first_viewed_at.clone()?)))
                .collect();
            let refs: Vec<&Holder> = holders.iter().collect();
            match chrono::DateTime::parse_from_rfc3339(&export.results.as_of) {
                Ok(at) if (at >= offer.expiration.instant) != export.results.closed => problem(
                    "results.closed",
                    format!(
                        "says {}, but the results are as of {} and the deadline is {}",
                        export.results.closed, export.results.as_of, offer.expiration.instant
                    ),
                ),
                Ok(_) => {}
                Err(e) => problem("results.as_of", format!("is not an RFC 3339 time: {e}")),
            }
            let again = super::super::tally(
                &offer,
                &refs,
                &export.elections,
                &viewed,
                &export.results.as_of,
                export.results.closed,
            );
            compare(&again, &export.results, &mut problem);
            if let Some(text) = csv {
                let hash = sha256_hex(text.as_bytes());
                if hash != export.csv_sha256 {
                    problem(
                        "csv",
                        format!(
                            "the CSV hashes to {hash}, but the export names {}: it is not the CSV of these results, or it was changed",
                            export.csv_sha256
                        ),
                    );
                }
                match super::super::results_csv(&again) {
                    Ok(expected) if expected == text => {}
                    Ok(_) => problem(
                        "csv",
                        "its rows are not the results computed from the elections".to_owned(),
                    ),
                    Err(e) => problem("csv", e.to_string()),
                }
            }
        }
        ExportAudit {
            elections: export.elections.len(),
            employees: export.employees.len(),
            key_id: receiver_id,
            problems,
        }
    }

    /// Names the first difference of each kind between the figures computed again and
    /// those the export states.
    fn compare(again: &Results, stated: &Results, problem: &mut impl FnMut(&str, String)) {
        if again.summary != stated.summary {
            problem(
                "results.summary",
                format!(
                    "states {} options tendered for {} new awards by {} employees, but the elections give {} for {} by {}",
                    stated.summary.options_tendered,
                    stated.summary.new_awards,
                    stated.summary.employees_taking_part,
                    again.summary.options_tendered,
                    again.summary.new_awards,
                    again.summary.employees_taking_part
                ),
            );
        }
        if again.participation != stated.participation {
            problem(
                "results.participation",
                "is not what the elections give".to_owned(),
            );
        }
        let stated_by_id: BTreeMap<&str, &super::super::EmployeeResult> = stated
            .employees
            .iter()
            .map(|e| (e.employee_id.as_str(), e))
            .collect();
        for e in &again.employees {
            match stated_by_id.get(e.employee_id.as_str()) {
                Some(s) if *s == e => {}
                Some(_) => problem(
                    &format!("results.employees[{}]", e.employee_id),
                    "is not what the employee's elections give".to_owned(),
                ),
                None => problem(
                    &format!("results.employees[{}]", e.employee_id),
                    "is missing".to_owned(),
                ),
            }
        }
        if again.employees.len() != stated.employees.len() {
            problem(
                "results.employees",
                format!(
                    "lists {} employees, but the export's records give {}",
                    stated.employees.len(),
                    again.employees.len()
                ),
            );
        }
        if (&again.offer_id, again.offer_version, &again.deadline)
            != (&stated.offer_id, stated.offer_version, &stated.deadline)
        {
            problem(
                "results",
                "names another offer, version or deadline than the export's offer".to_owned(),
            );
        }
    }
}

#[cfg(feature = "crypto")]
pub use verify::verify_export;
