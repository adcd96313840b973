//! What a receipt or a checkpoint proves. A receipt must name exactly this election and
//! its signature must verify with the receiver's key; a checkpoint must be the
//! receiver's, include the receipt it came with, and extend the one kept. The signature
//! checks are [`Command::Verify`]s the platform runs with WebCrypto.

use std::rc::Rc;

use election_core::contract::{
    canonical_bytes, detached_signing_input, PublicJwk, Receipt, SignedCheckpoint, SignedReceipt,
};

use super::{Check, Command, Courier};
use crate::delivery::{self, CheckpointStep, OutboxEntry, Status, Verification};
use crate::device::DeviceError;

/// A receipt checked as far as it can be without a signature check, or the check to run.
pub(super) enum Checked {
    Done(Status),
    Verify(Box<SignedReceipt>, Command),
}

impl Courier {
    pub(super) fn check_receipt(&self, entry: &OutboxEntry, receipt: SignedReceipt) -> Checked {
        let key_id = self.receiver_key.as_ref().map(PublicJwk::thumbprint);
        let problems = delivery::receipt_problems(entry, &receipt, key_id.as_deref());
        if !problems.is_empty() {
            return Checked::Done(Status::ReceiptInvalid {
                reason: problems.join("; "),
            });
        }
        let Some(key) = self.receiver_key.clone() else {
            return Checked::Done(Status::Delivered {
                receipt: Box::new(receipt),
                verification: Verification::Unverifiable(
                    "there is no receiver key to check its signature with".to_owned(),
                ),
            });
        };
        let r = &receipt.receipt;
        match detached_signing_input(&receipt.signature, &r.key_id, &canonical_bytes(r)) {
            Ok((input, signature)) => Checked::Verify(
                Box::new(receipt),
                Command::Verify {
                    check: Check::Receipt,
                    key,
                    signature,
                    input,
                },
            ),
            Err(e) => Checked::Done(Status::ReceiptInvalid {
                reason: e.to_string(),
            }),
        }
    }

    /// A checkpoint from the receiver (with the receipt it came with, if any): the
    /// signature check to run, or `None` when it is not used (said as a backend problem
    /// when it is not the receiver's word; nothing without a receiver key).
    pub(super) fn check_checkpoint(
        &mut self,
        signed: &SignedCheckpoint,
        receipt: Option<&Receipt>,
    ) -> Option<Command> {
        let key = self.receiver_key.clone()?;
        let cp = &signed.checkpoint;
        let mut problems = receipt
            .map(|r| delivery::checkpoint_problems(cp, r))
            .unwrap_or_default();
        if cp.key_id != key.thumbprint() {
            problems.push("it is not signed with the receiver's key".to_owned());
        }
        if problems.is_empty() {
            match detached_signing_input(&signed.signature, &cp.key_id, &canonical_bytes(cp)) {
                Ok((input, signature)) => {
                    return Some(Command::Verify {
                        check: Check::Checkpoint,
                        key,
                        signature,
                        input,
                    })
                }
                Err(_) => problems.push(NOT_VERIFIED.to_owned()),
            }
        }
        self.checkpoint_unused(&problems.join("; "));
        None
    }

    /// Not the receiver's word: ignored, like a receipt that does not verify.
    fn checkpoint_unused(&mut self, why: &str) {
        self.view.backend_problem = Some(format!("the receiver's checkpoint was not used: {why}"));
    }

    /// A checkpoint whose signature was checked: kept when it verified and extends the
    /// one kept; a warning when it does not extend it.
    pub(super) fn checkpoint_verified(
        &mut self,
        signed: SignedCheckpoint,
        result: Result<bool, DeviceError>,
    ) {
        if result != Ok(true) {
            return self.checkpoint_unused(NOT_VERIFIED);
        }
        let kept = self.checkpoint.as_ref().map(|k| &k.checkpoint);
        match delivery::checkpoint_step(kept, &signed.checkpoint) {
            CheckpointStep::Keep => {}
            CheckpointStep::Diverged(why) => self.view.checkpoint_warning = Some(why),
            CheckpointStep::Replace => {
                // Kept for the next visit; a device that refuses storage keeps it for
                // the page.
                if let Ok(text) = delivery::to_json("the receiver's checkpoint", &signed) {
                    self.out.push(Command::SaveCheckpoint {
                        store_key: delivery::checkpoint_key(&self.prefix),
                        text,
                    });
                }
                self.view.checkpoint = Some(Rc::new(signed.clone()));
                self.checkpoint = Some(signed);
            }
        }
    }
}

const NOT_VERIFIED: &str = "its signature does not verify with the receiver's key";

/// What a receipt whose signature was checked proves.
pub(super) fn receipt_verified(
    receipt: SignedReceipt,
    result: Result<bool, DeviceError>,
) -> Status {
    match result {
        Ok(true) => Status::Delivered {
            receipt: Box::new(receipt),
            verification: Verification::Verified,
        },
        Ok(false) => Status::ReceiptInvalid {
            reason: "its signature does not verify with the receiver's key: it was altered, or not signed by the receiver".to_owned(),
        },
        Err(reason) => Status::ReceiptInvalid {
            reason: reason.to_string(),
        },
    }
}
