//! The courier's sequences, natively: each test plays the platform, answering the
//! commands the machine returns with the events a browser would send back.

use std::collections::BTreeMap;
use std::rc::Rc;

use election_core::contract::{
    detached_jws, jws_signing_input, ElectionEntry, ElectionHistory, ElectionPayload, ErrorCode,
    PublicJwk, Receipt, SignedElection, SignedReceipt, Timeliness, ELECTION_CONTRACT,
    RECEIPT_CONTRACT,
};
use election_core::disclosure::Acknowledgment;
use election_core::{DeliveryEvent, Election};
use serde_json::json;

use super::*;
use crate::delivery::{Status, Verification};

const URL: &str = "https://receiver.example";

fn receiver_key() -> PublicJwk {
    PublicJwk {
        kty: "EC".into(),
        crv: "P-256".into(),
        x: "x".repeat(43),
        y: "y".repeat(43),
    }
}

fn employee_key() -> PublicJwk {
    PublicJwk {
        x: "e".repeat(43),
        ..receiver_key()
    }
}

fn http(pinned: bool) -> Transport {
    Transport::Http {
        url: URL.into(),
        headers: BTreeMap::from([("Authorization".to_owned(), "Bearer t".to_owned())]),
        credentials: "omit".into(),
        receiver_key: pinned.then(receiver_key),
        timeout_ms: 15_000,
    }
}

fn fixtures() -> (Rc<Offer>, Rc<Holder>) {
    let offer =
        election_core::parse_offer(include_str!("../../../../static/offers/mpower-2001.json"))
            .expect("offer");
    let holder = election_core::parse_holder(
        include_str!("../../../../static/holders/e1001-avery-lindqvist.json"),
        Some(&offer),
    )
    .expect("holder");
    (Rc::new(offer), Rc::new(holder))
}

/// The machine, and the platform's side of it: the clock, the network.
struct World {
    courier: Courier,
    env: Env,
}

impl World {
    fn new(transport: Transport) -> World {
        World::framed(transport, Some("https://portal.example".into()))
    }

    fn framed(transport: Transport, host_origin: Option<String>) -> World {
        let (offer, holder) = fixtures();
        let config = DeliveryConfig { transport };
        World {
            courier: Courier::new(offer, holder, &config, host_origin),
            env: Env {
                now_ms: 1_000_000.0,
                jitter: 0.5,
                online: true,
            },
        }
    }

    fn step(&mut self, event: Event) -> Vec<Command> {
        self.courier.step(self.env, event)
    }

    /// Starts with `stored` in the outbox and `record` at the backend (key pinned, no
    /// checkpoint), up to the lock being asked for.
    fn start(&mut self, stored: &[OutboxEntry], record: Vec<ElectionEntry>) -> Vec<Command> {
        assert_eq!(kinds(&self.step(Event::Started)), ["ReadOutbox"]);
        let read = self.step(Event::OutboxRead {
            read: Read::Start,
            result: Ok(texts(stored)),
        });
        assert_eq!(kinds(&read), ["ReadCheckpoint"]);
        let fetch = self.step(Event::CheckpointRead(None));
        if self.courier.http_url().is_none() {
            return fetch;
        }
        assert_eq!(asks(&fetch), [Ask::Checkpoint]);
        let fetch = self.step(answered(Ask::Checkpoint, 404, "{}"));
        assert_eq!(asks(&fetch), [Ask::Record]);
        let history = ElectionHistory {
            employee_id: "E-1001".into(),
            governing: None,
            history: record,
        };
        self.step(answered(Ask::Record, 200, &json!(history).to_string()))
    }

    /// Grants the lock and reads `stored` for the pass.
    fn pass(&mut self, stored: &[OutboxEntry]) -> Vec<Command> {
        assert_eq!(kinds(&self.step(Event::LockAcquired)), ["ReadOutbox"]);
        self.step(Event::OutboxRead {
            read: Read::Pass,
            result: Ok(texts(stored)),
        })
    }

