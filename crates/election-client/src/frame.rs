//! The iframe embed's rules, pure: which parent may configure the frame and hear from it,
//! what a `configure` message says, and the messages the frame sends its parent. The
//! page (`embed.html`) is the widget's `embed::frame`; the browser's side of
//! `postMessage` is its `platform::frame`.

use serde_json::Value;

use crate::config::Input;
use crate::host::EVENT_SCHEMA;

/// The `type` of a host's answer to a post-message delivery (the courier's, which checks
/// and counts it itself; the frame leaves it alone).
pub const DELIVERY_RESULT: &str = "election-widget:delivery-result";

/// Whether `origin` is exactly one of `allowed` (no prefix, suffix or scheme leniency).
pub fn origin_allowed(origin: &str, allowed: &[String]) -> bool {
    allowed.iter().any(|a| a == origin)
}

/// The allowed parent origins of `embed.html`'s meta tag: its `content`, space separated.
pub fn allowed_origins(content: Option<&str>) -> Vec<String> {
    content
        .map(|c| c.split_whitespace().map(str::to_owned).collect())
        .unwrap_or_default()
}

/// The widget's inputs from a parent's `configure` message, as the JSON text it was sent
/// as (each input a URL string or the JSON itself); `None` when the message is not one,
/// and when it names a member twice (ambiguous: JSON readers differ on which one they
/// take). A message that is not obeyed is ignored and counted.
pub fn configure_message(text: &str) -> Option<(Input, Input, Input)> {
    let obj = parent_message(text, "configure")?;
    let input = |name: &str| match obj.get(name) {
        Some(Value::String(url)) => Input::Url(url.clone()),
        Some(v @ Value::Object(_)) => Input::Inline(v.to_string()),
        _ => Input::Missing,
    };
    Some((input("offer"), input("holder"), input("config")))
}

