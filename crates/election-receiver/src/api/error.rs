//! The API's errors as types: every refusal is an [`ApiError`] with the contract's code,
//! a sentence and the status the contract gives the code. What went wrong inside (a
//! database error, a tampered record) is never sent to the client: it rides on the
//! response as an [`ErrorCause`] for the logging middleware (`observe.rs`) to write with
//! the request's id.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use election_core::contract::{ErrorBody, ErrorCode, ErrorDetail, Mismatch, SignedReceipt};

use crate::auth::TokenError;
use crate::store::{AppendOutcome, StoreError};

/// An error answer: stable code, message, details and (for late elections) the receipt
/// that proves when it arrived.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    /// Boxed: errors travel up through every handler's `Result`, which stays small.
    body: Box<ErrorBody>,
    /// What the operator must know, logged and never answered.
    cause: Option<String>,
}

/// The inside story of an error answer, for the log.
#[derive(Debug, Clone)]
pub struct ErrorCause(pub String);

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
            cause: None,
        }
    }

    pub fn details(mut self, details: Vec<String>) -> ApiError {
        self.body.error.details = details;
        self
    }

    /// With the receipt that proves when a refused election arrived.
    pub fn receipt(mut self, receipt: SignedReceipt) -> ApiError {
        self.body.receipt = Some(receipt);
        self
    }

    /// With what the operator must know (logged with the request, never answered).
    pub fn cause(mut self, cause: impl Into<String>) -> ApiError {
        self.cause = Some(cause.into());
        self
    }

    pub fn code(&self) -> &ErrorCode {
        &self.body.error.code
    }

    /// The refusal of an election that does not match the offer `offer_id` or the
    /// employee's grants.
    pub fn mismatch(mismatch: Mismatch, offer_id: &str) -> ApiError {
        match mismatch {
            Mismatch::UnknownOffer(id) => ApiError::new(
                ErrorCode::UnknownOffer,
                format!("This receiver takes elections for {offer_id}, not {id}."),
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
            Mismatch::Rules { code, problems } => ApiError::new(
                code,
                "The election breaks the offer's rules or does not match the employee's grants; each problem is listed, and the code names the first.",
            )
            .details(problems),
        }
    }
}

impl AppendOutcome {
    /// The receipt of an election stored now (`false`) or before (`true`, a retry), or
    /// the store's refusal as the API's error.
    pub fn into_receipt(self) -> ApiResult<(SignedReceipt, bool)> {
        Err(match self {
            AppendOutcome::Stored(receipt) => return Ok((receipt, false)),
            AppendOutcome::Replayed(receipt) => return Ok((receipt, true)),
            AppendOutcome::IdempotencyConflict => ApiError::new(
                ErrorCode::IdempotencyKeyReused,
                "This idempotency key was used for a different election; each election needs its own key.",
            ),
            AppendOutcome::NonceReplayed => ApiError::new(
                ErrorCode::NonceReplayed,
                "This nonce was used by another election: the election looks replayed.",
            ),
            AppendOutcome::SequenceNotIncreasing { latest } => ApiError::new(
                ErrorCode::SequenceNotIncreasing,
                format!("The receiver already has election {latest} from this employee; a change needs a higher sequence number."),
            ),
        })
    }
}

impl From<TokenError> for ApiError {
    fn from(e: TokenError) -> Self {
        let code = match &e {
            TokenError::Malformed(_) => ErrorCode::TokenMalformed,
            TokenError::Unsigned => ErrorCode::TokenUnsigned,
            TokenError::AlgorithmRefused(_) => ErrorCode::TokenAlgorithmRefused,
            TokenError::UnknownKey(_) => ErrorCode::TokenUnknownKey,
            TokenError::BadSignature => ErrorCode::TokenBadSignature,
            TokenError::Expired => ErrorCode::TokenExpired,
            TokenError::NotYetValid => ErrorCode::TokenNotYetValid,
            TokenError::WrongIssuer => ErrorCode::TokenWrongIssuer,
            TokenError::WrongAudience => ErrorCode::TokenWrongAudience,
            TokenError::Unavailable(why) => {
                return ApiError::new(ErrorCode::IdentityProviderUnavailable, e.to_string())
                    .cause(format!("identity provider: {why}"))
            }
        };
        ApiError::new(code, e.to_string())
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        ApiError::new(
            ErrorCode::StorageUnavailable,
            "The election could not be stored just now; nothing was recorded. Try again.",
        )
        .cause(format!("storage error: {e}"))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status, Json(&*self.body)).into_response();
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
            .extensions_mut()
            .insert(self.body.error.code.clone());
        if let Some(cause) = self.cause {
            response.extensions_mut().insert(ErrorCause(cause));
        }
        response
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
