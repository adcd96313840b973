//! The receiver over real HTTP, every test against SQLite and against PostgreSQL.

// Test code: a failed step should stop the test where it failed.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use election_core::contract::{
    check_chain, verify_receipt, ElectionPayload, SignedElection, SignedReceipt, Timeliness,
};
use reqwest::StatusCode;
use serde_json::{json, Value};

fn code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or("(no error code)")
}

fn receipt_of(body: &Value) -> SignedReceipt {
    serde_json::from_value(body["receipt"].clone()).unwrap()
}

/// Every receipt the receiver holds: signatures valid, one unbroken chain.
async fn audit(receiver: &Receiver) -> Vec<SignedReceipt> {
    let offer = receiver.offer_info().await;
    let state = election_receiver::prepare(&receiver.config).await.unwrap();
    let chain = state.store.chain().await.unwrap();
    for r in &chain {
        verify_receipt(r, &offer.receiver_key.jwk).unwrap();
    }
    let receipts: Vec<_> = chain.iter().map(|r| r.receipt.clone()).collect();
    check_chain(&receipts).unwrap();
    chain
}

async fn signs_and_gets_a_verifiable_receipt(backend: Backend) {
    let rx = Receiver::start(backend).await;
    let avery = Employee::new(&rx, "E-1001");
    let (status, body) = avery.register(&rx).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["key_id"], avery.signer.key_id());
    let (status, _) = avery.register(&rx).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "registering the same key again is idempotent"
    );

    let signed = avery.sign(avery.payload(1, true));
    let (status, body) = avery.submit(&rx, &signed).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["replayed"], false);
    let receipt = receipt_of(&body);
    let info = rx.offer_info().await;
    verify_receipt(&receipt, &info.receiver_key.jwk).unwrap();
    assert_eq!(receipt.receipt.received_by, "Mpower Holding Corporation");
    assert_eq!(receipt.receipt.timeliness, Timeliness::OnTime);
    assert_eq!(receipt.receipt.chain_index, 1);
    assert_eq!(
        receipt.receipt.payload_hash,
        election_core::contract::payload_hash(&signed.payload).hex()
    );
    assert!(
        receipt.receipt.received_at.starts_with("2001-09-20T14:0"),
        "{}",
        receipt.receipt.received_at
    );

    // The receiver vouches for its own receipt, and not for an altered one.
    let (status, verdict) = avery
        .post_raw(
            &rx,
            "/v1/receipts/verify",
            serde_json::to_vec(&receipt).unwrap(),
            "application/json",
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        verdict,
        json!({ "signature_valid": true, "stored": true, "problems": [] })
    );
    let mut forged = receipt.clone();
    forged.receipt.received_at = "2001-09-20T14:00:00.000Z".into();
    let (_, verdict) = avery
        .post_raw(
            &rx,
            "/v1/receipts/verify",
            serde_json::to_vec(&forged).unwrap(),
            "application/json",
        )
        .await;
    assert_eq!(verdict["signature_valid"], false);
    assert_eq!(verdict["stored"], false);

    let history = avery.history(&rx).await;
    assert_eq!(history.history.len(), 1);
    assert_eq!(history.governing.unwrap().receipt, receipt);
}

async fn a_retry_gets_the_same_receipt_and_reuse_is_refused(backend: Backend) {
    let rx = Receiver::start(backend).await;
    let avery = Employee::new(&rx, "E-1001");
    avery.register(&rx).await;
    let first = avery.sign(avery.payload(1, true));
    let (status, body) = avery.submit(&rx, &first).await;
    assert_eq!(status, StatusCode::CREATED);
    let receipt = receipt_of(&body);

    // The response was lost; the widget sends the same election again.
    let (status, again) = avery.submit(&rx, &first).await;
    assert_eq!(status, StatusCode::OK, "{again}");
    assert_eq!(again["replayed"], true);
    assert_eq!(receipt_of(&again), receipt);

    // The same idempotency key for another payload.
    let mut other = avery.payload(2, false);
    other.idempotency_key = first.payload.idempotency_key.clone();
    let (status, body) = avery.submit(&rx, &avery.sign(other)).await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::UNPROCESSABLE_ENTITY, "idempotency_key_reused")
    );

    // The same nonce in a new election.
    let mut replay = avery.payload(2, false);
    replay.nonce = first.payload.nonce.clone();
    let (status, body) = avery.submit(&rx, &avery.sign(replay)).await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::CONFLICT, "nonce_replayed")
    );

    // A sequence number that does not move forward.
    let mut stale = avery.payload(1, false);
    stale.idempotency_key = "another-key-for-seq-one".into();
    let (status, body) = avery.submit(&rx, &avery.sign(stale)).await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::CONFLICT, "sequence_not_increasing")
    );

    assert_eq!(
        audit(&rx).await.len(),
        1,
        "only the first election is stored"
    );
}

async fn a_change_and_a_withdrawal_govern_in_turn(backend: Backend) {
    let rx = Receiver::start(backend).await;
    let jordan = Employee::new(&rx, "E-1002");
    jordan.register(&rx).await;
    let (s1, _) = jordan
        .submit(&rx, &jordan.sign(jordan.payload(1, true)))
        .await;
    assert_eq!(s1, StatusCode::CREATED);
    let h = jordan.history(&rx).await;
    assert!(!h
        .governing
        .as_ref()
        .unwrap()
        .election
        .payload
        .is_withdrawal());

    let (s2, _) = jordan
        .submit(&rx, &jordan.sign(jordan.payload(2, false)))
        .await;
    assert_eq!(s2, StatusCode::CREATED);
    let h = jordan.history(&rx).await;
    assert_eq!(h.history.len(), 2);
    let governing = h.governing.unwrap();
    assert_eq!(governing.election.payload.sequence, 2);
    assert!(governing.election.payload.is_withdrawal());

    let (s3, _) = jordan
        .submit(&rx, &jordan.sign(jordan.payload(3, true)))
        .await;
    assert_eq!(s3, StatusCode::CREATED);
    let h = jordan.history(&rx).await;
    assert_eq!(h.governing.unwrap().election.payload.sequence, 3);
    // Another employee sees only their own.
    let avery = Employee::new(&rx, "E-1001");
    assert!(avery.history(&rx).await.history.is_empty());
    assert_eq!(audit(&rx).await.len(), 3);
}

