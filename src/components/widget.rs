//! The loaded widget: the offer, the employee's election over their grants, and below
//! them (`components::below`, whose code may arrive just after the first screen) the
//! decision support, the terms, the amendments and signing. Its effects are hooks (the
//! election and its draft, the phase, the courier, the sections' code, the host's
//! events); the rules that give the picks meaning are `election_core::resolve`.

use election_core::rules;
use std::rc::Rc;

use yew::prelude::*;

use crate::components::below::BelowProps;
use crate::components::countdown::Countdown;
use crate::components::disclosure::amendment_banner;
use crate::components::grants_section::{GrantsSection, SectionActions};
use crate::components::jump::jump_links;
use crate::components::offer_header::offer_header;
use crate::components::Shared;
use crate::hooks::{
    use_below, use_courier, use_election, use_election_events, use_formats, use_local_time,
    use_moved_deadline, use_phase, Below,
};
use crate::platform::page;
use election_client::clock::{ClockSource, Phase, TrustedClock};
use election_client::delivery::DeliveryConfig;
use election_client::drafts::{self, Drafts};
use election_client::election_state::Action;
use election_client::loading::Loaded;

#[derive(Debug, Clone, PartialEq, Properties)]
pub struct WidgetProps {
    pub data: Loaded,
    /// Where drafts are kept (the browser's storage in the page, memory in tests).
    pub drafts: Drafts,
    /// The trusted clock (a preview's clock runs from the chosen moment).
    pub clock: TrustedClock,
    /// Where signed elections go.
    #[prop_or_default]
    pub delivery: DeliveryConfig,
    /// Set when the offer and grants shown are the copy stored on this device (the
    /// network is down): when that copy was loaded, in ms since the epoch.
    #[prop_or_default]
    pub offline_as_of: Option<f64>,
    /// Whether a preview shows the offer's timing checks (the preview desk shows them in
    /// its own report instead).
    #[prop_or(true)]
    pub timing_checks: bool,
}

