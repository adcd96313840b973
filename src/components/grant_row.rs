//! One grant of the table: its row, and the blocks of rows the table renders them in (a
//! toggle re-renders one block and the rows in it that changed, not every row). The cells
//! carry their roles and their column's name (see grants_table.rs).

use std::rc::Rc;

use election_core::display::from_cents;
use election_core::rules::{self, RatioFrom};
use election_core::{GrantStatus, Requirement};
use yew::prelude::*;

use crate::components::part_box::{PartBox, PartBoxCode};
use crate::components::Shared;
use crate::hooks::use_formats;
use election_client::loading::Loaded;

// The columns' names: the headers, and the labels a card shows beside each value.
pub const PLAN: &str = "Plan";
pub const GRANTED: &str = "Granted";
pub const PRICE: &str = "Exercise price";
pub const OUTSTANDING: &str = "Outstanding";
pub const VESTED: &str = "Vested";
pub const EXPIRES: &str = "Expires";
pub const STATUS: &str = "Status";

/// What a row shows that the employee's picks can change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowState {
    exchanged: bool,
    required: Option<Requirement>,
    picked: bool,
    in_lookback: bool,
    tendered: u64,
    new_options: u64,
    /// Cash instead of the new awards (cents), where the grant would give too few.
    cash: Option<u64>,
    /// The part typed for this grant, where the offer takes parts.
    part: Option<AttrValue>,
}

