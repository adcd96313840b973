//! Elections, receipts and checkpoints for the delivery tests.

use election_core::contract::{
    Checkpoint, ElectionPayload, Receipt, SignedElection, SignedReceipt, Timeliness,
    CHECKPOINT_CONTRACT, ELECTION_CONTRACT, RECEIPT_CONTRACT,
};

use super::{OutboxEntry, Status, Verification};

pub fn payload(sequence: u64) -> ElectionPayload {
    ElectionPayload {
        contract: ELECTION_CONTRACT.into(),
        offer_id: "o".into(),
        offer_version: 2,
        disclosure_digest: "d".repeat(64),
        employee_id: "E-1".into(),
        decisions: Vec::new(),
        acknowledgments: Vec::new(),
        sequence,
        nonce: "n".repeat(22),
        idempotency_key: format!("key-{sequence:020}"),
        client_time: "2001-09-20T14:00:00Z".into(),
        key_id: "k".into(),
        signed_name: "A B".into(),
    }
}

pub fn entry(sequence: u64) -> OutboxEntry {
    OutboxEntry::new(
        SignedElection {
            payload: payload(sequence),
            signature: "h..s".into(),
        },
        1,
    )
}

pub fn receipt_for(e: &OutboxEntry, timeliness: Timeliness) -> SignedReceipt {
    let p = e.payload();
    SignedReceipt {
        receipt: Receipt {
            contract: RECEIPT_CONTRACT.into(),
            receipt_id: "R0000000001".into(),
            received_by: "Mpower Holding Corporation".into(),
            offer_id: p.offer_id.clone(),
            offer_version: p.offer_version,
            employee_id: p.employee_id.clone(),
            sequence: p.sequence,
            idempotency_key: p.idempotency_key.clone(),
            payload_hash: e.payload_hash.clone(),
            received_at: "2001-09-20T14:00:01.000Z".into(),
            received_at_ms: 1_000_994_401_000,
            deadline: "2001-09-27T23:59:00-04:00".into(),
            timeliness,
            chain_index: 1,
            previous_receipt_hash: "0".repeat(64),
            key_id: "receiver".into(),
        },
        signature: "h..s".into(),
    }
}

pub fn delivered(mut e: OutboxEntry, timeliness: Timeliness) -> OutboxEntry {
    let receipt = receipt_for(&e, timeliness);
    e.status = Status::Delivered {
        receipt: Box::new(receipt),
        verification: Verification::Verified,
    };
    e
}

pub fn checkpoint(count: u64, head: &str, at_ms: i64) -> Checkpoint {
    Checkpoint {
        contract: CHECKPOINT_CONTRACT.into(),
        received_by: "Mpower Holding Corporation".into(),
        offer_id: "mpower-2001-option-exchange".into(),
        key_id: "receiver".into(),
        count,
        head: head.into(),
        at_ms,
        at: String::new(),
    }
}
