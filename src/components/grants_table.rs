//! The employee's option grants as an accessible table: a caption that names it, column
//! headers, and each grant's id as its row header.

use std::rc::Rc;

use election_core::{Holder, Offer};
use yew::prelude::*;

use crate::components::IllustrativeBadge;
use crate::format;

#[derive(Debug, Clone, PartialEq, Properties)]
pub struct GrantsTableProps {
    pub offer: Rc<Offer>,
    pub holder: Rc<Holder>,
}

#[component]
pub fn GrantsTable(props: &GrantsTableProps) -> Html {
    let GrantsTableProps { offer, holder } = props;
    let employee = &holder.employee;
    let outstanding: u64 = holder.grants.iter().map(|g| g.outstanding).sum();
    let vested: u64 = holder.grants.iter().map(|g| g.vested).sum();
    let plan_name = |id: &str| {
        offer
            .plan(id)
            .map_or_else(|| id.to_owned(), |p| p.short_name.clone())
    };
    let caption = format!(
        "{} held by {}",
        format::plural(holder.grants.len() as u64, "option grant", "option grants"),
        employee.name
    );

    html! {
        <section class="ew-section ew-grants" aria-label="Your option grants">
            <h2>{ "Your option grants" }</h2>
            <p class="ew-employee">
                <span>{ employee.name.clone() }</span>
                <span class="ew-muted">{ format!(" · Employee ID {}", employee.id) }</span>
                if holder.illustrative {
                    { " " }<IllustrativeBadge />
                    <span class="ew-sr-only">{ " (fictional sample employee)" }</span>
                }
            </p>
            if holder.grants.is_empty() {
                <p class="ew-empty">
                    { format!("{} has no option grants under {}, so there is nothing to exchange.",
                        employee.name,
                        offer.plans.iter().map(|p| p.short_name.as_str()).collect::<Vec<_>>().join(" or ")) }
                </p>
            } else {
                <div class="ew-table-scroll" role="region" aria-label={caption.clone()} tabindex="0">
                    <table class="ew-table">
                        <caption>{ caption.clone() }</caption>
                        <thead>
                            <tr>
                                <th scope="col">{ "Grant" }</th>
                                <th scope="col">{ "Plan" }</th>
                                <th scope="col">{ "Granted" }</th>
                                <th scope="col" class="ew-num">{ "Exercise price" }</th>
                                <th scope="col" class="ew-num">{ "Outstanding" }</th>
                                <th scope="col" class="ew-num">{ "Vested" }</th>
                                <th scope="col">{ "Expires" }</th>
                            </tr>
                        </thead>
                        <tbody>
                            { for holder.grants.iter().map(|g| html! {
                                <tr key={g.id.clone()}>
                                    <th scope="row">{ g.id.clone() }</th>
                                    <td>{ plan_name(&g.plan) }</td>
                                    <td>{ format::date(g.grant_date) }</td>
                                    <td class="ew-num">{ format::money(g.exercise_price) }</td>
                                    <td class="ew-num">{ format::count(g.outstanding) }</td>
                                    <td class="ew-num">{ format::count(g.vested) }</td>
                                    <td>{ format::date(g.expiration_date) }</td>
                                </tr>
                            }) }
                        </tbody>
                        <tfoot>
                            <tr>
                                <th scope="row" colspan="4">{ "Total" }</th>
                                <td class="ew-num">{ format::count(outstanding) }</td>
                                <td class="ew-num">{ format::count(vested) }</td>
                                <td></td>
                            </tr>
                        </tfoot>
                    </table>
                </div>
            }
        </section>
    }
}