#[component]
pub fn Widget(props: &WidgetProps) -> Html {
    let Loaded { offer, holder } = &props.data;
    let f = use_formats();
    let state = use_election(&props.drafts, &drafts::key(&offer.id, &holder.employee.id));
    use_election_events(&state, &offer.id, &holder.employee.id);
    let (phase, on_phase) = use_phase(offer.expiration.instant, &props.clock);
    let locked = phase == Phase::Closed;
    let moved = use_moved_deadline(&state, offer.expiration.instant);
    let preview = props.clock.anchor.source == ClockSource::Preview;
    let offline_on = use_local_time(&props.clock, props.offline_as_of);
    // A preview's moment, in the reader's zone once the page is ready (UTC until then).
    let preview_at = use_local_time(&props.clock, preview.then_some(props.clock.anchor.epoch_ms));

    // The parts typed are compared by identity: the reducer makes a new map exactly when
    // one changes.
    let resolution = use_memo(
        (
            props.data.clone(),
            state.picks.clone(),
            Shared(state.parts.clone()),
            f.style().separators().1,
        ),
        |(data, picks, _, grouping)| {
            let portions = data.offer.terms.tender_rules.portions;
            let chosen = |id: &str| state.chosen(id, *grouping, portions);
            election_core::resolve_with(&data.offer, &data.holder, picks, &chosen)
        },
    );
    // The sections below the grants, and the code that hashes the legal texts, may come
    // just after the first screen (`use_below`).
    let below = use_below();
    let code = match &below {
        Below::Ready(code) => Some(*code),
        _ => None,
    };
    // The legal texts' digests depend on the offer alone: hashed once per load, once the
    // code to hash them is here.
    let disclosure = use_memo((props.data.clone(), code.is_some()), move |(data, _)| {
        code.map(|c| Rc::new((c.disclose)(&data.offer)))
    });
    let reasons = use_memo((props.data.clone(), f.clone()), |(data, f)| {
        data.holder
            .grants
            .iter()
            .map(|g| {
                rules::eligibility(&data.offer, &data.holder.employee, g)
                    .err()
                    .map(|rs| {
                        AttrValue::from(
                            rs.iter()
                                .map(|r| r.describe_in(&data.offer, f.style()))
                                .collect::<Vec<_>>()
                                .join("; "),
                        )
                    })
            })
            .collect::<Vec<_>>()
    });
    let dispatch = {
        let dispatcher = state.dispatcher();
        use_callback((), move |action: Action, _| dispatcher.dispatch(action))
    };

    // Signing and delivery (not in a preview, from which nothing can be submitted).
    let courier = use_courier(&props.data, &props.delivery, &props.clock, !preview);
    let any_eligible = resolution.statuses.iter().any(|s| s.eligible());
    let actions = SectionActions {
        dispatch: dispatch.clone(),
        has_choices: state.has_choices(),
    };

    html! {
        <div class="ew" data-state="ready" lang="en" dir="ltr">
            if preview {
                <div class="ew-preview" role="note" aria-label="Preview">
                    <strong>{ format!("Preview as of {}.", preview_at.as_deref().map_or_else(
                        || TrustedClock::utc(props.clock.anchor.epoch_ms), str::to_owned)) }</strong>
                    { " The clock runs from that moment. This is a preview: nothing can be submitted from it." }
                </div>
            }
            if props.offline_as_of.is_some() {
                <p class="ew-note ew-warning ew-offline" role="status">
                    { format!("Offline: showing the offer as loaded {}. You can review the offer and your grants and make and sign your choices; a signed election is sent when the connection returns.",
                        offline_on.map_or_else(|| "earlier".to_owned(), |on| format!("on {on}"))) }
                </p>
            }
            { offer_header(offer, &f) }
            <Countdown deadline={offer.expiration.instant} wording={AttrValue::from(offer.expiration.legal_wording.clone())}
                clock={props.clock.clone()} {phase} {on_phase} />
            { jump_links(offer, any_eligible, &f) }
            if let Some(later) = moved {
                <p class="ew-note ew-warning" role="status">
                    { format!("{} {}.", if later { "The offer was extended to" } else { "The deadline was changed to" },
                        offer.expiration.legal_wording) }
                </p>
            }
            { amendment_banner(offer, disclosure.as_deref(), &state.acknowledged, &f) }
            <GrantsSection data={props.data.clone()} resolution={Shared(resolution.clone())} reasons={Shared(reasons.clone())} parts={state.parts.clone()} part_box={code.map(|c| c.part_box)}
                {locked} {actions} deadline={offer.expiration.instant} clock={props.clock.clone()} storage_problem={state.storage_problem.clone().map(AttrValue::from)}
                draft_unreadable={state.draft_unreadable} />
            { match (below, (*disclosure).clone()) {
                (Below::Ready(code), Some(disclosure)) => (code.render)(BelowProps {
                    data: props.data.clone(), election: (*state).clone(), resolution: Shared(resolution.clone()),
                    disclosure, dispatch: dispatch.clone(), courier,
                    delivery: props.delivery.clone(), locked, preview, timing_checks: props.timing_checks,
                }),
                (Below::Unavailable { on_retry }, _) => below_unavailable(&on_retry),
                _ => html! {},
            } }
            <div class="ew-footer">
                <button type="button" class="ew-button ew-button-secondary" onclick={Callback::from(|_: MouseEvent| page::print())}>
                    { "Print or save as PDF" }
                </button>
            </div>
        </div>
    }
}

/// Said where the sections below the grants would be when their code could not be
/// loaded: the grants and the choices above stay usable and saved.
fn below_unavailable(on_retry: &Callback<()>) -> Html {
    let retry = on_retry.reform(|_: MouseEvent| ());
    html! {
        <section class="ew-section" aria-labelledby="ew-below-heading">
            <h2 id="ew-below-heading">{ "The rest of this page" }</h2>
            <p class="ew-note ew-warning" role="alert">
                { "The decision support, the offer's terms and amendments, and signing could not be loaded (the connection may be down). Nothing you chose above is lost. " }
                <button type="button" class="ew-button ew-button-secondary" onclick={retry}>{ "Try again" }</button>
            </p>
        </section>
    }
}