async fn bad_input_gets_its_own_error_and_nothing_is_stored(backend: Backend) {
    let rx = Receiver::start(backend).await;
    let avery = Employee::new(&rx, "E-1001");
    let jordan = Employee::new(&rx, "E-1002");
    avery.register(&rx).await;
    jordan.register(&rx).await;
    let good = avery.payload(1, true);
    let signed = |p: ElectionPayload| avery.sign(p);

    let cases: Vec<(&str, StatusCode, &str, Vec<u8>, &str)> = vec![
        (
            "malformed JSON",
            StatusCode::BAD_REQUEST,
            "malformed_json",
            b"{\"payload\": ".to_vec(),
            "application/json",
        ),
        (
            "wrong content type",
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            serde_json::to_vec(&signed(good.clone())).unwrap(),
            "text/plain",
        ),
        (
            "oversized body",
            StatusCode::PAYLOAD_TOO_LARGE,
            "body_too_large",
            vec![b' '; 70 * 1024],
            "application/json",
        ),
        (
            "unknown field",
            StatusCode::BAD_REQUEST,
            "invalid_payload",
            {
                let mut v = serde_json::to_value(signed(good.clone())).unwrap();
                v["payload"]["admin"] = json!(true);
                serde_json::to_vec(&v).unwrap()
            },
            "application/json",
        ),
    ];
    for (what, status, expected, body, content_type) in cases {
        let (got, answer) = avery
            .post_raw(&rx, "/v1/elections", body, content_type)
            .await;
        assert_eq!((got, code(&answer)), (status, expected), "{what}: {answer}");
        assert!(!answer["error"]["message"].as_str().unwrap().is_empty());
    }

    let mut tampered = signed(good.clone());
    tampered.payload.decisions[0].options -= 1;
    let mut unknown_offer = good.clone();
    unknown_offer.offer_id = "acme-2030-exchange".into();
    let mut stale = good.clone();
    stale.offer_version = 1;
    let mut unseen = good.clone();
    unseen.disclosure_digest = "ab".repeat(32);
    let mut unacknowledged = good.clone();
    unacknowledged.acknowledgments.clear();
    let mut partial = good.clone();
    partial.decisions[0].options = 100;
    let mut ill_formed = good.clone();
    ill_formed.sequence = 0;
    let signed_cases: Vec<(&str, SignedElection, StatusCode, &str)> = vec![
        (
            "tampered payload",
            tampered,
            StatusCode::BAD_REQUEST,
            "bad_signature",
        ),
        (
            "unknown offer",
            signed(unknown_offer),
            StatusCode::NOT_FOUND,
            "unknown_offer",
        ),
        (
            "stale offer version",
            signed(stale),
            StatusCode::CONFLICT,
            "stale_offer_version",
        ),
        (
            "other texts",
            signed(unseen),
            StatusCode::CONFLICT,
            "disclosure_mismatch",
        ),
        (
            "not acknowledged",
            signed(unacknowledged),
            StatusCode::UNPROCESSABLE_ENTITY,
            "not_acknowledged",
        ),
        (
            "part of a grant",
            signed(partial),
            StatusCode::UNPROCESSABLE_ENTITY,
            "whole_grants_only",
        ),
        (
            "ill-formed",
            signed(ill_formed),
            StatusCode::BAD_REQUEST,
            "invalid_payload",
        ),
        // Signed by Jordan's key but claiming to be Avery's election.
        (
            "another employee's key",
            jordan.sign({
                let mut p = good.clone();
                p.key_id = jordan.signer.key_id().to_owned();
                p
            }),
            StatusCode::FORBIDDEN,
            "unknown_key",
        ),
    ];
    for (what, election, status, expected) in signed_cases {
        let (got, answer) = avery.submit(&rx, &election).await;
        assert_eq!((got, code(&answer)), (status, expected), "{what}: {answer}");
    }
    // Jordan's token, Avery's election.
    let (got, answer) = jordan.submit(&rx, &signed(good.clone())).await;
    assert_eq!(
        (got, code(&answer)),
        (StatusCode::FORBIDDEN, "employee_mismatch")
    );
    // No token, a wrong token.
    let client = reqwest::Client::new();
    for auth in [None, Some("Bearer not-a-real-token-at-all")] {
        let mut request = client
            .post(rx.url("/v1/elections"))
            .json(&signed(good.clone()));
        if let Some(a) = auth {
            request = request.header("authorization", a);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(response.headers()["www-authenticate"], "Bearer");
        let body: Value = response.json().await.unwrap();
        assert_eq!(code(&body), "unauthorized");
    }
    // An unknown route and a wrong method are JSON errors too.
    let response = client.get(rx.url("/v1/nothing")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_eq!(code(&response.json().await.unwrap()), "not_found");
    let response = client.delete(rx.url("/v1/elections")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    // A key that is not a P-256 point.
    let (status, body) = avery
        .post_raw(
            &rx,
            "/v1/keys",
            br#"{"jwk":{"kty":"EC","crv":"P-256","x":"AAAA","y":"AAAA"}}"#.to_vec(),
            "application/json",
        )
        .await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::BAD_REQUEST, "invalid_key")
    );

    assert!(audit(&rx).await.is_empty(), "nothing was stored");
    // And the good election still goes through.
    let (status, _) = avery.submit(&rx, &signed(good)).await;
    assert_eq!(status, StatusCode::CREATED);
}

async fn a_late_election_is_recorded_as_late_and_never_governs(backend: Backend) {
    let mut config = test_config(backend, 0).await;
    let rx = Receiver::with(config.clone()).await;
    let avery = Employee::new(&rx, "E-1001");
    avery.register(&rx).await;
    let (status, _) = avery.submit(&rx, &avery.sign(avery.payload(1, true))).await;
    assert_eq!(status, StatusCode::CREATED);

    // The same database, after the deadline.
    config.clock_start = Some(chrono::DateTime::parse_from_rfc3339(AFTER_DEADLINE).unwrap());
    let late_rx = Receiver::with(config).await;
    let late = avery.sign(avery.payload(2, false));
    let (status, body) = avery.submit(&late_rx, &late).await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::FORBIDDEN, "deadline_passed"),
        "{body}"
    );
    let receipt = receipt_of(&body);
    assert_eq!(receipt.receipt.timeliness, Timeliness::Late);
    assert!(receipt.receipt.received_at.starts_with("2001-09-28T04:00"));
    // A retry of the late election gets the same answer.
    let (status, again) = avery.submit(&late_rx, &late).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(receipt_of(&again), receipt);
    let history = avery.history(&late_rx).await;
    assert_eq!(history.history.len(), 2);
    assert_eq!(
        history.governing.unwrap().election.payload.sequence,
        1,
        "the on-time election governs"
    );
}

