//! What someone with access to the database can do, and what catches it: `verify-chain`
//! (an election altered under its receipt, a key replaced) and signed checkpoints (the
//! newest receipts deleted, the tail rewritten). And the checkpoints themselves: served at
//! `GET /v1/checkpoint`, and in the submit answer only to a client that asks for them.
//! Every test against SQLite and PostgreSQL.

// Test code: a failed step should stop the test where it failed.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::PathBuf;

use common::*;
use election_core::contract::{
    check_covers, checkpoint_extends, receipt_hash, verify_checkpoint, CheckpointProblem, Decision,
    GrantDecision, SignedCheckpoint, SignedElection, SignedReceipt, SubmitResponse, GENESIS_HASH,
};
use election_receiver::audit::{verify_chain, Audit};
use reqwest::StatusCode;
use serde_json::Value;

/// Runs SQL on the receiver's database directly, as someone with database access would.
async fn sql(rx: &Receiver, backend: Backend, statements: &[String]) {
    match backend {
        Backend::Sqlite => {
            let path = rx.config.database.strip_prefix("sqlite:").unwrap();
            let conn = rusqlite::Connection::open(path).unwrap();
            for s in statements {
                conn.execute_batch(s).unwrap_or_else(|e| panic!("{s}: {e}"));
            }
        }
        Backend::Postgres => {
            let (client, connection) =
                tokio_postgres::connect(&rx.config.database, tokio_postgres::NoTls)
                    .await
                    .unwrap();
            tokio::spawn(connection);
            for s in statements {
                client
                    .batch_execute(s)
                    .await
                    .unwrap_or_else(|e| panic!("{s}: {e:?}"));
            }
        }
    }
}

/// The statements that take the append-only triggers off `table`.
fn drop_triggers(backend: Backend, table: &str) -> Vec<String> {
    match backend {
        Backend::Sqlite => vec![
            format!("DROP TRIGGER {table}_append_only_update"),
            format!("DROP TRIGGER {table}_append_only_delete"),
        ],
        Backend::Postgres => vec![format!("DROP TRIGGER {table}_append_only ON {table}")],
    }
}

fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// Submits with `Election-Contract: 2` (under the header name as given).
async fn submit_v2(
    e: &Employee,
    rx: &Receiver,
    signed: &SignedElection,
    header: (&str, &str),
) -> (StatusCode, Value) {
    let response = e
        .client
        .post(rx.url("/v1/elections"))
        .bearer_auth(&e.token)
        .header(header.0, header.1)
        .json(signed)
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap())
}

async fn get_checkpoint(rx: &Receiver) -> SignedCheckpoint {
    let response = reqwest::get(rx.url("/v1/checkpoint")).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["cache-control"], "no-store");
    response.json().await.unwrap()
}

fn places(audit: &Audit) -> Vec<String> {
    audit.problems.iter().map(|p| p.to_string()).collect()
}

fn save(rx: &Receiver, name: &str, checkpoint: &SignedCheckpoint) -> PathBuf {
    let path = rx.dir.join(name);
    std::fs::write(&path, serde_json::to_string_pretty(checkpoint).unwrap()).unwrap();
    path
}

