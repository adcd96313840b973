//! HR's reports (`docs/PROTOCOL.md` §7): participation while the offer runs, and the
//! results with their exports. Every route takes the HR role ([`Hr`]) and answers
//! `no-store`; the figures are [`election_core::results::tally`]'s, over the elections
//! the receiver's newest checkpoint covers.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::Response;
use axum::Json;
use election_core::contract::{
    receipt_time, ElectionEntry, ErrorCode, PublicJwk, SignedCheckpoint,
};
use election_core::results::{
    non_responders_csv, results_csv, sha256_hex, tally, ExportedKey, Results, ResultsExport,
    EXPORT_CONTRACT,
};
use election_core::Holder;

use super::{altered, no_store, ApiError, ApiResult, AppState, Hr};

/// The elections the newest checkpoint covers, and what the results rest on.
struct Gathered {
    checkpoint: SignedCheckpoint,
    elections: Vec<ElectionEntry>,
    results: Results,
}

impl AppState {
    /// Reads the checkpoint first and then the elections, keeping exactly those it counts:
    /// the chain only grows, so an election committed in between is left for the next
    /// report rather than reported without a checkpoint covering it.
    async fn gather(&self) -> ApiResult<Gathered> {
        let checkpoint = self.store.checkpoint(&self.notary).await?;
        let rows = self.store.election_rows().await?;
        let count = usize::try_from(checkpoint.checkpoint.count).unwrap_or(usize::MAX);
        let mut elections = Vec::with_capacity(count.min(rows.len()));
        for row in rows.into_iter().take(count) {
            let entry = ElectionEntry {
                election: serde_json::from_str(&row.election)
                    .map_err(crate::store::StoreError::from)?,
                receipt: serde_json::from_str(&row.receipt)
                    .map_err(crate::store::StoreError::from)?,
            };
            if let Some(why) = altered(&entry) {
                return Err(integrity(why));
            }
            elections.push(entry);
        }
        let views = self.store.views().await?;
        let now = self.clock.now();
        let closed = now >= self.notary.deadline;
        let mut holders: Vec<&Holder> = self.holders.values().collect();
        holders.sort_by(|a, b| a.employee.id.cmp(&b.employee.id));
        let results = tally(
            &self.offer,
            &holders,
            &elections,
            &views,
            &receipt_time(now),
            closed,
        );
        Ok(Gathered {
            checkpoint,
            elections,
            results,
        })
    }
}

fn integrity(why: String) -> ApiError {
    ApiError::new(
        ErrorCode::StoreIntegrity,
        "The receiver's records do not match the receipts it issued, so it reports nothing rather than wrong figures. Run verify-chain.",
    )
    .cause(format!("STORE INTEGRITY: {why}; run verify-chain"))
    .details(vec![why])
}

/// A download: its content type and the name a browser saves it under.
fn download(body: String, content_type: &'static str, name: String) -> Response {
    let mut response = no_store(body);
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    response
}

fn file_name(app: &AppState, what: &str, ext: &str) -> String {
    // Offer ids are identifiers (letters, digits, `-`, `_`, `.`): safe in a header.
    format!("{}-{what}.{ext}", app.offer.id)
}

fn csv_error(e: election_core::results::CsvError) -> ApiError {
    ApiError::new(ErrorCode::Internal, "The CSV could not be written.").cause(e.to_string())
}

/// `GET /v1/hr/participation`: the figures and the totals, without the employee rows.
pub(super) async fn participation(
    State(app): State<Arc<AppState>>,
    Hr(_): Hr,
) -> ApiResult<Response> {
    let mut results = app.gather().await?.results;
    results.employees.clear();
    Ok(no_store(Json(results)))
}

/// `GET /v1/hr/results`: the export (JSON), with everything the figures rest on.
pub(super) async fn export(State(app): State<Arc<AppState>>, Hr(_): Hr) -> ApiResult<Response> {
    let gathered = app.gather().await?;
    let csv = results_csv(&gathered.results).map_err(csv_error)?;
    let mut keys = Vec::new();
    for row in app.store.key_rows().await? {
        let jwk: PublicJwk =
            serde_json::from_str(&row.jwk).map_err(crate::store::StoreError::from)?;
        keys.push(ExportedKey {
            employee_id: row.employee_id,
            jwk,
        });
    }
    let mut holders: Vec<&Holder> = app.holders.values().collect();
    holders.sort_by(|a, b| a.employee.id.cmp(&b.employee.id));
    let offer: serde_json::Value = serde_json::from_str(&app.offer_json).map_err(|e| {
        ApiError::new(ErrorCode::Internal, "The offer file is not JSON.").cause(e.to_string())
    })?;
    let sealed = ResultsExport {
        contract: EXPORT_CONTRACT.to_owned(),
        results: gathered.results,
        offer,
        employees: holders.iter().map(|h| h.file_json()).collect(),
        keys,
        elections: gathered.elections,
        checkpoint: gathered.checkpoint,
        receiver_key: app.notary.signer.jwk().clone(),
        csv_sha256: sha256_hex(csv.as_bytes()),
        digest: String::new(),
    }
    .seal()
    .and_then(|e| serde_json::to_string(&e))
    .map_err(|e| {
        ApiError::new(ErrorCode::Internal, "The export could not be written.").cause(e.to_string())
    })?;
    Ok(download(
        sealed,
        "application/json",
        file_name(&app, "results", "json"),
    ))
}

/// `GET /v1/hr/results.csv`: the results grant by grant, for the stock plan administrator.
pub(super) async fn csv(State(app): State<Arc<AppState>>, Hr(_): Hr) -> ApiResult<Response> {
    let gathered = app.gather().await?;
    let csv = results_csv(&gathered.results).map_err(csv_error)?;
    Ok(download(
        csv,
        "text/csv; charset=utf-8",
        file_name(&app, "results", "csv"),
    ))
}

/// `GET /v1/hr/non-responders.csv`: eligible employees with no election that counts, for
/// reminders.
pub(super) async fn non_responders(
    State(app): State<Arc<AppState>>,
    Hr(_): Hr,
) -> ApiResult<Response> {
    let gathered = app.gather().await?;
    let emails: BTreeMap<String, String> = app
        .emails
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let csv = non_responders_csv(&gathered.results, &emails).map_err(csv_error)?;
    Ok(download(
        csv,
        "text/csv; charset=utf-8",
        file_name(&app, "not-responded", "csv"),
    ))
}
