//! The HTTP interface (`docs/PROTOCOL.md`): every answer is JSON, every error has a stable
//! code, a sentence, and an HTTP status that tells a client whether to retry (5xx, 429)
//! or not (other 4xx).
//!
//! - `error.rs`: [`ApiError`], the errors as types;
//! - `extract.rs`: what handlers take from a request ([`ReceivedAt`], [`Employee`],
//!   [`Contract`]), each refusal already an [`ApiError`];
//! - here: the state, the router and the handlers, each a screenful.

mod error;
mod extract;
mod hr;

pub use error::{ApiError, ApiResult, ErrorCause};
pub use extract::{Contract, Employee, Hr, ReceivedAt};

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use axum::extract::{DefaultBodyLimit, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, FixedOffset};
use election_core::contract::{
    check_against, governing, payload_hash, payload_problems, receipt_time, verify_election_by,
    verify_receipt, Backend, ElectionEntry, ElectionHistory, ErrorCode, Governs, KeyRegistration,
    OfferInfo, PublicJwk, ReceiptVerification, ReceiverKey, RegisteredKey, ServerTime,
    SignedCheckpoint, SignedElection, SignedReceipt, SubmitResponse, Timeliness, CONTRACT_HEADER,
    CONTRACT_VERSION_2,
};
use election_core::disclosure::{Digest, Disclosure};
use election_core::{Holder, Offer};
use tower_http::cors::{AllowOrigin, CorsLayer};

use crate::clock::Clock;
use crate::notary::{Notary, Submission};
use crate::store::{KeyOutcome, Store, StoreError};

/// Everything a request may need.
pub struct AppState {
    pub offer: Offer,
    /// The offer file as served, byte for byte.
    pub offer_json: String,
    pub disclosure_digest: String,
    /// The offer's legal-text digests, computed once.
    pub disclosure: Disclosure,
    pub holders: HashMap<String, Holder>,
    /// E-mail addresses from the grants export, for HR's list of those to remind.
    pub emails: HashMap<String, String>,
    /// Employees known to have read their record (so only a first read is written).
    pub viewed: RwLock<std::collections::HashSet<String>>,
    /// SHA-256 of each bearer token → the employee it authenticates.
    pub tokens: HashMap<[u8; 32], String>,
    /// SHA-256 of each of HR's bearer tokens.
    pub hr_tokens: std::collections::HashSet<[u8; 32]>,
    /// The company's identity provider, when employees and HR sign on with it.
    pub verifier: Option<crate::auth::Verifier>,
    pub notary: Arc<Notary>,
    pub store: Store,
    pub clock: Clock,
    pub max_body_bytes: usize,
    /// Verifies elections (the notary's signer signs receipts with the same).
    pub crypto: Backend,
    pub metrics: Arc<crate::metrics::Metrics>,
    /// Set when the receiver begins to stop: `/readyz` then says so, while the requests
    /// already received are finished.
    pub stopping: std::sync::atomic::AtomicBool,
    /// Registered keys already read: key id → (employee, key). A registration is never
    /// changed or removed (the store refuses it), so a key read once stays true; a key
    /// another instance registers is read from the store the first time it is used.
    pub keys: RwLock<HashMap<String, (String, PublicJwk)>>,
}

impl AppState {
    fn deadline(&self) -> DateTime<FixedOffset> {
        self.notary.deadline
    }

    /// Records an employee's first read of their record, for HR's participation figures;
    /// only the first is written (this instance remembers whom it has written). A failure
    /// is logged and does not stand between the employee and their record: the next read
    /// tries again.
    async fn viewed_by(&self, employee: &str) {
        let known = self.viewed.read().is_ok_and(|v| v.contains(employee));
        if known || !self.holders.contains_key(employee) {
            return;
        }
        match self
            .store
            .record_view(employee, &receipt_time(self.clock.now()))
            .await
        {
            Ok(()) => {
                if let Ok(mut viewed) = self.viewed.write() {
                    viewed.insert(employee.to_owned());
                }
            }
            Err(e) => tracing::warn!("the first view of employee {employee} was not recorded: {e}"),
        }
    }

    /// The employee a registered key belongs to, and the key.
    async fn key(&self, key_id: &str) -> Result<Option<(String, PublicJwk)>, StoreError> {
        let cached = self
            .keys
            .read()
            .ok()
            .and_then(|keys| keys.get(key_id).cloned());
        if cached.is_some() {
            return Ok(cached);
        }
        let stored = self.store.key(key_id).await?;
        if let (Some(found), Ok(mut keys)) = (&stored, self.keys.write()) {
            keys.insert(key_id.to_owned(), found.clone());
        }
        Ok(stored)
    }
}

