//! The results' tables: participation, elections by day, the totals for the final
//! amendment, and the totals by plan. Each has a caption and header cells, so a screen
//! reader reads every figure with what it counts.

use yew::prelude::*;

use election_client::hr::{money, thousands};
use election_core::results::{Day, Participation, ResultsSummary};

fn rows(caption: &str, rows: &[(&str, String)]) -> Html {
    html! {
        <table class="ew-table ew-results-table">
            <caption>{ caption }</caption>
            <thead><tr><th scope="col">{ "Measure" }</th><th scope="col" class="ew-num">{ "Figure" }</th></tr></thead>
            <tbody>
                { for rows.iter().map(|(label, value)| html! {
                    <tr><th scope="row">{ *label }</th><td class="ew-num">{ value.clone() }</td></tr>
                }) }
            </tbody>
        </table>
    }
}

pub fn participation(p: &Participation) -> Html {
    rows(
        "Participation",
        &[
            ("Eligible employees", thousands(p.eligible)),
            ("Viewed their grants", thousands(p.viewed)),
            ("Responded", thousands(p.responded)),
            ("Elected to exchange", thousands(p.elected)),
            ("Withdrew", thousands(p.withdrawn)),
            ("Kept all their grants", thousands(p.kept_all)),
            ("Changed their election", thousands(p.changed)),
            ("Not yet responded", thousands(p.not_responded)),
            (
                "Late elections (counting for nothing)",
                thousands(p.late_elections),
            ),
            ("Employees with only late elections", thousands(p.late_only)),
        ],
    )
}

pub fn by_day(days: &[Day]) -> Html {
    if days.is_empty() {
        return Html::default();
    }
    html! {
        <table class="ew-table ew-results-table">
            <caption>{ "Elections by day (the offer's time zone)" }</caption>
            <thead><tr>
                <th scope="col">{ "Day" }</th>
                <th scope="col" class="ew-num">{ "Elections on time" }</th>
                <th scope="col" class="ew-num">{ "Late elections" }</th>
                <th scope="col" class="ew-num">{ "Employees responded by day's end" }</th>
            </tr></thead>
            <tbody>
                { for days.iter().map(|d| html! {
                    <tr>
                        <th scope="row">{ d.date.clone() }</th>
                        <td class="ew-num">{ thousands(d.elections) }</td>
                        <td class="ew-num">{ thousands(d.late) }</td>
                        <td class="ew-num">{ thousands(d.responded) }</td>
                    </tr>
                }) }
            </tbody>
        </table>
    }
}

pub fn summary(s: &ResultsSummary, closed: bool) -> Html {
    let nouns = s.award.nouns();
    let awards = match nouns.1 {
        "new options" => "New options to grant",
        _ => "New restricted stock units to grant",
    };
    let mut list = vec![
        ("Eligible employees", thousands(s.eligible_employees)),
        ("Employees taking part", thousands(s.employees_taking_part)),
        ("Eligible options", thousands(s.eligible_options)),
        ("Grants exchanged", thousands(s.grants_exchanged)),
        (
            if closed {
                "Options tendered and accepted"
            } else {
                "Options tendered so far"
            },
            thousands(s.options_tendered),
        ),
        (awards, thousands(s.new_awards)),
    ];
    if s.cash_cents > 0 {
        list.push(("Cash instead of awards", money(s.cash_cents)));
    }
    rows(
        if closed {
            "The offer's results"
        } else {
            "Totals so far"
        },
        &list,
    )
}

pub fn by_plan(s: &ResultsSummary) -> Html {
    if s.by_plan.is_empty() {
        return html! { <p class="ew-muted">{ "No grant has been tendered." }</p> };
    }
    html! {
        <table class="ew-table ew-results-table">
            <caption>{ "By plan" }</caption>
            <thead><tr>
                <th scope="col">{ "Plan" }</th>
                <th scope="col" class="ew-num">{ "Grants exchanged" }</th>
                <th scope="col" class="ew-num">{ "Options tendered" }</th>
                <th scope="col" class="ew-num">{ s.award.heading() }</th>
                <th scope="col" class="ew-num">{ "Cash" }</th>
            </tr></thead>
            <tbody>
                { for s.by_plan.iter().map(|p| html! {
                    <tr>
                        <th scope="row">{ p.plan.clone() }</th>
                        <td class="ew-num">{ thousands(p.grants_exchanged) }</td>
                        <td class="ew-num">{ thousands(p.options_tendered) }</td>
                        <td class="ew-num">{ thousands(p.new_awards) }</td>
                        <td class="ew-num">{ money(p.cash_cents) }</td>
                    </tr>
                }) }
            </tbody>
        </table>
    }
}