async fn concurrent_duplicates_store_exactly_one_election(backend: Backend) {
    let rx = Receiver::start(backend).await;
    let avery = std::sync::Arc::new(Employee::new(&rx, "E-1001"));
    avery.register(&rx).await;
    let signed = avery.sign(avery.payload(1, true));
    let rx = std::sync::Arc::new(rx);
    let tasks: Vec<_> = (0..24)
        .map(|_| {
            let (avery, rx, signed) = (avery.clone(), rx.clone(), signed.clone());
            tokio::spawn(async move { avery.submit(&rx, &signed).await })
        })
        .collect();
    let mut created = 0;
    let mut receipts = std::collections::BTreeSet::new();
    for t in tasks {
        let (status, body) = t.await.unwrap();
        assert!(
            status == StatusCode::CREATED || status == StatusCode::OK,
            "{status}: {body}"
        );
        created += usize::from(status == StatusCode::CREATED);
        receipts.insert(body["receipt"].to_string());
    }
    assert_eq!(created, 1);
    assert_eq!(receipts.len(), 1, "every answer carries the same receipt");
    assert_eq!(audit(&rx).await.len(), 1);
}

/// Conflicting elections arriving together (most land in one batch): the database's
/// state plus the batch's own earlier decisions decide, so exactly one of each kind wins.
async fn concurrent_conflicts_are_decided_once(backend: Backend) {
    let rx = std::sync::Arc::new(Receiver::start(backend).await);
    let avery = std::sync::Arc::new(Employee::new(&rx, "E-1001"));
    avery.register(&rx).await;
    // Ten different elections all claiming sequence 1.
    let same_sequence: Vec<SignedElection> = (0..10)
        .map(|i| {
            let mut p = avery.payload(1, i % 2 == 0);
            p.idempotency_key = format!("same-sequence-key-{i:02}");
            p.nonce = nonce(&format!("same-sequence-{i}"));
            avery.sign(p)
        })
        .collect();
    // Ten elections with rising sequences, all with one nonce.
    let same_nonce: Vec<SignedElection> = (0..10)
        .map(|i| {
            let mut p = avery.payload(100 + i, true);
            p.idempotency_key = format!("same-nonce-key-{i:02}");
            p.nonce = nonce("one nonce for all");
            avery.sign(p)
        })
        .collect();
    for (group, conflict) in [
        (same_sequence, "sequence_not_increasing"),
        (same_nonce, "nonce_replayed"),
    ] {
        let tasks: Vec<_> = group
            .into_iter()
            .map(|signed| {
                let (avery, rx) = (avery.clone(), rx.clone());
                tokio::spawn(async move { avery.submit(&rx, &signed).await })
            })
            .collect();
        let mut created = 0;
        for t in tasks {
            let (status, body) = t.await.unwrap();
            if status == StatusCode::CREATED {
                created += 1;
            } else {
                assert_eq!(code(&body), conflict, "{body}");
            }
        }
        assert_eq!(created, 1, "{conflict}");
    }
    assert_eq!(audit(&rx).await.len(), 2);
}

