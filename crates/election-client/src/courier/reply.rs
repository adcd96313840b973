//! Reading answers: a backend's JSON to a GET, and a host portal's `delivery-result`.

use election_core::contract::{ErrorCode, SignedReceipt};

use super::Answer;
use crate::delivery::Outcome;
use crate::fetch::NetError;

/// Why the backend gave no answer, as the employee is told it.
pub fn unanswered(e: NetError) -> String {
    match e {
        NetError::Timeout { .. } => e.to_string(),
        NetError::Unreachable => "could not reach the backend (no connection, a wrong address, or the backend does not allow this page: CORS)".to_owned(),
    }
}

/// A backend's JSON answer to a GET, or a sentence naming `what` could not be read.
pub fn read_json<T: serde::de::DeserializeOwned>(
    answer: Result<Answer, NetError>,
    what: &str,
) -> Result<T, String> {
    let answer = answer.map_err(unanswered)?;
    if answer.status != 200 {
        return Err(format!("{what} could not be read (HTTP {})", answer.status));
    }
    serde_json::from_slice(answer.body.as_bytes())
        .map_err(|e| format!("{what} could not be read: {e}"))
}

/// A host's `delivery-result` message (other members, such as `type`, are ignored).
#[derive(serde::Deserialize)]
struct Reply {
    receipt: Option<SignedReceipt>,
    error: Option<ReplyError>,
    #[serde(default)]
    retry: bool,
}

#[derive(serde::Deserialize, Default)]
struct ReplyError {
    #[serde(default)]
    code: String,
    #[serde(default)]
    message: String,
}

/// A host's `delivery-result` message: a receipt, or an error (retried when the host
/// says it may be).
pub fn reply_outcome(text: &str) -> Outcome {
    let reply = match serde_json::from_slice::<Reply>(text.as_bytes()) {
        Ok(reply) => reply,
        Err(e) => {
            return Outcome::Retry {
                reason: format!("the portal's answer could not be read: {e}"),
                after_ms: None,
            }
        }
    };
    if let Some(receipt) = reply.receipt {
        return Outcome::Receipt(Box::new(receipt), None);
    }
    let error = reply.error.unwrap_or_default();
    let message = match error.message {
        m if m.is_empty() => "the portal could not deliver the election".to_owned(),
        m => m,
    };
    if reply.retry {
        Outcome::Retry {
            reason: message,
            after_ms: None,
        }
    } else {
        Outcome::Rejected {
            code: match error.code {
                c if c.is_empty() => ErrorCode::PortalRefused,
                c => ErrorCode::from(c),
            },
            message,
            details: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use election_core::contract::{ElectionHistory, OfferInfo};

    #[test]
    fn a_backends_answers_to_gets() {
        let answer = |status, body: &str| {
            Ok(Answer {
                status,
                retry_after: None,
                body: body.to_owned(),
            })
        };
        assert_eq!(
            read_json::<election_core::contract::ServerTime>(
                answer(200, r#"{"now_ms": 5}"#),
                "the time"
            ),
            Ok(election_core::contract::ServerTime { now_ms: 5 })
        );
        assert_eq!(
            read_json::<OfferInfo>(answer(503, ""), "the backend's description"),
            Err("the backend's description could not be read (HTTP 503)".to_owned())
        );
        let garbage = read_json::<ElectionHistory>(answer(200, "<html>"), "your record");
        assert!(garbage.is_err_and(|e| e.starts_with("your record could not be read: ")));
        assert_eq!(
            read_json::<OfferInfo>(Err(NetError::Timeout { seconds: 15 }), "x"),
            Err("no answer within 15 seconds".to_owned())
        );
        let unreachable = read_json::<OfferInfo>(Err(NetError::Unreachable), "x");
        assert!(unreachable.is_err_and(|e| e.starts_with("could not reach the backend")));
    }

    #[test]
    fn a_portals_answers() {
        assert!(matches!(
            reply_outcome(r#"{"type":"election-widget:delivery-result","idempotency_key":"k","error":{"code":"backend_down","message":"try later"},"retry":true}"#),
            Outcome::Retry { ref reason, .. } if reason == "try later"
        ));
        assert_eq!(
            reply_outcome(r#"{"error":{"code":"not_eligible","message":"no"}}"#),
            Outcome::Rejected {
                code: ErrorCode::Other("not_eligible".into()),
                message: "no".into(),
                details: Vec::new()
            }
        );
        assert!(matches!(
            reply_outcome("{}"),
            Outcome::Rejected {
                code: ErrorCode::PortalRefused,
                ..
            }
        ));
        assert!(matches!(
            reply_outcome(r#"{"receipt":{"receipt":1}}"#),
            Outcome::Retry { ref reason, .. } if reason.starts_with("the portal's answer could not be read")
        ));
        assert!(matches!(reply_outcome("not json"), Outcome::Retry { .. }));
    }
}
