//! Events to the host page: what the employee does, told to the portal that embeds the
//! widget. One versioned shape (`docs/EMBEDDING.md`), whatever carries it: a DOM
//! `CustomEvent` on the `<election-widget>` element (or the page's host element), or a
//! `postMessage` to the parent of the embedding frame.
//!
//! Components call [`HostEvents::emit`]; what carries the event is decided by whoever
//! mounted the widget, so components stay free of browser code and testable natively.

use std::rc::Rc;

use election_core::host_event::{LoadProblem, ProblemDetail, ProblemKind};
use election_core::{Event, HostEvent};

use crate::loading::{DataFile, Failure, FileReport, Loaded};

pub use election_core::host_event::EVENT_SCHEMA;

type Sink = Rc<dyn Fn(&str, &str)>;

/// What the host answers when asked for the employee's bearer token: the token, none (the
/// host gives none: the configuration's headers apply), or why it could not give one.
pub type TokenAnswer =
    std::pin::Pin<Box<dyn std::future::Future<Output = Result<Option<String>, String>>>>;

/// Asks the host for the employee's bearer token; `true` when the last one was refused
/// (the host should renew it rather than hand back the one it has).
pub type TokenSource = Rc<dyn Fn(bool) -> TokenAnswer>;

/// The host page: where the widget's events go (nowhere by default: tests, server
/// renders), and, when the host supplies one, where the employee's bearer token comes
/// from (`token` on the element, a message from the frame's parent). The sink gets the
/// event's kind and the event as sent, JSON text ([`Event::to_json`]).
#[derive(Clone, Default)]
pub struct HostEvents(Option<Sink>, Option<TokenSource>);

impl HostEvents {
    pub fn new(sink: impl Fn(&str, &str) + 'static) -> Self {
        HostEvents(Some(Rc::new(sink)), None)
    }

    /// The same host, which supplies the employee's bearer token through `source`.
    pub fn with_token(self, source: impl Fn(bool) -> TokenAnswer + 'static) -> Self {
        HostEvents(self.0, Some(Rc::new(source)))
    }

    /// Asks the host for the employee's bearer token (`fresh`: the last was refused);
    /// `None` when the host supplies none.
    pub fn token(&self, fresh: bool) -> Option<TokenAnswer> {
        self.1.as_ref().map(|source| source(fresh))
    }

    /// Sends `event` (`{"schema": 1, "type": kind, …fields}`).
    pub fn emit(&self, event: impl Event) {
        if let Some(sink) = &self.0 {
            sink(event.kind(), &event.to_json());
        }
    }
}

/// `ready`: what was loaded.
pub fn ready(loaded: &Loaded) -> HostEvent {
    HostEvent::Ready {
        offer_id: loaded.offer.id.clone(),
        offer_version: loaded.offer.version,
        employee_id: loaded.holder.employee.id.clone(),
        grants: loaded.holder.grants.len(),
    }
}

fn message(why: &str) -> Vec<ProblemDetail> {
    vec![ProblemDetail {
        path: None,
        message: why.to_owned(),
    }]
}

/// The `load-error` for what a link asked for and was refused (the widget still loads,
/// with the deployment's settings): the same shape as a failed load's, each problem of
/// kind `refused`, and `recoverable: true`.
pub fn refused(refused: &[crate::config::Refusal]) -> HostEvent {
    HostEvent::LoadError {
        problems: refused
            .iter()
            .map(|r| LoadProblem {
                file: "settings",
                location: r.input.clone(),
                kind: ProblemKind::Refused,
                problems: message(&r.why),
            })
            .collect(),
        recoverable: true,
    }
}

/// `load-error`: each input's problems, as the error panel lists them.
pub fn load_error(reports: &[FileReport]) -> HostEvent {
    let problems = reports
        .iter()
        .map(|report| {
            let file = match report.file {
                DataFile::Offer => "offer",
                DataFile::Holder => "holder",
                DataFile::Settings => "settings",
            };
            let (kind, problems) = match &report.failure {
                Failure::Unreachable(why) => (ProblemKind::Unreachable, message(&why.to_string())),
                Failure::Unread(why) => (ProblemKind::Unreachable, message(why)),
                Failure::Setting(why) => (ProblemKind::Setting, message(why)),
                Failure::Invalid(problems) => (
                    ProblemKind::Invalid,
                    problems
                        .iter()
                        .map(|p| ProblemDetail {
                            path: Some(p.path.to_string()),
                            message: p.message.clone(),
                        })
                        .collect(),
                ),
            };
            LoadProblem {
                file,
                location: report.location.clone(),
                kind,
                problems,
            }
        })
        .collect();
    HostEvent::LoadError {
        problems,
        recoverable: false,
    }
}

impl PartialEq for HostEvents {
    fn eq(&self, other: &Self) -> bool {
        let sinks = match (&self.0, &other.0) {
            (None, None) => true,
            (Some(a), Some(b)) => Rc::ptr_eq(a, b),
            _ => false,
        };
        let tokens = match (&self.1, &other.1) {
            (None, None) => true,
            (Some(a), Some(b)) => Rc::ptr_eq(a, b),
            _ => false,
        };
        sinks && tokens
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
    fn every_event_reaches_the_sink_with_its_kind_and_the_envelope() {
        let seen = Rc::new(RefCell::new(Vec::new()));
        let sink = seen.clone();
        let events = HostEvents::new(move |kind, text| {
            let value: serde_json::Value = serde_json::from_str(text).expect("JSON");
            sink.borrow_mut().push((kind.to_owned(), value))
        });
        events.emit(HostEvent::OfferExpired {
            deadline: "d".into(),
        });
        let seen = seen.borrow();
        assert_eq!(seen[0].0, "offer-expired");
        assert_eq!(
            seen[0].1,
            serde_json::json!({ "schema": 1, "type": "offer-expired", "deadline": "d" })
        );
    }

    #[test]
    fn load_errors_name_the_input_the_kind_and_each_path() {
        let config = crate::config::WidgetConfig::defaults();
        let reports = crate::loading::check(
            &config,
            Ok(r#"{"schema_version": 1}"#.into()),
            Err(crate::fetch::FetchError::Status {
                status: 404,
                text: "Not Found".into(),
            }),
        )
        .expect_err("both files fail");
        let fields = load_error(&reports).to_value();
        assert!(fields.get("recoverable").is_none());
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