async fn many_employees_at_once_make_one_unbroken_chain(backend: Backend) {
    let rx = std::sync::Arc::new(Receiver::start(backend).await);
    let ids: Vec<String> = (0..8).map(|i| format!("E-{}", 2000 + i)).collect();
    let tasks: Vec<_> = ids
        .into_iter()
        .map(|id| {
            let rx = rx.clone();
            tokio::spawn(async move {
                let e = Employee::new(&rx, &id);
                e.register(&rx).await;
                for seq in 1..=5 {
                    let (status, body) = e.submit(&rx, &e.sign(e.payload(seq, seq % 2 == 1))).await;
                    assert_eq!(status, StatusCode::CREATED, "{body}");
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    assert_eq!(audit(&rx).await.len(), 40);
}

async fn cors_allows_only_the_configured_origins(backend: Backend) {
    let rx = Receiver::start(backend).await;
    let client = reqwest::Client::new();
    for (origin, allowed) in [
        ("http://127.0.0.1:8080", true),
        ("https://evil.example", false),
    ] {
        let response = client
            .request(reqwest::Method::OPTIONS, rx.url("/v1/elections"))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header(
                "access-control-request-headers",
                "authorization,content-type",
            )
            .send()
            .await
            .unwrap();
        let allow = response
            .headers()
            .get("access-control-allow-origin")
            .map(|v| v.to_str().unwrap().to_owned());
        assert_eq!(
            allow.as_deref() == Some(origin),
            allowed,
            "{origin}: {allow:?}"
        );
    }
    let response = client
        .get(rx.url("/v1/time"))
        .header("origin", "http://127.0.0.1:8080")
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.headers()["access-control-allow-origin"],
        "http://127.0.0.1:8080"
    );
    assert_eq!(response.headers()["cache-control"], "no-store");
    let time: Value = response.json().await.unwrap();
    let now = time["now_ms"].as_i64().unwrap();
    // The test clock starts at 2001-09-20T14:00:00Z.
    assert!(
        (1_000_994_400_000..1_000_994_400_000 + 600_000).contains(&now),
        "{now}"
    );
}

async fn stored_elections_cannot_be_changed_or_deleted(backend: Backend) {
    let rx = Receiver::start(backend).await;
    let avery = Employee::new(&rx, "E-1001");
    avery.register(&rx).await;
    avery.submit(&rx, &avery.sign(avery.payload(1, true))).await;
    let statements = [
        "UPDATE elections SET timeliness = 'late'",
        "DELETE FROM elections",
        "UPDATE keys SET employee_id = 'E-1002'",
        "DELETE FROM keys",
    ];
    match backend {
        Backend::Sqlite => {
            let path = rx.config.database.strip_prefix("sqlite:").unwrap();
            let conn = rusqlite::Connection::open(path).unwrap();
            for sql in statements {
                let err = conn.execute(sql, []).unwrap_err().to_string();
                assert!(err.contains("append-only"), "{sql}: {err}");
            }
        }
        Backend::Postgres => {
            let (client, connection) =
                tokio_postgres::connect(&rx.config.database, tokio_postgres::NoTls)
                    .await
                    .unwrap();
            tokio::spawn(connection);
            for sql in statements.iter().copied().chain(["TRUNCATE elections"]) {
                let err = client.batch_execute(sql).await.unwrap_err();
                let text = format!("{err:?}");
                assert!(text.contains("append-only"), "{sql}: {text}");
            }
        }
    }
    assert_eq!(audit(&rx).await.len(), 1);
}

/// The terms change while the offer is open (a notice of amendment with new ratios, the
/// offer's next version): the election made before stays in effect, one made on the old
/// terms is refused, and a new one needs the notice acknowledged.
async fn an_election_made_before_the_terms_changed_stays_in_effect(backend: Backend) {
    let mut config = test_config(backend, 0).await;
    let rx = Receiver::with(config.clone()).await;
    let avery = Employee::new(&rx, "E-1001");
    avery.register(&rx).await;
    let before = offer();
    let (status, _) = avery.submit(&rx, &avery.sign(avery.payload(1, true))).await;
    assert_eq!(status, StatusCode::CREATED);

    // The amended offer: a better ratio above $25.00, and the notice that sets it.
    let mut amended: Value =
        serde_json::from_str(&std::fs::read_to_string(OFFER_FILE).unwrap()).unwrap();
    amended["version"] = json!(3);
    amended["terms"]["exchange_ratio"]["tiers"][1]["old"] = json!(2);
    amended["documents"].as_array_mut().unwrap().push(json!({
        "id": "notice-of-amendment-2001-09-13-ratio",
        "kind": "notice_of_amendment",
        "title": "Notice of Amendment: Exchange Ratio (illustrative)",
        "date": "2001-09-13",
        "amends": "offer-to-exchange",
        "changes_consideration": true,
        "amendments": [{
            "number": 1,
            "section": { "number": "2", "title": "Number of Options; Expiration Date" },
            "change": "sentence_replaced",
            "location": "The ratio for options priced at $25.00 or more",
            "text": "One new option will be granted for every two options tendered at an exercise price of $25.00 or more."
        }]
    }));
    let path = config.holders.parent().unwrap().join("amended-offer.json");
    std::fs::write(&path, amended.to_string()).unwrap();
    config.offer = path;
    let after_rx = Receiver::with(config).await;
    let after = election_core::parse_offer(&amended.to_string()).unwrap();
    assert_ne!(
        election_core::disclosure::offer_digest(&after),
        election_core::disclosure::offer_digest(&before)
    );

    // The election made before is still the one in effect.
    let history = avery.history(&after_rx).await;
    let governing = history.governing.expect("still in effect");
    assert_eq!(governing.election.payload.sequence, 1);
    assert_eq!(governing.election.payload.offer_version, before.version);

    // A change signed on the old terms is refused for its version.
    let (status, body) = avery
        .submit(&after_rx, &avery.sign(avery.payload(2, false)))
        .await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::CONFLICT, "stale_offer_version"),
        "{body}"
    );
    // On the new terms, without the new notice acknowledged: refused, naming it.
    let mut unacknowledged = avery.payload_under(&after, 2, false);
    unacknowledged
        .acknowledgments
        .retain(|a| a.document_id != "notice-of-amendment-2001-09-13-ratio");
    let (status, body) = avery.submit(&after_rx, &avery.sign(unacknowledged)).await;
    assert_eq!(code(&body), "not_acknowledged", "{status}: {body}");
    assert!(
        body.to_string().contains("Exchange Ratio (illustrative)"),
        "{body}"
    );
    // Acknowledged: taken, and it governs.
    let (status, body) = avery
        .submit(
            &after_rx,
            &avery.sign(avery.payload_under(&after, 2, false)),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let history = avery.history(&after_rx).await;
    assert_eq!(
        history
            .governing
            .expect("governs")
            .election
            .payload
            .sequence,
        2
    );
}

on_both_databases!(
    several_offers_are_served_each_with_its_own_chain,
    an_election_made_before_the_terms_changed_stays_in_effect,
    signs_and_gets_a_verifiable_receipt,
    a_retry_gets_the_same_receipt_and_reuse_is_refused,
    a_change_and_a_withdrawal_govern_in_turn,
    bad_input_gets_its_own_error_and_nothing_is_stored,
    a_late_election_is_recorded_as_late_and_never_governs,
    concurrent_duplicates_store_exactly_one_election,
    concurrent_conflicts_are_decided_once,
    many_employees_at_once_make_one_unbroken_chain,
    cors_allows_only_the_configured_origins,
    stored_elections_cannot_be_changed_or_deleted,
    liveness_and_readiness,
    metrics_count_what_operators_watch,
);

/// The second example offer (`static/example-offers/halden-2001/`): parts of grants and
/// restricted stock units, through signing to a verified receipt; its excluded officer's
/// grant refused by name.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_example_offer_works_end_to_end() {
    use election_core::contract::{Signer, Signing};
    use election_core::disclosure::Acknowledgment;
    use sha2::{Digest as _, Sha256};
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../static/example-offers/halden-2001"
    );
    let offer_text = std::fs::read_to_string(format!("{dir}/offer.json")).unwrap();
    let offer = election_core::parse_offer(&offer_text).unwrap();
    let mut config = test_config(Backend::Sqlite, 0).await;
    config.offer = format!("{dir}/offer.json").into();
    config.holders = format!("{dir}/holders").into();
    config.tokens = ["E-2101", "E-2102", "E-2103"]
        .iter()
        .map(|id| ((*id).to_owned(), token_for(id)))
        .collect();
    let rx = Receiver::with(config).await;
    assert_eq!(rx.offer_info().await.offer_id, "halden-2001-rsu-exchange");
    let employee = |id: &str, file: &str| Employee {
        id: id.to_owned(),
        token: token_for(id),
        signer: Signer::from_bytes(&Sha256::digest(format!("test key {id}"))).unwrap(),
        holder: election_core::parse_holder(
            &std::fs::read_to_string(format!("{dir}/holders/{file}")).unwrap(),
            Some(&offer),
        )
        .unwrap(),
        client: reqwest::Client::new(),
    };
    let signed = |e: &Employee, tendered: &[(&str, u64)]| {
        let mut election = election_core::Election::keep_all(&offer, &e.holder);
        for (id, n) in tendered {
            election.tendered.insert((*id).to_owned(), *n);
        }
        let payload = ElectionPayload::build(
            &offer,
            &e.holder,
            &election,
            offer
                .documents
                .iter()
                .map(|d| Acknowledgment::of(&offer, d))
                .collect(),
            Signing {
                sequence: 1,
                nonce: nonce(&format!("{}-example", e.id)),
                idempotency_key: format!("idem-{}-example", e.id),
                client_time: "2001-09-20T10:01:00-04:00".into(),
                key_id: e.signer.key_id().to_owned(),
                signed_name: e.holder.employee.name.clone(),
            },
        );
        e.sign(payload)
    };

    let rosa = employee("E-2101", "e2101-rosa-delgado.json");
    assert_eq!(rosa.register(&rx).await.0, StatusCode::CREATED);
    // 1,500 of the 4,000 at $45.00, and the whole of the 2,550 at $62.50.
    let (status, body) = rosa
        .submit(
            &rx,
            &signed(&rosa, &[("EIP-2000-0113", 1_500), ("SOP-1999-0602", 2_550)]),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let receipt = receipt_of(&body);
    verify_receipt(&receipt, &rx.offer_info().await.receiver_key.jwk).unwrap();
    assert_eq!(
        receipt.receipt.received_by,
        "Halden Scientific, Inc. (fictional)"
    );
    let governing = rosa.history(&rx).await.governing.expect("governs");
    let options: Vec<u64> = governing
        .election
        .payload
        .decisions
        .iter()
        .map(|d| d.options)
        .collect();
    assert_eq!(
        options,
        [1_500, 0, 2_550],
        "by grant id: EIP-2000-0113, SOP-1998-1105, SOP-1999-0602"
    );

    // The officer: no grant is eligible, so a decision for one is refused by name.
    let tomasz = employee("E-2102", "e2102-tomasz-wierzbicki.json");
    assert_eq!(tomasz.register(&rx).await.0, StatusCode::CREATED);
    let mut refused = signed(&tomasz, &[]);
    refused.payload.decisions = vec![election_core::contract::GrantDecision {
        grant_id: "EIP-2000-0301".into(),
        decision: election_core::contract::Decision::Exchange,
        options: 30_000,
        portion: None,
    }];
    let refused = tomasz.sign(refused.payload);
    let (status, body) = tomasz.submit(&rx, &refused).await;
    assert_eq!(
        (status, code(&body)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            "ineligible_grant_decision"
        ),
        "{body}"
    );
    assert!(
        body.to_string()
            .contains("executive officers may not take part"),
        "{body}"
    );
    audit(&rx).await;
}

/// An offer that takes part of a grant (at least 1,000 options, in steps of 500): the
/// receiver takes a part it allows and refuses, naming the rule, one it does not.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_part_of_a_grant_is_taken_where_the_offer_takes_parts() {
    let (rx, shown, avery) = receiver_with_offer("partial-offer.json", |offer| {
        offer["terms"]["tender_rules"]["whole_grant"] = json!(false);
        offer["terms"]["tender_rules"]["partial"] = json!({ "minimum": 1000, "increment": 500 });
    })
    .await;
    // Avery's one grant holds 12,000 options.
    let part = |sequence: u64, options: u64| {
        let mut p = avery.payload_under(&shown, sequence, true);
        assert_eq!(p.decisions[0].options, 12_000);
        p.decisions[0].options = options;
        avery.sign(p)
    };
    // Each rule refuses with its own code.
    for (options, words, rule) in [
        (700, "at least 1,000 options", "part_below_minimum"),
        (2_700, "multiple of 500 options", "part_not_in_increments"),
        (
            12_500,
            "only 12,000 are outstanding",
            "more_than_outstanding",
        ),
    ] {
        let (status, answer) = avery.submit(&rx, &part(1, options)).await;
        assert_eq!(
            (status, code(&answer)),
            (StatusCode::UNPROCESSABLE_ENTITY, rule),
            "{options}: {answer}"
        );
        let details = answer["error"]["details"].to_string();
        assert!(details.contains(words), "{options}: {details}");
    }
    let (status, answer) = avery.submit(&rx, &part(1, 2_500)).await;
    assert_eq!(status, StatusCode::CREATED, "{answer}");
    let history = avery.history(&rx).await;
    let governing = history.governing.expect("the part governs");
    assert_eq!(governing.election.payload.decisions[0].options, 2_500);
}

/// Several offers at once: Mpower's at the root and under `/offers/{id}`, the example
/// offer under its own, each with its employees, its own database and its own receipt
/// chain; an election is taken only where its offer is served.
async fn several_offers_are_served_each_with_its_own_chain(backend: Backend) {
    use election_core::contract::{Signer, Signing};
    use election_core::disclosure::Acknowledgment;
    use sha2::{Digest as _, Sha256};
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../static/example-offers/halden-2001"
    );
    let halden =
        election_core::parse_offer(&std::fs::read_to_string(format!("{dir}/offer.json")).unwrap())
            .unwrap();
    let mut config = test_config(backend, 0).await;
    let second = match backend {
        Backend::Sqlite => format!(
            "sqlite:{}",
            config
                .key
                .parent()
                .unwrap()
                .join("halden.sqlite3")
                .display()
        ),
        Backend::Postgres => postgres_database().await,
    };
    config.more_offers = vec![election_receiver::config::MoreOffer {
        offer: format!("{dir}/offer.json").into(),
        holders: format!("{dir}/holders").into(),
        grants: None,
        database: second,
    }];
    config.tokens.insert("E-2101".into(), token_for("E-2101"));
    let rx = Receiver::with(config.clone()).await;
    let at = |id: &str| Receiver {
        base: format!("{}/offers/{id}", rx.base),
        addr: rx.addr,
        config: config.clone(),
        dir: rx.dir.clone(),
    };
    let (mpower_rx, halden_rx) = (at("mpower-2001-option-exchange"), at(&halden.id));
    assert_eq!(
        rx.offer_info().await.offer_id,
        "mpower-2001-option-exchange"
    );
    assert_eq!(
        mpower_rx.offer_info().await.offer_id,
        "mpower-2001-option-exchange"
    );
    let info = halden_rx.offer_info().await;
    assert_eq!(info.offer_id, halden.id);
    // One receiver key signs every offer's receipts.
    assert_eq!(
        info.receiver_key.key_id,
        rx.offer_info().await.receiver_key.key_id
    );
    // An offer the receiver does not serve is nothing at all.
    let response = reqwest::get(rx.url("/offers/acme-2002/v1/offer"))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let body: Value = response.json().await.unwrap();
    assert_eq!(code(&body), "not_found", "{body}");

    // Mpower's employee elects at the root, as before: the first receipt of its chain.
    let avery = Employee::new(&rx, "E-1001");
    avery.register(&rx).await;
    let (status, body) = avery.submit(&rx, &avery.sign(avery.payload(1, true))).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(receipt_of(&body).receipt.chain_index, 1);

    // The example offer's employee, under its offer: the first receipt of its own chain.
    let rosa = Employee {
        id: "E-2101".into(),
        token: token_for("E-2101"),
        signer: Signer::from_bytes(&Sha256::digest("test key E-2101")).unwrap(),
        holder: election_core::parse_holder(
            &std::fs::read_to_string(format!("{dir}/holders/e2101-rosa-delgado.json")).unwrap(),
            Some(&halden),
        )
        .unwrap(),
        client: reqwest::Client::new(),
    };
    let mut election = election_core::Election::keep_all(&halden, &rosa.holder);
    election.tendered.insert("SOP-1999-0602".into(), 2_550);
    let payload = ElectionPayload::build(
        &halden,
        &rosa.holder,
        &election,
        halden
            .documents
            .iter()
            .map(|d| Acknowledgment::of(&halden, d))
            .collect(),
        Signing {
            sequence: 1,
            nonce: nonce("E-2101-several"),
            idempotency_key: "idem-E-2101-several-offers".into(),
            client_time: "2001-09-20T10:01:00-04:00".into(),
            key_id: rosa.signer.key_id().to_owned(),
            signed_name: rosa.holder.employee.name.clone(),
        },
    );
    let signed = rosa.sign(payload);
    // Not at the root, whose offer is Mpower's: nothing is stored there.
    assert_eq!(rosa.register(&rx).await.0, StatusCode::FORBIDDEN);
    let (status, body) = rosa.submit(&rx, &signed).await;
    assert_eq!(status.as_u16() / 100, 4, "{body}");
    // Under its own offer: registered and taken.
    assert_eq!(rosa.register(&halden_rx).await.0, StatusCode::CREATED);
    let (status, body) = rosa.submit(&halden_rx, &signed).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let receipt = receipt_of(&body);
    assert_eq!(receipt.receipt.chain_index, 1, "a chain of its own");
    assert_eq!(receipt.receipt.offer_id, halden.id);
    assert_eq!(
        receipt.receipt.received_by,
        "Halden Scientific, Inc. (fictional)"
    );
    verify_receipt(&receipt, &info.receiver_key.jwk).unwrap();
    // Each offer's checkpoint counts its own chain.
    for (at, count) in [(&rx, 1), (&mpower_rx, 1), (&halden_rx, 1)] {
        let cp: election_core::contract::SignedCheckpoint = reqwest::get(at.url("/v1/checkpoint"))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(cp.checkpoint.count, count);
    }
    // The same election under Mpower's offer path is another offer's: refused by name.
    let (status, body) = rosa.submit(&mpower_rx, &signed).await;
    assert_eq!(status.as_u16() / 100, 4, "{body}");
    // `verify-chain --offer-id` audits each chain on its own: one receipt each.
    for id in ["mpower-2001-option-exchange", halden.id.as_str()] {
        let audit = election_receiver::audit::verify_offer_chain(&config, None, Some(id))
            .await
            .unwrap();
        assert!(audit.is_clean(), "{id}: {:?}", audit.problems);
        assert_eq!(audit.receipts, 1, "{id}");
    }
    let unknown = election_receiver::audit::verify_offer_chain(&config, None, Some("acme"))
        .await
        .expect_err("no such offer");
    assert!(unknown.contains("serves no offer acme"), "{unknown}");
    // Two offers on one database would share a chain: the settings are refused.
    let mut shared = config.clone();
    shared.more_offers[0].database = shared.database.clone();
    let file = election_receiver::config::FileConfig {
        offers: vec![election_receiver::config::MoreOfferFile {
            offer: format!("{dir}/offer.json").into(),
            holders: Some(format!("{dir}/holders").into()),
            database: "sqlite:one.sqlite3".into(),
            ..Default::default()
        }],
        database: Some("sqlite:one.sqlite3".into()),
        offer: Some(OFFER_FILE.into()),
        holders: Some(config.holders.clone()),
        ..Default::default()
    };
    let refused = election_receiver::config::Config::merge(
        file,
        std::path::Path::new("/tmp"),
        Default::default(),
    )
    .expect_err("one database for two offers");
    assert!(refused.contains("each offer needs its own"), "{refused}");
    // And one offer twice is refused when the receiver starts.
    let mut twice = config.clone();
    twice.more_offers[0].offer = OFFER_FILE.into();
    twice.more_offers[0].holders = config.holders.clone();
    let Err(refused) = election_receiver::prepare_all(&twice).await else {
        panic!("an offer served twice must be refused");
    };
    assert!(refused.contains("is served twice"), "{refused}");
}