impl RowState {
    pub fn of(s: &GrantStatus, part: Option<AttrValue>) -> RowState {
        RowState {
            exchanged: s.exchanged,
            required: s.required,
            picked: s.picked,
            in_lookback: s.in_lookback,
            tendered: s.tendered,
            new_options: s.new_options,
            cash: s.cash_cents,
            part,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Properties)]
pub struct GrantRowsProps {
    pub data: Loaded,
    /// The index of the block's first grant.
    pub start: usize,
    pub rows: Rc<[RowState]>,
    pub reasons: Shared<Vec<Option<AttrValue>>>,
    pub on_toggle: Callback<AttrValue>,
    pub on_part: Callback<(AttrValue, String)>,
    /// The code of the box for a part of a grant, once it is here.
    pub part_box: Option<PartBoxCode>,
    pub locked: bool,
}

/// A block of rows, re-rendered only when one of its rows changes.
#[component]
pub fn GrantRows(props: &GrantRowsProps) -> Html {
    let holder = &props.data.holder;
    let takes_parts = props.data.offer.terms.tender_rules.takes_choices();
    html! {
        { for props.rows.iter().enumerate().map(|(i, row)| {
            let index = props.start + i;
            html! {
                <GrantRow
                    key={holder.grants.get(index).map_or_else(|| index.to_string(), |g| g.id.clone())}
                    data={props.data.clone()}
                    {index}
                    exchanged={row.exchanged}
                    required={row.required}
                    picked={row.picked}
                    in_lookback={row.in_lookback}
                    tendered={row.tendered}
                    new_options={row.new_options}
                    cash={row.cash}
                    part={row.part.clone()}
                    reason={props.reasons.get(index).cloned().flatten()}
                    on_toggle={props.on_toggle.clone()}
                    on_part={props.on_part.clone()}
                    // Only to a row that shows the box: when the code arrives (just after
                    // ready), no other row renders again.
                    part_box={props.part_box.filter(|_| takes_parts && row.exchanged && row.picked)}
                    locked={props.locked}
                />
            }
        }) }
    }
}

#[derive(Debug, Clone, PartialEq, Properties)]
struct GrantRowProps {
    data: Loaded,
    index: usize,
    exchanged: bool,
    required: Option<Requirement>,
    picked: bool,
    in_lookback: bool,
    tendered: u64,
    new_options: u64,
    cash: Option<u64>,
    part: Option<AttrValue>,
    reason: Option<AttrValue>,
    on_toggle: Callback<AttrValue>,
    on_part: Callback<(AttrValue, String)>,
    part_box: Option<PartBoxCode>,
    locked: bool,
}

/// One grant. A component of its own so that a toggle re-renders only the rows whose
/// status changed (props compare by value; the data by identity).
#[component]
fn GrantRow(props: &GrantRowProps) -> Html {
    let f = use_formats();
    let Some(g) = props.data.holder.grants.get(props.index) else {
        return Html::default();
    };
    let offer = &props.data.offer;
    let eligible = props.reason.is_none();
    let plan = offer
        .plan(&g.plan)
        .map_or_else(|| g.plan.clone(), |p| p.short_name.clone());
    let status = match (&props.reason, props.required) {
        (Some(reason), _) => format!("Not eligible: {reason}."),
        (None, Some(req)) => format!("{}.", req.describe(offer)),
        (None, None) if props.exchanged && props.tendered < g.outstanding => format!(
            "Exchanging {} of {} options.",
            f.count(props.tendered),
            f.count(g.outstanding)
        ),
        (None, None) if props.exchanged => "Exchanging.".to_owned(),
        (None, None) if props.in_lookback => format!(
            "Eligible. Granted in the {} months before the offer opened, so it is exchanged if any other grant is.",
            offer.terms.lookback.months
        ),
        (None, None) => "Eligible.".to_owned(),
    };
    let id = AttrValue::from(g.id.clone());
    let onchange = {
        let (on_toggle, id) = (props.on_toggle.clone(), id.clone());
        Callback::from(move |_: Event| on_toggle.emit(id.clone()))
    };
    // Where the offer takes part of a grant, a grant the employee picked says how many of
    // its options (one the rules alone add is tendered whole).
    let takes_part =
        offer.terms.tender_rules.takes_choices() && eligible && props.exchanged && props.picked;
    let label = match props.required {
        Some(_) => format!("Exchange grant {} (required by the offer's rules)", g.id),
        None => format!("Exchange grant {}", g.id),
    };
    let class = classes!(
        props.exchanged.then_some("ew-row-exchanged"),
        (!eligible).then_some("ew-row-ineligible")
    );
    html! {
        <tr {class} role="row">
            <td class="ew-choice" role="cell">
                if eligible {
                    <label class="ew-check">
                        <input type="checkbox" checked={props.exchanged} disabled={props.required.is_some() || props.locked} {onchange} />
                        <span class="ew-sr-only">{ label }</span>
                    </label>
                } else {
                    <span class="ew-muted" aria-hidden="true">{ "—" }</span>
                }
            </td>
            <th scope="row" role="rowheader">
                { g.id.clone() }
                if props.in_lookback && eligible {
                    { " " }<span class="ew-tag" title="Granted in the months before the offer opened">{ format!("{}-month rule", offer.terms.lookback.months) }</span>
                }
            </th>
            <td role="cell" data-label={PLAN}>{ plan }</td>
            <td role="cell" data-label={GRANTED}><time datetime={g.grant_date.to_string()}>{ f.short_date(g.grant_date) }</time></td>
            <td role="cell" data-label={PRICE} class="ew-num">{ f.money(g.exercise_price) }</td>
            <td role="cell" data-label={OUTSTANDING} class="ew-num">{ f.count(g.outstanding) }</td>
            <td role="cell" data-label={VESTED} class="ew-num">{ f.count(g.vested) }</td>
            <td role="cell" data-label={EXPIRES}><time datetime={g.expiration_date.to_string()}>{ f.short_date(g.expiration_date) }</time></td>
            <td role="cell" data-label={offer.award().heading()} class="ew-num">
                { match (eligible, props.cash) {
                    (false, _) => "—".to_owned(),
                    (true, Some(cents)) => f.money(from_cents(cents)),
                    (true, None) => f.count(props.new_options),
                } }
                if let (true, Some(_), Some(rule)) = (eligible, props.cash, &offer.terms.cash_instead) {
                    { " " }<span class="ew-ratio">{ format!("in cash instead of {}: fewer than {}",
                        f.plural(props.new_options, offer.award().nouns().0, offer.award().nouns().1), f.count(rule.below)) }</span>
                }
                // Where the offer sets ratios grant by grant, each row says which applies.
                else if let (true, Some(_), Some((ratio, from))) = (eligible, &offer.terms.exchange_ratio.by_grant, rules::ratio(offer, g)) {
                    { " " }<span class="ew-ratio">{ format!("at {}, {}", ratio.describe(), match from {
                        RatioFrom::Grant => "this grant's own ratio",
                        RatioFrom::Tier => "by exercise price",
                    }) }</span>
                }
            </td>
            <td role="cell" class="ew-status">
                { status }
                if let (true, Some(code)) = (takes_part, props.part_box) {
                    { (code.0)(&PartBox {
                        grant: g,
                        rules: &offer.terms.tender_rules,
                        typed: props.part.as_ref(),
                        locked: props.locked,
                        on_part: &props.on_part,
                        formats: &f,
                    }) }
                }
            </td>
        </tr>
    }
}
