use yew::prelude::*;

use election_client::clock::ClockSource;

use super::use_load::LoadState;
use crate::platform::{clock, page};

/// Re-measure the time this often (and whenever the page becomes visible again), so that
/// a laptop that slept or a clock that drifted is caught.
const REANCHOR_MS: u32 = 5 * 60 * 1000;

/// Re-anchors a loaded widget's clock every five minutes and when the tab is shown
/// again (not a preview's, whose clock is the chosen moment).
#[hook]
pub fn use_reanchor(state: &UseStateHandle<LoadState>, time_url: Option<String>) {
    let state = state.clone();
    let (live, loaded) = match &*state {
        LoadState::Ready(loaded, clock) => (
            clock.anchor.source != ClockSource::Preview,
            Some(loaded.clone()),
        ),
        _ => (false, None),
    };
    // Keyed by the data too, so the state this effect holds is the current load's.
    use_effect_with((live, loaded), move |&(live, _)| {
        let reanchor = move || {
            let (state, time_url) = (state.clone(), time_url.clone());
            yew::platform::spawn_local(async move {
                let anchor = clock::measure_anchor(time_url.as_deref(), &page::page_url()).await;
                if let LoadState::Ready(loaded, clock) = &*state {
                    state.set(LoadState::Ready(loaded.clone(), clock.with_anchor(anchor)));
                }
            });
        };
        let handles = live.then(|| {
            let again = reanchor.clone();
            (
                crate::platform::clock::Interval::new(REANCHOR_MS, again),
                page::on_visible(reanchor),
            )
        });
        move || drop(handles)
    });
}
