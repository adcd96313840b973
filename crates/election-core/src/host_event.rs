//! The events the widget tells the page that embeds it (docs/EMBEDDING.md, "Events"):
//! tagged enums (the page's events, and signing and delivery's), so a new event or field
//! is a change to these types and their documentation, not a string written at a call
//! site. Every event is sent as one JSON object `{"schema": 1, "type": "<kind>",
//! …fields}`; the element dispatches it as a `CustomEvent` named
//! `election-widget:<kind>`, the frame posts it to its parent.

use serde::Serialize;
use serde_json::Value;

use crate::contract::{SignedElection, SignedReceipt, Timeliness};

/// The version of the event shape. A host should check it before reading the rest.
pub const EVENT_SCHEMA: u64 = 1;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum HostEvent {
    /// The offer and the employee's grants loaded and are shown.
    Ready {
        offer_id: String,
        offer_version: u64,
        employee_id: String,
        grants: usize,
    },
    /// What could not be loaded, or (with `recoverable`) what a link asked for and was
    /// refused while the widget still loads with the deployment's settings.
    LoadError {
        problems: Vec<LoadProblem>,
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        recoverable: bool,
    },
    /// The employee changed their picks or acknowledgments.
    DraftChanged {
        offer_id: String,
        employee_id: String,
        picked: Vec<String>,
        acknowledged: Vec<String>,
    },
    /// The documents acknowledged, each with the digest of the text acknowledged.
    AcknowledgmentChanged { acknowledged: Vec<Acknowledged> },
    /// The deadline passed on the trusted clock: the widget is locked.
    OfferExpired { deadline: String },
}

/// The events of signing and delivery, sent like every other (`{"schema": 1, "type":
/// kind, …fields}`). A type of their own so that the first screen's code, which sends
/// the page's events, carries no serializer of a signed election or a receipt: those are
/// written by the code that signs and delivers, which loads after the first render.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum DeliveryEvent {
    /// An election was signed and stored in the outbox (before any sending).
    ElectionSigned {
        offer_id: String,
        employee_id: String,
        sequence: u64,
        idempotency_key: String,
        payload_hash: String,
        withdrawal: bool,
        signed_election: Box<SignedElection>,
    },
    /// A receipt came back for an election.
    ElectionDelivered {
        offer_id: String,
        employee_id: String,
        sequence: u64,
        idempotency_key: String,
        timeliness: Timeliness,
        /// Whether the receipt's signature verified with the receiver's key.
        verified: bool,
        receipt: Box<SignedReceipt>,
    },
}

/// One input's problems in a `load-error`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LoadProblem {
    /// `offer`, `holder` or `settings`.
    pub file: &'static str,
    /// Where the input came from (a URL, `inline`, or the setting's name).
    pub location: String,
    pub kind: ProblemKind,
    pub problems: Vec<ProblemDetail>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProblemKind {
    /// The file could not be fetched.
    Unreachable,
    /// A setting is wrong (a preview moment that cannot be read, say).
    Setting,
    /// The file was read and breaks the schema or the rules.
    Invalid,
    /// A link asked for something it may not set.
    Refused,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProblemDetail {
    /// Where in the file, as a JSON path (`invalid` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Acknowledged {
    pub document_id: String,
    pub digest: String,
}

/// Every kind of event, as sent (the DOM event's type is `election-widget:<kind>`).
pub const KINDS: [&str; 7] = [
    "ready",
    "load-error",
    "draft-changed",
    "acknowledgment-changed",
    "election-signed",
    "election-delivered",
    "offer-expired",
];

/// An event the widget sends its host: its kind and its text as sent.
pub trait Event: Serialize {
    /// The event's kind, as sent in `type` (one of [`KINDS`]).
    fn kind(&self) -> &'static str;

    /// The event as sent, as JSON text: `{"schema": 1, "type": kind, …fields}`. Written
    /// straight to text (not through a `Value`, which would bring a second serializer of
    /// every contract type into the widget's bundle).
    fn to_json(&self) -> String {
        match serde_json::to_string(self) {
            Ok(text) => match text.strip_prefix('{') {
                Some(fields) => format!("{{\"schema\":{EVENT_SCHEMA},{fields}"),
                None => text,
            },
            // Not reachable for these types (no maps with non-string keys); said, not
            // sent empty.
            Err(e) => format!(
                "{{\"schema\":{EVENT_SCHEMA},\"type\":\"{}\",\"error\":{}}}",
                self.kind(),
                Value::String(e.to_string())
            ),
        }
    }

    /// The event as sent: its fields with `type` and `schema`.
    fn to_value(&self) -> Value {
        let mut value = match serde_json::to_value(self) {
            Ok(value) => value,
            // Not reachable for these types (no maps with non-string keys); said, not
            // sent empty.
            Err(e) => serde_json::json!({ "type": self.kind(), "error": e.to_string() }),
        };
        if let Some(object) = value.as_object_mut() {
            object.insert("schema".to_owned(), Value::from(EVENT_SCHEMA));
        }
        value
    }
}

impl Event for HostEvent {
    fn kind(&self) -> &'static str {
        KINDS[match self {
            HostEvent::Ready { .. } => 0,
            HostEvent::LoadError { .. } => 1,
            HostEvent::DraftChanged { .. } => 2,
            HostEvent::AcknowledgmentChanged { .. } => 3,
            HostEvent::OfferExpired { .. } => 6,
        }]
    }
}

