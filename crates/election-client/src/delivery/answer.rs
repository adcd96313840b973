//! A backend's answer to one attempt (a receipt, a refusal, or "try again"), and when to
//! try again.

use election_core::contract::{
    ErrorBody, ErrorCode, SignedCheckpoint, SignedReceipt, SubmitResponse,
};

/// The first retry waits about this long; each later one about twice as long as the last.
pub const BACKOFF_BASE_MS: f64 = 1_000.0;
/// No retry waits longer than this (however many attempts failed).
pub const BACKOFF_CAP_MS: f64 = 5.0 * 60_000.0;
/// A backend's `Retry-After` is honoured up to this long.
pub const RETRY_AFTER_CAP_MS: f64 = 60.0 * 60_000.0;

/// What one delivery attempt came to.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// A receipt (on time, or late: a late election is stored and never governs).
    /// With the checkpoint of the receiver's chain that includes it, when the answer
    /// carries one (contract 2).
    Receipt(Box<SignedReceipt>, Option<Box<SignedCheckpoint>>),
    /// Refused for good.
    Rejected {
        code: ErrorCode,
        message: String,
        details: Vec<String>,
    },
    /// Worth trying again; `after_ms` is the backend's `Retry-After`, if it gave one.
    Retry {
        reason: String,
        after_ms: Option<f64>,
    },
}

/// Reads a backend's answer to `POST /v1/elections`: 2xx with a receipt; 403
/// `deadline_passed` with the receipt of a late election; 408, 429 and 5xx (and an
/// unreadable 2xx, such as a captive portal's page) are retried; any other 4xx is
/// refused for good. `retry_after` is the raw header; `now_ms` dates an HTTP-date one.
pub fn classify(status: u16, body: &str, retry_after: Option<&str>, now_ms: f64) -> Outcome {
    let after_ms = retry_after.and_then(|h| parse_retry_after(h, now_ms));
    let error = serde_json::from_slice::<ErrorBody>(body.as_bytes()).ok();
    match status {
        200..=299 => match serde_json::from_slice::<SubmitResponse>(body.as_bytes()) {
            Ok(response) => Outcome::Receipt(
                Box::new(response.receipt),
                response.checkpoint.map(Box::new),
            ),
            Err(_) => Outcome::Retry {
                reason: format!("the backend answered HTTP {status} without a receipt"),
                after_ms,
            },
        },
        408 | 429 | 500..=599 => Outcome::Retry {
            reason: match &error {
                Some(e) => format!(
                    "the backend is unavailable (HTTP {status}: {})",
                    e.error.message
                ),
                None => format!("the backend is unavailable (HTTP {status})"),
            },
            after_ms,
        },
        _ => match error {
            Some(ErrorBody {
                receipt: Some(receipt),
                ..
            }) => Outcome::Receipt(Box::new(receipt), None),
            Some(e) => Outcome::Rejected {
                code: e.error.code,
                message: e.error.message,
                details: e.error.details,
            },
            None => Outcome::Rejected {
                code: ErrorCode::Other(format!("http_{status}")),
                message: format!("the backend refused the election (HTTP {status})"),
                details: Vec::new(),
            },
        },
    }
}

/// A `Retry-After` header: delay-seconds, or an HTTP-date (relative to `now_ms`).
pub fn parse_retry_after(header: &str, now_ms: f64) -> Option<f64> {
    let header = header.trim();
    if let Ok(seconds) = header.parse::<u32>() {
        return Some(f64::from(seconds) * 1000.0);
    }
    http_date_ms(header).map(|at| (at - now_ms).max(0.0))
}

/// An HTTP-date in its one current form (RFC 9110 IMF-fixdate), `Wed, 21 Oct 2015
/// 07:28:00 GMT`, as milliseconds since the epoch. (A full RFC 2822 parser would cost the
/// bundle more than this whole module.)
fn http_date_ms(text: &str) -> Option<f64> {
    let (_, rest) = text.split_once(", ")?;
    let mut parts = rest.split(' ');
    let (day, month, year, time, zone) = (
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
    );
    if zone != "GMT" || parts.next().is_some() {
        return None;
    }
    let month = election_core::display::MONTHS
        .iter()
        .position(|m| m.get(..3) == Some(month))?;
    let date =
        chrono::NaiveDate::from_ymd_opt(year.parse().ok()?, month as u32 + 1, day.parse().ok()?)?;
    let mut hms = time.split(':').map(|n| n.parse::<u32>().ok());
    let at = date.and_hms_opt(hms.next()??, hms.next()??, hms.next()??)?;
    Some(at.and_utc().timestamp_millis() as f64)
}