/// The employees' grants from an equity system's export (CSV, its headers mapped),
/// beside the holder files: an imported employee elects as one written by hand; an
/// employee in both, or a bad row, stops the receiver from starting, named.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn grants_imported_from_an_export_are_served_beside_the_holder_files() {
    let mut config = test_config(Backend::Sqlite, 0).await;
    let dir = config.holders.parent().unwrap().to_path_buf();
    let csv = dir.join("grants.csv");
    std::fs::write(
        &csv,
        "Participant ID,Name,E-mail,Grant,plan,grant_date,exercise_price,outstanding,vested,expiration_date\n\
         E-3001,Morgan Achterberg,morgan@example.com,H-3001-A,holding,2000-03-10,42.50,\"3,000\",1500,2010-03-10\n",
    )
    .unwrap();
    let mapping = dir.join("mapping.json");
    std::fs::write(
        &mapping,
        r#"{"employee_id": "Participant ID", "name": "Name", "email": "E-mail", "grant_id": "Grant"}"#,
    )
    .unwrap();
    config.grants = Some(election_receiver::config::GrantsImport {
        csv: csv.clone(),
        mapping: Some(mapping.clone()),
        illustrative: true,
    });
    config.tokens.insert("E-3001".into(), token_for("E-3001"));
    let rx = Receiver::with(config.clone()).await;
    let morgan = Employee {
        id: "E-3001".into(),
        token: token_for("E-3001"),
        signer: election_core::contract::Signer::from_bytes(&[7; 32]).unwrap(),
        holder: election_receiver::load_employees(
            std::path::Path::new(""),
            config.grants.as_ref(),
            &offer(),
        )
        .unwrap()
        .holders
        .remove("E-3001")
        .unwrap(),
        client: reqwest::Client::new(),
    };
    assert_eq!(morgan.register(&rx).await.0, StatusCode::CREATED);
    let (status, body) = morgan
        .submit(&rx, &morgan.sign(morgan.payload(1, true)))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    // The holder files' employees are still there.
    let avery = Employee::new(&rx, "E-1001");
    assert_eq!(avery.register(&rx).await.0, StatusCode::CREATED);

    // An employee both in a holder file and in the export: refused, naming both.
    let mut both = config.clone();
    std::fs::write(
        &csv,
        "Participant ID,Name,E-mail,Grant,plan,grant_date,exercise_price,outstanding,vested,expiration_date\n\
         E-1001,Avery Lindqvist,,H-9,holding,2000-03-10,42.50,100,100,2010-03-10\n",
    )
    .unwrap();
    both.more_offers.clear();
    let Err(refused) = election_receiver::prepare(&both).await else {
        panic!("an employee given twice must be refused");
    };
    assert!(
        refused.contains("employee E-1001 is both in the holders directory")
            && refused.contains("(row 2)"),
        "{refused}"
    );
    // A bad row: the receiver does not start, and says where.
    std::fs::write(
        &csv,
        "Participant ID,Name,E-mail,Grant,plan,grant_date,exercise_price,outstanding,vested,expiration_date\n\
         E-3002,Sam Sample,,H-3002,holding,2000-13-10,42.50,100,100,2010-03-10\n",
    )
    .unwrap();
    let Err(refused) = election_receiver::prepare(&both).await else {
        panic!("a bad row must be refused");
    };
    assert!(refused.contains("row 2, column `grant_date`"), "{refused}");
}

