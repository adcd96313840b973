//! kill -9 during a stream of submissions, then a restart: every receipt the receiver
//! issued is in the database, the chain is unbroken, and the employees carry on.

// Test code: a failed step should stop the test where it failed.
#![allow(clippy::unwrap_used)]

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::*;
use reqwest::StatusCode;

const STREAMS: usize = 4;

async fn killed_mid_stream_loses_no_receipt(backend: Backend) {
    let config = test_config(backend, STREAMS).await;
    let (mut child, rx) = spawn_binary(&config);
    let rx = Arc::new(rx);
    let employees = registered_employees(&rx, STREAMS).await;

    let (streamed, streams) = stream_changes(&employees, &rx);
    // Let the stream run, then kill the receiver without warning.
    loop {
        tokio::time::sleep(Duration::from_millis(50)).await;
        if streamed.issued.lock().unwrap().len() >= 40 {
            break;
        }
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    for s in streams {
        s.await.unwrap();
    }
    let issued = streamed.issued();
    assert!(issued.len() >= 40);

    // Restart on the same database: every issued receipt is there, exactly as issued.
    let (mut child, rx) = spawn_binary(&config);
    let client = reqwest::Client::new();
    for receipt in &issued {
        let verdict: serde_json::Value = client
            .post(rx.url("/v1/receipts/verify"))
            .json(receipt)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(
            verdict["stored"], true,
            "{}: {verdict}",
            receipt.receipt.receipt_id
        );
        assert_eq!(verdict["signature_valid"], true);
    }
    // The employees carry on where the database says they are.
    for e in &employees {
        let latest = e
            .history(&rx)
            .await
            .history
            .last()
            .map_or(0, |h| h.election.payload.sequence);
        let (status, body) = e.submit(&rx, &e.sign(e.payload(latest + 1, true))).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    child.kill().unwrap();
    child.wait().unwrap();

    // The whole chain, audited by the binary itself.
    let out = binary("verify-chain", &config).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let count: usize = text.split_whitespace().next().unwrap().parse().unwrap();
    assert!(count >= issued.len() + STREAMS, "{text}");
}

on_both_databases!(killed_mid_stream_loses_no_receipt);