/// The router, with CORS for `allowed_origins`, bodies limited to `max_body_bytes`, and
/// `/metrics` when `with_metrics` (else they have a listener of their own).
pub fn router(
    state: Arc<AppState>,
    allowed_origins: &[String],
    max_body_bytes: usize,
    with_metrics: bool,
) -> Router {
    let origins: Vec<HeaderValue> = allowed_origins
        .iter()
        .filter_map(|o| HeaderValue::from_str(o).ok())
        .collect();
    let cors = CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::HeaderName::from_static(CONTRACT_HEADER),
        ])
        .expose_headers([
            header::RETRY_AFTER,
            header::DATE,
            crate::observe::REQUEST_ID,
        ])
        .max_age(Duration::from_secs(600));
    let routes = if with_metrics {
        Router::new().route("/metrics", get(metrics))
    } else {
        Router::new()
    };
    let metrics = Arc::clone(&state.metrics);
    routes
        .route("/v1/time", get(time))
        .route("/v1/offer", get(offer_info))
        .route("/v1/offer/document", get(offer_document))
        .route("/v1/checkpoint", get(checkpoint))
        .route("/v1/keys", post(register_key))
        .route("/v1/elections", post(submit).get(history))
        .route("/v1/receipts/verify", post(verify))
        .route("/v1/health", get(health))
        .route("/v1/hr/session", get(hr_session))
        .route("/v1/hr/participation", get(hr::participation))
        .route("/v1/hr/results", get(hr::export))
        .route("/v1/hr/results.csv", get(hr::csv))
        .route("/v1/hr/non-responders.csv", get(hr::non_responders))
        .route("/livez", get(livez))
        .route("/readyz", get(readyz))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(max_body_bytes))
        .layer(cors)
        .layer(axum::middleware::from_fn_with_state(
            metrics,
            crate::observe::observe,
        ))
        .with_state(state)
}

async fn not_found() -> ApiError {
    ApiError::new(
        ErrorCode::NotFound,
        "There is nothing at this address; see docs/PROTOCOL.md for the endpoints.",
    )
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(
        ErrorCode::MethodNotAllowed,
        "This endpoint does not take that method.",
    )
}

fn no_store<T: IntoResponse>(body: T) -> Response {
    let mut response = body.into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

async fn time(State(app): State<Arc<AppState>>) -> Response {
    no_store(Json(ServerTime {
        now_ms: app.clock.now().timestamp_millis(),
    }))
}

async fn offer_info(State(app): State<Arc<AppState>>) -> Json<OfferInfo> {
    Json(OfferInfo {
        offer_id: app.offer.id.clone(),
        offer_version: app.offer.version,
        disclosure_digest: app.disclosure_digest.clone(),
        deadline: app.deadline().to_rfc3339(),
        received_by: app.notary.received_by.clone(),
        receiver_key: ReceiverKey {
            key_id: app.notary.signer.key_id().to_owned(),
            jwk: app.notary.signer.jwk().clone(),
        },
    })
}

/// The newest signed checkpoint of the receipt chain. No credentials, like `/v1/offer`:
/// it names no employee, only how long the chain is and how it ends.
async fn checkpoint(State(app): State<Arc<AppState>>) -> ApiResult<Response> {
    let checkpoint: SignedCheckpoint = app.store.checkpoint(&app.notary).await?;
    Ok(no_store(Json(checkpoint)))
}

/// Whether the client reads the second version of the contract's answers
/// (`Election-Contract: 2`); any other value, or none, gets the first version exactly.
fn wants_contract_2(headers: &HeaderMap) -> bool {
    headers
        .get(CONTRACT_HEADER)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim() == CONTRACT_VERSION_2)
}

async fn offer_document(State(app): State<Arc<AppState>>) -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        app.offer_json.clone(),
    )
        .into_response()
}

/// `/metrics` alone, for a listener of its own.
pub fn metrics_router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/metrics", get(metrics))
        .with_state(state)
}

/// `GET /metrics`: every metric in the OpenMetrics text format.
async fn metrics(State(app): State<Arc<AppState>>) -> Response {
    (
        [
            (header::CONTENT_TYPE, crate::metrics::CONTENT_TYPE),
            (header::CACHE_CONTROL, "no-store"),
        ],
        app.metrics.encode(),
    )
        .into_response()
}