/// An offer that takes a grant's vested and unvested options apart: the receiver takes a
/// portion that is the grant's, says so in what it stores, and refuses one that is not.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_portion_of_a_grant_is_taken_where_the_offer_takes_portions() {
    let (rx, shown, avery) = receiver_with_offer("portions-offer.json", |offer| {
        offer["terms"]["tender_rules"]["portions"] = json!(true);
    })
    .await;
    // Avery's one grant: 12,000 options, 6,000 vested.
    let portion = |sequence: u64, options: u64, portion| {
        let mut p = avery.payload_under(&shown, sequence, true);
        p.decisions[0].options = options;
        p.decisions[0].portion = Some(portion);
        avery.sign(p)
    };
    let (status, answer) = avery
        .submit(&rx, &portion(1, 5_000, election_core::Portion::Vested))
        .await;
    assert_eq!(
        (status, code(&answer)),
        (StatusCode::UNPROCESSABLE_ENTITY, "portion_mismatch"),
        "{answer}"
    );
    assert!(
        answer
            .to_string()
            .contains("its vested options are 6,000, not 5,000"),
        "{answer}"
    );
    // Without a portion, a part is still refused: the offer takes grants whole.
    let mut part = avery.payload_under(&shown, 1, true);
    part.decisions[0].options = 6_000;
    let (_, answer) = avery.submit(&rx, &avery.sign(part)).await;
    assert_eq!(code(&answer), "whole_grants_only", "{answer}");
    let (status, answer) = avery
        .submit(&rx, &portion(1, 6_000, election_core::Portion::Unvested))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{answer}");
    let governing = avery.history(&rx).await.governing.expect("governs");
    assert_eq!(
        governing.election.payload.decisions[0].portion,
        Some(election_core::Portion::Unvested)
    );
    audit(&rx).await;
}