    fn key_ready(&mut self, registered: bool) -> Vec<Command> {
        self.step(Event::KeyReady(Ok(KeyInfo {
            key_id: employee_key().thumbprint(),
            jwk: employee_key(),
            registered: if registered {
                vec![URL.into()]
            } else {
                Vec::new()
            },
            session_only: None,
        })))
    }

    fn entry(&self, key: &str) -> OutboxEntry {
        self.courier
            .entries()
            .iter()
            .find(|e| e.key() == key)
            .cloned()
            .expect("in the outbox")
    }

    fn shown(&self) -> OutboxView {
        self.courier.shown().cloned().expect("shown")
    }
}

fn texts(entries: &[OutboxEntry]) -> Vec<String> {
    entries
        .iter()
        .map(|e| serde_json::to_string(e).expect("json"))
        .collect()
}

fn answered(ask: Ask, status: u16, body: &str) -> Event {
    Event::Answered {
        ask,
        result: Ok(Answer {
            status,
            retry_after: None,
            body: body.to_owned(),
        }),
    }
}

fn kinds(commands: &[Command]) -> Vec<&'static str> {
    commands
        .iter()
        .map(|c| match c {
            Command::ReadOutbox { .. } => "ReadOutbox",
            Command::ReadCheckpoint { .. } => "ReadCheckpoint",
            Command::Save { .. } => "Save",
            Command::SaveCheckpoint { .. } => "SaveCheckpoint",
            Command::Announce => "Announce",
            Command::Fetch { .. } => "Fetch",
            Command::Verify { .. } => "Verify",
            Command::GetKey => "GetKey",
            Command::Sign { .. } => "Sign",
            Command::MarkRegistered { .. } => "MarkRegistered",
            Command::AcquireLock => "AcquireLock",
            Command::ReleaseLock => "ReleaseLock",
            Command::PostToHost { .. } => "PostToHost",
            Command::Download { .. } => "Download",
            Command::Emit(_) => "Emit",
            Command::Show(_) => "Show",
            Command::WakeAt(_) => "WakeAt",
            Command::Mark(_) | Command::Measure { .. } => "Mark",
        })
        .filter(|k| !matches!(*k, "Show" | "Mark"))
        .collect()
}

fn asks(commands: &[Command]) -> Vec<Ask> {
    commands
        .iter()
        .filter_map(|c| match c {
            Command::Fetch { ask, .. } => Some(*ask),
            _ => None,
        })
        .collect()
}

/// The elections a step submits, by idempotency key.
fn submitted(commands: &[Command]) -> Vec<String> {
    commands
        .iter()
        .filter_map(|c| match c {
            Command::Fetch {
                ask: Ask::Submit,
                request,
            } => {
                let body = request.body.as_deref().expect("a body");
                let signed: SignedElection = serde_json::from_str(body).expect("an election");
                Some(signed.payload.idempotency_key)
            }
            _ => None,
        })
        .collect()
}

/// The statuses a step stores, by sequence.
fn saved(commands: &[Command]) -> Vec<(u64, Status)> {
    commands
        .iter()
        .filter_map(|c| match c {
            Command::Save { text, .. } => {
                let e: OutboxEntry = serde_json::from_str(text).expect("an entry");
                Some((e.payload().sequence, e.status))
            }
            _ => None,
        })
        .collect()
}

fn wake(commands: &[Command]) -> Option<Option<f64>> {
    commands.iter().find_map(|c| match c {
        Command::WakeAt(at) => Some(*at),
        _ => None,
    })
}

fn payload(sequence: u64) -> ElectionPayload {
    ElectionPayload {
        contract: ELECTION_CONTRACT.into(),
        offer_id: "mpower-2001-option-exchange".into(),
        offer_version: 2,
        disclosure_digest: "d".repeat(64),
        employee_id: "E-1001".into(),
        decisions: Vec::new(),
        acknowledgments: Vec::new(),
        sequence,
        nonce: "n".repeat(22),
        idempotency_key: format!("key-{sequence}"),
        client_time: "2001-09-20T14:00:00Z".into(),
        key_id: "employee-key".into(),
        signed_name: "Avery Lindqvist".into(),
    }
}

