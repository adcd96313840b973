//! Starting, and learning what an HTTP backend holds: the receiver's key (unless the
//! company pinned it), its chain now (which must extend what it showed this device
//! before), and the employee's record (this device may be new, or its storage cleared:
//! the elections there govern the next sequence number and what is shown as in effect).

use std::collections::VecDeque;
use std::rc::Rc;

use election_core::contract::{ElectionEntry, ElectionHistory, OfferInfo, SignedCheckpoint};

use super::checks::Checked;
use super::{read_json, Answer, Ask, Check, Command, Courier, Read};
use crate::delivery::{self, OutboxEntry};
use crate::device::DeviceError;
use crate::fetch::NetError;
use election_core::contract::SignedReceipt;

/// Where starting stands.
pub(super) enum Starting {
    Outbox,
    Checkpoint,
    Learning,
}

/// Who asked to learn, and is resumed when it is done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Owner {
    Start,
    Pass,
}

/// Learning from the backend: the answer waited for.
pub(super) struct Learn {
    owner: Owner,
    stage: Stage,
}

enum Stage {
    Offer,
    Checkpoint,
    CheckingCheckpoint(Box<SignedCheckpoint>),
    Record,
    /// The record's elections still to be taken in, and the receipt being verified.
    Receipts {
        items: VecDeque<ElectionEntry>,
        checking: Option<(Box<OutboxEntry>, Box<SignedReceipt>)>,
    },
}

impl Courier {
    pub(super) fn start(&mut self) {
        self.starting = Some(Starting::Outbox);
        self.out.push(Command::ReadOutbox {
            read: Read::Start,
            prefix: self.prefix.clone(),
        });
    }

    pub(super) fn read_checkpoint(&mut self) {
        self.starting = Some(Starting::Checkpoint);
        self.out.push(Command::ReadCheckpoint {
            store_key: delivery::checkpoint_key(&self.prefix),
        });
    }

    /// The checkpoint kept on this device from an earlier visit (one that cannot be
    /// read is ignored: the next one from the receiver replaces it).
    pub(super) fn checkpoint_read(&mut self, text: Option<String>) {
        if !matches!(self.starting, Some(Starting::Checkpoint)) {
            return;
        }
        let kept = text.and_then(|t| serde_json::from_slice::<SignedCheckpoint>(t.as_bytes()).ok());
        if let Some(kept) = kept {
            self.view.checkpoint = Some(Rc::new(kept.clone()));
            self.checkpoint = Some(kept);
        }
        self.starting = Some(Starting::Learning);
        self.learn(Owner::Start);
    }

    fn started(&mut self) {
        self.starting = None;
        self.view.loaded = true;
        let force = self.again.take().unwrap_or(false);
        self.kick(force);
    }

    /// Learns from the backend (nothing to learn without an HTTP backend), then resumes
    /// `owner`.
    pub(super) fn learn(&mut self, owner: Owner) {
        if self.http_url().is_none() {
            return self.learned(owner);
        }
        if self.receiver_key.is_none() {
            self.ask(owner, Stage::Offer, Ask::Offer, "/v1/offer");
        } else {
            self.ask(owner, Stage::Checkpoint, Ask::Checkpoint, "/v1/checkpoint");
        }
    }

    fn ask(&mut self, owner: Owner, stage: Stage, ask: Ask, path: &str) {
        match self.request("GET", path, None) {
            Some(request) => {
                self.learn = Some(Learn { owner, stage });
                self.out.push(Command::Fetch { ask, request });
            }
            None => self.learned(owner),
        }
    }

    fn learned(&mut self, owner: Owner) {
        self.learn = None;
        match owner {
            Owner::Start => self.started(),
            Owner::Pass => self.next_due(),
        }
    }

    pub(super) fn learn_answered(&mut self, ask: Ask, result: Result<Answer, NetError>) {
        let Some(Learn { owner, stage }) = self.learn.take() else {
            return;
        };
        match (stage, ask) {
            (Stage::Offer, Ask::Offer) => {
                match read_json::<OfferInfo>(result, "the backend's description (/v1/offer)") {
                    Ok(info) => self.receiver_key = Some(info.receiver_key.jwk),
                    Err(why) => self.view.backend_problem = Some(why),
                }
                self.ask(owner, Stage::Checkpoint, Ask::Checkpoint, "/v1/checkpoint");
            }
            (Stage::Checkpoint, Ask::Checkpoint) => {
                let read = read_json::<SignedCheckpoint>(
                    result,
                    "the receiver's checkpoint (/v1/checkpoint)",
                );
                // A receiver without checkpoints (contract 1) is not a problem.
                let verify = read
                    .ok()
                    .and_then(|cp| Some((self.check_checkpoint(&cp, None)?, cp)));
                match verify {
                    Some((command, cp)) => {
                        let stage = Stage::CheckingCheckpoint(Box::new(cp));
                        self.learn = Some(Learn { owner, stage });
                        self.out.push(command);
                    }
                    None => self.ask_record(owner),
                }
            }
            (Stage::Record, Ask::Record) => {
                match read_json::<ElectionHistory>(result, "your record at the backend") {
                    Ok(history) => self.take_in(owner, history.history.into(), None),
                    Err(why) => {
                        self.view.backend_problem = Some(why);
                        self.learned(owner);
                    }
                }
            }
            // Not the answer waited for.
            (stage, _) => self.learn = Some(Learn { owner, stage }),
        }
    }

    fn ask_record(&mut self, owner: Owner) {
        self.ask(owner, Stage::Record, Ask::Record, "/v1/elections");
    }

    pub(super) fn learn_verified(&mut self, check: Check, result: Result<bool, DeviceError>) {
        let Some(Learn { owner, stage }) = self.learn.take() else {
            return;
        };
        match (stage, check) {
            (Stage::CheckingCheckpoint(cp), Check::Checkpoint) => {
                self.checkpoint_verified(*cp, result);
                self.ask_record(owner);
            }
            (
                Stage::Receipts {
                    items,
                    checking: Some((entry, receipt)),
                },
                Check::Receipt,
            ) => {
                let status = super::checks::receipt_verified(*receipt, result);
                self.take_in(owner, items, Some((*entry, status)));
            }
            (stage, _) => self.learn = Some(Learn { owner, stage }),
        }
    }

    /// Takes in the record's elections one by one: each this device has not seen, or
    /// sent without hearing the answer, is kept with its receipt checked.
    fn take_in(
        &mut self,
        owner: Owner,
        mut items: VecDeque<ElectionEntry>,
        checked: Option<(OutboxEntry, delivery::Status)>,
    ) {
        if let Some((mut entry, status)) = checked {
            entry.status = status;
            self.put(entry);
        }
        while let Some(item) = items.pop_front() {
            let known = self.find(&item.election.payload.idempotency_key).cloned();
            let mut entry = match known {
                Some(e) if !e.pending() => continue,
                // Sent before and answered, but the answer never arrived here.
                Some(e) => e,
                None => {
                    let mut e = OutboxEntry::new(item.election, self.now() as i64);
                    e.from_backend = true;
                    e
                }
            };
            match self.check_receipt(&entry, item.receipt) {
                Checked::Done(status) => {
                    entry.status = status;
                    self.put(entry);
                }
                Checked::Verify(receipt, command) => {
                    let checking = Some((Box::new(entry), receipt));
                    let stage = Stage::Receipts { items, checking };
                    self.learn = Some(Learn { owner, stage });
                    self.out.push(command);
                    return;
                }
            }
        }
        self.learned(owner);
    }
}
