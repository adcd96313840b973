//! Events to the host page: what the employee does, told to the portal that embeds the
//! widget. One versioned shape (`docs/EMBEDDING.md`), whatever carries it: a DOM
//! `CustomEvent` on the `<election-widget>` element (or the page's host element), or a
//! `postMessage` to the parent of the embedding frame.
//!
//! Components call [`HostEvents::emit`]; what carries the event is decided by whoever
//! mounted the widget, so components stay free of browser code and testable natively.

use std::rc::Rc;

use serde_json::{json, Value};

use crate::loading::{DataFile, Failure, FileReport, Loaded};

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

/// The fields of `ready`: what was loaded.
pub fn ready_fields(loaded: &Loaded) -> Value {
    json!({
        "offer_id": loaded.offer.id,
        "offer_version": loaded.offer.version,
        "employee_id": loaded.holder.employee.id,
        "grants": loaded.holder.grants.len(),
    })
}

/// The `load-error` event's fields for what a link asked for and was refused (the widget
/// still loads, with the deployment's settings): the same shape as a failed load's, each
/// problem of kind `refused`, and `recoverable: true`.
pub fn refused_fields(refused: &[crate::config::Refusal]) -> Value {
    let problems: Vec<Value> = refused
        .iter()
        .map(|r| {
            json!({ "file": "settings", "location": r.input, "kind": "refused", "problems": [{ "message": r.why }] })
        })
        .collect();
    json!({ "problems": problems, "recoverable": true })
}

/// The fields of `load-error`: each input's problems, as the error panel lists them.
pub fn load_error_fields(reports: &[FileReport]) -> Value {
    let problems: Vec<Value> = reports
        .iter()
        .map(|report| {
            let file = match report.file {
                DataFile::Offer => "offer",
                DataFile::Holder => "holder",
                DataFile::Settings => "settings",
            };
            let (kind, problems) = match &report.failure {
                Failure::Unreachable(why) => ("unreachable", vec![json!({ "message": why })]),
                Failure::Setting(why) => ("setting", vec![json!({ "message": why })]),
                Failure::Invalid(problems) => (
                    "invalid",
                    problems
                        .iter()
                        .map(|p| json!({ "path": p.path.to_string(), "message": p.message }))
                        .collect(),
                ),
            };
            json!({ "file": file, "location": report.location, "kind": kind, "problems": problems })
        })
        .collect();
    json!({ "problems": problems })
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
    fn load_errors_name_the_input_the_kind_and_each_path() {
        let config = crate::config::WidgetConfig::defaults();
        let reports = crate::loading::check(
            &config,
            Ok(r#"{"schema_version": 1}"#.into()),
            Err("the server answered HTTP 404 Not Found".into()),
        )
        .expect_err("both files fail");
        let fields = load_error_fields(&reports);
        let problems = fields["problems"].as_array().expect("a list");
        assert_eq!(problems[0]["file"], "offer");
        assert_eq!(problems[0]["kind"], "invalid");
        assert!(problems[0]["problems"][0]["path"]
            .as_str()
            .expect("a path")
            .starts_with('$'));
        assert_eq!(problems[1]["file"], "holder");
        assert_eq!(problems[1]["kind"], "unreachable");
        assert_eq!(problems[1]["location"], config.holder_url);
        assert_eq!(
            problems[1]["problems"][0]["message"],
            "the server answered HTTP 404 Not Found"
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
