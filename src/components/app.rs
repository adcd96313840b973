//! The root component: loads the configured data, then shows the offer or what is wrong.

use std::cell::Cell;
use std::rc::Rc;

use yew::prelude::*;

use crate::browser;
use crate::components::error_panel::ErrorPanel;
use crate::components::widget::Widget;
use crate::config::WidgetConfig;
use crate::drafts::Drafts;
use crate::loading::{self, FileReport, Loaded};

#[derive(Debug, Clone, PartialEq, Properties)]
pub struct AppProps {
    pub config: WidgetConfig,
}

#[derive(Debug, Clone, PartialEq)]
pub enum LoadState {
    Loading,
    Ready(Loaded),
    Failed(Rc<Vec<FileReport>>),
}

#[component]
pub fn App(props: &AppProps) -> Html {
    let state = use_state(|| LoadState::Loading);
    let drafts = use_memo((), |_| Drafts(Rc::new(browser::LocalStorageStore)));

    {
        let state = state.clone();
        use_effect_with(props.config.clone(), move |config| {
            let config = config.clone();
            // A newer configuration supersedes a load still under way.
            let superseded = Rc::new(Cell::new(false));
            let this_load = superseded.clone();
            state.set(LoadState::Loading);
            yew::platform::spawn_local(async move {
                let (offer, holder) = futures::join!(
                    browser::fetch_text(&config.offer_url),
                    browser::fetch_text(&config.holder_url)
                );
                if this_load.get() {
                    return;
                }
                browser::mark(browser::DATA_MARK);
                state.set(match loading::check(&config, offer, holder) {
                    Ok(loaded) => LoadState::Ready(loaded),
                    Err(reports) => LoadState::Failed(Rc::new(reports)),
                });
            });
            move || superseded.set(true)
        });
    }

    let settled = !matches!(*state, LoadState::Loading);
    use_effect_with(settled, |settled| {
        if *settled {
            browser::mark(browser::READY_MARK);
        }
    });

    match &*state {
        LoadState::Loading => html! {
            <div class="ew ew-loading" data-state="loading" role="status">
                <p>{ "Loading the offer…" }</p>
            </div>
        },
        LoadState::Ready(loaded) => {
            html! { <Widget data={loaded.clone()} drafts={(*drafts).clone()} /> }
        }
        LoadState::Failed(reports) => html! { <ErrorPanel reports={reports.clone()} /> },
    }
}
