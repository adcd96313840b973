//! HR's reports over real HTTP, on SQLite and on PostgreSQL: participation while the offer
//! runs (views, elections, changes, withdrawals, late elections), the results at expiry,
//! the CSVs, and an export that `verify-export` checks offline (and refuses once edited).

// Test code: a failed step should stop the test where it failed.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use election_core::results::{GrantOutcome, Results, ResultsExport, Standing};
use reqwest::StatusCode;
use serde_json::Value;

async fn hr_get(rx: &Receiver, path: &str, token: Option<&str>) -> reqwest::Response {
    let mut request = reqwest::Client::new().get(rx.url(path));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.unwrap()
}

async fn participation(rx: &Receiver) -> Results {
    let response = hr_get(rx, "/v1/hr/participation", Some(HR_TOKEN)).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["cache-control"], "no-store");
    response.json().await.unwrap()
}

async fn participation_and_results_follow_every_election(backend: Backend) {
    let mut config = test_config(backend, 4).await;
    let rx = Receiver::with(config.clone()).await;

    // Only HR may ask.
    for (token, status, code) in [
        (None, StatusCode::UNAUTHORIZED, "unauthorized"),
        (
            Some(token_for("E-1001")),
            StatusCode::FORBIDDEN,
            "hr_role_required",
        ),
    ] {
        for path in [
            "/v1/hr/participation",
            "/v1/hr/results",
            "/v1/hr/results.csv",
            "/v1/hr/non-responders.csv",
        ] {
            let response = hr_get(&rx, path, token.as_deref()).await;
            assert_eq!(response.status(), status, "{path}");
            let body: Value = response.json().await.unwrap();
            assert_eq!(body["error"]["code"], code, "{path}");
        }
    }

    let before = participation(&rx).await;
    let eligible = before.participation.eligible;
    assert!(eligible >= 5, "{:?}", before.participation);
    assert_eq!(
        (
            before.participation.responded,
            before.participation.not_responded
        ),
        (0, eligible)
    );
    assert!(
        before.employees.is_empty(),
        "participation leaves out the rows"
    );

    // Avery exchanges; E-2000 exchanges, then withdraws; E-2001 exchanges, then changes
    // (exchanges again); E-2002 keeps everything; E-2003 only reads their record.
    let avery = Employee::new(&rx, "E-1001");
    let withdraws = Employee::new(&rx, "E-2000");
    let changes = Employee::new(&rx, "E-2001");
    let keeps = Employee::new(&rx, "E-2002");
    let reads = Employee::new(&rx, "E-2003");
    for e in [&avery, &withdraws, &changes, &keeps] {
        e.register(&rx).await;
    }
    for (e, sequence, exchange) in [
        (&avery, 1, true),
        (&withdraws, 1, true),
        (&withdraws, 2, false),
        (&changes, 1, true),
        (&changes, 2, true),
        (&keeps, 1, false),
    ] {
        let (status, body) = e.submit(&rx, &e.sign(e.payload(sequence, exchange))).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    reads.history(&rx).await;
    reads.history(&rx).await;
    avery.history(&rx).await;

    let during = participation(&rx).await;
    let p = &during.participation;
    assert!(!during.closed);
    assert_eq!(
        (
            p.viewed,
            p.responded,
            p.elected,
            p.withdrawn,
            p.kept_all,
            p.changed
        ),
        (2, 4, 2, 1, 1, 2),
        "{p:?}"
    );
    assert_eq!(p.not_responded, eligible - 4);
    assert_eq!(p.by_day.len(), 1);
    assert_eq!((p.by_day[0].elections, p.by_day[0].responded), (6, 4));
    assert_eq!(during.summary.employees_taking_part, 2);

    // After the deadline, on the same database: a late election counts for nothing.
    config.clock_start = Some(chrono::DateTime::parse_from_rfc3339(AFTER_DEADLINE).unwrap());
    let late_rx = Receiver::with(config.clone()).await;
    let late = Employee::new(&late_rx, "E-1002");
    late.register(&late_rx).await;
    let (status, _) = late
        .submit(&late_rx, &late.sign(late.payload(1, true)))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let response = hr_get(&late_rx, "/v1/hr/results", Some(HR_TOKEN)).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("mpower-2001-option-exchange-results.json"));
    let export_text = response.text().await.unwrap();
    let export: ResultsExport = serde_json::from_str(&export_text).unwrap();
    let results = &export.results;
    assert!(results.closed);
    assert_eq!(export.elections.len(), 7);
    assert_eq!(export.checkpoint.checkpoint.count, 7);
    let standing = |id: &str| {
        results
            .employees
            .iter()
            .find(|e| e.employee_id == id)
            .unwrap()
    };
    assert_eq!(standing("E-1001").standing, Standing::Elected);
    assert_eq!(standing("E-2000").standing, Standing::Withdrawn);
    assert_eq!(standing("E-2001").standing, Standing::Elected);
    assert_eq!(standing("E-2001").governing.as_ref().unwrap().sequence, 2);
    assert_eq!(standing("E-2002").standing, Standing::KeptAll);
    assert_eq!(standing("E-2003").standing, Standing::NotResponded);
    assert!(standing("E-2003").first_viewed_at.is_some());
    let late_one = standing("E-1002");
    assert_eq!(
        (late_one.standing, late_one.late_elections),
        (Standing::NotResponded, 1)
    );
    assert!(late_one
        .grants
        .iter()
        .all(|g| matches!(g.outcome, GrantOutcome::NoDecision | GrantOutcome::Excluded)));
    assert_eq!(results.participation.late_elections, 1);
    assert_eq!(results.participation.late_only, 1);
    let avery_grants = &standing("E-1001").grants;
    let tendered: u64 = avery_grants.iter().map(|g| g.options_tendered).sum();
    assert!(tendered > 0);
    assert_eq!(
        results.summary.options_tendered,
        tendered
            + standing("E-2001")
                .grants
                .iter()
                .map(|g| g.options_tendered)
                .sum::<u64>()
    );

    // The CSVs.
    let response = hr_get(&late_rx, "/v1/hr/results.csv", Some(HR_TOKEN)).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let csv = response.text().await.unwrap();
    assert_eq!(
        election_core::results::sha256_hex(csv.as_bytes()),
        export.csv_sha256,
        "the CSV is the export's"
    );
    let reminders = hr_get(&late_rx, "/v1/hr/non-responders.csv", Some(HR_TOKEN))
        .await
        .text()
        .await
        .unwrap();
    assert!(reminders.contains("\r\nE-2003,"));
    assert!(reminders.contains("\r\nE-1002,"));
    assert!(!reminders.contains("E-1001"));

    // verify-export, offline, on the files alone.
    let dir = temp_dir("export");
    let export_path = dir.join("results.json");
    let csv_path = dir.join("results.csv");
    std::fs::write(&export_path, &export_text).unwrap();
    std::fs::write(&csv_path, &csv).unwrap();
    let key_id = late_rx.offer_info().await.receiver_key.key_id;
    let run = |export: &std::path::Path, key: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_election-receiver"))
            .arg("verify-export")
            .arg(export)
            .arg("--csv")
            .arg(&csv_path)
            .args(["--key-id", key])
            .output()
            .unwrap()
    };
    let ok = run(&export_path, &key_id);
    let out = String::from_utf8_lossy(&ok.stdout);
    assert!(
        ok.status.success(),
        "{out}{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert!(out.contains("export holds"), "{out}");
    assert!(out.contains("final results"), "{out}");

    // An export whose figures were edited is refused, with what is wrong.
    let edited = export_text.replacen("\"standing\":\"kept_all\"", "\"standing\":\"elected\"", 1);
    assert_ne!(edited, export_text);
    let edited_path = dir.join("edited.json");
    std::fs::write(&edited_path, edited).unwrap();
    let refused = run(&edited_path, &key_id);
    let out = String::from_utf8_lossy(&refused.stdout);
    assert!(!refused.status.success());
    assert!(out.contains("PROBLEM digest"), "{out}");
    assert!(out.contains("results.employees[E-2002]"), "{out}");
    // Checked against another key than the receiver's: refused.
    let wrong_key = run(&export_path, "not-the-receivers-key");
    assert!(!wrong_key.status.success());
    assert!(String::from_utf8_lossy(&wrong_key.stdout).contains("the receiver's published key"));
}

on_both_databases!(participation_and_results_follow_every_election);