/// The receiver binary's `verify-chain` on the same database: its exit status and output.
fn verify_chain_binary(rx: &Receiver, checkpoint: Option<&PathBuf>) -> (bool, String) {
    let mut command = binary("verify-chain", &rx.config);
    if let Some(path) = checkpoint {
        command.arg("--checkpoint").arg(path);
    }
    let out = command.output().unwrap();
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

async fn an_election_altered_under_its_receipt_is_reported_and_not_served(backend: Backend) {
    let rx = Receiver::start(backend).await;
    let avery = Employee::new(&rx, "E-1001");
    let jordan = Employee::new(&rx, "E-1002");
    avery.register(&rx).await;
    jordan.register(&rx).await;
    let (status, _) = avery.submit(&rx, &avery.sign(avery.payload(1, true))).await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, _) = jordan
        .submit(&rx, &jordan.sign(jordan.payload(1, true)))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let clean = verify_chain(&rx.config, None).await.unwrap();
    assert!(clean.is_clean(), "{:?}", places(&clean));
    assert_eq!((clean.receipts, clean.keys), (2, 2));

    // Avery's exchange becomes a keep, under the same receipt.
    let mut altered = avery.history(&rx).await.history[0].election.clone();
    for d in &mut altered.payload.decisions {
        d.decision = Decision::Keep;
        d.options = 0;
    }
    let mut statements = drop_triggers(backend, "elections");
    statements.push(format!(
        "UPDATE elections SET election = {} WHERE chain_index = 1",
        quote(&serde_json::to_string(&altered).unwrap())
    ));
    sql(&rx, backend, &statements).await;

    let audit = verify_chain(&rx.config, None).await.unwrap();
    assert!(!audit.is_clean());
    let found = places(&audit);
    assert!(
        found
            .iter()
            .all(|p| p.starts_with("receipt R0000000001 (chain index 1): ")),
        "only Avery's election is wrong: {found:#?}"
    );
    assert!(
        found
            .iter()
            .any(|p| p.contains("altered after it was receipted")),
        "{found:#?}"
    );
    assert!(
        found
            .iter()
            .any(|p| p.contains("signature does not hold with their registered key")),
        "{found:#?}"
    );

    // The altered election is not served as receipted; Jordan's record still is.
    let response = avery
        .client
        .get(rx.url("/v1/elections"))
        .bearer_auth(&avery.token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "store_integrity", "{body}");
    assert!(body["error"]["details"][0]
        .as_str()
        .unwrap()
        .contains("R0000000001"));
    assert_eq!(jordan.history(&rx).await.history.len(), 1);

    // The subcommand says so and fails.
    let (ok, output) = verify_chain_binary(&rx, None);
    assert!(!ok, "{output}");
    assert!(
        output.contains("receipt R0000000001 (chain index 1)"),
        "{output}"
    );
}

async fn a_key_replaced_in_the_database_is_reported(backend: Backend) {
    let rx = Receiver::start(backend).await;
    let avery = Employee::new(&rx, "E-1001");
    let jordan = Employee::new(&rx, "E-1002");
    avery.register(&rx).await;
    avery.submit(&rx, &avery.sign(avery.payload(1, true))).await;
    // Avery's registered key swapped for another one under the same key id.
    let mut statements = drop_triggers(backend, "keys");
    statements.push(format!(
        "UPDATE keys SET jwk = {} WHERE employee_id = 'E-1001'",
        quote(&serde_json::to_string(jordan.signer.jwk()).unwrap())
    ));
    sql(&rx, backend, &statements).await;
    let audit = verify_chain(&rx.config, None).await.unwrap();
    let found = places(&audit).join("\n");
    assert!(
        found.contains(&format!("key {} (employee E-1001)", avery.signer.key_id())),
        "{found}"
    );
    assert!(found.contains("thumbprint"), "{found}");
    assert!(
        found.contains("receipt R0000000001 (chain index 1): the election is signed with key"),
        "{found}"
    );
}

