use yew::prelude::*;

use election_client::config::Refusal;
use election_client::host::{self, HostEvents};

use super::use_load::LoadState;
use crate::platform::page;

/// Tells the host once per load: `ready` with what was loaded, or `load-error` with
/// every problem found; before that, once per configuration, what a link asked for and
/// may not set. Keyed by the host too: a reused app (the element parks and reuses apps)
/// whose new element asks for the same data keeps its state, and the new host must
/// still hear. Marks the page `election-widget:ready` when the load settles.
#[hook]
pub fn use_load_events(state: &LoadState, refused: &[Refusal], events: &HostEvents) {
    {
        let events = events.clone();
        use_effect_with((refused.to_vec(), events.clone()), move |(refused, _)| {
            if !refused.is_empty() {
                events.emit(host::refused(refused));
            }
        });
    }
    let outcome = match state {
        LoadState::Loading => None,
        LoadState::Ready(loaded, _) => Some(Ok(loaded.clone())),
        LoadState::Failed(reports) => Some(Err(reports.clone())),
    };
    let settled = outcome.is_some();
    {
        let events = events.clone();
        use_effect_with(
            (outcome, events.clone()),
            move |(outcome, _)| match outcome {
                Some(Ok(loaded)) => events.emit(host::ready(loaded)),
                Some(Err(reports)) => events.emit(host::load_error(reports)),
                None => {}
            },
        );
    }
    use_effect_with(settled, |settled| {
        if *settled {
            page::mark_ready();
        }
    });
}
