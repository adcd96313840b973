//! What the outbox keeps about each signed election (as JSON in IndexedDB), where it
//! stands, which is due, which is superseded, and the names it is kept and downloaded
//! under.

use serde::{Deserialize, Serialize};

use election_core::contract::{
    payload_hash, Decision, ElectionPayload, ErrorCode, Governs, SignedElection, SignedReceipt,
    Timeliness,
};
use election_core::{Holder, Offer};

use crate::format::Formats;

/// Where one signed election stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
// Externally tagged (serde's default): an internally tagged enum buffers its input,
// which costs the bundle a second copy of every contract type's parser.
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Signed and kept; not yet sent.
    Signed,
    /// An attempt is under way (since this instant, by the device's clock).
    Sending { since_ms: i64 },
    /// The last attempt failed in a way worth retrying; the next one is due at `at_ms`.
    Retrying { at_ms: i64, reason: String },
    /// The backend answered with a receipt, checked as `verification` says.
    Delivered {
        receipt: Box<SignedReceipt>,
        verification: Verification,
    },
    /// The backend refused the election; retrying would get the same answer.
    Rejected {
        code: ErrorCode,
        message: String,
        details: Vec<String>,
    },
    /// The backend answered with a receipt that does not hold (altered, another key,
    /// another election): the election may not have been received.
    ReceiptInvalid { reason: String },
    /// Saved as a file for the employee to hand in (no backend to answer).
    Downloaded,
    /// A later election was signed before this one was confirmed, so it is not sent
    /// again: the later one governs if both arrive.
    Superseded { by: u64 },
}

/// How far a receipt was checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verification {
    /// Its signature verified with the receiver's key and it names this election.
    Verified,
    /// It names this election, but there was no receiver key to check its signature
    /// with (said why).
    Unverifiable(String),
}

/// One signed election in the outbox, as stored (JSON in IndexedDB).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutboxEntry {
    pub signed: SignedElection,
    /// SHA-256 (hex) of the payload's canonical bytes: what its receipt must name.
    pub payload_hash: String,
    /// When it was signed (trusted clock, ms since the epoch).
    pub signed_at_ms: i64,
    pub status: Status,
    pub attempts: u32,
    /// Known from the backend's record, not signed on this device.
    #[serde(default)]
    pub from_backend: bool,
}

impl OutboxEntry {
    pub fn new(signed: SignedElection, signed_at_ms: i64) -> Self {
        let hash = payload_hash(&signed.payload).hex();
        OutboxEntry {
            signed,
            payload_hash: hash,
            signed_at_ms,
            status: Status::Signed,
            attempts: 0,
            from_backend: false,
        }
    }

    pub fn payload(&self) -> &ElectionPayload {
        &self.signed.payload
    }

    pub fn key(&self) -> &str {
        &self.signed.payload.idempotency_key
    }

    /// Still to be sent (now or later).
    pub fn pending(&self) -> bool {
        matches!(
            self.status,
            Status::Signed | Status::Sending { .. } | Status::Retrying { .. }
        )
    }

    /// Due for an attempt at `now_ms` (`force`: the network just came back, or the
    /// employee asked to retry now).
    pub fn due(&self, now_ms: f64, force: bool) -> bool {
        match &self.status {
            Status::Signed => true,
            Status::Retrying { at_ms, .. } => force || (*at_ms as f64) <= now_ms,
            // Passes run under one lock, so an attempt seen "sending" at the start of a
            // pass was left unfinished by a page that closed or reloaded: its answer is
            // lost, so ask again (the idempotency key makes that safe).
            Status::Sending { .. } => true,
            _ => false,
        }
    }

    /// The receipt, when delivered.
    pub fn receipt(&self) -> Option<&SignedReceipt> {
        match &self.status {
            Status::Delivered { receipt, .. } => Some(receipt),
            _ => None,
        }
    }
}

/// What the contract's one rule for the election in effect
/// ([`governing`](election_core::contract::governing)) needs to know of an entry.
impl Governs for OutboxEntry {
    fn sequence(&self) -> u64 {
        self.payload().sequence
    }

    /// Delivered on time, by a receipt whose signature verified: this election can
    /// govern. (A receipt that could not be checked proves nothing, so the widget does
    /// not call its election the one in effect.)
    fn counts(&self) -> bool {
        matches!(&self.status, Status::Delivered { receipt, verification: Verification::Verified }
            if receipt.receipt.timeliness == Timeliness::OnTime)
    }
}

/// The sequence number for the next election: above every one this device or the
/// backend has seen.
pub fn next_sequence(entries: &[OutboxEntry]) -> u64 {
    entries
        .iter()
        .map(|e| e.payload().sequence)
        .max()
        .unwrap_or(0)
        + 1
}

/// Marks every pending election older than the newest as superseded (it is not sent
/// again). Returns the entries it changed, to be stored.
pub fn supersede(entries: &mut [OutboxEntry]) -> Vec<OutboxEntry> {
    let Some(newest) = entries.iter().map(|e| e.payload().sequence).max() else {
        return Vec::new();
    };
    let mut changed = Vec::new();
    for e in entries.iter_mut() {
        if e.payload().sequence < newest
            && matches!(e.status, Status::Signed | Status::Retrying { .. })
        {
            e.status = Status::Superseded { by: newest };
            changed.push(e.clone());
        }
    }
    changed
}

