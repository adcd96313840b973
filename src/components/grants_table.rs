//! The employee's option grants as an accessible table with a choice per eligible grant:
//! a caption that names it, column headers, each grant's id as its row header, and for
//! each grant whether it can be exchanged, what it gives, and why the rules say so.

use std::rc::Rc;

use election_core::{GrantStatus, Requirement, Resolution};
use yew::prelude::*;

use crate::hooks::{use_formats, use_rows_in_steps};
use election_client::loading::Loaded;

#[derive(Debug, Clone, PartialEq, Properties)]
pub struct GrantsTableProps {
    pub data: Loaded,
    pub resolution: Rc<Resolution>,
    /// Why each grant is not eligible, worded once per data load (None when eligible).
    pub reasons: Rc<Vec<Option<AttrValue>>>,
    pub on_toggle: Callback<AttrValue>,
    /// After the deadline nothing can be chosen or changed.
    #[prop_or_default]
    pub locked: bool,
}

/// Rows rendered with the first paint; enough for the visible part of the table.
pub const FIRST_ROWS: usize = 40;
/// Rows added on each later frame, until the table is whole.
pub const MORE_ROWS: usize = 150;
/// Rows in a block ([`GrantRows`]).
const BLOCK: usize = 50;

#[component]
pub fn GrantsTable(props: &GrantsTableProps) -> Html {
    let f = use_formats();
    let holder = &props.data.holder;
    let total_rows = holder.grants.len();
    // A long table is built in steps so that the first screen shows at once; the totals
    // and the rules already cover every grant. Each step is a new frame: a timer (a
    // browser effect) whose drop on unmount cancels it.
    let shown = use_rows_in_steps(total_rows, FIRST_ROWS, MORE_ROWS);
    let outstanding: u64 = holder.grants.iter().map(|g| g.outstanding).sum();
    let vested: u64 = holder.grants.iter().map(|g| g.vested).sum();
    let summary = &props.resolution.summary;
    let caption = format!(
        "{} held by {}",
        f.plural(holder.grants.len() as u64, "option grant", "option grants"),
        holder.employee.name
    );
    html! {
        <div class="ew-table-scroll" role="region" aria-label={caption.clone()} tabindex="0">
            <table class="ew-table ew-grants-table">
                <caption>{ caption }</caption>
                <colgroup>
                    <col class="ew-col-choice" />
                    <col class="ew-col-id" />
                    <col class="ew-col-plan" />
                    <col class="ew-col-date" />
                    <col class="ew-col-money" />
                    <col class="ew-col-outstanding" />
                    <col class="ew-col-vested" />
                    <col class="ew-col-date" />
                    <col class="ew-col-new" />
                    <col class="ew-col-status" />
                </colgroup>
                <thead>
                    <tr>
                        <th scope="col">{ "Exchange" }</th>
                        <th scope="col">{ "Grant" }</th>
                        <th scope="col">{ "Plan" }</th>
                        <th scope="col">{ "Granted" }</th>
                        <th scope="col" class="ew-num">{ "Exercise price" }</th>
                        <th scope="col" class="ew-num">{ "Outstanding" }</th>
                        <th scope="col" class="ew-num">{ "Vested" }</th>
                        <th scope="col">{ "Expires" }</th>
                        <th scope="col" class="ew-num">{ "New options" }</th>
                        <th scope="col">{ "Status" }</th>
                    </tr>
                </thead>
                <tbody>
                    // In blocks of rows: a toggle changes one block's props, so Yew compares
                    // a few dozen blocks and one block's rows instead of every row.
                    { for (0..shown).step_by(BLOCK).map(|start| {
                        let end = (start + BLOCK).min(shown);
                        let rows: Rc<[RowState]> = props.resolution.statuses[start..end].iter().map(RowState::of).collect();
                        html! {
                            <GrantRows key={start} data={props.data.clone()} {start} {rows}
                                reasons={props.reasons.clone()} on_toggle={props.on_toggle.clone()} locked={props.locked} />
                        }
                    }) }
                </tbody>
                <tfoot>
                    <tr>
                        <td></td>
                        <th scope="row" colspan="4">{ "Total" }</th>
                        <td class="ew-num">{ f.count(outstanding) }</td>
                        <td class="ew-num">{ f.count(vested) }</td>
                        <td></td>
                        <td class="ew-num">{ f.count(summary.new_options) }</td>
                        <td>{ format!("{} to exchange", f.plural(summary.grants, "grant", "grants")) }</td>
                    </tr>
                </tfoot>
            </table>
            if shown < total_rows {
                <p class="ew-muted ew-small ew-table-progress">
                    { format!("Listing grants: {} of {}…", f.count(shown as u64), f.count(total_rows as u64)) }
                </p>
            }
        </div>
    }
}

/// What a row shows that the employee's picks can change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct RowState {
    exchanged: bool,
    required: Option<Requirement>,
    in_lookback: bool,
    new_options: u64,
}

impl RowState {
    fn of(s: &GrantStatus) -> RowState {
        RowState {
            exchanged: s.exchanged,
            required: s.required,
            in_lookback: s.in_lookback,
            new_options: s.new_options,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Properties)]
struct GrantRowsProps {
    data: Loaded,
    /// The index of the block's first grant.
    start: usize,
    rows: Rc<[RowState]>,
    reasons: Rc<Vec<Option<AttrValue>>>,
    on_toggle: Callback<AttrValue>,
    locked: bool,
}

/// A block of rows, re-rendered only when one of its rows changes.
#[component]
fn GrantRows(props: &GrantRowsProps) -> Html {
    let holder = &props.data.holder;
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
                    in_lookback={row.in_lookback}
                    new_options={row.new_options}
                    reason={props.reasons.get(index).cloned().flatten()}
                    on_toggle={props.on_toggle.clone()}
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
    in_lookback: bool,
    new_options: u64,
    reason: Option<AttrValue>,
    on_toggle: Callback<AttrValue>,
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
    let label = match props.required {
        Some(_) => format!("Exchange grant {} (required by the offer's rules)", g.id),
        None => format!("Exchange grant {}", g.id),
    };
    let class = classes!(
        props.exchanged.then_some("ew-row-exchanged"),
        (!eligible).then_some("ew-row-ineligible")
    );
    html! {
        <tr {class}>
            <td class="ew-choice">
                if eligible {
                    <label class="ew-check">
                        <input type="checkbox" checked={props.exchanged} disabled={props.required.is_some() || props.locked} {onchange} />
                        <span class="ew-sr-only">{ label }</span>
                    </label>
                } else {
                    <span class="ew-muted" aria-hidden="true">{ "—" }</span>
                }
            </td>
            <th scope="row">
                { g.id.clone() }
                if props.in_lookback && eligible {
                    { " " }<span class="ew-tag" title="Granted in the months before the offer opened">{ format!("{}-month rule", offer.terms.lookback.months) }</span>
                }
            </th>
            <td>{ plan }</td>
            <td><time datetime={g.grant_date.to_string()}>{ f.short_date(g.grant_date) }</time></td>
            <td class="ew-num">{ f.money(g.exercise_price) }</td>
            <td class="ew-num">{ f.count(g.outstanding) }</td>
            <td class="ew-num">{ f.count(g.vested) }</td>
            <td><time datetime={g.expiration_date.to_string()}>{ f.short_date(g.expiration_date) }</time></td>
            <td class="ew-num">{ if eligible { f.count(props.new_options) } else { "—".to_owned() } }</td>
            <td class="ew-status">{ status }</td>
        </tr>
    }
}
