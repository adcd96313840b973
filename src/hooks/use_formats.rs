use election_client::format::Formats;
use yew::prelude::*;

/// The widget's formats, from its context (US English outside a widget).
#[hook]
pub fn use_formats() -> Formats {
    use_context::<Formats>().unwrap_or_default()
}