fn entry(sequence: u64) -> OutboxEntry {
    OutboxEntry::new(
        SignedElection {
            payload: payload(sequence),
            signature: "h..s".into(),
        },
        1,
    )
}

fn receipt_for(e: &OutboxEntry) -> SignedReceipt {
    let p = e.payload();
    SignedReceipt {
        receipt: Receipt {
            contract: RECEIPT_CONTRACT.into(),
            receipt_id: format!("R{:010}", p.sequence),
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
            timeliness: Timeliness::OnTime,
            chain_index: p.sequence,
            previous_receipt_hash: "0".repeat(64),
            key_id: receiver_key().thumbprint(),
        },
        // A detached JWS for the receiver's key; the platform's verification decides.
        signature: {
            let (header, _) = jws_signing_input(&receiver_key().thumbprint(), b"");
            detached_jws(&header, &[1; 64])
        },
    }
}

fn receipt_answer(e: &OutboxEntry) -> Event {
    let body = json!({ "receipt": receipt_for(e), "replayed": false }).to_string();
    answered(Ask::Submit, 201, &body)
}

#[test]
fn it_starts_by_reading_and_learning_then_registers_sends_and_verifies_under_the_lock() {
    let mut w = World::new(http(true));
    let waiting = entry(1);
    let start = w.start(std::slice::from_ref(&waiting), Vec::new());
    assert!(
        w.shown().loaded,
        "the outbox is said only once it is read and learned"
    );
    assert_eq!(kinds(&start), ["AcquireLock"]);
    let pass = w.pass(std::slice::from_ref(&waiting));
    assert_eq!(
        saved(&pass)[0].1,
        Status::Sending {
            since_ms: 1_000_000
        }
    );
    assert_eq!(kinds(&pass), ["Save", "GetKey"]);
    let register = w.key_ready(false);
    assert_eq!(asks(&register), [Ask::RegisterKey]);
    let submit = w.step(answered(Ask::RegisterKey, 201, "{}"));
    assert_eq!(kinds(&submit), ["MarkRegistered", "Fetch"]);
    assert_eq!(submitted(&submit), ["key-1"]);
    let Command::Fetch { request, .. } = &submit[1] else {
        panic!("a request")
    };
    assert_eq!(request.url, format!("{URL}/v1/elections"));
    assert_eq!(
        request.headers.get("Authorization").map(String::as_str),
        Some("Bearer t")
    );
    assert_eq!(
        request.headers.get("election-contract").map(String::as_str),
        Some("2")
    );
    let answer = w.step(receipt_answer(&waiting));
    assert_eq!(kinds(&answer), ["Verify"], "{:?}", w.entry("key-1").status);
    let done = w.step(Event::Verified {
        check: Check::Receipt,
        result: Ok(true),
    });
    assert_eq!(kinds(&done), ["Save", "Emit", "ReleaseLock", "WakeAt"]);
    assert!(done.iter().any(|c| matches!(
        c,
        Command::Emit(DeliveryEvent::ElectionDelivered {
            sequence: 1,
            verified: true,
            ..
        })
    )));
    assert_eq!(wake(&done), Some(None), "nothing left to wake for");
    assert!(matches!(
        w.entry("key-1").status,
        Status::Delivered {
            verification: Verification::Verified,
            ..
        }
    ));
    let shown = w.shown();
    assert_eq!(shown.entries.len(), 1);
    // The key is registered now: the next election goes straight to the backend.
    assert!(w
        .courier
        .key
        .as_ref()
        .is_some_and(|k| k.registered == [URL]));
}