async fn deleted_receipts_are_caught_by_an_earlier_checkpoint(backend: Backend) {
    let rx = Receiver::start(backend).await;
    let avery = Employee::new(&rx, "E-1001");
    avery.register(&rx).await;
    let info = rx.offer_info().await;
    let mut receipts: Vec<SignedReceipt> = Vec::new();
    for seq in 1..=3 {
        let signed = avery.sign(avery.payload(seq, seq % 2 == 1));
        let (status, body) = submit_v2(&avery, &rx, &signed, ("Election-Contract", "2")).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        receipts.push(serde_json::from_value(body["receipt"].clone()).unwrap());
    }
    let before = get_checkpoint(&rx).await;
    verify_checkpoint(&before, &info.receiver_key.jwk).unwrap();
    assert_eq!(before.checkpoint.count, 3);
    assert_eq!(
        before.checkpoint.head,
        receipt_hash(&receipts[2].receipt).hex()
    );
    let path = save(&rx, "checkpoint-3.json", &before);
    let audit = verify_chain(&rx.config, Some(&path)).await.unwrap();
    assert!(audit.is_clean(), "{:?}", places(&audit));

    // The newest two receipts deleted: what is left is an unbroken chain.
    let mut statements = drop_triggers(backend, "elections");
    statements.push("DELETE FROM elections WHERE chain_index >= 2".into());
    sql(&rx, backend, &statements).await;
    let plain = verify_chain(&rx.config, None).await.unwrap();
    assert!(
        plain.is_clean(),
        "a hash chain alone cannot see its tail removed: {:?}",
        places(&plain)
    );
    assert_eq!(plain.receipts, 1);
    let audit = verify_chain(&rx.config, Some(&path)).await.unwrap();
    let found = places(&audit);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(found[0].starts_with("checkpoint (count 3): "), "{found:#?}");
    assert!(found[0].contains("holds 1"), "{found:#?}");
    assert!(found[0].contains("removed"), "{found:#?}");
    let (ok, output) = verify_chain_binary(&rx, Some(&path));
    assert!(!ok, "{output}");
    assert!(output.contains("removed"), "{output}");

    // The receiver carries on from the shortened chain and signs what it now has; a
    // client holding the earlier checkpoint sees that the new one does not extend it.
    let (status, body) = submit_v2(
        &avery,
        &rx,
        &avery.sign(avery.payload(10, true)),
        ("election-contract", "2"),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let after: SignedCheckpoint = serde_json::from_value(body["checkpoint"].clone()).unwrap();
    verify_checkpoint(&after, &info.receiver_key.jwk).unwrap();
    assert_eq!(after.checkpoint.count, 2);
    assert_eq!(
        checkpoint_extends(&before.checkpoint, &after.checkpoint),
        Err(CheckpointProblem::Shorter { older: 3, newer: 2 })
    );
    // A checkpoint of two receipts, then the second rewritten: the tail differs.
    let path = save(&rx, "checkpoint-2.json", &after);
    // (Opening the database, as verify-chain did, put the triggers back.)
    let mut statements = drop_triggers(backend, "elections");
    statements.push("DELETE FROM elections WHERE chain_index = 2".to_owned());
    sql(&rx, backend, &statements).await;
    let (status, _) = submit_v2(
        &avery,
        &rx,
        &avery.sign(avery.payload(11, false)),
        ("election-contract", "2"),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let audit = verify_chain(&rx.config, Some(&path)).await.unwrap();
    let found = places(&audit);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(found[0].contains("rewritten"), "{found:#?}");
}

async fn checkpoints_are_served_and_sent_only_to_clients_that_ask(backend: Backend) {
    let rx = Receiver::start(backend).await;
    let info = rx.offer_info().await;
    let empty = get_checkpoint(&rx).await;
    verify_checkpoint(&empty, &info.receiver_key.jwk).unwrap();
    assert_eq!(empty.checkpoint.count, 0);
    assert_eq!(empty.checkpoint.head, GENESIS_HASH);
    assert_eq!(empty.checkpoint.received_by, info.received_by);
    assert_eq!(empty.checkpoint.offer_id, info.offer_id);
    assert_eq!(empty.checkpoint.key_id, info.receiver_key.key_id);
    assert!(
        empty.checkpoint.at.starts_with("2001-09-20T14:0"),
        "{}",
        empty.checkpoint.at
    );

    let avery = Employee::new(&rx, "E-1001");
    avery.register(&rx).await;
    // Without the header: the first version's answer, exactly.
    let (status, body) = avery.submit(&rx, &avery.sign(avery.payload(1, true))).await;
    assert_eq!(status, StatusCode::CREATED);
    let keys: Vec<&String> = body.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["receipt", "replayed"], "{body}");
    // Another value of the header is not the second version either.
    let (status, body) = submit_v2(
        &avery,
        &rx,
        &avery.sign(avery.payload(2, false)),
        ("Election-Contract", "3"),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    assert!(body.get("checkpoint").is_none(), "{body}");

    // With it (any case of the name): the checkpoint that includes the receipt.
    let third = avery.sign(avery.payload(3, true));
    let (status, body) = submit_v2(&avery, &rx, &third, ("ELECTION-CONTRACT", "2")).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let answer: SubmitResponse = serde_json::from_value(body.clone()).unwrap();
    let checkpoint = answer.checkpoint.expect("a checkpoint with the header");
    verify_checkpoint(&checkpoint, &info.receiver_key.jwk).unwrap();
    assert_eq!(
        checkpoint.checkpoint.count,
        answer.receipt.receipt.chain_index
    );
    assert_eq!(checkpoint.checkpoint.count, 3);
    assert_eq!(
        checkpoint.checkpoint.head,
        receipt_hash(&answer.receipt.receipt).hex()
    );
    checkpoint_extends(&empty.checkpoint, &checkpoint.checkpoint).unwrap();
    assert_eq!(get_checkpoint(&rx).await, checkpoint);

    // A retry with the header: the same receipt, and a checkpoint that includes it.
    let jordan = Employee::new(&rx, "E-1002");
    jordan.register(&rx).await;
    jordan
        .submit(&rx, &jordan.sign(jordan.payload(1, true)))
        .await;
    let (status, again) = submit_v2(&avery, &rx, &third, ("election-contract", "2")).await;
    assert_eq!(status, StatusCode::OK, "{again}");
    let again: SubmitResponse = serde_json::from_value(again).unwrap();
    assert!(again.replayed);
    assert_eq!(again.receipt, answer.receipt);
    let newest = again.checkpoint.unwrap();
    verify_checkpoint(&newest, &info.receiver_key.jwk).unwrap();
    assert_eq!(
        newest.checkpoint.count, 4,
        "the newest: Jordan's is in it too"
    );
    checkpoint_extends(&checkpoint.checkpoint, &newest.checkpoint).unwrap();
    let state = election_receiver::prepare(&rx.config).await.unwrap();
    let chain: Vec<_> = state
        .store
        .chain()
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.receipt)
        .collect();
    check_covers(&newest.checkpoint, &chain).unwrap();
    assert_eq!(chain[2], answer.receipt.receipt);

    // A browser on an allowed origin may send the header.
    let response = reqwest::Client::new()
        .request(reqwest::Method::OPTIONS, rx.url("/v1/elections"))
        .header("origin", "http://127.0.0.1:8080")
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "authorization,content-type,election-contract",
        )
        .send()
        .await
        .unwrap();
    let allowed = response.headers()["access-control-allow-headers"]
        .to_str()
        .unwrap()
        .to_ascii_lowercase();
    assert!(allowed.contains("election-contract"), "{allowed}");
}

