//! Events to the host page: what the employee does, told to the portal that embeds the
//! widget. One versioned shape (`docs/EMBEDDING.md`), whatever carries it: a DOM
//! `CustomEvent` on the `<election-widget>` element (or the page's host element), or a
//! `postMessage` to the parent of the embedding frame.
//!
//! Components call [`HostEvents::emit`]; what carries the event is decided by whoever
//! mounted the widget, so components stay free of browser code and testable natively.

use std::rc::Rc;

use serde_json::{json, Value};

/// The version of the event shape. A host should check it before reading the rest.
pub const EVENT_SCHEMA: u64 = 1;

/// Every event type, as sent. Names are kebab-case; the DOM event's type is
/// `election-widget:<name>`.
pub const EVENT_TYPES: &[&str] = &[
    "ready",
    "load-error",
    "draft-changed",
    "acknowledgment-changed",
    "election-signed",
    "election-delivered",
    "offer-expired",
];

type Sink = Rc<dyn Fn(&str, Value)>;

/// Where the widget's events go; nowhere by default (tests, server renders).
#[derive(Clone, Default)]
pub struct HostEvents(Option<Sink>);

impl HostEvents {
    pub fn new(sink: impl Fn(&str, Value) + 'static) -> Self {
        HostEvents(Some(Rc::new(sink)))
    }

    /// Sends `kind` with `fields` merged into the common envelope
    /// `{"schema": 1, "type": kind, …fields}`.
    pub fn emit(&self, kind: &str, fields: Value) {
        debug_assert!(EVENT_TYPES.contains(&kind), "undocumented event {kind}");
        if let Some(sink) = &self.0 {
            sink(kind, envelope(kind, fields));
        }
    }
}

/// The envelope every event has.
pub fn envelope(kind: &str, fields: Value) -> Value {
    let mut event = json!({ "schema": EVENT_SCHEMA, "type": kind });
    if let (Some(event), Value::Object(fields)) = (event.as_object_mut(), fields) {
        for (k, v) in fields {
            event.entry(k).or_insert(v);
        }
    }
    event
}

impl PartialEq for HostEvents {
    fn eq(&self, other: &Self) -> bool {
        match (&self.0, &other.0) {
            (None, None) => true,
            (Some(a), Some(b)) => Rc::ptr_eq(a, b),
            _ => false,
        }
    }
}

impl std::fmt::Debug for HostEvents {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() {
            "HostEvents(sink)"
        } else {
            "HostEvents(none)"
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;

    #[test]
    fn every_event_has_the_envelope_and_fields_cannot_override_it() {
        let seen = Rc::new(RefCell::new(Vec::new()));
        let sink = seen.clone();
        let events =
            HostEvents::new(move |kind, value| sink.borrow_mut().push((kind.to_owned(), value)));
        events.emit(
            "ready",
            json!({ "offer_id": "x", "type": "spoofed", "schema": 9 }),
        );
        let seen = seen.borrow();
        assert_eq!(seen[0].0, "ready");
        assert_eq!(
            seen[0].1,
            json!({ "schema": 1, "type": "ready", "offer_id": "x" })
        );
    }

    #[test]
    fn equal_only_to_itself() {
        let a = HostEvents::new(|_, _| {});
        assert_eq!(a, a.clone());
        assert_ne!(a, HostEvents::new(|_, _| {}));
        assert_eq!(HostEvents::default(), HostEvents::default());
    }
}