#[test]
fn a_backend_that_is_down_is_retried_after_its_retry_after_with_the_same_key() {
    let mut w = World::new(http(true));
    let waiting = entry(1);
    w.start(std::slice::from_ref(&waiting), Vec::new());
    w.pass(std::slice::from_ref(&waiting));
    w.key_ready(true);
    let busy = w.step(Event::Answered {
        ask: Ask::Submit,
        result: Ok(Answer {
            status: 503,
            retry_after: Some("7".into()),
            body: r#"{"error":{"code":"storage_unavailable","message":"db down"}}"#.into(),
        }),
    });
    let retry_at = 1_000_000 + 7_000;
    assert!(matches!(
        &saved(&busy)[..],
        [(1, Status::Retrying { at_ms, reason })] if *at_ms == retry_at && reason.contains("db down")
    ));
    assert_eq!(wake(&busy), Some(Some(retry_at as f64)));
    // Woken early (a timer that fired soon): nothing is due yet, nothing is sent.
    w.env.now_ms += 1_000.0;
    assert_eq!(kinds(&w.step(Event::TimerFired)), ["AcquireLock"]);
    let early = w.pass(&[w.entry("key-1")]);
    assert!(submitted(&early).is_empty());
    assert_eq!(kinds(&early), ["ReleaseLock", "WakeAt"]);
    // At the time it is due, the same election goes again: same idempotency key.
    w.env.now_ms = retry_at as f64;
    w.step(Event::TimerFired);
    let again = w.pass(&[w.entry("key-1")]);
    assert_eq!(submitted(&again), ["key-1"]);
    w.step(receipt_answer(&waiting));
    w.step(Event::Verified {
        check: Check::Receipt,
        result: Ok(true),
    });
    assert_eq!(w.entry("key-1").attempts, 2);
}

#[test]
fn a_request_that_gets_no_answer_is_retried_and_says_why() {
    use crate::fetch::NetError;
    let mut w = World::new(http(true));
    let waiting = entry(1);
    w.start(std::slice::from_ref(&waiting), Vec::new());
    w.pass(std::slice::from_ref(&waiting));
    w.key_ready(true);
    let timed_out = w.step(Event::Answered {
        ask: Ask::Submit,
        result: Err(NetError::Timeout { seconds: 15 }),
    });
    assert!(matches!(
        &saved(&timed_out)[..],
        [(1, Status::Retrying { reason, .. })] if reason == "no answer within 15 seconds"
    ));
    assert!(matches!(wake(&timed_out), Some(Some(_))));
    // Due again (forced, as "Try again now" does), then unreachable.
    w.step(Event::RetryRequested("key-1".into()));
    let again = w.pass(&[w.entry("key-1")]);
    assert_eq!(submitted(&again), ["key-1"]);
    let unreachable = w.step(Event::Answered {
        ask: Ask::Submit,
        result: Err(NetError::Unreachable),
    });
    assert!(matches!(
        &saved(&unreachable)[..],
        [(1, Status::Retrying { reason, .. })] if reason.starts_with("could not reach the backend")
    ));
    assert_eq!(w.entry("key-1").attempts, 2);
}

#[test]
fn offline_it_waits_and_the_network_coming_back_sends_at_once() {
    let mut w = World::new(http(true));
    let waiting = entry(1);
    w.start(std::slice::from_ref(&waiting), Vec::new());
    w.env.online = false;
    let pass = w.pass(std::slice::from_ref(&waiting));
    assert!(submitted(&pass).is_empty());
    assert!(matches!(
        &saved(&pass)[..],
        [(1, Status::Retrying { reason, .. })] if reason.contains("offline")
    ));
    w.env.online = true;
    // Whatever the backoff said.
    assert_eq!(kinds(&w.step(Event::Online)), ["AcquireLock"]);
    let sent = w.pass(&[w.entry("key-1")]);
    assert_eq!(kinds(&sent), ["Save", "GetKey"]);
    assert_eq!(submitted(&w.key_ready(true)), ["key-1"]);
}

