//! What a handler takes from a request, each refusal already the contract's error:
//! [`ReceivedAt`] (the receiver's clock when the request arrived), [`Employee`] (who the
//! bearer token authenticates) and [`Contract`] (a JSON body of the contract's shape).
//! Handlers list them in this order, so a request is timed before anything is checked,
//! and its credentials are checked before its body is read.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use chrono::{DateTime, Utc};
use election_core::contract::ErrorCode;
use serde::de::DeserializeOwned;
use sha2::{Digest as _, Sha256};

use super::error::ApiError;
use super::AppState;

/// The receiver's clock when the request arrived: it decides whether an election was on
/// time, however long its body, checks and commit take.
pub struct ReceivedAt(pub DateTime<Utc>);

impl FromRequestParts<Arc<AppState>> for ReceivedAt {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        _: &mut Parts,
        app: &Arc<AppState>,
    ) -> Result<Self, Self::Rejection> {
        Ok(ReceivedAt(app.clock.now()))
    }
}

/// The employee a request's bearer token authenticates: a static token from the
/// settings, or a JWT from the company's identity provider (`auth.rs`). Authenticating
/// employees is the company's job; this is the integration point (docs/PROTOCOL.md,
/// "Authentication").
pub struct Employee(pub String);

impl FromRequestParts<Arc<AppState>> for Employee {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &Arc<AppState>) -> Result<Self, ApiError> {
        let token = bearer(parts)?;
        // Looked up by hash, so the comparison does not leak the token through timing.
        if let Some(employee) = app.tokens.get(&hash(token)) {
            return Ok(Employee(employee.clone()));
        }
        let Some(verifier) = &app.verifier else {
            return Err(unauthorized("The token is not known"));
        };
        let identity = verifier.verify(token).await?;
        identity.employee.map(Employee).ok_or_else(|| {
            ApiError::new(
                ErrorCode::TokenNoEmployee,
                format!(
                    "The token is valid but names no employee of this offer: its {:?} claim is missing or maps to none.",
                    verifier.settings().employee_claim
                ),
            )
        })
    }
}

/// HR, by one of HR's static tokens or a JWT carrying the HR role; the subject, for the
/// log. An employee's credentials are refused (`hr_role_required`).
pub struct Hr(pub String);

impl FromRequestParts<Arc<AppState>> for Hr {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &Arc<AppState>) -> Result<Self, ApiError> {
        let token = bearer(parts)?;
        let hashed = hash(token);
        if app.hr_tokens.contains(&hashed) {
            return Ok(Hr("an HR token".to_owned()));
        }
        let not_hr = || {
            ApiError::new(
                ErrorCode::HrRoleRequired,
                "This is HR's; the credentials are not HR's.",
            )
        };
        if app.tokens.contains_key(&hashed) {
            return Err(not_hr());
        }
        let Some(verifier) = &app.verifier else {
            return Err(unauthorized("The token is not known"));
        };
        let identity = verifier.verify(token).await?;
        identity
            .hr
            .then_some(Hr(identity.subject))
            .ok_or_else(not_hr)
    }
}

fn unauthorized(why: &str) -> ApiError {
    ApiError::new(
        ErrorCode::Unauthorized,
        format!("{why}: send Authorization: Bearer <the employee's token>."),
    )
}

/// The bearer token of a request.
fn bearer(parts: &Parts) -> Result<&str, ApiError> {
    let value = parts
        .headers
        .get(header::AUTHORIZATION)
        .ok_or_else(|| unauthorized("No credentials"))?;
    value
        .to_str()
        .ok()
        .and_then(bearer_token)
        .map(str::trim)
        .ok_or_else(|| unauthorized("The credentials are not a bearer token"))
}

fn hash(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

/// The token of `Bearer <token>`; the scheme is case-insensitive (RFC 9110 §11.1).
fn bearer_token(credentials: &str) -> Option<&str> {
    let (scheme, token) = credentials.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("Bearer")
        .then_some(token.trim_start_matches(' '))
}

/// A body of the contract: sent as `application/json`, within the size limit, arrived in
/// time, and of `T`'s shape; each failure is named with the contract's code.
pub struct Contract<T>(pub T);

impl<T: DeserializeOwned> FromRequest<Arc<AppState>> for Contract<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, app: &Arc<AppState>) -> Result<Self, ApiError> {
        let content_type = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        let essence = content_type.split(';').next().unwrap_or("").trim();
        if !essence.eq_ignore_ascii_case("application/json") {
            return Err(ApiError::new(
                ErrorCode::UnsupportedMediaType,
                format!("The body must be sent as application/json, not {content_type:?}."),
            ));
        }
        let max = app.max_body_bytes;
        let bytes = Bytes::from_request(request, app)
            .await
            .map_err(|rejection| {
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
        serde_json::from_slice(&bytes).map(Contract).map_err(|e| {
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
}