async fn a_decision_for_an_ineligible_grant_is_refused(backend: Backend) {
    let rx = Receiver::start(backend).await;
    let jordan = Employee::new(&rx, "E-1002");
    jordan.register(&rx).await;
    let offer = offer();
    let ineligible = jordan
        .holder
        .grants
        .iter()
        .find(|g| {
            election_core::rules::eligibility(&offer, &election_core::Employee::default(), g)
                .is_err()
        })
        .expect("Jordan has an ineligible grant")
        .id
        .clone();
    let mut payload = jordan.payload(1, false);
    payload.decisions.push(GrantDecision {
        grant_id: ineligible.clone(),
        decision: Decision::Keep,
        options: 0,
        portion: None,
    });
    payload
        .decisions
        .sort_by(|a, b| a.grant_id.cmp(&b.grant_id));
    let (status, body) = jordan.submit(&rx, &jordan.sign(payload)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["code"], "ineligible_grant_decision", "{body}");
    assert_eq!(body["error"]["details"], serde_json::json!([ineligible]));
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains(&ineligible));
    assert!(
        jordan.history(&rx).await.history.is_empty(),
        "nothing stored"
    );
    // Without it, the same election is accepted.
    let (status, body) = jordan
        .submit(&rx, &jordan.sign(jordan.payload(1, false)))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
}

on_both_databases!(
    an_election_altered_under_its_receipt_is_reported_and_not_served,
    a_key_replaced_in_the_database_is_reported,
    deleted_receipts_are_caught_by_an_earlier_checkpoint,
    checkpoints_are_served_and_sent_only_to_clients_that_ask,
    a_decision_for_an_ineligible_grant_is_refused,
);

/// Two instances on one PostgreSQL database keep one chain, so one line of checkpoints:
/// each answer's checkpoint includes its receipt, and either instance serves the newest.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_postgres_instances_sign_one_line_of_checkpoints() {
    let config = test_config(Backend::Postgres, 8).await;
    let a = Receiver::with(config.clone()).await;
    let b = Receiver::with(config).await;
    let info = a.offer_info().await;
    let mut previous = get_checkpoint(&a).await;
    for i in 0..6u64 {
        let (here, there) = if i % 2 == 0 { (&a, &b) } else { (&b, &a) };
        let e = Employee::new(here, &format!("E-{}", 2000 + i));
        e.register(here).await;
        let (status, body) = submit_v2(
            &e,
            here,
            &e.sign(e.payload(1, true)),
            ("election-contract", "2"),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let answer: SubmitResponse = serde_json::from_value(body).unwrap();
        let checkpoint = answer.checkpoint.unwrap();
        verify_checkpoint(&checkpoint, &info.receiver_key.jwk).unwrap();
        assert_eq!(checkpoint.checkpoint.count, i + 1);
        assert_eq!(
            checkpoint.checkpoint.head,
            receipt_hash(&answer.receipt.receipt).hex()
        );
        checkpoint_extends(&previous.checkpoint, &checkpoint.checkpoint).unwrap();
        assert_eq!(get_checkpoint(there).await, checkpoint);
        previous = checkpoint;
    }
}