impl Event for DeliveryEvent {
    fn kind(&self) -> &'static str {
        KINDS[match self {
            DeliveryEvent::ElectionSigned { .. } => 4,
            DeliveryEvent::ElectionDelivered { .. } => 5,
        }]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_sent_is_the_event_with_its_schema() {
        let event = HostEvent::OfferExpired {
            deadline: "2001-09-27T23:59:00-04:00".into(),
        };
        let sent: Value = serde_json::from_str(&event.to_json()).expect("JSON");
        assert_eq!(sent, event.to_value());
        assert!(event
            .to_json()
            .starts_with(r#"{"schema":1,"type":"offer-expired""#));
    }

    #[test]
    fn each_event_carries_its_kind_and_the_schema() {
        let event = HostEvent::OfferExpired {
            deadline: "2001-09-27T23:59:00-04:00".into(),
        };
        assert_eq!(
            event.to_value(),
            serde_json::json!({ "schema": 1, "type": "offer-expired", "deadline": "2001-09-27T23:59:00-04:00" })
        );
        let ready = HostEvent::Ready {
            offer_id: "o".into(),
            offer_version: 2,
            employee_id: "e".into(),
            grants: 3,
        };
        assert_eq!(ready.to_value()["type"], ready.kind());
        assert_eq!(ready.to_value()["grants"], 3);
    }

    #[test]
    fn recoverable_only_when_it_is() {
        let problem = LoadProblem {
            file: "settings",
            location: "?time".into(),
            kind: ProblemKind::Refused,
            problems: vec![ProblemDetail {
                path: None,
                message: "no".into(),
            }],
        };
        let refused = HostEvent::LoadError {
            problems: vec![problem],
            recoverable: true,
        };
        assert_eq!(
            refused.to_value(),
            serde_json::json!({ "schema": 1, "type": "load-error", "recoverable": true,
                "problems": [{ "file": "settings", "location": "?time", "kind": "refused", "problems": [{ "message": "no" }] }] })
        );
        let failed = HostEvent::LoadError {
            problems: vec![],
            recoverable: false,
        };
        assert!(failed.to_value().get("recoverable").is_none());
    }

    #[test]
    fn each_page_event_names_its_own_kind() {
        let events = [
            HostEvent::Ready {
                offer_id: "o".into(),
                offer_version: 1,
                employee_id: "e".into(),
                grants: 0,
            },
            HostEvent::LoadError {
                problems: vec![],
                recoverable: false,
            },
            HostEvent::DraftChanged {
                offer_id: "o".into(),
                employee_id: "e".into(),
                picked: vec![],
                acknowledged: vec![],
            },
            HostEvent::AcknowledgmentChanged {
                acknowledged: vec![],
            },
            HostEvent::OfferExpired {
                deadline: "d".into(),
            },
        ];
        for event in events {
            assert_eq!(event.to_value()["type"], event.kind());
        }
    }

    #[test]
    fn the_kinds_are_the_documented_ones() {
        let doc = include_str!("../../../docs/EMBEDDING.md");
        for kind in KINDS {
            assert!(
                doc.contains(&format!("`{kind}`"))
                    || doc.contains(&format!("election-widget:{kind}")),
                "EMBEDDING.md does not document {kind}"
            );
        }
    }
}