/// The writer's read of a batch's prior state is a few index lookups per election
/// however the planner was placed: here its generic plan is made while the table is
/// empty and has no statistics (as in the first minute of an offer, before autovacuum
/// analyses the table), then used once the table holds 20,000 elections.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_batch_read_walks_indexes_from_an_empty_table_on() {
    let config = test_config(Backend::Postgres, 0).await;
    // The receiver makes the schema.
    let _rx = Receiver::with(config.clone()).await;
    let (db, connection) = tokio_postgres::connect(&config.database, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    db.batch_execute(&format!(
        "ALTER TABLE elections SET (autovacuum_enabled = false);
         SET plan_cache_mode = force_generic_plan;
         PREPARE prior(text[], text[], text[], text[]) AS {};",
        election_receiver::store::POSTGRES_PRIOR_QUERY
    ))
    .await
    .unwrap();
    let batch = "('{o,o,o}', '{E-2001,E-2002,E-2003}', '{k1,k2,k3}', '{n1,n2,n3}')";
    db.batch_execute(&format!("EXECUTE prior{batch}"))
        .await
        .unwrap();
    db.batch_execute(
        "INSERT INTO elections SELECT g, 'o', 'E-' || (2000 + g % 2500), g / 2500 + 1,
           'k' || g, 'n' || g, 'h', 'on_time', 0, 'e', 'r' || g, 'r', 'rh'
         FROM generate_series(1, 20000) g",
    )
    .await
    .unwrap();
    let plan: Vec<String> = db
        .simple_query(&format!("EXPLAIN EXECUTE prior{batch}"))
        .await
        .unwrap()
        .into_iter()
        .filter_map(|m| match m {
            tokio_postgres::SimpleQueryMessage::Row(r) => r.get(0).map(str::to_owned),
            _ => None,
        })
        .collect();
    let plan = plan.join("\n");
    assert!(plan.contains("Index"), "{plan}");
    for whole_table in ["Seq Scan", "Hash", "hashed"] {
        assert!(!plan.contains(whole_table), "{whole_table} in\n{plan}");
    }
}