#[test]
fn a_newer_election_supersedes_older_unconfirmed_ones() {
    let mut w = World::new(http(true));
    let mut older = entry(1);
    older.status = Status::Retrying {
        at_ms: 0,
        reason: "down".into(),
    };
    let newer = entry(2);
    let stored = [older, newer];
    w.start(&stored, Vec::new());
    let pass = w.pass(&stored);
    assert_eq!(saved(&pass)[0], (1, Status::Superseded { by: 2 }));
    w.key_ready(true);
    // Only the newer is sent; the older never is.
    assert!(matches!(w.entry("key-2").status, Status::Sending { .. }));
    assert_eq!(w.entry("key-1").status, Status::Superseded { by: 2 });
}

#[test]
fn signing_takes_the_next_sequence_stores_first_and_supersedes_what_waits() {
    let mut w = World::new(http(true));
    let mut waiting = entry(4);
    waiting.status = Status::Retrying {
        at_ms: i64::MAX,
        reason: "down".into(),
    };
    w.start(std::slice::from_ref(&waiting), Vec::new());
    w.pass(std::slice::from_ref(&waiting));
    let (offer, holder) = fixtures();
    let request = SignRequest {
        election: Election::keep_all(&offer, &holder),
        acknowledgments: offer
            .documents
            .iter()
            .map(|d| Acknowledgment::of(&offer, d))
            .collect(),
        signed_name: "Avery Lindqvist".into(),
    };
    let sign = w.step(Event::SignRequested {
        request,
        nonce: "A".repeat(43),
        idempotency_key: "fresh-key-000000000000000000000000".into(),
    });
    assert_eq!(kinds(&sign), ["GetKey"]);
    assert!(w.shown().signing);
    let ready = w.key_ready(true);
    let Some(Command::Sign { input }) = ready.iter().find(|c| matches!(c, Command::Sign { .. }))
    else {
        panic!("a signature asked: {ready:?}")
    };
    assert!(
        String::from_utf8_lossy(input).contains('.'),
        "a JWS signing input"
    );
    let signed = w.step(Event::Signed(Ok(vec![7; 64])));
    let stored = saved(&signed);
    assert_eq!(stored[0], (5, Status::Signed), "above every sequence seen");
    assert_eq!(stored[1], (4, Status::Superseded { by: 5 }));
    assert!(signed.iter().any(|c| matches!(
        c,
        Command::Emit(DeliveryEvent::ElectionSigned { sequence: 5, .. })
    )));
    assert_eq!(
        kinds(&signed).last(),
        Some(&"AcquireLock"),
        "then it is sent"
    );
    assert!(!w.shown().signing);
}

#[test]
fn sequence_not_increasing_re_reads_the_record_so_the_next_signing_is_higher() {
    let mut w = World::new(http(true));
    let mine = entry(1);
    w.start(std::slice::from_ref(&mine), Vec::new());
    w.pass(std::slice::from_ref(&mine));
    w.key_ready(true);
    let refused = w.step(answered(
        Ask::Submit,
        409,
        r#"{"error":{"code":"sequence_not_increasing","message":"the receiver has 7"}}"#,
    ));
    assert!(matches!(
        &saved(&refused)[..],
        [(
            1,
            Status::Rejected {
                code: ErrorCode::SequenceNotIncreasing,
                ..
            }
        )]
    ));
    // Still holding the lock, it learns again: the checkpoint, then the record.
    assert_eq!(asks(&refused), [Ask::Checkpoint]);
    assert_eq!(
        asks(&w.step(answered(Ask::Checkpoint, 404, ""))),
        [Ask::Record]
    );
    let other_device = entry(7);
    let history = ElectionHistory {
        employee_id: "E-1001".into(),
        governing: None,
        history: vec![ElectionEntry {
            receipt: receipt_for(&other_device),
            election: other_device.signed.clone(),
        }],
    };
    let learned = w.step(answered(Ask::Record, 200, &json!(history).to_string()));
    assert_eq!(kinds(&learned), ["Verify"]);
    let done = w.step(Event::Verified {
        check: Check::Receipt,
        result: Ok(true),
    });
    assert_eq!(kinds(&done), ["Save", "ReleaseLock", "WakeAt"]);
    let known = w.entry("key-7");
    assert!(known.from_backend);
    assert_eq!(delivery::next_sequence(w.courier.entries()), 8);
    assert_eq!(
        election_core::contract::governing(w.courier.entries()).map(|e| e.key()),
        Some("key-7")
    );
}

