//! The employee's option grants as an accessible table with a choice per eligible grant:
//! a caption that names it, column headers, each grant's id as its row header, and for
//! each grant whether it can be exchanged, what it gives, and why the rules say so.
//!
//! Where the widget is narrow the stylesheet lays each row out as a card (a container
//! query in widget.css): the table's roles are written out (`role="row"`, `"cell"`…) so
//! that a screen reader still has a table with its headers when the rows' CSS display is
//! no longer a table's, and each cell's `data-label` is the column's name, shown beside
//! the value on a card (hidden from assistive technology, which has the header).

use std::collections::BTreeMap;
use std::rc::Rc;

use election_core::Resolution;
use yew::prelude::*;

use crate::components::grant_row::{
    GrantRows, RowState, EXPIRES, GRANTED, OUTSTANDING, PLAN, PRICE, STATUS, VESTED,
};
use crate::components::part_box::PartBoxCode;
use crate::components::Shared;
use crate::hooks::{use_formats, use_rows_in_steps};
use election_client::loading::Loaded;

#[derive(Debug, Clone, PartialEq, Properties)]
pub struct GrantsTableProps {
    pub data: Loaded,
    pub resolution: Shared<Resolution>,
    /// Why each grant is not eligible, worded once per data load (None when eligible).
    pub reasons: Shared<Vec<Option<AttrValue>>>,
    pub on_toggle: Callback<AttrValue>,
    /// Where the offer takes part of a grant: the options to tender, as typed, by grant.
    #[prop_or_default]
    pub parts: Rc<BTreeMap<String, String>>,
    /// A part typed for a grant (its id, the text).
    #[prop_or_default]
    pub on_part: Callback<(AttrValue, String)>,
    /// The code of the box for a part of a grant, once it is here.
    #[prop_or_default]
    pub part_box: Option<PartBoxCode>,
    /// After the deadline nothing can be chosen or changed.
    #[prop_or_default]
    pub locked: bool,
}

/// Rows rendered with the first paint: enough for the visible part of the table (its
/// scroll box is 36rem high on a wide screen, about 13 rows; on a phone, where the rows
/// are cards, a screenful is fewer). The rest follow in the next frames. (40 until
/// December 2026: the 20 more rows in the default page's first render cost about 20 ms
/// of its data-to-ready, measured A/B.)
pub const FIRST_ROWS: usize = 16;
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
    let new_heading = summary.award.heading();
    // The part box's code, to the blocks only where the offer takes parts: its arrival
    // renders no block of an offer that takes whole grants.
    let part_box = props
        .part_box
        .filter(|_| props.data.offer.terms.tender_rules.takes_choices());
    let caption = format!(
        "{} held by {}",
        f.plural(holder.grants.len() as u64, "option grant", "option grants"),
        holder.employee.name
    );
    html! {
        <div class="ew-table-scroll" role="region" aria-label={caption.clone()} tabindex="0">
            <table class="ew-table ew-grants-table" role="table">
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
                <thead role="rowgroup">
                    <tr role="row">
                        <th scope="col" role="columnheader">{ "Exchange" }</th>
                        <th scope="col" role="columnheader">{ "Grant" }</th>
                        <th scope="col" role="columnheader">{ PLAN }</th>
                        <th scope="col" role="columnheader">{ GRANTED }</th>
                        <th scope="col" role="columnheader" class="ew-num">{ PRICE }</th>
                        <th scope="col" role="columnheader" class="ew-num">{ OUTSTANDING }</th>
                        <th scope="col" role="columnheader" class="ew-num">{ VESTED }</th>
                        <th scope="col" role="columnheader">{ EXPIRES }</th>
                        <th scope="col" role="columnheader" class="ew-num">{ new_heading }</th>
                        <th scope="col" role="columnheader">{ STATUS }</th>
                    </tr>
                </thead>
                <tbody role="rowgroup">
                    // In blocks of rows: a toggle changes one block's props, so Yew compares
                    // a few dozen blocks and one block's rows instead of every row.
                    { for (0..shown).step_by(BLOCK).map(|start| {
                        let end = (start + BLOCK).min(shown);
                        let rows: Rc<[RowState]> = props.resolution.statuses[start..end].iter().zip(&holder.grants[start..end])
                            .map(|(s, g)| RowState::of(s, props.parts.get(&g.id).map(|t| AttrValue::from(t.clone()))))
                            .collect();
                        html! {
                            <GrantRows key={start} data={props.data.clone()} {start} {rows}
                                reasons={props.reasons.clone()} on_toggle={props.on_toggle.clone()}
                                on_part={props.on_part.clone()} {part_box} locked={props.locked} />
                        }
                    }) }
                </tbody>
                <tfoot role="rowgroup">
                    <tr role="row" class="ew-total">
                        <td role="cell"></td>
                        <th scope="row" role="rowheader" colspan="4">{ "Total" }</th>
                        <td role="cell" class="ew-num" data-label={OUTSTANDING}>{ f.count(outstanding) }</td>
                        <td role="cell" class="ew-num" data-label={VESTED}>{ f.count(vested) }</td>
                        <td role="cell"></td>
                        <td role="cell" class="ew-num" data-label={new_heading}>
                            { f.count(summary.new_options) }
                            if summary.cash_cents > 0 {
                                { " " }<span class="ew-ratio">{ format!("and {} in cash", f.money(election_core::display::from_cents(summary.cash_cents))) }</span>
                            }
                        </td>
                        <td role="cell">{ format!("{} to exchange", f.plural(summary.grants, "grant", "grants")) }</td>
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
