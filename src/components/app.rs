//! The root component: loads the configured data, then shows the offer or what is wrong.

use std::rc::Rc;

use yew::prelude::*;

use crate::components::error_panel::ErrorPanel;
use crate::components::widget::Widget;
use crate::hooks::{use_load, use_load_events, use_reanchor, use_update_ready, LoadState};
use crate::platform::{drafts, intl, offline};
use election_client::config::WidgetConfig;
use election_client::drafts::Drafts;
use election_client::format::Formats;
use election_client::host::HostEvents;

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

#[component]
pub fn App(props: &AppProps) -> Html {
    let drafts = use_memo((), |_| Drafts(Rc::new(drafts::LocalStorageStore)));
    // Figures in the reader's locale (the configured one, else the browser's).
    // (Intl is the browser's: a server render writes US English.)
    let formats = use_memo(props.config.locale.clone(), |locale| {
        if cfg!(target_arch = "wasm32") {
            intl::formats(&intl::reader_locale(locale.as_deref()))
        } else {
            Formats::us()
        }
    });
    let update_ready = use_update_ready();
    let load = use_load(&props.config, props.parked, formats.tag());
    use_reanchor(&load.state, props.config.time_url.clone());
    use_load_events(&load.state, &props.config.refused, &props.events);
    let state = load.state;

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
                <Widget data={loaded.clone()} drafts={(*drafts).clone()} clock={clock.clone()} delivery={props.config.delivery.clone()} offline_as_of={load.offline_as_of} />
            </ContextProvider<HostEvents>>
        },
        LoadState::Failed(reports) => html! { <ErrorPanel reports={reports.clone()} /> },
    };
    let on_update = Callback::from(|_: MouseEvent| offline::apply_update());
    html! {
        <ContextProvider<Formats> context={(*formats).clone()}>
            if update_ready {
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
fn refused_notice(refused: &[election_client::config::Refusal]) -> Html {
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
