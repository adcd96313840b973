//! SIGTERM during a stream of submissions: the receiver stops taking connections, finishes
//! every election it has received and answers it with its receipt, then exits cleanly.
//! Nothing is stored without its receipt reaching the client, and no client gets a
//! server error for an election it sent before the stop.

// Test code: a failed step should stop the test where it failed.
#![allow(clippy::unwrap_used)]

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::*;
use election_core::contract::SignedReceipt;

const STREAMS: usize = 6;

async fn sigterm_finishes_every_election_received(backend: Backend) {
    let config = test_config(backend, STREAMS).await;
    let (mut child, rx) = spawn_binary(&config);
    let rx = Arc::new(rx);
    let employees = registered_employees(&rx, STREAMS).await;
    let (streamed, streams) = stream_changes(&employees, &rx);
    while streamed.issued.lock().unwrap().len() < 60 {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let stop = Instant::now();
    let signal = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(signal.success());
    let exit = tokio::task::spawn_blocking(move || child.wait().unwrap())
        .await
        .unwrap();
    assert!(exit.success(), "a stop on SIGTERM is a clean exit: {exit}");
    assert!(
        stop.elapsed() < Duration::from_secs(10),
        "stopped in {:?}",
        stop.elapsed()
    );
    for s in streams {
        s.await.unwrap();
    }
    let other = streamed.other.lock().unwrap().clone();
    assert!(
        other.is_empty(),
        "every answer before the stop is a receipt: {other:?}"
    );
    let issued = streamed.issued();

    // Restarted on the same database: what is stored is exactly what was answered.
    let (mut child, rx) = spawn_binary(&config);
    let mut stored = 0;
    for e in &employees {
        let history = e.history(&rx).await.history;
        let answered: Vec<&SignedReceipt> = issued
            .iter()
            .filter(|r| r.receipt.employee_id == e.id)
            .collect();
        assert_eq!(
            history.len(),
            answered.len(),
            "{}: every stored election was answered with its receipt",
            e.id
        );
        for (entry, receipt) in history.iter().zip(&answered) {
            assert_eq!(&entry.receipt, *receipt);
        }
        stored += history.len();
    }
    assert_eq!(stored, issued.len());
    child.kill().unwrap();
    child.wait().unwrap();
}

on_both_databases!(sigterm_finishes_every_election_received);