/// `GET /v1/hr/session`: whether the credentials are HR's, for an HR page to check its
/// sign-on before it asks for results.
async fn hr_session(Hr(subject): Hr) -> Response {
    no_store(Json(
        serde_json::json!({ "role": "hr", "subject": subject }),
    ))
}

/// `GET /livez`: the process serves requests (for a supervisor deciding to restart it).
async fn livez() -> Response {
    no_store(Json(serde_json::json!({ "status": "live" })))
}

/// `GET /readyz`: this instance should be sent elections (for a load balancer): the
/// database answers, the receipt key is loaded, and it is not stopping.
async fn readyz(State(app): State<Arc<AppState>>) -> ApiResult<Response> {
    if app.stopping.load(std::sync::atomic::Ordering::Relaxed) {
        return Err(ApiError::new(
            ErrorCode::Overloaded,
            "This receiver is stopping; send elections to another instance.",
        ));
    }
    app.store.key("readiness-probe").await?;
    Ok(no_store(Json(serde_json::json!({
        "status": "ready",
        "database": app.store.backend(),
        "key_id": app.notary.signer.key_id(),
    }))))
}

async fn health(State(app): State<Arc<AppState>>) -> ApiResult<Json<serde_json::Value>> {
    app.store.key("health-check").await?;
    Ok(Json(serde_json::json!({
        "status": "ok",
        "database": app.store.backend(),
        "preview_clock": app.clock.is_preview(),
    })))
}

async fn register_key(
    State(app): State<Arc<AppState>>,
    Employee(employee): Employee,
    Contract(registration): Contract<KeyRegistration>,
) -> ApiResult<Response> {
    // A key is registered only where the employee has grants: with several offers, a
    // token the receiver takes names employees of other offers too.
    if !app.holders.contains_key(&employee) {
        return Err(ApiError::new(
            ErrorCode::UnknownEmployee,
            format!(
                "This offer ({}) has no grants for the employee.",
                app.offer.id
            ),
        ));
    }
    let jwk = registration.jwk;
    if let Err(e) = election_core::contract::verifying_key(&jwk) {
        return Err(ApiError::new(
            ErrorCode::InvalidKey,
            format!("The key cannot be used: {e}."),
        )
        .details(jwk.problems()));
    }
    let now = receipt_time(app.clock.now());
    let key_id = jwk.thumbprint();
    let (status, registered_at) = match app.store.register_key(&employee, &jwk, &now).await? {
        KeyOutcome::Registered { registered_at } => (StatusCode::CREATED, registered_at),
        KeyOutcome::AlreadyRegistered { registered_at } => (StatusCode::OK, registered_at),
        KeyOutcome::TakenBy(_) => {
            return Err(ApiError::new(
                ErrorCode::KeyInUse,
                "This key is registered to another employee; make a new key.",
            ))
        }
    };
    let registered = RegisteredKey {
        employee_id: employee,
        key_id,
        registered_at,
    };
    Ok((status, Json(registered)).into_response())
}

