//! The HR preview desk (`preview.html`): HR and legal open a draft offer file and sample
//! employee files from their own computer (nothing is uploaded), see every problem with
//! its place, the Rule 13e-4 timing checks, and the widget exactly as a chosen employee
//! would see it at a chosen moment. Nothing can be submitted from it. The rules are the
//! client's (`election_client::desk`); these components only show them.

mod files;
mod moment;
mod preview;
mod report;

use yew::prelude::*;

use election_client::desk::{self, DeskFile, EmployeesChecked};
use election_client::drafts::Drafts;

use crate::hooks::{use_formats, use_page_ready};
use election_client::format::Formats;
use files::{drop_zone, DropZone};
use moment::moment_field;
use preview::preview;
use report::{preview_report, validation, CheckedEmployee, ExportProblems};

#[component]
pub fn Desk() -> Html {
    use_page_ready();
    let f = use_formats();
    let offer_file = use_state(|| None::<DeskFile>);
    let employee_files = use_state(Vec::<DeskFile>::new);
    let chosen = use_state(|| 0usize);
    let moment = use_state(String::new);
    let drafts = use_memo((), |_| Drafts::memory());

    let on_offer = {
        let offer_file = offer_file.clone();
        Callback::from(move |files: Vec<DeskFile>| offer_file.set(files.into_iter().next()))
    };
    let on_employees = {
        let (employee_files, chosen) = (employee_files.clone(), chosen.clone());
        Callback::from(move |files: Vec<DeskFile>| {
            let mut all = (*employee_files).clone();
            all.extend(files);
            employee_files.set(all);
            chosen.set(0);
        })
    };
    let on_moment = {
        let moment = moment.clone();
        Callback::from(move |at: String| moment.set(at))
    };
    let on_choose = {
        let chosen = chosen.clone();
        Callback::from(move |i: usize| chosen.set(i))
    };

    let checked_offer = offer_file.as_ref().map(desk::check_offer);
    let mut employees: Vec<CheckedEmployee> = Vec::new();
    let mut export_problems: Vec<ExportProblems> = Vec::new();
    if let Some(Ok(offer)) = &checked_offer {
        for file in employee_files.iter() {
            match desk::check_employees(offer, file) {
                EmployeesChecked::Holder(checked) => employees.push((file.name.clone(), checked)),
                EmployeesChecked::Export(list) => {
                    employees.extend(list.into_iter().map(|(label, loaded)| (label, Ok(loaded))))
                }
                EmployeesChecked::ExportProblems(problems) => {
                    export_problems.push((file.name.clone(), problems))
                }
            }
        }
    }
    let file_name = offer_file
        .as_ref()
        .map(|o| o.name.clone())
        .unwrap_or_default();

    html! {
        <div class="ew ew-desk" lang="en" dir="ltr">
            <h1>{ "Offer preview desk" }</h1>
            <p class="ew-preview" role="note">
                <strong>{ "Preview only: nothing can be submitted from this page." }</strong>
                { " The files you open stay on this computer; nothing is uploaded." }
            </p>
            <section class="ew-section" aria-labelledby="ew-desk-files">
                <h2 id="ew-desk-files">{ "Files" }</h2>
                { drop_zone(DropZone { id: "ew-desk-offer", label: "Offer file (JSON)", multiple: false,
                    accept: "application/json,.json", hint: "Choose the offer file, or drop it here." }, &on_offer) }
                { drop_zone(DropZone { id: "ew-desk-employees", label: "Employee files (JSON) or a grants export (CSV)", multiple: true,
                    accept: "application/json,.json,text/csv,.csv",
                    hint: "Choose sample employee files, or the equity system's export (one row per grant: employee_id, name, email, grant_id, plan, grant_date, exercise_price, outstanding, vested, expiration_date), or drop them here." }, &on_employees) }
            </section>
            if let Some(checked) = &checked_offer {
                { validation(&file_name, checked, &employees, &export_problems, &f) }
            }
            if let Some(Ok(offer)) = &checked_offer {
                <section class="ew-section" aria-labelledby="ew-desk-employees-heading">
                    <h2 id="ew-desk-employees-heading">{ "Sample employees" }</h2>
                    { employee_list(offer, &employees, *chosen, &on_choose, &f) }
                    { moment_field(offer, &moment, &on_moment) }
                </section>
                { preview_report(offer, &employees) }
                if let Some((_, Ok(loaded))) = employees.get(*chosen) {
                    { preview(offer, loaded, &moment, &drafts, &f) }
                }
            }
        </div>
    }
}

/// The sample employees that loaded, one button each (the chosen one pressed). (A view:
/// it keeps no state.)
fn employee_list(
    offer: &election_core::Offer,
    employees: &[CheckedEmployee],
    chosen: usize,
    on_choose: &Callback<usize>,
    f: &Formats,
) -> Html {
    let loaded = employees
        .iter()
        .enumerate()
        .filter_map(|(i, (_, e))| e.as_ref().ok().map(|l| (i, l)));
    html! {
        <>
            if employees.iter().all(|(_, e)| e.is_err()) {
                <p class="ew-muted">{ "Open one or more employee files to see the widget as each would." }</p>
            }
            <ul class="ew-desk-list">
                { for loaded.map(|(i, loaded)| {
                    let employee = &loaded.holder.employee;
                    let label = format!("{} ({}): {}, {} eligible",
                        employee.name, employee.id,
                        f.plural(loaded.holder.grants.len() as u64, "grant", "grants"),
                        f.count(desk::eligible_count(offer, &loaded.holder) as u64));
                    html! {
                        <li>
                            <button type="button" class="ew-button ew-button-secondary"
                                aria-pressed={(chosen == i).to_string()}
                                onclick={on_choose.reform(move |_: MouseEvent| i)}>{ label }</button>
                        </li>
                    }
                }) }
            </ul>
        </>
    }
}

/// The offer's zone as the browser's Intl knows it (a server render, which has no Intl,
/// uses the deadline's offset).
fn zone_of(offer: &election_core::Offer) -> impl Fn(i64) -> i32 {
    let zone = offer.expiration.time_zone.clone();
    let fallback = offer.expiration.instant.offset().local_minus_utc();
    move |ms| crate::platform::intl::zone_offset(&zone, ms).unwrap_or(fallback)
}

/// The id of `preview.html`'s mount point.
pub const ROOT_ID: &str = "election-widget-desk";

/// Mounts the desk into `root` (the `preview.html` page).
pub fn mount(root: web_sys::Element) {
    // The page lives as long as the desk.
    std::mem::forget(yew::Renderer::<Desk>::with_root(root).render());
}