/// Two receiver instances on one PostgreSQL database, as behind a load balancer: the
/// database, not either process, decides idempotency and the chain.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_on_one_postgres_database_agree() {
    let config = test_config(Backend::Postgres, 8).await;
    let a = std::sync::Arc::new(Receiver::with(config.clone()).await);
    let b = std::sync::Arc::new(Receiver::with(config).await);
    assert_ne!(a.base, b.base);
    let mut tasks = Vec::new();
    for i in 0..8 {
        let (a, b) = (a.clone(), b.clone());
        tasks.push(tokio::spawn(async move {
            let e = Employee::new(&a, &format!("E-{}", 2000 + i));
            e.register(if i % 2 == 0 { &a } else { &b }).await;
            for seq in 1..=3 {
                let signed = e.sign(e.payload(seq, seq != 2));
                // Every election is sent to both instances at once: a retry that a load
                // balancer routes elsewhere.
                let (ra, rb) = tokio::join!(e.submit(&a, &signed), e.submit(&b, &signed));
                let created = [ra.0, rb.0]
                    .iter()
                    .filter(|s| **s == StatusCode::CREATED)
                    .count();
                assert_eq!(created, 1, "{ra:?} {rb:?}");
                assert_eq!(ra.1["receipt"], rb.1["receipt"]);
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    assert_eq!(audit(&a).await.len(), 24);
}

/// RFC 9110 §11.1: the scheme is case-insensitive, so `bearer` and `BEARER` are Bearer; any
/// other scheme is still refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bearer_scheme_is_case_insensitive() {
    let rx = Receiver::start(Backend::Sqlite).await;
    let token = token_for("E-1001");
    let client = reqwest::Client::new();
    let get = |authorization: String| {
        client
            .get(rx.url("/v1/elections"))
            .header("authorization", authorization)
            .send()
    };
    for scheme in ["Bearer", "bearer", "BEARER", "bEaReR"] {
        let response = get(format!("{scheme} {token}")).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{scheme}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["employee_id"], "E-1001", "{scheme}");
    }
    for refused in [
        format!("Basic {token}"),
        format!("Bearer{token}"),
        format!("Bearers {token}"),
        token.clone(),
    ] {
        let response = get(refused.clone()).await.unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{refused}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(code(&body), "unauthorized", "{refused}");
    }
}

/// A supervisor's and a load balancer's probes: `/livez` while the process serves,
/// `/readyz` when the database answers and the receipt key is loaded.
async fn liveness_and_readiness(backend: Backend) {
    let rx = Receiver::start(backend).await;
    let live = reqwest::get(rx.url("/livez")).await.unwrap();
    assert_eq!(live.status(), StatusCode::OK);
    assert_eq!(live.headers()["cache-control"], "no-store");
    assert_eq!(live.json::<Value>().await.unwrap()["status"], "live");
    let ready = reqwest::get(rx.url("/readyz")).await.unwrap();
    assert_eq!(ready.status(), StatusCode::OK);
    let body: Value = ready.json().await.unwrap();
    assert_eq!(body["status"], "ready");
    assert_eq!(
        body["database"],
        match backend {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgresql",
        }
    );
    assert_eq!(body["key_id"], rx.offer_info().await.receiver_key.key_id);
}

/// Every answer carries the receiver's own id for the request (the one its log line
/// names), a new one each time; an id the client sends is not taken (it could forge or
/// confuse the log).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_answer_names_its_own_request_id() {
    let rx = Receiver::start(Backend::Sqlite).await;
    let client = reqwest::Client::new();
    let mut seen = std::collections::BTreeSet::new();
    for path in ["/v1/offer", "/v1/offer", "/v1/elections", "/nowhere"] {
        let response = client
            .get(rx.url(path))
            .header("x-request-id", "0000000000000000 forged")
            .send()
            .await
            .unwrap();
        let id = response.headers()["x-request-id"]
            .to_str()
            .unwrap()
            .to_owned();
        assert_eq!(id.len(), 16, "{path}: {id}");
        assert!(id.bytes().all(|b| b.is_ascii_hexdigit()), "{path}: {id}");
        assert!(seen.insert(id), "{path}: a new id for each request");
    }
    // A browser on an allowed origin can read it, to quote it to support.
    let response = client
        .get(rx.url("/v1/offer"))
        .header("origin", "http://127.0.0.1:8080")
        .send()
        .await
        .unwrap();
    let exposed = response.headers()["access-control-expose-headers"]
        .to_str()
        .unwrap()
        .to_ascii_lowercase();
    assert!(exposed.contains("x-request-id"), "{exposed}");
}

/// The sample `name` has in a metrics text, if any.
fn sample(text: &str, name: &str) -> Option<f64> {
    text.lines()
        .find_map(|line| line.strip_prefix(name)?.strip_prefix(' '))
        .and_then(|value| value.trim().parse().ok())
}

/// `/metrics`: requests by route as declared (never a raw path), elections by outcome,
/// the store's batches and the open connections, in the OpenMetrics text format.
async fn metrics_count_what_operators_watch(backend: Backend) {
    let rx = Receiver::start(backend).await;
    let avery = Employee::new(&rx, "E-1001");
    avery.register(&rx).await;
    let first = avery.sign(avery.payload(1, true));
    assert_eq!(avery.submit(&rx, &first).await.0, StatusCode::CREATED);
    assert_eq!(avery.submit(&rx, &first).await.0, StatusCode::OK, "a retry");
    let stale = avery.sign(avery.payload(1, false));
    assert_eq!(avery.submit(&rx, &stale).await.0, StatusCode::CONFLICT);
    reqwest::get(rx.url("/nowhere/4f2a")).await.unwrap();
    // A method of the client's own making is counted, but never becomes a label.
    let brew = reqwest::Method::from_bytes(b"BREW4F2B").unwrap();
    reqwest::Client::new()
        .request(brew, rx.url("/v1/offer"))
        .send()
        .await
        .unwrap();

    let response = reqwest::get(rx.url("/metrics")).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/openmetrics-text"));
    let text = response.text().await.unwrap();
    let elections = |outcome: &str| {
        sample(
            &text,
            &format!("election_receiver_elections_total{{outcome=\"{outcome}\"}}"),
        )
    };
    assert_eq!(elections("accepted"), Some(1.0), "{text}");
    assert_eq!(elections("replayed"), Some(1.0), "{text}");
    assert_eq!(elections("sequence_not_increasing"), Some(1.0), "{text}");
    let requests = |route: &str, method: &str, status: u16| {
        sample(
            &text,
            &format!("election_receiver_http_requests_total{{route=\"{route}\",method=\"{method}\",status=\"{status}\"}}"),
        )
    };
    assert_eq!(requests("/v1/elections", "POST", 201), Some(1.0), "{text}");
    assert_eq!(requests("/v1/keys", "POST", 201), Some(1.0), "{text}");
    assert_eq!(requests("unmatched", "GET", 404), Some(1.0), "{text}");
    assert!(
        !text.contains("4f2a"),
        "no raw path becomes a label: {text}"
    );
    let batches = sample(&text, "election_receiver_batch_size_count").unwrap();
    assert!(batches >= 2.0, "{text}");
    assert!(sample(&text, "election_receiver_batch_commit_seconds_count").unwrap() >= 2.0);
    assert!(sample(&text, "election_receiver_open_connections").unwrap() >= 1.0);
    assert!(text.trim_end().ends_with("# EOF"), "{text}");
}

/// With `metrics_listen`, `/metrics` is served there (an address only the monitoring
/// reaches) and not beside the API.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_can_have_a_listener_of_their_own() {
    let mut config = test_config(Backend::Sqlite, 0).await;
    let free = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let at = free.local_addr().unwrap();
    drop(free);
    config.metrics_listen = Some(at);
    let rx = Receiver::with(config).await;
    let beside = reqwest::get(rx.url("/metrics")).await.unwrap();
    assert_eq!(beside.status(), StatusCode::NOT_FOUND);
    let own = reqwest::get(format!("http://{at}/metrics")).await.unwrap();
    assert_eq!(own.status(), StatusCode::OK);
    let text = own.text().await.unwrap();
    assert!(
        text.contains("election_receiver_http_requests_total"),
        "{text}"
    );
    let other = reqwest::get(format!("http://{at}/v1/offer")).await.unwrap();
    assert_eq!(
        other.status(),
        StatusCode::NOT_FOUND,
        "the API is not served there"
    );
}
