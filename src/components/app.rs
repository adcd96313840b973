//! The root component: loads the configured data, then shows the offer or what is wrong.

use std::cell::Cell;
use std::rc::Rc;

use yew::prelude::*;

use crate::browser;
use crate::clock::{Anchor, ClockSource, TrustedClock};
use crate::components::error_panel::ErrorPanel;
use crate::components::widget::Widget;
use crate::config::WidgetConfig;
use crate::drafts::Drafts;
use crate::format::Formats;
use crate::host::{self, HostEvents};
use crate::loading::{self, FileReport, Loaded};

#[derive(Debug, Clone, PartialEq, Properties)]
pub struct AppProps {
    pub config: WidgetConfig,
    /// Where the widget tells its host what happens (nowhere by default).
    #[prop_or_default]
    pub events: HostEvents,
    /// Parked: shows nothing, loads nothing and runs no timer, keeping the app for
    /// reuse (the custom element parks its app when removed; see `embed`).
    #[prop_or_default]
    pub parked: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum LoadState {
    Loading,
    Ready(Loaded, TrustedClock),
    Failed(Rc<Vec<FileReport>>),
}

/// Re-measure the time this often (and whenever the page becomes visible again), so that
/// a laptop that slept or a clock that drifted is caught.
const REANCHOR_MS: u32 = 5 * 60 * 1000;

#[component]
pub fn App(props: &AppProps) -> Html {
    let state = use_state(|| LoadState::Loading);
    let drafts = use_memo((), |_| Drafts(Rc::new(browser::LocalStorageStore)));
    // Figures in the reader's locale (the configured one, else the browser's).
    // (Intl is the browser's: a server render writes US English.)
    let formats = use_memo(props.config.locale.clone(), |locale| {
        if cfg!(target_arch = "wasm32") {
            crate::intl::formats(&crate::intl::reader_locale(locale.as_deref()))
        } else {
            Formats::us()
        }
    });

    // When the data shown is the copy stored on this device (loaded at this instant).
    let offline = use_state_eq(|| None::<f64>);
    // A new build is installed and waiting for the employee's agreement to reload.
    let update_ready = use_state_eq(|| false);
    {
        let update_ready = update_ready.clone();
        use_effect_with((), move |_| {
            let listener = web_sys::window().map(|w| {
                gloo_events::EventListener::new(&w, crate::offline::UPDATE_READY_EVENT, move |_| {
                    update_ready.set(true)
                })
            });
            move || drop(listener)
        });
    }
    {
        let state = state.clone();
        let offline = offline.clone();
        let locale = formats.tag().to_owned();
        use_effect_with(
            (props.config.clone(), props.parked),
            move |(config, parked)| {
                let config = config.clone();
                let parked = *parked;
                // A newer configuration supersedes a load still under way.
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
                            // A preview's clock runs from the chosen moment.
                            Some(at) => Anchor {
                                epoch_ms: at.timestamp_millis() as f64,
                                mono_ms: browser::mono_now(),
                                uncertainty_ms: 0.0,
                                source: ClockSource::Preview,
                            },
                            None => {
                                browser::measure_anchor(
                                    config.time_url.as_deref(),
                                    &browser::page_url(),
                                )
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
                                None => browser::fetch_data(&url).await,
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
                    browser::mark(browser::DATA_MARK);
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
                        Ok(loaded) => {
                            LoadState::Ready(loaded, browser::trusted_clock(anchor, &locale))
                        }
                        Err(reports) => LoadState::Failed(Rc::new(reports)),
                    });
                });
                move || superseded.set(true)
            },
        );
    }

    // Re-anchor the clock now and then, and when the page is shown again (not in a
    // preview, whose clock is the chosen moment).
    {
        let state = state.clone();
        let (live, loaded) = match &*state {
            LoadState::Ready(loaded, clock) => (
                clock.anchor.source != ClockSource::Preview,
                Some(loaded.clone()),
            ),
            _ => (false, None),
        };
        let time_url = props.config.time_url.clone();
        // Keyed by the data too, so the state this effect holds is the current load's.
        use_effect_with((live, loaded), move |&(live, _)| {
            let reanchor = move || {
                let (state, time_url) = (state.clone(), time_url.clone());
                yew::platform::spawn_local(async move {
                    let anchor =
                        browser::measure_anchor(time_url.as_deref(), &browser::page_url()).await;
                    if let LoadState::Ready(loaded, clock) = &*state {
                        state.set(LoadState::Ready(loaded.clone(), clock.with_anchor(anchor)));
                    }
                });
            };
            let handles = live.then(|| {
                let again = reanchor.clone();
                (
                    gloo_timers::callback::Interval::new(REANCHOR_MS, again),
                    browser::on_visible(reanchor),
                )
            });
            move || drop(handles)
        });
    }

    // Tell the host once per load: ready with what was loaded, or every problem found.
    // Keyed by the host too: a reused app (the element parks and reuses apps) whose new
    // element asks for the same data keeps its state, and the new host must still hear.
    {
        let events = props.events.clone();
        let outcome = match &*state {
            LoadState::Loading => None,
            LoadState::Ready(loaded, _) => Some(Ok(loaded.clone())),
            LoadState::Failed(reports) => Some(Err(reports.clone())),
        };
        use_effect_with(
            (outcome, props.events.clone()),
            move |(outcome, _)| match outcome {
                Some(Ok(loaded)) => events.emit("ready", host::ready_fields(loaded)),
                Some(Err(reports)) => events.emit("load-error", host::load_error_fields(reports)),
                None => {}
            },
        );
    }

    // What a link asked for and may not set: said once per configuration, before `ready`.
    {
        let events = props.events.clone();
        use_effect_with(
            (props.config.refused.clone(), props.events.clone()),
            move |(refused, _)| {
                if !refused.is_empty() {
                    events.emit("load-error", host::refused_fields(refused));
                }
            },
        );
    }

    let settled = !matches!(*state, LoadState::Loading);
    use_effect_with(settled, |settled| {
        if *settled {
            browser::mark(browser::READY_MARK);
        }
    });

    if props.parked {
        return html! {};
    }
    let view = match &*state {
        LoadState::Loading => html! {
            <div class="ew ew-loading" data-state="loading" role="status" dir="ltr">
                <p>{ "Loading the offer…" }</p>
            </div>
        },
        LoadState::Ready(loaded, clock) => html! {
            <ContextProvider<HostEvents> context={props.events.clone()}>
                <Widget data={loaded.clone()} drafts={(*drafts).clone()} clock={clock.clone()} delivery={props.config.delivery.clone()} offline_as_of={*offline} />
            </ContextProvider<HostEvents>>
        },
        LoadState::Failed(reports) => html! { <ErrorPanel reports={reports.clone()} /> },
    };
    let on_update = Callback::from(|_: MouseEvent| crate::offline::apply_update());
    html! {
        <ContextProvider<Formats> context={(*formats).clone()}>
            if *update_ready {
                <div class="ew-update" role="status" lang="en" dir="ltr">
                    <p>
                        { "A new version of this page is ready. Your choices are saved on this device; reload when it suits you." }
                        { " " }
                        <button type="button" class="ew-button ew-button-secondary" onclick={on_update}>{ "Reload now" }</button>
                    </p>
                </div>
            }
            { refused_notice(&props.config.refused) }
            { view }
        </ContextProvider<Formats>>
    }
}

/// What the page's link asked for and the widget did not do, each with the reason; the
/// widget goes on with the deployment's own settings.
fn refused_notice(refused: &[crate::config::Refusal]) -> Html {
    if refused.is_empty() {
        return html! {};
    }
    html! {
        <div class="ew-refused" role="status" data-state="refused" lang="en" dir="ltr">
            <p>{ "This page ignored settings its link asked for, and uses its own:" }</p>
            <ul>
                { for refused.iter().map(|r| html! {
                    <li><code>{ r.input.clone() }</code>{ ": " }{ r.why.clone() }{ "." }</li>
                }) }
            </ul>
        </div>
    }
}
