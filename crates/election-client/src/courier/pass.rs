//! A pass: holding the Web Lock every tab shares, re-read the outbox (another tab may
//! have sent), then send each due election in sequence order, one attempt at a time,
//! and keep what each attempt came to.

use election_core::contract::{
    ErrorCode, KeyRegistration, SignedCheckpoint, SignedReceipt, CONTRACT_HEADER,
    CONTRACT_VERSION_2,
};
use election_core::DeliveryEvent;

use super::checks::Checked;
use super::learn::Owner;
use super::{reply_outcome, Answer, Ask, Check, Command, Courier, Read, DELIVER_MARK};
use crate::delivery::{
    self, backoff_ms, classify, OutboxEntry, Outcome, Status, Transport, Verification,
};
use crate::device::DeviceError;
use crate::fetch::NetError;

pub(super) struct Pass {
    /// Everything waiting is due, whatever its backoff said (the network came back, or
    /// the employee asked).
    force: bool,
    stage: Stage,
}

#[derive(Debug, PartialEq, Eq)]
enum Stage {
    Locking,
    Reading,
    Sending,
}

/// One attempt to deliver an election, and the answer it waits for.
pub(super) struct Attempt {
    entry: OutboxEntry,
    wait: Wait,
}

enum Wait {
    Key,
    Register,
    Submit,
    HostReply,
    Receipt {
        receipt: Box<SignedReceipt>,
        checkpoint: Option<Box<SignedCheckpoint>>,
    },
    Checkpoint {
        status: Status,
        checkpoint: Box<SignedCheckpoint>,
    },
}

impl Courier {
    /// Sends what is due: now, or (with `force`) everything waiting. While starting or
    /// during a pass, another pass follows.
    pub(super) fn kick(&mut self, force: bool) {
        if self.closed {
            return;
        }
        if self.starting.is_some() || self.pass.is_some() {
            self.again = Some(self.again.unwrap_or(false) || force);
            return;
        }
        self.pass = Some(Pass {
            force,
            stage: Stage::Locking,
        });
        self.out.push(Command::AcquireLock);
    }

    pub(super) fn lock_acquired(&mut self) {
        let Some(pass) = &mut self.pass else {
            return;
        };
        if pass.stage != Stage::Locking {
            return;
        }
        if self.closed {
            return self.end_pass();
        }
        pass.stage = Stage::Reading;
        self.out.push(Command::ReadOutbox {
            read: Read::Pass,
            prefix: self.prefix.clone(),
        });
    }

    pub(super) fn pass_read(&mut self, result: Result<Vec<String>, DeviceError>) {
        let Some(pass) = &mut self.pass else {
            return;
        };
        if pass.stage != Stage::Reading {
            return;
        }
        pass.stage = Stage::Sending;
        let force = pass.force;
        self.apply_read(result);
        if self.transport == Transport::Download {
            return self.end_pass();
        }
        self.supersede_older();
        let now = self.now();
        self.due = self
            .entries
            .iter()
            .filter(|e| e.due(now, force))
            .map(|e| e.key().to_owned())
            .collect();
        self.next_due();
    }

    /// Starts the next due election's attempt, or ends the pass.
    pub(super) fn next_due(&mut self) {
        let force = self.pass.as_ref().is_some_and(|p| p.force);
        loop {
            if self.closed {
                return self.end_pass();
            }
            let Some(key) = self.due.pop_front() else {
                return self.end_pass();
            };
            // As it stands now: signing may have superseded it since the pass began.
            let Some(mut entry) = self.find(&key).cloned() else {
                continue;
            };
            if !entry.due(self.now(), force) {
                continue;
            }
            if !self.env.online {
                entry.status = Status::Retrying {
                    at_ms: self.backoff(entry.attempts.max(1), None),
                    reason: "this device is offline; it will be sent when the connection returns"
                        .to_owned(),
                };
                self.put(entry);
                continue;
            }
            entry.status = Status::Sending {
                since_ms: self.now() as i64,
            };
            self.put(entry.clone());
            self.out.push(Command::Mark(DELIVER_MARK));
            return self.send(entry);
        }
    }

    fn backoff(&self, attempt: u32, retry_after_ms: Option<f64>) -> i64 {
        (self.now() + backoff_ms(attempt, self.env.jitter, retry_after_ms)) as i64
    }

    fn end_pass(&mut self) {
        self.due.clear();
        self.out.push(Command::ReleaseLock);
        match self.again.take() {
            Some(force) if !self.closed => {
                self.pass = Some(Pass {
                    force,
                    stage: Stage::Locking,
                });
                self.out.push(Command::AcquireLock);
            }
            _ => {
                self.pass = None;
                self.schedule();
            }
        }
    }

    fn wait(&mut self, entry: OutboxEntry, wait: Wait) {
        self.attempt = Some(Attempt { entry, wait });
    }