#[test]
fn another_tab_during_a_pass_brings_a_second_pass_and_its_news_when_idle_is_read() {
    let mut w = World::new(http(true));
    let mine = entry(1);
    w.start(std::slice::from_ref(&mine), Vec::new());
    w.pass(std::slice::from_ref(&mine));
    // News during the pass: not read now (it would race the pass's own writes).
    assert!(kinds(&w.step(Event::OtherTab)).is_empty());
    w.key_ready(true);
    w.step(receipt_answer(&mine));
    let end = w.step(Event::Verified {
        check: Check::Receipt,
        result: Ok(true),
    });
    assert_eq!(
        kinds(&end)[2..],
        ["ReleaseLock", "AcquireLock"],
        "a second pass re-reads"
    );
    // The other tab had signed and sent an election of its own.
    let mut theirs = entry(2);
    theirs.status = Status::Delivered {
        receipt: Box::new(receipt_for(&theirs)),
        verification: Verification::Verified,
    };
    let second = w.pass(&[w.entry("key-1"), theirs.clone()]);
    assert_eq!(kinds(&second), ["ReleaseLock", "WakeAt"]);
    assert_eq!(w.shown().entries.len(), 2);
    // Idle, news is read at once.
    let mut retrying = entry(3);
    retrying.status = Status::Retrying {
        at_ms: 2_000_000,
        reason: "down".into(),
    };
    assert_eq!(kinds(&w.step(Event::OtherTab)), ["ReadOutbox"]);
    let read = w.step(Event::OutboxRead {
        read: Read::OtherTab,
        result: Ok(texts(&[w.entry("key-1"), theirs, retrying])),
    });
    assert_eq!(
        wake(&read),
        Some(Some(2_000_000.0)),
        "its retry is scheduled here too"
    );
    assert_eq!(w.shown().entries.len(), 3);
}

#[test]
fn a_read_racing_a_save_keeps_what_memory_has() {
    let mut w = World::new(Transport::Download);
    w.start(&[], Vec::new());
    assert_eq!(
        kinds(&w.pass(&[])),
        ["ReleaseLock", "WakeAt"],
        "nothing to send"
    );
    let (offer, holder) = fixtures();
    let request = SignRequest {
        election: Election::keep_all(&offer, &holder),
        acknowledgments: offer
            .documents
            .iter()
            .map(|d| Acknowledgment::of(&offer, d))
            .collect(),
        signed_name: "Avery Lindqvist".into(),
    };
    w.step(Event::SignRequested {
        request,
        nonce: "A".repeat(43),
        idempotency_key: "fresh-key-000000000000000000000000".into(),
    });
    w.key_ready(false);
    let signed = w.step(Event::Signed(Ok(vec![7; 64])));
    assert_eq!(kinds(&signed), ["Download", "Save", "Emit", "AcquireLock"]);
    // Another tab's news is read before the save lands: the new election stays.
    w.step(Event::OtherTab);
    w.step(Event::OutboxRead {
        read: Read::OtherTab,
        result: Ok(Vec::new()),
    });
    assert_eq!(w.shown().entries.len(), 1);
    // A store that refuses keeps it in memory, and says so.
    w.step(Event::Saved {
        entry_key: "fresh-key-000000000000000000000000".into(),
        result: Err(crate::device::DeviceError::StorageFull),
    });
    w.step(Event::OtherTab);
    w.step(Event::OutboxRead {
        read: Read::OtherTab,
        result: Ok(Vec::new()),
    });
    let shown = w.shown();
    assert_eq!(shown.entries.len(), 1);
    assert_eq!(shown.entries[0].status, Status::Downloaded);
    assert_eq!(
        shown.storage_problem.as_deref(),
        Some("this device's storage is full")
    );
}

