//! The receiver's signing key and the receipts it signs.

use std::io::Write as _;
use std::path::Path;

use chrono::{DateTime, FixedOffset, SecondsFormat, Utc};
use election_core::contract::{
    receipt_time, Checkpoint, Receipt, SignedCheckpoint, SignedElection, SignedReceipt, Signer,
    Timeliness, CHECKPOINT_CONTRACT, GENESIS_HASH, RECEIPT_CONTRACT,
};
use election_core::disclosure::Digest;

use crate::clock::Clock;

/// An election as it arrived, checked and ready to store.
#[derive(Debug, Clone)]
pub struct Submission {
    pub election: SignedElection,
    /// [`payload_hash`] of the election, hex.
    pub payload_hash: String,
    pub received_at: DateTime<Utc>,
    pub timeliness: Timeliness,
}

impl Submission {
    /// `payload_hash` is the election's hash as `verify_election` returned it.
    pub fn new(
        election: SignedElection,
        payload_hash: Digest,
        received_at: DateTime<Utc>,
        deadline: DateTime<FixedOffset>,
    ) -> Self {
        let timeliness = if received_at < deadline {
            Timeliness::OnTime
        } else {
            Timeliness::Late
        };
        Submission {
            payload_hash: payload_hash.hex(),
            election,
            received_at,
            timeliness,
        }
    }
}

/// Signs receipts: who receives (the issuer), against which deadline, with which key.
pub struct Notary {
    pub signer: Signer,
    pub received_by: String,
    pub deadline: DateTime<FixedOffset>,
    /// The offer whose chain this is (checkpoints name it).
    pub offer_id: String,
    /// The receiver's clock, which dates checkpoints.
    pub clock: Clock,
}

impl Notary {
    /// The signed receipt for `sub` at `chain_index`, after the receipt hashing to
    /// `previous_receipt_hash`.
    pub fn receipt(
        &self,
        sub: &Submission,
        chain_index: u64,
        previous_receipt_hash: &str,
    ) -> SignedReceipt {
        let p = &sub.election.payload;
        self.signer.sign_receipt(Receipt {
            contract: RECEIPT_CONTRACT.to_owned(),
            receipt_id: format!("R{chain_index:010}"),
            received_by: self.received_by.clone(),
            offer_id: p.offer_id.clone(),
            offer_version: p.offer_version,
            employee_id: p.employee_id.clone(),
            sequence: p.sequence,
            idempotency_key: p.idempotency_key.clone(),
            payload_hash: sub.payload_hash.clone(),
            received_at: receipt_time(sub.received_at),
            received_at_ms: sub.received_at.timestamp_millis(),
            deadline: self.deadline.to_rfc3339_opts(SecondsFormat::Secs, true),
            timeliness: sub.timeliness,
            chain_index,
            previous_receipt_hash: previous_receipt_hash.to_owned(),
            key_id: self.signer.key_id().to_owned(),
        })
    }
}

impl Notary {
    /// Whether `checkpoint` speaks for this receiver's chain as it is configured now: its
    /// key, its name and its offer.
    pub fn is_mine(&self, checkpoint: &Checkpoint) -> bool {
        checkpoint.contract == CHECKPOINT_CONTRACT
            && checkpoint.key_id == self.signer.key_id()
            && checkpoint.received_by == self.received_by
            && checkpoint.offer_id == self.offer_id
    }

    /// The checkpoint of a chain whose newest receipt is `head` (chain index and receipt
    /// hash; `None` for an empty chain), given the newest checkpoint stored. The stored
    /// one is reused when it already says exactly this; otherwise a new one is signed,
    /// dated no earlier than the stored one (instances' clocks may differ a little).
    /// Returns the checkpoint and whether it is new (to be stored).
    pub fn checkpoint_for(
        &self,
        head: Option<(u64, &str)>,
        newest: Option<SignedCheckpoint>,
    ) -> (SignedCheckpoint, bool) {
        let (count, head) = head.unwrap_or((0, GENESIS_HASH));
        if let Some(stored) = &newest {
            let c = &stored.checkpoint;
            if self.is_mine(c) && c.count == count && c.head == head {
                return (stored.clone(), false);
            }
        }
        let now = self.clock.now();
        let not_before = newest
            .filter(|s| self.is_mine(&s.checkpoint))
            .map_or(i64::MIN, |s| s.checkpoint.at_ms);
        let at = if now.timestamp_millis() < not_before {
            DateTime::<Utc>::from_timestamp_millis(not_before).unwrap_or(now)
        } else {
            now
        };
        let checkpoint = Checkpoint {
            contract: CHECKPOINT_CONTRACT.to_owned(),
            received_by: self.received_by.clone(),
            offer_id: self.offer_id.clone(),
            key_id: self.signer.key_id().to_owned(),
            count,
            head: head.to_owned(),
            at_ms: at.timestamp_millis(),
            at: receipt_time(at),
        };
        (self.signer.sign_checkpoint(checkpoint), true)
    }
}

/// The receiver's key from `path` (64 hex digits), or a new one written there with mode
/// 0600 when the file does not exist.
pub fn load_or_create_key(path: &Path) -> Result<Signer, String> {
    match std::fs::read_to_string(path) {
        Ok(text) => {
            let bytes = decode_hex(text.trim())
                .ok_or_else(|| format!("the key file {} is not 64 hex digits", path.display()))?;
            Signer::from_bytes(&bytes).map_err(|e| format!("the key file {}: {e}", path.display()))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let signer = loop {
                let mut secret = [0u8; 32];
                getrandom::fill(&mut secret)
                    .map_err(|e| format!("no randomness for a key: {e}"))?;
                if let Ok(signer) = Signer::from_bytes(&secret) {
                    break signer;
                }
            };
            let hex: String = signer
                .secret_bytes()
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            let mut file = options
                .open(path)
                .map_err(|e| format!("cannot create the key file {}: {e}", path.display()))?;
            file.write_all(format!("{hex}\n").as_bytes())
                .and_then(|()| file.sync_all())
                .map_err(|e| format!("cannot write the key file {}: {e}", path.display()))?;
            Ok(signer)
        }
        Err(e) => Err(format!("cannot read the key file {}: {e}", path.display())),
    }
}

fn decode_hex(text: &str) -> Option<Vec<u8>> {
    if text.len() != 64 {
        return None;
    }
    (0..32)
        .map(|i| u8::from_str_radix(text.get(i * 2..i * 2 + 2)?, 16).ok())
        .collect()
}