    /// One attempt to deliver `entry` by the configured transport.
    fn send(&mut self, entry: OutboxEntry) {
        match &self.transport {
            Transport::Http { .. } if self.key.is_none() => {
                self.wait(entry, Wait::Key);
                self.ask_key();
            }
            Transport::Http { .. } => self.register_or_submit(entry),
            Transport::PostMessage { .. } if self.host_origin.is_none() => self.finish(
                entry,
                rejected(
                    ErrorCode::HostNotAllowed,
                    "the page around this frame is not among the origins this widget is allowed to hand elections to".to_owned(),
                ),
            ),
            Transport::PostMessage { .. } if self.key.is_none() => {
                self.wait(entry, Wait::Key);
                self.ask_key();
            }
            Transport::PostMessage { .. } => self.post(entry),
            Transport::Download => self.finish(
                entry,
                Outcome::Retry {
                    reason: "there is no backend to send it to".to_owned(),
                    after_ms: None,
                },
            ),
        }
    }

    pub(super) fn pass_key_ready(&mut self, problem: Option<String>) {
        let Some(Attempt {
            entry,
            wait: Wait::Key,
        }) = self.attempt.take()
        else {
            return;
        };
        match problem {
            Some(reason) => self.finish(entry, rejected(ErrorCode::NoKey, reason)),
            None => self.send(entry),
        }
    }

    /// Registers the signing key with the HTTP backend, once; then submits.
    fn register_or_submit(&mut self, entry: OutboxEntry) {
        let (Some(key), Some(url)) = (&self.key, self.http_url()) else {
            return self.submit(entry);
        };
        if key.registered.iter().any(|r| r == url) {
            return self.submit(entry);
        }
        let registration = KeyRegistration {
            jwk: key.jwk.clone(),
        };
        let body = match delivery::to_json("the key registration", &registration) {
            Ok(body) => body,
            Err(problem) => {
                return self.finish(entry, rejected(ErrorCode::NotSerializable, problem))
            }
        };
        if let Some(request) = self.request("POST", "/v1/keys", Some(body)) {
            self.wait(entry, Wait::Register);
            self.out.push(Command::Fetch {
                ask: Ask::RegisterKey,
                request,
            });
        }
    }

    fn submit(&mut self, entry: OutboxEntry) {
        // Nothing is sent empty: said as a refusal on this device.
        let body = match delivery::to_json("the signed election", &entry.signed) {
            Ok(body) => body,
            Err(problem) => {
                return self.finish(entry, rejected(ErrorCode::NotSerializable, problem))
            }
        };
        if let Some(mut request) = self.request("POST", "/v1/elections", Some(body)) {
            // Contract 2: the answer carries the checkpoint that includes the receipt.
            request
                .headers
                .insert(CONTRACT_HEADER.to_owned(), CONTRACT_VERSION_2.to_owned());
            self.wait(entry, Wait::Submit);
            self.out.push(Command::Fetch {
                ask: Ask::Submit,
                request,
            });
        }
    }

    /// Hands `entry` to the host page, which forwards it and answers.
    fn post(&mut self, entry: OutboxEntry) {
        let (
            Transport::PostMessage {
                origins,
                timeout_ms,
                ..
            },
            Some(target),
            Some(key),
        ) = (&self.transport, &self.host_origin, &self.key)
        else {
            return;
        };
        let accepted = match origins.is_empty() {
            true => vec![target.clone()],
            false => origins.clone(),
        };
        let message = Deliver {
            source: "election-widget",
            schema: crate::host::EVENT_SCHEMA,
            kind: "election-widget:deliver",
            idempotency_key: entry.key(),
            signed_election: &entry.signed,
            public_jwk: &key.jwk,
        };
        // Nothing is handed over empty: said as a refusal on this device.
        let message = match delivery::to_json("the signed election", &message) {
            Ok(message) => message,
            Err(problem) => {
                return self.finish(entry, rejected(ErrorCode::NotSerializable, problem))
            }
        };
        let command = Command::PostToHost {
            message,
            target: target.clone(),
            accepted,
            idempotency_key: entry.key().to_owned(),
            timeout_ms: *timeout_ms,
        };
        self.wait(entry, Wait::HostReply);
        self.out.push(command);
    }

    pub(super) fn pass_answered(&mut self, ask: Ask, result: Result<Answer, NetError>) {
        let Some(Attempt { entry, wait }) = self.attempt.take() else {
            return;
        };
        let now = self.now();
        let outcome = |a: &Answer| classify(a.status, &a.body, a.retry_after.as_deref(), now);
        match (wait, ask, result) {
            (Wait::Register, Ask::RegisterKey, Ok(a)) if a.status == 200 || a.status == 201 => {
                let url = self.transport_url();
                if let (Some(key), Some(url)) = (&mut self.key, url) {
                    key.registered.push(url.clone());
                    self.out.push(Command::MarkRegistered { url });
                }
                self.submit(entry);
            }
            (Wait::Register, Ask::RegisterKey, Ok(a)) => {
                let outcome = match outcome(&a) {
                    Outcome::Receipt(..) => retry("the backend did not register the signing key"),
                    other => other,
                };
                self.finish(entry, outcome);
            }
            (Wait::Submit, Ask::Submit, Ok(a)) => self.finish(entry, outcome(&a)),
            (Wait::Register, Ask::RegisterKey, Err(e)) | (Wait::Submit, Ask::Submit, Err(e)) => {
                self.finish(entry, retry(&super::reply::unanswered(e)))
            }
            // Not the answer waited for.
            (wait, _, _) => self.wait(entry, wait),
        }
    }

