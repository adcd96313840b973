//! The loaded widget: the offer, the employee's election over their grants, the decision
//! support, the terms and the amendments. Holds the election state; the rules that give
//! it meaning are `election_core::resolve`.

use election_core::rules;
use election_core::value::Comparison;
use yew::prelude::*;

use crate::browser;
use crate::clock::{phase, ClockSource, Phase, TrustedClock};
use crate::components::amendments::amendments;
use crate::components::countdown::Countdown;
use crate::components::decision::decision_support;
use crate::components::disclosure::{acknowledgments, amendment_banner};
use crate::components::grants_table::GrantsTable;
use crate::components::illustrative_badge;
use crate::components::offer_header::offer_header;
use crate::components::outbox::{outbox_panel, EntryAction};
use crate::components::sign::SignElection;
use crate::components::terms::terms;
use crate::components::use_effect_on_change;
use crate::courier::{Courier, OutboxView};
use crate::delivery::{self, DeliveryConfig};
use crate::drafts::{self, Drafts};
use crate::election_state::{Action, ElectionState};
use crate::format::use_formats;
use crate::host::HostEvents;
use crate::loading::Loaded;

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
    let key = drafts::key(&offer.id, &holder.employee.id);
    let state = {
        let (store, key) = (props.drafts.clone(), key.clone());
        use_reducer(move || ElectionState::restore(&*store.0, &key))
    };

    // Keep the draft: saved on every change, removed when there is nothing to keep.
    {
        let (store, dispatcher) = (props.drafts.clone(), state.dispatcher());
        let draft_state = (*state).clone();
        let deps = (
            state.picks.clone(),
            state.new_price.clone(),
            state.acknowledged.clone(),
            state.seen_deadline.clone(),
        );
        use_effect_with(deps, move |_| {
            let result = if draft_state.is_pristine() {
                store.0.remove(&key)
            } else {
                draft_state
                    .draft()
                    .to_json()
                    .and_then(|json| store.0.save(&key, &json))
            };
            if let Err(problem) = result {
                dispatcher.dispatch(Action::StorageFailed(problem));
            }
        });
    }

    // The host hears the employee's changes (not the draft restored on arrival, nor the
    // widget's own bookkeeping such as the deadline last seen).
    {
        let events = use_context::<HostEvents>().unwrap_or_default();
        let (offer_id, employee_id) = (offer.id.clone(), holder.employee.id.clone());
        use_effect_on_change(
            (state.picks.clone(), state.acknowledged.clone()),
            move |(picks, acknowledged)| {
                events.emit(
                    "draft-changed",
                    serde_json::json!({
                        "offer_id": offer_id,
                        "employee_id": employee_id,
                        "picked": picks.iter().collect::<Vec<_>>(),
                        "acknowledged": acknowledged.keys().collect::<Vec<_>>(),
                    }),
                )
            },
        );
    }

    // The offer's phase, as the countdown last reported it (the countdown alone ticks).
    let current_phase = {
        let remaining = offer.expiration.instant.timestamp_millis() as f64 - props.clock.now_ms();
        let initial = phase(remaining, props.clock.anchor.uncertainty_ms);
        use_state_eq(move || initial)
    };
    let on_phase = {
        let current_phase = current_phase.clone();
        use_callback((), move |p: Phase, _| current_phase.set(p))
    };
    let locked = *current_phase == Phase::Closed;
    {
        let events = use_context::<HostEvents>().unwrap_or_default();
        let deadline = offer.expiration.instant.to_rfc3339();
        use_effect_with(locked, move |&locked| {
            if locked {
                events.emit("offer-expired", serde_json::json!({ "deadline": deadline }));
            }
        });
    }
    {
        // Acknowledgments, apart from the draft, for hosts that track them.
        let events = use_context::<HostEvents>().unwrap_or_default();
        use_effect_on_change(state.acknowledged.clone(), move |acknowledged| {
            let documents: Vec<_> = acknowledged
                .values()
                .map(|a| serde_json::json!({ "document_id": a.document_id, "digest": a.digest }))
                .collect();
            events.emit(
                "acknowledgment-changed",
                serde_json::json!({ "acknowledged": documents }),
            )
        });
    }

    // A deadline that moved since the employee last looked is said once, on this visit.
    let deadline = offer.expiration.instant.to_rfc3339();
    let moved = {
        let (seen, now) = (state.seen_deadline.clone(), offer.expiration.instant);
        use_state(move || {
            seen.and_then(|s| chrono::DateTime::parse_from_rfc3339(&s).ok())
                .filter(|before| *before != now)
                .map(|before| now > before)
        })
    };
    {
        let dispatcher = state.dispatcher();
        use_effect_with(deadline, move |d| {
            dispatcher.dispatch(Action::SawDeadline(d.clone()))
        });
    }
    let preview = props.clock.anchor.source == ClockSource::Preview;

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
    let on_toggle = {
        let dispatcher = state.dispatcher();
        use_callback((), move |id: AttrValue, _| {
            dispatcher.dispatch(Action::Toggle(id))
        })
    };
    let on_acknowledge = {
        let dispatcher = state.dispatcher();
        use_callback((), move |(id, ack), _| {
            dispatcher.dispatch(Action::Acknowledge(id, ack))
        })
    };
    let on_price = {
        let dispatcher = state.dispatcher();
        use_callback((), move |price: String, _| {
            dispatcher.dispatch(Action::SetNewPrice(price))
        })
    };

    let eligible_ids: Vec<String> = holder
        .grants
        .iter()
        .zip(&resolution.statuses)
        .filter(|(_, s)| s.eligible())
        .map(|(g, _)| g.id.clone())
        .collect();
    let any_eligible = !eligible_ids.is_empty();
    let all_exchanged = resolution
        .statuses
        .iter()
        .filter(|s| s.eligible())
        .all(|s| s.exchanged);
    let pick_all = {
        let dispatcher = state.dispatcher();
        Callback::from(move |_: MouseEvent| {
            dispatcher.dispatch(Action::PickAll(eligible_ids.clone()))
        })
    };
    let start_over = {
        let dispatcher = state.dispatcher();
        Callback::from(move |_: MouseEvent| dispatcher.dispatch(Action::StartOver))
    };

    // Signing and delivery: the courier keeps the outbox and sends from it (not in a
    // preview, from which nothing can be submitted).
    let outbox = use_state(OutboxView::default);
    let courier = use_mut_ref(|| None::<std::rc::Rc<Courier>>);
    {
        let (outbox, courier_slot) = (outbox.setter(), courier.clone());
        let events = use_context::<HostEvents>().unwrap_or_default();
        let clock = props.clock.clone();
        let deps = (props.data.clone(), props.delivery.clone(), preview);
        use_effect_with(deps, move |(data, delivery, preview)| {
            let c = (!*preview).then(|| {
                let c = Courier::new(
                    &data.offer,
                    &data.holder,
                    delivery.clone(),
                    clock,
                    events,
                    Callback::from(move |view| outbox.set(view)),
                );
                c.start();
                c
            });
            *courier_slot.borrow_mut() = c.clone();
            move || {
                if let Some(c) = c {
                    c.close();
                }
            }
        });
    }
    let sign_with = |withdraw: bool| {
        let (courier, data) = (courier.clone(), props.data.clone());
        let (acks, election) = (state.acknowledged.clone(), resolution.election.clone());
        Callback::from(move |name: String| {
            let Some(c) = courier.borrow().clone() else {
                return;
            };
            let (data, acks) = (data.clone(), acks.clone());
            let election = if withdraw {
                election_core::Election::keep_all(&data.offer, &data.holder)
            } else {
                election.clone()
            };
            wasm_bindgen_futures::spawn_local(async move {
                let acks = acks.values().cloned().collect();
                c.sign(&data.offer, &data.holder, &election, acks, name)
                    .await;
            });
        })
    };
    let on_sign = sign_with(false);
    let on_withdraw = sign_with(true);
    let on_entry = {
        let (courier, outbox) = (courier.clone(), outbox.clone());
        Callback::from(move |action: EntryAction| {
            let find = |key: &str| outbox.entries.iter().find(|e| e.key() == key).cloned();
            match action {
                EntryAction::Retry(key) => {
                    if let Some(c) = courier.borrow().clone() {
                        c.retry(&key);
                    }
                }
                EntryAction::DownloadReceipt(key) => {
                    if let Some(e) = find(&key) {
                        if let Some(r) = e.receipt() {
                            download_json(
                                &delivery::file_name("receipt", e.payload()),
                                "the receipt",
                                r,
                            );
                        }
                    }
                }
                EntryAction::DownloadCheckpoint => {
                    if let Some(cp) = &outbox.checkpoint {
                        download_json(
                            &format!(
                                "checkpoint-{}-{}.json",
                                cp.checkpoint.offer_id, cp.checkpoint.count
                            ),
                            "the receiver's checkpoint",
                            &**cp,
                        );
                    }
                }
                EntryAction::DownloadElection(key) => {
                    if let Some(e) = find(&key) {
                        download_json(
                            &delivery::file_name("election", e.payload()),
                            "the signed election",
                            &e.signed,
                        );
                    }
                }
            }
        })
    };
    let governing = delivery::governing(&outbox.entries);
    let blockers = delivery::sign_blockers(&delivery::Readiness {
        offer,
        holder,
        disclosure: &disclosure,
        acknowledged: &state.acknowledged,
        election: &resolution.election,
        preview,
        locked,
        outbox_loaded: outbox.loaded,
        style: f.style(),
    });
    let kept = resolution
        .statuses
        .iter()
        .filter(|s| s.eligible() && !s.exchanged)
        .count() as u64;
    let can_withdraw = governing.is_some_and(|g| !g.payload().is_withdrawal());

    let price = f.parse_money(&state.new_price);
    let comparison = price
        .as_ref()
        .ok()
        .and_then(|&p| Comparison::of_election(holder, &resolution, p));
    let ignored: Vec<String> = resolution.ignored_picks.clone();

    html! {
        <div class="ew" data-state="ready" lang="en" dir="ltr">
            if preview {
                <div class="ew-preview" role="note" aria-label="Preview">
                    <strong>{ format!("Preview as of {}.", props.clock.local(props.clock.anchor.epoch_ms)) }</strong>
                    { " The clock runs from that moment. This is a preview: nothing can be submitted from it." }
                </div>
            }
            if let Some(at) = props.offline_as_of {
                <p class="ew-note ew-warning ew-offline" role="status">
                    { format!("Offline: showing the offer as loaded on {}. You can review the offer and your grants and make and sign your choices; a signed election is sent when the connection returns.",
                        props.clock.local(at)) }
                </p>
            }
            { offer_header(offer, &f) }
            <Countdown deadline={offer.expiration.instant} wording={AttrValue::from(offer.expiration.legal_wording.clone())}
                clock={props.clock.clone()} {on_phase} />
            if let Some(later) = *moved {
                <p class="ew-note ew-warning" role="status">
                    { format!("{} {}.", if later { "The offer was extended to" } else { "The deadline was changed to" },
                        offer.expiration.legal_wording) }
                </p>
            }
            { amendment_banner(offer, &disclosure, &state.acknowledged, &f) }
            <section class="ew-section ew-grants" aria-label="Your option grants">
                <h2>{ "Your option grants" }</h2>
                <p class="ew-employee">
                    <span>{ holder.employee.name.clone() }</span>
                    <span class="ew-muted">{ format!(" · Employee ID {}", holder.employee.id) }</span>
                    if holder.illustrative {
                        { " " }{ illustrative_badge() }
                        <span class="ew-sr-only">{ " (fictional sample employee)" }</span>
                    }
                </p>
                if locked {
                    <p class="ew-note ew-expired">
                        { format!("The offer expired at {}. Elections can no longer be made or changed; the last election received before the deadline governs.",
                            offer.expiration.legal_wording) }
                    </p>
                }
                if let Some(problem) = &state.storage_problem {
                    <p class="ew-note ew-warning" role="status">
                        { format!("Drafts are not being saved: {problem}. Your choices will be lost if you leave or reload this page.") }
                    </p>
                }
                if state.draft_unreadable {
                    <p class="ew-note" role="status">{ "A saved draft could not be read and was set aside. Please make your choices again." }</p>
                }
                if !ignored.is_empty() {
                    <p class="ew-note" role="status">
                        { format!("Your saved draft included {} that cannot be exchanged now, so {} left out: {}.",
                            f.plural(ignored.len() as u64, "grant", "grants"),
                            if ignored.len() == 1 { "it was" } else { "they were" },
                            ignored.join(", ")) }
                    </p>
                }
                if holder.grants.is_empty() {
                    <p class="ew-empty">
                        { format!("{} has no option grants under {}, so there is nothing to exchange.",
                            holder.employee.name,
                            offer.plans.iter().map(|p| p.short_name.as_str()).collect::<Vec<_>>().join(" or ")) }
                    </p>
                } else {
                    if !any_eligible {
                        <p class="ew-empty">
                            { "None of your grants can be exchanged in this offer, so there is nothing to choose. The reason for each grant is in the table; if you think one is wrong, contact " }
                            { offer.contacts.first().map_or("your HR team".to_owned(), |c| c.name.clone()) }
                            { "." }
                        </p>
                    }
                    <GrantsTable data={props.data.clone()} resolution={resolution.clone()} reasons={reasons.clone()} {on_toggle} {locked} />
                    if any_eligible {
                        <p class="ew-summary" role="status" aria-live="polite" aria-atomic="true">
                            { resolution.summary.sentence_in(f.style()) }
                        </p>
                        <div class="ew-actions">
                            <button type="button" class="ew-button" onclick={pick_all} disabled={all_exchanged || locked}>
                                { "Exchange all eligible grants" }
                            </button>
                            <button type="button" class="ew-button ew-button-secondary" onclick={start_over} disabled={!state.has_choices() || locked}>
                                { "Start over" }
                            </button>
                        </div>
                        if resolution.summary.new_grant_date.is_some() && offer.terms.new_grant.source == election_core::Source::Illustrative {
                            <p class="ew-muted ew-small">{ "The new grant date is an estimate from illustrative terms; the company sets the actual date." }</p>
                        }
                    }
                }
            </section>
            if any_eligible {
                { decision_support(comparison.as_ref(), &state.new_price, price.as_ref().err().map(String::as_str), &on_price, &f) }
            }
            if preview && props.timing_checks {
                { crate::components::countdown::timing_checks(offer, &f) }
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
                    blockers={std::rc::Rc::new(blockers)} signing={outbox.signing}
                    changing={governing.is_some()} {can_withdraw} {on_sign} {on_withdraw} />
            }
            { outbox_panel(&outbox, offer, &on_entry, &f) }
            <div class="ew-footer">
                <button type="button" class="ew-button ew-button-secondary" onclick={Callback::from(|_: MouseEvent| browser::print())}>
                    { "Print or save as PDF" }
                </button>
            </div>
        </div>
    }
}

/// Offers `value` as a JSON file; one that cannot be written is said, never an empty file.
fn download_json(name: &str, what: &str, value: &impl serde::Serialize) {
    match delivery::to_json(what, value) {
        Ok(text) => crate::vault::download(name, &text),
        Err(problem) => crate::vault::alert(&problem),
    }
}