/// `POST /v1/elections`: an election checked (form, employee, key, signature, offer and
/// grants), stored and answered with its receipt.
async fn submit(
    State(app): State<Arc<AppState>>,
    ReceivedAt(received_at): ReceivedAt,
    Employee(employee): Employee,
    headers: HeaderMap,
    Contract(signed): Contract<SignedElection>,
) -> ApiResult<Response> {
    let payload_hash = app.check(&employee, &signed).await?;
    let submission = Submission::new(signed, payload_hash, received_at, app.deadline());
    let appended = app.store.append_with_checkpoint(submission).await?;
    let (receipt, replayed) = appended.outcome.into_receipt()?;
    if receipt.receipt.timeliness == Timeliness::Late {
        let message = format!(
            "The election arrived at {} after the deadline ({}). It is recorded as late and does not count; the last election received on time governs.",
            receipt.receipt.received_at, receipt.receipt.deadline
        );
        return Err(ApiError::new(ErrorCode::DeadlinePassed, message).receipt(receipt));
    }
    let status = if replayed {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    // Only a client that asked for the second version gets the checkpoint: a first-version
    // client refuses unknown fields, and would take the answer for a failure and retry.
    let checkpoint = appended.checkpoint.filter(|_| wants_contract_2(&headers));
    let response = SubmitResponse {
        receipt,
        replayed,
        checkpoint,
    };
    Ok((status, Json(response)).into_response())
}

impl AppState {
    /// Checks a signed election from `employee` before it is stored: its form, that it is
    /// theirs, signed by their registered key, for this offer and their grants. Returns
    /// the payload's hash.
    async fn check(&self, employee: &str, signed: &SignedElection) -> ApiResult<Digest> {
        let problems = payload_problems(&signed.payload);
        if !problems.is_empty() {
            return Err(ApiError::new(
                ErrorCode::InvalidPayload,
                "The election is not well formed.",
            )
            .details(problems));
        }
        let payload = &signed.payload;
        if payload.employee_id != employee {
            return Err(ApiError::new(
                ErrorCode::EmployeeMismatch,
                format!(
                    "The election is for employee {}, but the token is {employee}'s.",
                    payload.employee_id
                ),
            ));
        }
        let unknown_key = |why: &str| ApiError::new(ErrorCode::UnknownKey, why);
        let Some((owner, jwk)) = self.key(&payload.key_id).await? else {
            return Err(unknown_key(
                "The signing key is not registered; register it with POST /v1/keys first.",
            ));
        };
        if owner != employee {
            return Err(unknown_key(
                "The signing key is not registered to this employee.",
            ));
        }
        let hash = verify_election_by(self.crypto, signed, &jwk).map_err(|e| {
            ApiError::new(
                ErrorCode::BadSignature,
                format!("The signature does not verify: {e}."),
            )
        })?;
        let holder = self.holders.get(employee).ok_or_else(|| {
            ApiError::new(
                ErrorCode::UnknownEmployee,
                "This receiver has no grants for the employee.",
            )
        })?;
        check_against(&self.offer, &self.disclosure, holder, payload)
            .map_err(|m| ApiError::mismatch(m, &self.offer.id))?;
        Ok(hash)
    }
}

async fn history(
    State(app): State<Arc<AppState>>,
    Employee(employee): Employee,
) -> ApiResult<Response> {
    app.viewed_by(&employee).await;
    let history = app.store.history(&app.offer.id, &employee).await?;
    if let Some(why) = history.iter().find_map(altered) {
        return Err(ApiError::new(
            ErrorCode::StoreIntegrity,
            "The receiver's record of your elections does not match the receipts it issued, so it shows none rather than a wrong one. The receiver's operator has been alerted; your receipts still prove what you sent.",
        )
        .cause(format!(
            "STORE INTEGRITY: employee {employee}: {why}; run verify-chain"
        ))
        .details(vec![why]));
    }
    let governing = governing(history.iter().map(Held)).map(|held| held.0.clone());
    Ok(no_store(Json(ElectionHistory {
        employee_id: employee,
        governing,
        history,
    })))
}

/// A stored election as the receiver that issued its receipt holds it: it counts when the
/// receipt says it was received on time (the receipt is the receiver's own, read back
/// from its store and checked against the election by [`altered`]).
struct Held<'a>(&'a ElectionEntry);

impl Governs for Held<'_> {
    fn sequence(&self) -> u64 {
        self.0.election.payload.sequence
    }

    fn counts(&self) -> bool {
        self.0.receipt.receipt.timeliness == Timeliness::OnTime
    }
}

/// Why a stored election is not the one its receipt names, if it is not: it was changed
/// in the database after the receipt was issued.
fn altered(entry: &ElectionEntry) -> Option<String> {
    let (p, r) = (&entry.election.payload, &entry.receipt.receipt);
    let hash = payload_hash(p).hex();
    if hash != r.payload_hash {
        return Some(format!(
            "the election under receipt {} hashes to {hash}, but the receipt names {}",
            r.receipt_id, r.payload_hash
        ));
    }
    if p.employee_id != r.employee_id
        || p.sequence != r.sequence
        || p.idempotency_key != r.idempotency_key
        || p.offer_id != r.offer_id
    {
        return Some(format!(
            "receipt {} names another election than the one stored with it",
            r.receipt_id
        ));
    }
    None
}

async fn verify(
    State(app): State<Arc<AppState>>,
    Contract(receipt): Contract<SignedReceipt>,
) -> ApiResult<Json<ReceiptVerification>> {
    let mut problems = Vec::new();
    let signature_valid = match verify_receipt(&receipt, app.notary.signer.jwk()) {
        Ok(()) => true,
        Err(e) => {
            problems.push(e.to_string());
            false
        }
    };
    let stored = match app.store.receipt(&receipt.receipt.receipt_id).await? {
        Some(ours) if ours == receipt => true,
        Some(_) => {
            problems.push("this receiver holds a different receipt under this id".into());
            false
        }
        None => {
            problems.push("this receiver holds no receipt with this id".into());
            false
        }
    };
    Ok(Json(ReceiptVerification {
        signature_valid,
        stored,
        problems,
    }))
}