/// A stored entry, or why it could not be read (an older format, a hand edit): such an
/// entry is skipped, never a panic.
pub fn read_entry(text: &str) -> Option<OutboxEntry> {
    serde_json::from_slice(text.as_bytes()).ok()
}

/// The storage key prefix of one employee's outbox for one offer.
pub fn outbox_prefix(offer_id: &str, employee_id: &str) -> String {
    format!("{offer_id}\u{1f}{employee_id}\u{1f}")
}

/// A file name for a download, from parts that may hold anything.
pub fn file_name(kind: &str, payload: &ElectionPayload) -> String {
    let clean = |s: &str| -> String {
        s.chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' {
                    c
                } else {
                    '_'
                }
            })
            .take(60)
            .collect()
    };
    format!(
        "{}-{}-{}-{}.json",
        kind,
        clean(&payload.offer_id),
        clean(&payload.employee_id),
        payload.sequence
    )
}
/// What an election made on an earlier version of the offer gives under the terms now in
/// force: an election made before the terms changed stays in effect, and the best-price
/// rule gives its tendered grants the new consideration. `None` when it was made on this
/// version, or exchanges nothing.
pub fn on_new_terms(
    entry: &OutboxEntry,
    offer: &Offer,
    holder: &Holder,
    f: &Formats,
) -> Option<String> {
    let p = entry.payload();
    if p.offer_version >= offer.version || p.is_withdrawal() {
        return None;
    }
    let awards: u64 = p
        .decisions
        .iter()
        .filter(|d| d.decision == Decision::Exchange)
        .filter_map(|d| {
            let grant = holder.grants.iter().find(|g| g.id == d.grant_id)?;
            election_core::rules::new_options(offer, grant, d.options)
        })
        .sum();
    let (one, many) = offer.award().nouns();
    Some(format!(
        "It was made on version {} of the offer, before the terms changed to version {}. It stays in effect, and the terms now in force apply to it: it gives {}. You need not sign again.",
        p.offer_version,
        offer.version,
        f.plural(awards, one, many)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::delivery::fixtures::{delivered, entry, payload};
    use election_core::contract::Timeliness;

    #[test]
    fn the_latest_on_time_election_governs() {
        use election_core::contract::governing;
        assert_eq!(governing(&Vec::<OutboxEntry>::new()), None);
        let entries = vec![
            delivered(entry(1), Timeliness::OnTime),
            delivered(entry(2), Timeliness::OnTime),
            delivered(entry(3), Timeliness::Late),
            entry(4),
        ];
        let mut unverified = delivered(entry(5), Timeliness::OnTime);
        if let Status::Delivered { verification, .. } = &mut unverified.status {
            *verification = Verification::Unverifiable("no key".into());
        }
        let entries = [entries, vec![unverified]].concat();
        assert_eq!(governing(&entries).map(|e| e.payload().sequence), Some(2));
        assert_eq!(next_sequence(&entries), 6);
        assert_eq!(next_sequence(&[]), 1);
    }

    #[test]
    fn older_pending_elections_are_superseded_not_sent() {
        let mut sending = entry(2);
        sending.status = Status::Sending { since_ms: 0 };
        let mut entries = vec![
            delivered(entry(1), Timeliness::OnTime),
            sending,
            entry(3),
            entry(4),
        ];
        assert_eq!(supersede(&mut entries).len(), 1);
        assert!(matches!(entries[0].status, Status::Delivered { .. }));
        // An attempt under way is left to finish: its answer still counts.
        assert!(matches!(entries[1].status, Status::Sending { .. }));
        assert_eq!(entries[2].status, Status::Superseded { by: 4 });
        assert_eq!(entries[3].status, Status::Signed);
        assert!(supersede(&mut entries).is_empty());
    }

    #[test]
    fn what_is_due() {
        let mut e = entry(1);
        assert!(e.due(0.0, false) && e.pending());
        e.status = Status::Retrying {
            at_ms: 100,
            reason: "x".into(),
        };
        assert!(!e.due(99.0, false) && e.due(100.0, false) && e.due(0.0, true));
        e.status = Status::Sending { since_ms: 0 };
        assert!(e.due(0.0, false) && e.pending());
        let d = delivered(entry(1), Timeliness::OnTime);
        assert!(!d.due(1e15, true) && !d.pending() && d.receipt().is_some());
    }

    #[test]
    fn entries_round_trip_and_junk_is_skipped() {
        let e = delivered(entry(3), Timeliness::OnTime);
        let text = serde_json::to_string(&e).expect("json");
        assert_eq!(read_entry(&text), Some(e));
        assert_eq!(read_entry("{\"signed\": 1}"), None);
        assert_eq!(read_entry("not json"), None);
    }

    #[test]
    fn file_names_and_storage_keys_are_safe_whatever_the_ids_hold() {
        let mut p = payload(2);
        p.employee_id = "../E 1<x>".into();
        assert_eq!(file_name("election", &p), "election-o-___E_1_x_-2.json");
        assert_eq!(outbox_prefix("o", "e"), "o\u{1f}e\u{1f}");
    }
}