/// How long to wait before attempt `attempt + 1` after `attempt` failures: exponential
/// from [`BACKOFF_BASE_MS`], capped at [`BACKOFF_CAP_MS`], with jitter (`random` in
/// [0, 1) spreads it over its upper half, so a fleet of widgets does not retry in step);
/// a longer `Retry-After` from the backend wins, up to [`RETRY_AFTER_CAP_MS`].
pub fn backoff_ms(attempt: u32, random: f64, retry_after_ms: Option<f64>) -> f64 {
    let exp = BACKOFF_BASE_MS * 2f64.powi(attempt.saturating_sub(1).min(20) as i32);
    let ceiling = if exp > BACKOFF_CAP_MS {
        BACKOFF_CAP_MS
    } else {
        exp
    };
    // Not `f64::clamp`: its panic path brings float formatting into the bundle.
    #[allow(clippy::manual_clamp)]
    let random = if random.is_finite() {
        random.max(0.0).min(1.0)
    } else {
        0.5
    };
    let jittered = ceiling * (0.5 + random / 2.0);
    match retry_after_ms {
        Some(after) if after > jittered => {
            if after > RETRY_AFTER_CAP_MS {
                RETRY_AFTER_CAP_MS
            } else {
                after
            }
        }
        _ => jittered,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::delivery::fixtures::{checkpoint, entry, receipt_for};
    use election_core::contract::Timeliness;
    use serde_json::json;

    #[test]
    fn a_contract_2_answer_carries_its_checkpoint() {
        let e = entry(1);
        let receipt = receipt_for(&e, Timeliness::OnTime);
        let signed = SignedCheckpoint {
            checkpoint: checkpoint(1, "h", 1),
            signature: "a..b".into(),
        };
        let body = serde_json::to_string(&SubmitResponse {
            receipt: receipt.clone(),
            replayed: false,
            checkpoint: Some(signed.clone()),
        })
        .expect("json");
        assert_eq!(
            classify(200, &body, None, 0.0),
            Outcome::Receipt(Box::new(receipt.clone()), Some(Box::new(signed)))
        );
        let v1 = serde_json::to_string(&SubmitResponse {
            receipt: receipt.clone(),
            replayed: false,
            checkpoint: None,
        })
        .expect("json");
        assert_eq!(
            classify(200, &v1, None, 0.0),
            Outcome::Receipt(Box::new(receipt), None)
        );
    }

    #[test]
    fn answers_are_receipts_refusals_or_retries() {
        let e = entry(1);
        let receipt = receipt_for(&e, Timeliness::OnTime);
        let ok = serde_json::to_string(&SubmitResponse {
            receipt: receipt.clone(),
            replayed: false,
            checkpoint: None,
        })
        .expect("json");
        assert_eq!(
            classify(201, &ok, None, 0.0),
            Outcome::Receipt(Box::new(receipt.clone()), None)
        );
        assert_eq!(
            classify(200, &ok, None, 0.0),
            Outcome::Receipt(Box::new(receipt.clone()), None)
        );
        // A late election is stored and has a receipt, carried by a 403.
        let late = receipt_for(&e, Timeliness::Late);
        let body =
            json!({ "error": { "code": "deadline_passed", "message": "late" }, "receipt": late })
                .to_string();
        assert_eq!(
            classify(403, &body, None, 0.0),
            Outcome::Receipt(Box::new(late), None)
        );
        let refusal = json!({ "error": { "code": "invalid_election", "message": "no", "details": ["a", "b"] } }).to_string();
        assert_eq!(
            classify(422, &refusal, Some("5"), 0.0),
            Outcome::Rejected {
                code: ErrorCode::InvalidElection,
                message: "no".into(),
                details: vec!["a".into(), "b".into()]
            }
        );
        assert!(
            matches!(classify(404, "<html>", None, 0.0), Outcome::Rejected { ref code, .. } if code.as_str() == "http_404")
        );
        for status in [408, 429, 500, 502, 503, 504] {
            assert!(
                matches!(classify(status, "", None, 0.0), Outcome::Retry { .. }),
                "{status}"
            );
        }
        assert_eq!(
            classify(
                503,
                &json!({ "error": { "code": "storage_unavailable", "message": "db down" } })
                    .to_string(),
                Some("7"),
                0.0
            ),
            Outcome::Retry {
                reason: "the backend is unavailable (HTTP 503: db down)".into(),
                after_ms: Some(7000.0)
            }
        );
        // A 200 that is not a receipt (a captive portal's page): the election may not
        // have arrived, so it is sent again (safely: same idempotency key).
        assert!(matches!(
            classify(200, "<html>Sign in to Wi-Fi</html>", None, 0.0),
            Outcome::Retry { .. }
        ));
    }

    #[test]
    fn retry_after_in_seconds_or_as_a_date() {
        assert_eq!(parse_retry_after(" 120 ", 0.0), Some(120_000.0));
        let now = chrono::DateTime::parse_from_rfc3339("2015-10-21T07:27:00Z")
            .expect("date")
            .timestamp_millis() as f64;
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now),
            Some(60_000.0)
        );
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:20:00 GMT", now),
            Some(0.0)
        );
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-5", now), None);
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:00 UTC", now),
            None
        );
        assert_eq!(
            parse_retry_after("Wed, 21 Foo 2015 07:28:00 GMT", now),
            None
        );
        assert_eq!(
            parse_retry_after("Wed, 31 Feb 2015 07:28:00 GMT", now),
            None
        );
    }

    #[test]
    fn backoff_grows_is_capped_jittered_and_yields_to_retry_after() {
        assert_eq!(backoff_ms(1, 0.0, None), 500.0);
        assert_eq!(backoff_ms(1, 1.0, None), 1000.0);
        assert_eq!(backoff_ms(4, 1.0, None), 8000.0);
        for attempt in [10, 30, u32::MAX] {
            let d = backoff_ms(attempt, 0.999, None);
            assert!(
                (BACKOFF_CAP_MS / 2.0..=BACKOFF_CAP_MS).contains(&d),
                "{attempt}: {d}"
            );
        }
        assert_eq!(backoff_ms(1, f64::NAN, None), 750.0);
        assert_eq!(backoff_ms(1, 0.5, Some(30_000.0)), 30_000.0);
        assert_eq!(backoff_ms(6, 1.0, Some(1.0)), 32_000.0);
        assert_eq!(backoff_ms(1, 0.5, Some(1e12)), RETRY_AFTER_CAP_MS);
    }
}
