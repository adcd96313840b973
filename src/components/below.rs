//! Everything below the employee's grants: the decision support, a preview's timing
//! checks, the terms, the amendments and their acknowledgments, signing, and the signed
//! elections. None of it is on the first screen, so in the release build its code is a
//! module of its own, loaded just after the page is ready (`platform::lazy::load_below`,
//! through `hooks::use_below`); the widget reaches it only through [`BelowCode`], the
//! functions that module hands back, which also hash the offer's legal texts.

use std::rc::Rc;

use election_core::disclosure::Disclosure;
use election_core::value::Comparison;
use election_core::{AwardKind, Decimal, Offer, Resolution};
use yew::prelude::*;

use crate::components::amendments::amendments;
use crate::components::countdown::timing_checks;
use crate::components::decision::decision_support;
use crate::components::disclosure::acknowledgments;
use crate::components::outbox::{courier_unavailable, outbox_panel};
use crate::components::part_box::{part_box, PartBoxCode};
use crate::components::sign::SignElection;
use crate::components::terms::terms;
use crate::components::Shared;
use crate::hooks::{use_formats, CourierHandle, Election, SignRequest};
use election_client::delivery::{self, DeliveryConfig};
use election_client::election_state::Action;
use election_client::loading::Loaded;

/// What the sections below the grants show, all of it the widget's state.
#[derive(Clone, PartialEq, Properties)]
pub struct BelowProps {
    pub data: Loaded,
    pub election: Election,
    pub resolution: Shared<Resolution>,
    /// The legal texts' digests (the widget hashes them once per load).
    pub disclosure: Rc<Disclosure>,
    pub dispatch: Callback<Action>,
    pub courier: CourierHandle,
    pub delivery: DeliveryConfig,
    /// After the deadline nothing can be chosen, acknowledged or signed.
    pub locked: bool,
    /// A preview: nothing can be submitted from it.
    pub preview: bool,
    /// Whether a preview shows the offer's timing checks.
    pub timing_checks: bool,
}

/// The below-the-grants module's code, as the widget holds it: function pointers, so that
/// nothing on the first screen calls that code by name (a call by name would pull it back
/// into the first module: the size budget would catch it).
#[derive(Clone, Copy)]
pub struct BelowCode {
    /// Renders the sections below the grants.
    pub render: fn(BelowProps) -> Html,
    /// The digests of the offer's legal texts (serialising the offer, canonical JSON,
    /// SHA-256: the first screen needs none of it; the amendment banner waits for them
    /// only where an acknowledgment is to be checked).
    pub disclose: fn(&Offer) -> Disclosure,
    /// The box for how many options of a grant to tender (`components::part_box`).
    pub part_box: PartBoxCode,
}

/// The code the below-the-grants module hands the widget.
pub fn code() -> BelowCode {
    BelowCode {
        render: |props| html! { <Below ..props /> },
        disclose: Disclosure::of,
        part_box: PartBoxCode(part_box),
    }
}

#[component]
pub fn Below(props: &BelowProps) -> Html {
    let f = use_formats();
    let Loaded { offer, holder } = &props.data;
    let (state, resolution, disclosure) = (&props.election, &props.resolution, &props.disclosure);
    let (courier, locked, preview) = (&props.courier, props.locked, props.preview);
    let outbox = &courier.outbox;
    let on_acknowledge = props
        .dispatch
        .reform(|(id, ack)| Action::Acknowledge(id, ack));
    let on_price = props.dispatch.reform(Action::SetNewPrice);

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
        disclosure,
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
    // Restricted stock units have no exercise price: no assumption to ask for.
    let award = offer.award();
    let price = match award {
        AwardKind::Options => f.parse_money(&state.new_price),
        AwardKind::RestrictedStockUnits => Ok(Decimal::ZERO),
    };
    let comparison = price
        .as_ref()
        .ok()
        .and_then(|&p| Comparison::of_election(holder, resolution, p));

    html! {
        <>
            if any_eligible {
                { decision_support(award, comparison.as_ref(), &state.new_price, price.as_ref().err().map(String::as_str), &on_price, &f) }
            }
            if preview && props.timing_checks {
                { timing_checks(offer, &f) }
            }
            { terms(offer) }
            { amendments(offer, disclosure, &state.acknowledged, &f) }
            { acknowledgments(offer, disclosure, &state.acknowledged, &on_acknowledge, locked, &f) }
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
            { outbox_panel(outbox, offer, holder, &courier.on_entry, &f) }
        </>
    }
}
