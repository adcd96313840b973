//! What a receipt must say to count (exactly this election, the receiver's key), and the
//! receiver's checkpoint that comes with it: that it includes the receipt, and whether
//! it extends the one kept before.

use election_core::contract::{
    checkpoint_extends, receipt_hash, Checkpoint, Receipt, SignedReceipt, CHECKPOINT_CONTRACT,
    RECEIPT_CONTRACT,
};

use super::OutboxEntry;

/// What is wrong with a receipt for `entry` signed by the receiver key `receiver_key_id`,
/// before its signature is checked: it must be a receipt for exactly this election. Empty
/// when it names it.
pub fn receipt_problems(
    entry: &OutboxEntry,
    receipt: &SignedReceipt,
    receiver_key_id: Option<&str>,
) -> Vec<String> {
    let r = &receipt.receipt;
    let p = entry.payload();
    let mut problems = Vec::new();
    if r.contract != RECEIPT_CONTRACT {
        problems.push(format!("it is not a {RECEIPT_CONTRACT} receipt"));
    }
    if r.payload_hash != entry.payload_hash {
        problems.push("it names another election (its payload hash differs)".to_owned());
    }
    for (what, got, want) in [
        ("offer", r.offer_id.as_str(), p.offer_id.as_str()),
        ("employee", r.employee_id.as_str(), p.employee_id.as_str()),
        (
            "idempotency key",
            r.idempotency_key.as_str(),
            p.idempotency_key.as_str(),
        ),
    ] {
        if got != want {
            problems.push(format!("it names {what} {got:?}, not {want:?}"));
        }
    }
    if r.sequence != p.sequence || r.offer_version != p.offer_version {
        problems.push("it names another sequence or offer version".to_owned());
    }
    if let Some(id) = receiver_key_id {
        if r.key_id != id {
            problems.push(format!(
                "it is signed by key {:?}, not the receiver's key {id:?}",
                r.key_id
            ));
        }
    }
    problems
}

/// What is wrong with a checkpoint that comes with `receipt`: it must be this receiver's,
/// for this offer, and include the receipt (count it; end in it when it is the newest).
pub fn checkpoint_problems(cp: &Checkpoint, receipt: &Receipt) -> Vec<String> {
    let mut problems = Vec::new();
    if cp.contract != CHECKPOINT_CONTRACT {
        problems.push(format!(
            "it is a {:?}, not a {CHECKPOINT_CONTRACT:?}",
            cp.contract
        ));
    }
    for (what, theirs, ours) in [
        ("receiver", &cp.received_by, &receipt.received_by),
        ("offer", &cp.offer_id, &receipt.offer_id),
        ("receiver key", &cp.key_id, &receipt.key_id),
    ] {
        if theirs != ours {
            problems.push(format!(
                "it names the {what} {theirs:?}, the receipt {ours:?}"
            ));
        }
    }
    if cp.count < receipt.chain_index {
        problems.push(format!(
            "it counts {} receipts, so not receipt {} of the chain",
            cp.count, receipt.chain_index
        ));
    } else if cp.count == receipt.chain_index && cp.head != receipt_hash(receipt).hex() {
        problems.push("it ends in another receipt than this one".to_owned());
    }
    problems
}

/// What to do with a checkpoint seen from the receiver, given the newest kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckpointStep {
    /// Nothing newer than what is kept.
    Keep,
    /// Newer, and a later state of the same chain: keep it instead.
    Replace,
    /// It does not extend what the receiver showed before: the employee is warned, and
    /// the earlier one is kept (it is the evidence).
    Diverged(String),
}

/// Compares a checkpoint the receiver shows now with the newest one kept.
pub fn checkpoint_step(kept: Option<&Checkpoint>, seen: &Checkpoint) -> CheckpointStep {
    let Some(kept) = kept else {
        return CheckpointStep::Replace;
    };
    match checkpoint_extends(kept, seen) {
        Err(problem) => CheckpointStep::Diverged(problem.to_string()),
        Ok(()) if seen.count > kept.count || seen.at_ms > kept.at_ms => CheckpointStep::Replace,
        Ok(()) => CheckpointStep::Keep,
    }
}