#[test]
fn after_a_reload_an_attempt_left_sending_is_asked_again_and_unreadable_entries_are_skipped() {
    let mut w = World::new(http(true));
    let mut interrupted = entry(1);
    interrupted.status = Status::Sending { since_ms: 5 };
    interrupted.attempts = 1;
    w.step(Event::Started);
    w.step(Event::OutboxRead {
        read: Read::Start,
        result: Ok(vec![
            serde_json::to_string(&interrupted).expect("json"),
            "{\"signed\": 1}".into(),
            "not json".into(),
        ]),
    });
    assert_eq!(w.courier.entries().len(), 1);
    w.step(Event::CheckpointRead(Some("garbage".into())));
    w.step(answered(Ask::Checkpoint, 404, ""));
    // The backend's record has it with a receipt: the lost answer, found.
    let history = ElectionHistory {
        employee_id: "E-1001".into(),
        governing: None,
        history: vec![ElectionEntry {
            receipt: receipt_for(&interrupted),
            election: interrupted.signed.clone(),
        }],
    };
    assert_eq!(
        kinds(&w.step(answered(Ask::Record, 200, &json!(history).to_string()))),
        ["Verify"]
    );
    w.step(Event::Verified {
        check: Check::Receipt,
        result: Ok(true),
    });
    assert!(matches!(w.entry("key-1").status, Status::Delivered { .. }));
    assert!(!w.entry("key-1").from_backend, "it was this device's");

    // Without it in the record, it is simply asked again with its idempotency key.
    let mut w = World::new(http(true));
    w.start(std::slice::from_ref(&interrupted), Vec::new());
    w.pass(std::slice::from_ref(&interrupted));
    assert_eq!(submitted(&w.key_ready(true)), ["key-1"]);
}

#[test]
fn a_receipt_that_does_not_hold_is_not_delivered_and_can_be_asked_again() {
    let mut w = World::new(http(true));
    let mine = entry(1);
    w.start(std::slice::from_ref(&mine), Vec::new());
    w.pass(std::slice::from_ref(&mine));
    w.key_ready(true);
    // A receipt for another election: refused without a signature check.
    let other = entry(9);
    let wrong = w.step(receipt_answer(&other));
    assert!(!kinds(&wrong).contains(&"Verify"));
    assert!(!kinds(&wrong).contains(&"Emit"));
    assert!(matches!(
        &w.entry("key-1").status,
        Status::ReceiptInvalid { reason } if reason.contains("payload hash")
    ));
    // Asked again: sent at once, whatever the backoff.
    assert_eq!(
        kinds(&w.step(Event::RetryRequested("key-1".into()))),
        ["Save", "AcquireLock"]
    );
    assert_eq!(submitted(&w.pass(&[w.entry("key-1")])), ["key-1"]);
    // A receipt whose signature does not verify proves nothing.
    w.step(receipt_answer(&mine));
    let forged = w.step(Event::Verified {
        check: Check::Receipt,
        result: Ok(false),
    });
    assert!(!kinds(&forged).contains(&"Emit"));
    assert!(matches!(
        w.entry("key-1").status,
        Status::ReceiptInvalid { .. }
    ));
    assert_eq!(
        election_core::contract::governing(w.courier.entries()),
        None
    );
}