    fn transport_url(&self) -> Option<String> {
        self.http_url().map(str::to_owned)
    }

    pub(super) fn host_replied(&mut self, result: Result<String, DeviceError>) {
        let Some(Attempt {
            entry,
            wait: Wait::HostReply,
        }) = self.attempt.take()
        else {
            return;
        };
        let outcome = match result {
            Ok(text) => reply_outcome(&text),
            Err(reason) => retry(&reason.to_string()),
        };
        self.finish(entry, outcome);
    }

    /// What an attempt came to: a receipt is checked before it counts.
    fn finish(&mut self, mut entry: OutboxEntry, outcome: Outcome) {
        entry.attempts += 1;
        match outcome {
            Outcome::Receipt(receipt, checkpoint) => match self.check_receipt(&entry, *receipt) {
                Checked::Done(status) => self.receipt_checked(entry, status, checkpoint),
                Checked::Verify(receipt, command) => {
                    self.wait(
                        entry,
                        Wait::Receipt {
                            receipt,
                            checkpoint,
                        },
                    );
                    self.out.push(command);
                }
            },
            Outcome::Rejected {
                code,
                message,
                details,
            } => self.complete(
                entry,
                Status::Rejected {
                    code,
                    message,
                    details,
                },
            ),
            Outcome::Retry { reason, after_ms } => {
                let at_ms = self.backoff(entry.attempts, after_ms);
                self.complete(entry, Status::Retrying { at_ms, reason });
            }
        }
    }

    pub(super) fn pass_verified(&mut self, check: Check, result: Result<bool, DeviceError>) {
        let Some(Attempt { entry, wait }) = self.attempt.take() else {
            return;
        };
        match (wait, check) {
            (
                Wait::Receipt {
                    receipt,
                    checkpoint,
                },
                Check::Receipt,
            ) => {
                let status = super::checks::receipt_verified(*receipt, result);
                self.receipt_checked(entry, status, checkpoint);
            }
            (Wait::Checkpoint { status, checkpoint }, Check::Checkpoint) => {
                self.checkpoint_verified(*checkpoint, result);
                self.complete(entry, status);
            }
            (wait, _) => self.wait(entry, wait),
        }
    }

    /// A verified receipt's checkpoint is considered before the attempt completes.
    fn receipt_checked(
        &mut self,
        entry: OutboxEntry,
        status: Status,
        checkpoint: Option<Box<SignedCheckpoint>>,
    ) {
        if let (
            Status::Delivered {
                receipt,
                verification: Verification::Verified,
            },
            Some(checkpoint),
        ) = (&status, checkpoint)
        {
            if let Some(command) = self.check_checkpoint(&checkpoint, Some(&receipt.receipt)) {
                self.wait(entry, Wait::Checkpoint { status, checkpoint });
                self.out.push(command);
                return;
            }
        }
        self.complete(entry, status);
    }

    /// Keeps what the attempt came to, tells the host of a delivery, and goes on.
    fn complete(&mut self, mut entry: OutboxEntry, status: Status) {
        entry.status = status;
        let delivered = match &entry.status {
            Status::Delivered {
                receipt,
                verification,
            } => {
                let p = entry.payload();
                Some(DeliveryEvent::ElectionDelivered {
                    offer_id: p.offer_id.clone(),
                    employee_id: p.employee_id.clone(),
                    sequence: p.sequence,
                    idempotency_key: entry.key().to_owned(),
                    timeliness: receipt.receipt.timeliness,
                    verified: *verification == Verification::Verified,
                    receipt: receipt.clone(),
                })
            }
            _ => None,
        };
        let stale = matches!(
            &entry.status,
            Status::Rejected {
                code: ErrorCode::SequenceNotIncreasing,
                ..
            }
        );
        // Stored before the host is told.
        self.put(entry);
        if let Some(event) = delivered {
            self.out.push(Command::Measure {
                name: super::DELIVER_MEASURE,
                mark: DELIVER_MARK,
            });
            self.out.push(Command::Emit(event));
        }
        if stale {
            // The backend holds a later election (signed on another device since this
            // page loaded): learn it, so that the next signing takes a higher number.
            return self.learn(Owner::Pass);
        }
        self.next_due();
    }
}

/// The message that hands an election to the host page (`docs/EMBEDDING.md`).
#[derive(serde::Serialize)]
struct Deliver<'a> {
    source: &'static str,
    schema: u64,
    #[serde(rename = "type")]
    kind: &'static str,
    idempotency_key: &'a str,
    signed_election: &'a election_core::contract::SignedElection,
    public_jwk: &'a election_core::contract::PublicJwk,
}

fn rejected(code: ErrorCode, message: String) -> Outcome {
    Outcome::Rejected {
        code,
        message,
        details: Vec::new(),
    }
}

fn retry(reason: &str) -> Outcome {
    Outcome::Retry {
        reason: reason.to_owned(),
        after_ms: None,
    }
}