/// `fields` (a JSON object's text) as a message to the parent, marked as the widget's
/// (`"source": "election-widget"` first); `None` when `fields` is not an object's text.
pub fn to_parent(fields: &str) -> Option<String> {
    let rest = fields.trim_start().strip_prefix('{')?;
    Some(if rest.trim_start().starts_with('}') {
        r#"{"source":"election-widget"}"#.to_owned()
    } else {
        format!(r#"{{"source":"election-widget",{rest}"#)
    })
}

/// The handshake: the frame is listening, and the parent may configure it now.
pub fn frame_ready() -> String {
    format!(r#"{{"schema":{EVENT_SCHEMA},"type":"frame-ready"}}"#)
}

/// The frame's content is `height` pixels high, so the parent can size it.
pub fn resize(height: i32) -> String {
    format!(r#"{{"schema":{EVENT_SCHEMA},"type":"resize","height":{height}}}"#)
}

/// A parent's message of type `kind`, as the JSON text it was sent as: an object with
/// `election_widget: 1` and `type`, no member named twice (ambiguous: JSON readers differ
/// on which one they take).
fn parent_message(text: &str, kind: &str) -> Option<serde_json::Map<String, Value>> {
    let (data, repeated) = election_core::json::parse(text.as_bytes()).ok()?;
    if !repeated.is_empty() {
        return None;
    }
    let Value::Object(obj) = data else {
        return None;
    };
    (obj.get("election_widget")?.as_u64()? == EVENT_SCHEMA && obj.get("type")?.as_str()? == kind)
        .then_some(obj)
}

/// The employee's bearer token from a parent's `token` message
/// (`{"election_widget": 1, "type": "token", "token": "…"}`): one non-empty run of visible
/// ASCII characters, as an `Authorization` header can carry it; `None` when the message
/// is not one (a token with a space, a control character or nothing in it included).
pub fn token_message(text: &str) -> Option<String> {
    let obj = parent_message(text, "token")?;
    let token = obj.get("token")?.as_str()?;
    (!token.is_empty() && token.bytes().all(|b| (0x21..=0x7e).contains(&b)))
        .then(|| token.to_owned())
}

/// The frame asks its parent for a fresh token: the last one was refused.
pub fn token_request() -> String {
    format!(r#"{{"schema":{EVENT_SCHEMA},"type":"token-request"}}"#)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_token_message_carries_one_visible_token() {
        let message = |token: Value| {
            json!({"election_widget": 1, "type": "token", "token": token}).to_string()
        };
        assert_eq!(
            token_message(&message(json!("eyJhbGciOi.eyJzdWIi.sig-_~"))),
            Some("eyJhbGciOi.eyJzdWIi.sig-_~".to_owned())
        );
        for refused in [
            json!(""),
            json!("two words"),
            json!("line\nbreak"),
            json!(42),
            json!(null),
        ] {
            assert_eq!(token_message(&message(refused.clone())), None, "{refused}");
        }
        assert_eq!(
            token_message(r#"{"election_widget": 1, "type": "configure", "token": "t"}"#),
            None
        );
        assert_eq!(
            token_message(r#"{"election_widget": 1, "type": "token", "token": "a", "token": "b"}"#),
            None,
            "a member named twice is ambiguous"
        );
        assert_eq!(token_request(), r#"{"schema":1,"type":"token-request"}"#);
    }

    #[test]
    fn only_allowed_origins_exactly() {
        let allowed = allowed_origins(Some("  https://hr.example.com\thttps://b.example "));
        assert_eq!(allowed, ["https://hr.example.com", "https://b.example"]);
        assert!(origin_allowed("https://hr.example.com", &allowed));
        assert!(!origin_allowed(
            "https://hr.example.com.evil.test",
            &allowed
        ));
        assert!(!origin_allowed("http://hr.example.com", &allowed));
        assert!(!origin_allowed("null", &allowed));
        assert!(allowed_origins(None).is_empty());
        assert!(!origin_allowed("", &allowed_origins(Some(""))));
    }

    #[test]
    fn configure_messages_and_everything_else() {
        let ok = json!({ "election_widget": 1, "type": "configure", "offer": "o.json", "holder": { "a": 1 }, "config": { "theme": "dark" } });
        let (offer, holder, config) =
            configure_message(&ok.to_string()).expect("a configure message");
        assert_eq!(offer, Input::Url("o.json".into()));
        assert_eq!(holder, Input::Inline(r#"{"a":1}"#.into()));
        assert_eq!(config, Input::Inline(r#"{"theme":"dark"}"#.into()));
        let bare = json!({ "election_widget": 1, "type": "configure", "config": "settings.json", "offer": 5 });
        let (offer, holder, config) =
            configure_message(&bare.to_string()).expect("a configure message");
        assert_eq!((offer, holder), (Input::Missing, Input::Missing));
        assert_eq!(config, Input::Url("settings.json".into()));
        for bad in [
            json!("configure"),
            json!({ "type": "configure" }),
            json!({ "election_widget": 2, "type": "configure" }),
            json!({ "election_widget": 1, "type": "reload" }),
        ] {
            assert!(configure_message(&bad.to_string()).is_none(), "{bad}");
        }
        // Not JSON, or a member named twice: not obeyed.
        for bad in [
            "{",
            r#"{"election_widget": 1, "type": "configure", "offer": "a.json", "offer": "b.json"}"#,
            r#"{"election_widget": 1, "type": "configure", "config": {"delivery": {}, "delivery": {}}}"#,
        ] {
            assert!(configure_message(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn messages_to_the_parent_are_marked_as_the_widget_s() {
        let parse = |text: Option<String>| -> Value {
            serde_json::from_str(&text.expect("a message")).expect("JSON")
        };
        let ready = parse(to_parent(&frame_ready()));
        assert_eq!(
            ready,
            json!({ "source": "election-widget", "schema": 1, "type": "frame-ready" })
        );
        let resize = parse(to_parent(&resize(640)));
        assert_eq!(resize["height"], 640);
        assert_eq!(resize["source"], "election-widget");
        assert_eq!(
            parse(to_parent(" { } ")),
            json!({ "source": "election-widget" })
        );
        assert_eq!(to_parent("[1]"), None);
        assert_eq!(to_parent(""), None);
    }
}