#[test]
fn an_unpinned_key_is_read_from_the_backend_and_a_stranger_portal_gets_nothing() {
    let mut w = World::new(http(false));
    w.step(Event::Started);
    w.step(Event::OutboxRead {
        read: Read::Start,
        result: Ok(Vec::new()),
    });
    assert_eq!(asks(&w.step(Event::CheckpointRead(None))), [Ask::Offer]);
    let unreadable = w.step(answered(Ask::Offer, 500, ""));
    assert_eq!(asks(&unreadable), [Ask::Checkpoint]);
    assert!(w
        .shown()
        .backend_problem
        .is_some_and(|p| p.contains("could not be read (HTTP 500)")));

    // Framed by a page that is not allowed: the election is not handed to it.
    let post = Transport::PostMessage {
        origins: Vec::new(),
        receiver_key: Some(receiver_key()),
        timeout_ms: 5_000,
    };
    let mut w = World::framed(post.clone(), None);
    let mine = entry(1);
    w.start(std::slice::from_ref(&mine), Vec::new());
    let pass = w.pass(std::slice::from_ref(&mine));
    assert!(!kinds(&pass).contains(&"PostToHost"));
    assert!(matches!(
        w.entry("key-1").status,
        Status::Rejected {
            code: ErrorCode::HostNotAllowed,
            ..
        }
    ));

    // An allowed host gets it, and its answer is checked like a backend's.
    let mut w = World::framed(post, Some("https://portal.example".into()));
    w.start(std::slice::from_ref(&mine), Vec::new());
    let pass = w.pass(std::slice::from_ref(&mine));
    // Shown as sending first: the portal may take long to answer.
    assert!(matches!(
        &pass[0],
        Command::Show(view) if matches!(view.entries[0].status, Status::Sending { .. })
    ));
    let handed = w.key_ready(false);
    let Some(Command::PostToHost {
        target,
        accepted,
        message,
        ..
    }) = handed
        .iter()
        .find(|c| matches!(c, Command::PostToHost { .. }))
    else {
        panic!("handed to the host: {handed:?}")
    };
    assert_eq!(target, "https://portal.example");
    assert_eq!(accepted, &["https://portal.example"]);
    assert!(message.contains("\"type\":\"election-widget:deliver\""));
    // A portal that does not answer in time: tried again later, and said why.
    let silent = w.step(Event::HostReplied(Err(
        crate::device::DeviceError::HostTimeout { seconds: 5 },
    )));
    assert!(matches!(
        &saved(&silent)[..],
        [(1, Status::Retrying { reason, .. })] if reason == "the portal did not answer within 5 seconds"
    ));
    w.step(Event::RetryRequested("key-1".into()));
    let again = w.pass(&[w.entry("key-1")]);
    assert!(kinds(&again).contains(&"PostToHost"), "{:?}", kinds(&again));
    let reply = json!({ "receipt": receipt_for(&mine) }).to_string();
    assert_eq!(kinds(&w.step(Event::HostReplied(Ok(reply)))), ["Verify"]);
}

#[test]
fn closing_finishes_the_attempt_under_way_but_starts_and_shows_nothing_more() {
    let mut w = World::new(http(true));
    let mine = entry(1);
    let mut next = entry(2);
    next.status = Status::Retrying {
        at_ms: 0,
        reason: "down".into(),
    };
    w.start(std::slice::from_ref(&mine), Vec::new());
    w.pass(std::slice::from_ref(&mine));
    w.key_ready(true);
    assert_eq!(kinds(&w.step(Event::Closed)), ["WakeAt"]);
    w.step(receipt_answer(&mine));
    let done = w.step(Event::Verified {
        check: Check::Receipt,
        result: Ok(true),
    });
    // Stored, told to the host; then the lock is let go and nothing more starts.
    assert_eq!(kinds(&done), ["Save", "Emit", "ReleaseLock"]);
    assert!(w.step(Event::Online).is_empty());
    assert!(w.step(Event::TimerFired).is_empty());
}

#[test]
fn only_the_endpoints_that_take_credentials_ask_the_host_for_a_token() {
    let world = World::new(http(true));
    let request = |path| world.courier.request("GET", path, None).unwrap();
    assert!(!request("/v1/offer").authenticated);
    assert!(!request("/v1/checkpoint").authenticated);
    assert!(request("/v1/elections").authenticated);
    assert!(request("/v1/keys").authenticated);
}

#[test]
fn only_a_401_asks_the_host_for_a_fresh_token() {
    assert!(super::token_refused(401));
    for status in [200, 201, 400, 403, 404, 408, 409, 422, 429, 500, 503] {
        assert!(!super::token_refused(status), "{status}");
    }
}
