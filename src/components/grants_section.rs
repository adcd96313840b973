//! The employee's grants: who they are, the notes about their draft, the eligible-grant
//! table, the summary of what the picks mean, and "Exchange all" / "Start over". Where
//! the widget is narrow the summary stays in view at the foot of the screen while the
//! grants scroll past (the stylesheet makes it sticky), with the time left and the way
//! on to signing.

use std::collections::BTreeMap;
use std::rc::Rc;

use chrono::{DateTime, FixedOffset};
use election_core::Resolution;
use yew::prelude::*;

use crate::components::countdown::TimeLeftInWords;
use crate::components::grants_table::GrantsTable;
use crate::components::part_box::PartBoxCode;
use crate::components::{illustrative_badge, Shared};
use crate::hooks::use_formats;
use election_client::clock::TrustedClock;
use election_client::election_state::Action;
use election_client::loading::Loaded;

/// What the section's buttons change, through the election's reducer.
#[derive(Clone, PartialEq)]
pub struct SectionActions {
    pub dispatch: Callback<Action>,
    /// Whether "Start over" has something to undo.
    pub has_choices: bool,
}

#[derive(Clone, PartialEq, Properties)]
pub struct GrantsSectionProps {
    pub data: Loaded,
    pub resolution: Shared<Resolution>,
    pub reasons: Shared<Vec<Option<AttrValue>>>,
    /// Where the offer takes part of a grant: the options to tender, as typed, by grant.
    #[prop_or_default]
    pub parts: Rc<BTreeMap<String, String>>,
    /// The code of the box for a part of a grant, once it is here.
    #[prop_or_default]
    pub part_box: Option<PartBoxCode>,
    pub actions: SectionActions,
    /// After the deadline nothing can be chosen or changed.
    pub locked: bool,
    /// The deadline and the trusted clock, for the time left beside the summary.
    pub deadline: DateTime<FixedOffset>,
    pub clock: TrustedClock,
    /// Why drafts are not being saved, when they are not.
    #[prop_or_default]
    pub storage_problem: Option<AttrValue>,
    /// A saved draft was found unreadable and set aside.
    #[prop_or_default]
    pub draft_unreadable: bool,
}

#[component]
pub fn GrantsSection(props: &GrantsSectionProps) -> Html {
    let f = use_formats();
    let Loaded { offer, holder } = &props.data;
    let (resolution, locked) = (&props.resolution, props.locked);
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
    let dispatch = &props.actions.dispatch;
    // The same callback from render to render (a new one would differ from the last, and
    // every row of the table would render again on each toggle).
    let on_toggle = use_callback(dispatch.clone(), |id: AttrValue, dispatch| {
        dispatch.emit(Action::Toggle(Rc::from(id.as_str())));
    });
    let on_part = use_callback(
        dispatch.clone(),
        |(id, typed): (AttrValue, String), dispatch| {
            dispatch.emit(Action::SetPart(Rc::from(id.as_str()), typed));
        },
    );
    let pick_all = dispatch.reform(move |_: MouseEvent| Action::PickAll(eligible_ids.clone()));
    let start_over = dispatch.reform(|_: MouseEvent| Action::StartOver);
    let ignored = &resolution.ignored_picks;
    html! {
            <section class="ew-section ew-grants" id="ew-grants" aria-label="Your option grants">
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
                if let Some(problem) = &props.storage_problem {
                    <p class="ew-note ew-warning" role="status">
                        { format!("Drafts are not being saved: {problem}. Your choices will be lost if you leave or reload this page.") }
                    </p>
                }
                if props.draft_unreadable {
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
                    <GrantsTable data={props.data.clone()} resolution={props.resolution.clone()} reasons={props.reasons.clone()}
                        parts={props.parts.clone()} part_box={props.part_box} {on_toggle} {on_part} {locked} />
                    if any_eligible {
                        // The one live region of the summary: the time left beside it is
                        // not announced (the countdown announces each phase once).
                        <div class="ew-tally">
                            <p class="ew-summary" role="status" aria-live="polite" aria-atomic="true">
                                { resolution.summary.sentence_in(f.style()) }
                            </p>
                            <p class="ew-tally-more" onclick={Callback::from(crate::platform::page::follow_in_page_link)}>
                                <TimeLeftInWords deadline={props.deadline} clock={props.clock.clone()} {locked} />
                                <a class="ew-button" href="#ew-sign">{ "Review and sign" }</a>
                            </p>
                        </div>
                        <div class="ew-actions">
                            <button type="button" class="ew-button" onclick={pick_all} disabled={all_exchanged || locked}>
                                { "Exchange all eligible grants" }
                            </button>
                            <button type="button" class="ew-button ew-button-secondary" onclick={start_over} disabled={!props.actions.has_choices || locked}>
                                { "Start over" }
                            </button>
                        </div>
                        if resolution.summary.new_grant_date.is_some() && offer.terms.new_grant.source == election_core::Source::Illustrative {
                            <p class="ew-muted ew-small">{ "The new grant date is an estimate from illustrative terms; the company sets the actual date." }</p>
                        }
                    }
                }
            </section>
    }
}
