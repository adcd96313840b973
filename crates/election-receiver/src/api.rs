//! The HTTP interface (`docs/PROTOCOL.md`): every answer is JSON, every error has a stable
//! code, a sentence, and an HTTP status that tells a client whether to retry (5xx, 429)
//! or not (other 4xx).

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, FixedOffset};
use election_core::contract::{
    check_against, governing, payload_hash, payload_problems, receipt_time, verify_election_by,
    verify_receipt, Backend, ElectionEntry, ElectionHistory, ErrorBody, ErrorCode, ErrorDetail,
    Governs, KeyRegistration, Mismatch, OfferInfo, PublicJwk, ReceiptVerification, ReceiverKey,
    RegisteredKey, ServerTime, SignedCheckpoint, SignedElection, SignedReceipt, SubmitResponse,
    Timeliness, CONTRACT_HEADER, CONTRACT_VERSION_2,
};
use election_core::disclosure::Disclosure;
use election_core::{Holder, Offer};
use serde::de::DeserializeOwned;
use sha2::{Digest as _, Sha256};
use tower_http::cors::{AllowOrigin, CorsLayer};

use crate::clock::Clock;
use crate::notary::{Notary, Submission};
use crate::store::{AppendOutcome, KeyOutcome, Store, StoreError};

/// Everything a request may need.
pub struct AppState {
    pub offer: Offer,
    /// The offer file as served, byte for byte.
    pub offer_json: String,
    pub disclosure_digest: String,
    /// The offer's legal-text digests, computed once.
    pub disclosure: Disclosure,
    pub holders: HashMap<String, Holder>,
    /// SHA-256 of each bearer token → the employee it authenticates.
    pub tokens: HashMap<[u8; 32], String>,
    pub notary: Arc<Notary>,
    pub store: Store,
    pub clock: Clock,
    pub max_body_bytes: usize,
    /// Verifies elections (the notary's signer signs receipts with the same).
    pub crypto: Backend,
    /// Registered keys already read: key id → (employee, key). A registration is never
    /// changed or removed (the store refuses it), so a key read once stays true; a key
    /// another instance registers is read from the store the first time it is used.
    pub keys: RwLock<HashMap<String, (String, PublicJwk)>>,
}

