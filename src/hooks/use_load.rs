use std::cell::Cell;
use std::rc::Rc;

use yew::prelude::*;

use election_client::clock::{Anchor, ClockSource, TrustedClock};
use election_client::config::WidgetConfig;
use election_client::loading::{self, FileReport, Loaded};

use crate::platform::{clock, net, page};

#[derive(Debug, Clone, PartialEq)]
pub enum LoadState {
    Loading,
    Ready(Loaded, TrustedClock),
    Failed(Rc<Vec<FileReport>>),
}

/// What a load found, and when the data shown is the copy stored on this device (the
/// network is down: the instant that copy was loaded).
pub struct Load {
    pub state: UseStateHandle<LoadState>,
    pub offline_as_of: Option<f64>,
}

/// Loads `config`'s two files and measures the clock, in parallel (a preview's clock is
/// anchored at the chosen moment; an unreadable moment is an error). Keyed by the
/// configuration: a newer one supersedes a load still under way. A parked app loads
/// nothing.
#[hook]
pub fn use_load(config: &WidgetConfig, parked: bool, locale: &str) -> Load {
    let state = use_state(|| LoadState::Loading);
    let offline = use_state_eq(|| None::<f64>);
    {
        let (state, offline, locale) = (state.clone(), offline.clone(), locale.to_owned());
        use_effect_with((config.clone(), parked), move |(config, parked)| {
            let (config, parked) = (config.clone(), *parked);
            let superseded = Rc::new(Cell::new(false));
            let this_load = superseded.clone();
            state.set(LoadState::Loading);
            yew::platform::spawn_local(async move {
                if parked {
                    return;
                }
                if let Some(reports) = loading::setting_reports(&config) {
                    state.set(LoadState::Failed(Rc::new(reports)));
                    return;
                }
                let preview = match loading::preview_instant(&config) {
                    Ok(p) => p,
                    Err(report) => {
                        state.set(LoadState::Failed(Rc::new(vec![report])));
                        return;
                    }
                };
                let clock = async {
                    match preview {
                        Some(at) => Anchor {
                            epoch_ms: at.timestamp_millis() as f64,
                            mono_ms: clock::mono_now(),
                            uncertainty_ms: 0.0,
                            source: ClockSource::Preview,
                        },
                        None => {
                            clock::measure_anchor(config.time_url.as_deref(), &page::page_url())
                                .await
                        }
                    }
                };
                // Inline JSON from the host is used as given; URLs are fetched.
                let text = |inline: &Option<Rc<str>>, url: &str| {
                    let (inline, url) = (inline.clone(), url.to_owned());
                    async move {
                        match inline {
                            Some(text) => Ok((text.to_string(), None)),
                            None => net::fetch_data(&url).await,
                        }
                    }
                };
                let (offer, holder, anchor) = futures::join!(
                    text(&config.offer_json, &config.offer_url),
                    text(&config.holder_json, &config.holder_url),
                    clock
                );
                if this_load.get() {
                    return;
                }
                page::mark(page::DATA_MARK);
                // Data the service worker answered from its copy: the network is down.
                let stored_at = [&offer, &holder]
                    .into_iter()
                    .filter_map(|r| r.as_ref().ok().and_then(|(_, at)| *at))
                    .fold(None, |min: Option<f64>, at| {
                        Some(min.map_or(at, |m| m.min(at)))
                    });
                offline.set(stored_at);
                let (offer, holder) = (offer.map(|(t, _)| t), holder.map(|(t, _)| t));
                state.set(match loading::check(&config, offer, holder) {
                    Ok(loaded) => LoadState::Ready(loaded, clock::trusted_clock(anchor, &locale)),
                    Err(reports) => LoadState::Failed(Rc::new(reports)),
                });
            });
            move || superseded.set(true)
        });
    }
    Load {
        state,
        offline_as_of: *offline,
    }
}
