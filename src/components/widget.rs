//! The loaded widget: the offer, the employee's election over their grants, the decision
//! support, the terms and the amendments. Its effects are hooks (the election and its
//! draft, the phase, the courier, the host's events); the rules that give the picks
//! meaning are `election_core::resolve`.

use std::rc::Rc;

use election_core::rules;
use election_core::value::Comparison;
use yew::prelude::*;

use crate::components::amendments::amendments;
use crate::components::countdown::{timing_checks, Countdown};
use crate::components::decision::decision_support;
use crate::components::disclosure::{acknowledgments, amendment_banner};
use crate::components::grants_section::{GrantsSection, SectionActions};
use crate::components::jump::jump_links;
use crate::components::offer_header::offer_header;
use crate::components::outbox::{courier_unavailable, outbox_panel};
use crate::components::sign::SignElection;
use crate::components::terms::terms;
use crate::hooks::{
    use_courier, use_election, use_election_events, use_formats, use_local_time,
    use_moved_deadline, use_phase, SignRequest,
};
use crate::platform::page;
use election_client::clock::{ClockSource, Phase, TrustedClock};
use election_client::delivery::{self, DeliveryConfig};
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

    let resolution = use_memo(
        (props.data.clone(), state.picks.clone()),
        |(data, picks)| election_core::resolve(&data.offer, &data.holder, picks),
    );
    // The legal texts' digests depend on the offer alone: hashed once per load.
    let disclosure = use_memo(props.data.clone(), |data| {
        election_core::disclosure::Disclosure::of(&data.offer)
    });
    let reasons = use_memo((props.data.clone(), f.clone()), |(data, f)| {
        data.holder
            .grants
            .iter()
            .map(|g| {
                rules::eligibility(&data.offer, g).err().map(|rs| {
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
    let on_acknowledge = dispatch.reform(|(id, ack)| Action::Acknowledge(id, ack));
    let on_price = dispatch.reform(Action::SetNewPrice);

    // Signing and delivery (not in a preview, from which nothing can be submitted).
    let courier = use_courier(&props.data, &props.delivery, &props.clock, !preview);
    let outbox = &courier.outbox;
    let sign_with = |withdraw: bool| {
        let (data, acks, election) = (
            props.data.clone(),
            state.acknowledged.clone(),
            resolution.election.clone(),
        );
        courier.sign.reform(move |signed_name: String| SignRequest {
            election: if withdraw {
                election_core::Election::keep_all(&data.offer, &data.holder)
            } else {
                election.clone()
            },
            acknowledgments: acks.values().cloned().collect(),
            signed_name,
        })
    };
    let (on_sign, on_withdraw) = (sign_with(false), sign_with(true));
    let governing = election_core::contract::governing(outbox.entries.iter());
    let blockers = delivery::sign_blockers(&delivery::Readiness {
        offer,
        holder,
        disclosure: &disclosure,
        acknowledged: &state.acknowledged,
        election: &resolution.election,
        preview,
        locked,
        outbox_loaded: outbox.loaded,
        courier_unavailable: courier.unavailable.is_some(),
        style: f.style(),
    });
    let kept = resolution
        .statuses
        .iter()
        .filter(|s| s.eligible() && !s.exchanged)
        .count() as u64;
    let can_withdraw = governing.is_some_and(|g| !g.payload().is_withdrawal());
    let any_eligible = resolution.statuses.iter().any(|s| s.eligible());

    let price = f.parse_money(&state.new_price);
    let comparison = price
        .as_ref()
        .ok()
        .and_then(|&p| Comparison::of_election(holder, &resolution, p));
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
            { amendment_banner(offer, &disclosure, &state.acknowledged, &f) }
            <GrantsSection data={props.data.clone()} resolution={resolution.clone()} reasons={reasons.clone()}
                {locked} {actions} deadline={offer.expiration.instant} clock={props.clock.clone()} storage_problem={state.storage_problem.clone().map(AttrValue::from)}
                draft_unreadable={state.draft_unreadable} />
            if any_eligible {
                { decision_support(comparison.as_ref(), &state.new_price, price.as_ref().err().map(String::as_str), &on_price, &f) }
            }
            if preview && props.timing_checks {
                { timing_checks(offer, &f) }
            }
            { terms(offer) }
            { amendments(offer, &disclosure, &state.acknowledged, &f) }
            { acknowledgments(offer, &disclosure, &state.acknowledged, &on_acknowledge, locked, &f) }
            if any_eligible {
                <SignElection summary={resolution.summary} {kept}
                    fingerprint={AttrValue::from(disclosure.offer.fingerprint())}
                    deadline={AttrValue::from(offer.expiration.legal_wording.clone())}
                    employee_name={AttrValue::from(holder.employee.name.clone())}
                    destination={AttrValue::from(props.delivery.destination(&offer.issuer.name))}
                    blockers={Rc::new(blockers)} signing={outbox.signing}
                    changing={governing.is_some()} {can_withdraw} {on_sign} {on_withdraw} />
            }
            if let Some(problem) = &courier.unavailable {
                { courier_unavailable(problem, &courier.on_reload) }
            }
            { outbox_panel(outbox, offer, &courier.on_entry, &f) }
            <div class="ew-footer">
                <button type="button" class="ew-button ew-button-secondary" onclick={Callback::from(|_: MouseEvent| page::print())}>
                    { "Print or save as PDF" }
                </button>
            </div>
        </div>
    }
}