impl AppState {
    fn deadline(&self) -> DateTime<FixedOffset> {
        self.notary.deadline
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

/// An error answer: stable code, message, details and (for late elections) the receipt
/// that proves when it arrived. The status is the one the contract gives the code.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    /// Boxed: errors travel up through every handler's `Result`, which stays small.
    body: Box<ErrorBody>,
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> ApiError {
        // Every code the receiver answers with has its status in the contract; one
        // without (the device's, an unknown one) would be a bug here: a server error.
        let status = code
            .status()
            .and_then(|s| StatusCode::from_u16(s).ok())
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        ApiError {
            status,
            body: Box::new(ErrorBody {
                error: ErrorDetail {
                    code,
                    message: message.into(),
                    details: Vec::new(),
                },
                receipt: None,
            }),
        }
    }

    fn details(mut self, details: Vec<String>) -> ApiError {
        self.body.error.details = details;
        self
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        eprintln!("election-receiver: storage error: {e}");
        ApiError::new(
            ErrorCode::StorageUnavailable,
            "The election could not be stored just now; nothing was recorded. Try again.",
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status, Json(*self.body)).into_response();
        if self.status == StatusCode::SERVICE_UNAVAILABLE {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        }
        if self.status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

type ApiResult<T> = Result<T, ApiError>;

/// The router, with CORS for `allowed_origins` and bodies limited to `max_body_bytes`.
pub fn router(state: Arc<AppState>, allowed_origins: &[String], max_body_bytes: usize) -> Router {
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
        .expose_headers([header::RETRY_AFTER, header::DATE])
        .max_age(Duration::from_secs(600));
    Router::new()
        .route("/v1/time", get(time))
        .route("/v1/offer", get(offer_info))
        .route("/v1/offer/document", get(offer_document))
        .route("/v1/checkpoint", get(checkpoint))
        .route("/v1/keys", post(register_key))
        .route("/v1/elections", post(submit).get(history))
        .route("/v1/receipts/verify", post(verify))
        .route("/v1/health", get(health))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(max_body_bytes))
        .layer(cors)
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

async fn health(State(app): State<Arc<AppState>>) -> ApiResult<Json<serde_json::Value>> {
    app.store.key("health-check").await?;
    Ok(Json(serde_json::json!({
        "status": "ok",
        "database": app.store.backend(),
        "preview_clock": app.clock.is_preview(),
    })))
}

/// The employee a request's bearer token authenticates. Authenticating employees is the
/// company's job; this is the integration point (docs/PROTOCOL.md, "Authentication").
fn employee(app: &AppState, headers: &HeaderMap) -> ApiResult<String> {
    let unauthorized = |why: &str| {
        ApiError::new(
            ErrorCode::Unauthorized,
            format!("{why}: send Authorization: Bearer <the employee's token>."),
        )
    };
    let value = headers
        .get(header::AUTHORIZATION)
        .ok_or_else(|| unauthorized("No credentials"))?;
    let token = value
        .to_str()
        .ok()
        .and_then(bearer_token)
        .ok_or_else(|| unauthorized("The credentials are not a bearer token"))?;
    // Looked up by hash, so the comparison does not leak the token through timing.
    let hash: [u8; 32] = Sha256::digest(token.trim().as_bytes()).into();
    app.tokens
        .get(&hash)
        .cloned()
        .ok_or_else(|| unauthorized("The token is not known"))
}

/// The token of `Bearer <token>`; the scheme is case-insensitive (RFC 9110 §11.1).
fn bearer_token(credentials: &str) -> Option<&str> {
    let (scheme, token) = credentials.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("Bearer")
        .then_some(token.trim_start_matches(' '))
}

/// The body as `T`, with the content type and size checked and every failure named.
fn json_body<T: DeserializeOwned>(
    headers: &HeaderMap,
    body: Result<Bytes, BytesRejection>,
    max: usize,
) -> ApiResult<T> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let essence = content_type.split(';').next().unwrap_or("").trim();
    if !essence.eq_ignore_ascii_case("application/json") {
        return Err(ApiError::new(
            ErrorCode::UnsupportedMediaType,
            format!("The body must be sent as application/json, not {content_type:?}."),
        ));
    }
    let bytes = body.map_err(|rejection| {
        if crate::server::is_body_timeout(&rejection) {
            ApiError::new(
                ErrorCode::RequestTimeout,
                "The body did not arrive in time; nothing was recorded. Send it again.",
            )
        } else if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(
                ErrorCode::BodyTooLarge,
                format!("The body is larger than the {max} bytes this receiver accepts."),
            )
        } else {
            ApiError::new(
                ErrorCode::UnreadableBody,
                format!("The body could not be read: {rejection}"),
            )
        }
    })?;
    serde_json::from_slice(&bytes).map_err(|e| {
        use serde_json::error::Category;
        match e.classify() {
            Category::Syntax | Category::Eof | Category::Io => ApiError::new(
                ErrorCode::MalformedJson,
                format!("The body is not valid JSON: {e}."),
            ),
            Category::Data => ApiError::new(
                ErrorCode::InvalidPayload,
                format!("The body does not have the contract's shape: {e}."),
            ),
        }
    })
}

async fn register_key(
    State(app): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let employee = employee(&app, &headers)?;
    let registration: KeyRegistration = json_body(&headers, body, app.max_body_bytes)?;
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
    match app.store.register_key(&employee, &jwk, &now).await? {
        KeyOutcome::Registered { registered_at } => Ok((
            StatusCode::CREATED,
            Json(RegisteredKey {
                employee_id: employee,
                key_id,
                registered_at,
            }),
        )
            .into_response()),
        KeyOutcome::AlreadyRegistered { registered_at } => Ok(Json(RegisteredKey {
            employee_id: employee,
            key_id,
            registered_at,
        })
        .into_response()),
        KeyOutcome::TakenBy(_) => Err(ApiError::new(
            ErrorCode::KeyInUse,
            "This key is registered to another employee; make a new key.",
        )),
    }
}

async fn submit(
    State(app): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    // The receive time is taken first: the time the request arrived decides whether the
    // election was on time, however long the checks and the commit take.
    let received_at = app.clock.now();
    let employee = employee(&app, &headers)?;
    let signed: SignedElection = json_body(&headers, body, app.max_body_bytes)?;
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
    let Some((owner, jwk)) = app.key(&payload.key_id).await? else {
        return Err(ApiError::new(
            ErrorCode::UnknownKey,
            "The signing key is not registered; register it with POST /v1/keys first.",
        ));
    };
    if owner != employee {
        return Err(ApiError::new(
            ErrorCode::UnknownKey,
            "The signing key is not registered to this employee.",
        ));
    }
    let payload_hash = match verify_election_by(app.crypto, &signed, &jwk) {
        Ok(hash) => hash,
        Err(e) => {
            return Err(ApiError::new(
                ErrorCode::BadSignature,
                format!("The signature does not verify: {e}."),
            ))
        }
    };
    let Some(holder) = app.holders.get(&employee) else {
        return Err(ApiError::new(
            ErrorCode::UnknownEmployee,
            "This receiver has no grants for the employee.",
        ));
    };
    if let Err(mismatch) = check_against(&app.offer, &app.disclosure, holder, payload) {
        return Err(match mismatch {
            Mismatch::UnknownOffer(id) => ApiError::new(
                ErrorCode::UnknownOffer,
                format!("This receiver takes elections for {}, not {id}.", app.offer.id),
            ),
            Mismatch::StaleVersion { sent, current } => ApiError::new(
                ErrorCode::StaleOfferVersion,
                format!("The election is for version {sent} of the offer; the offer is now at version {current}. Reload the offer, review it and sign again."),
            ),
            Mismatch::Disclosure { sent, current } => ApiError::new(
                ErrorCode::DisclosureMismatch,
                format!("The election was made on texts with digest {sent}; the offer's texts have digest {current}. Reload the offer and review it."),
            ),
            Mismatch::NotAcknowledged(documents) => ApiError::new(
                ErrorCode::NotAcknowledged,
                "Every document of the offer must be acknowledged as it stands.",
            )
            .details(documents),
            Mismatch::IneligibleGrantDecision { grants, reasons } => ApiError::new(
                ErrorCode::IneligibleGrantDecision,
                format!(
                    "Decisions are for eligible grants only, and these are not eligible: {}. Leave them out of the election.",
                    reasons.join("; ")
                ),
            )
            .details(grants),
            Mismatch::Rules(problems) => ApiError::new(
                ErrorCode::InvalidElection,
                "The election breaks the offer's rules or does not match the employee's grants.",
            )
            .details(problems),
        });
    }
    let submission = Submission::new(signed, payload_hash, received_at, app.deadline());
    let appended = app.store.append_with_checkpoint(submission).await?;
    let (receipt, replayed) = match appended.outcome {
        AppendOutcome::Stored(receipt) => (receipt, false),
        AppendOutcome::Replayed(receipt) => (receipt, true),
        AppendOutcome::IdempotencyConflict => {
            return Err(ApiError::new(
                ErrorCode::IdempotencyKeyReused,
                "This idempotency key was used for a different election; each election needs its own key.",
            ))
        }
        AppendOutcome::NonceReplayed => {
            return Err(ApiError::new(
                ErrorCode::NonceReplayed,
                "This nonce was used by another election: the election looks replayed.",
            ))
        }
        AppendOutcome::SequenceNotIncreasing { latest } => {
            return Err(ApiError::new(
                ErrorCode::SequenceNotIncreasing,
                format!("The receiver already has election {latest} from this employee; a change needs a higher sequence number."),
            ))
        }
    };
    if receipt.receipt.timeliness == Timeliness::Late {
        let mut error = ApiError::new(
            ErrorCode::DeadlinePassed,
            format!(
                "The election arrived at {} after the deadline ({}). It is recorded as late and does not count; the last election received on time governs.",
                receipt.receipt.received_at, receipt.receipt.deadline
            ),
        );
        error.body.receipt = Some(receipt);
        return Err(error);
    }
    let status = if replayed {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    // Only a client that asked for the second version gets the checkpoint: a first-version
    // client refuses unknown fields, and would take the answer for a failure and retry.
    let checkpoint = appended.checkpoint.filter(|_| wants_contract_2(&headers));
    Ok((
        status,
        Json(SubmitResponse {
            receipt,
            replayed,
            checkpoint,
        }),
    )
        .into_response())
}

async fn history(State(app): State<Arc<AppState>>, headers: HeaderMap) -> ApiResult<Response> {
    let employee = employee(&app, &headers)?;
    let history = app.store.history(&app.offer.id, &employee).await?;
    if let Some(why) = history.iter().find_map(altered) {
        eprintln!(
            "election-receiver: STORE INTEGRITY: employee {employee}: {why}; run verify-chain"
        );
        return Err(ApiError::new(
            ErrorCode::StoreIntegrity,
            "The receiver's record of your elections does not match the receipts it issued, so it shows none rather than a wrong one. The receiver's operator has been alerted; your receipts still prove what you sent.",
        )
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
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Json<ReceiptVerification>> {
    let receipt: SignedReceipt = json_body(&headers, body, app.max_body_bytes)?;
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