/// Where the newest checkpoint is kept beside an outbox (outside its prefix, so the
/// outbox's entries are never confused with it).
pub fn checkpoint_key(outbox_prefix: &str) -> String {
    format!("checkpoint\u{1f}{outbox_prefix}")
}
#[cfg(test)]
mod tests {
    use super::*;
    use crate::delivery::fixtures::{checkpoint, entry, receipt_for};
    use election_core::contract::Timeliness;

    #[test]
    fn a_checkpoint_must_include_the_receipt_it_comes_with() {
        let e = entry(1);
        let r = receipt_for(&e, Timeliness::OnTime).receipt;
        let head = receipt_hash(&r).hex();
        let checkpoint = |count, head: &str, at| Checkpoint {
            offer_id: r.offer_id.clone(),
            ..checkpoint(count, head, at)
        };
        assert!(checkpoint_problems(&checkpoint(1, &head, 1), &r).is_empty());
        assert!(checkpoint_problems(&checkpoint(7, "later", 1), &r).is_empty());
        let other_end = checkpoint_problems(&checkpoint(1, &"f".repeat(64), 1), &r);
        assert_eq!(other_end, ["it ends in another receipt than this one"]);
        let short = checkpoint_problems(&checkpoint(0, "0", 1), &r);
        assert!(
            short[0].contains("counts 0 receipts, so not receipt 1"),
            "{short:?}"
        );
        let mut stranger = checkpoint(3, "x", 1);
        stranger.key_id = "someone-else".into();
        stranger.offer_id = "acme".into();
        assert_eq!(checkpoint_problems(&stranger, &r).len(), 2);
    }

    #[test]
    fn the_newest_checkpoint_is_kept_and_one_that_does_not_extend_it_is_a_warning() {
        let first = checkpoint(3, "c3", 10);
        assert_eq!(checkpoint_step(None, &first), CheckpointStep::Replace);
        assert_eq!(checkpoint_step(Some(&first), &first), CheckpointStep::Keep);
        assert_eq!(
            checkpoint_step(Some(&first), &checkpoint(5, "c5", 20)),
            CheckpointStep::Replace
        );
        // Fewer receipts than before: the newest were deleted.
        assert!(matches!(
            checkpoint_step(Some(&first), &checkpoint(2, "c2", 30)),
            CheckpointStep::Diverged(_)
        ));
        // As many, ending elsewhere: the chain was rewritten.
        assert!(matches!(
            checkpoint_step(Some(&first), &checkpoint(3, "other", 30)),
            CheckpointStep::Diverged(_)
        ));
        assert_ne!(checkpoint_key("a\u{1f}b\u{1f}"), "a\u{1f}b\u{1f}");
        assert!(!checkpoint_key("a\u{1f}b\u{1f}").starts_with("a\u{1f}b\u{1f}"));
    }

    #[test]
    fn a_receipt_must_name_exactly_this_election() {
        let e = entry(1);
        let good = receipt_for(&e, Timeliness::OnTime);
        assert!(receipt_problems(&e, &good, Some("receiver")).is_empty());
        assert!(receipt_problems(&e, &good, None).is_empty());
        let mut other = good.clone();
        other.receipt.payload_hash = "f".repeat(64);
        other.receipt.employee_id = "E-2".into();
        other.receipt.sequence = 9;
        let problems = receipt_problems(&e, &other, Some("another")).join("; ");
        for expected in [
            "payload hash differs",
            "employee \"E-2\"",
            "another sequence",
            "not the receiver's key",
        ] {
            assert!(problems.contains(expected), "{expected} in {problems}");
        }
    }
}
