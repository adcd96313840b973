//! The HR preview desk (`preview.html`): HR and legal open a draft offer file and sample
//! employee files from their own computer (nothing is uploaded), see every problem with
//! its place, the Rule 13e-4 timing checks, and the widget exactly as a chosen employee
//! would see it at a chosen moment. Nothing can be submitted from it. The rules are the
//! client's (`election_client::desk`); these components only show them.

mod files;
mod moment;
mod preview;
mod report;

use std::rc::Rc;

use yew::prelude::*;

use election_client::desk::{self, DeskFile};
use election_client::drafts::Drafts;

use crate::hooks::use_formats;
use files::DropZone;
use moment::MomentField;
use preview::Preview;
use report::{CheckedEmployee, PreviewReport, Validation};

#[component]
pub fn Desk() -> Html {
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

    let checked_offer = offer_file.as_ref().map(desk::check_offer);
    let employees: Rc<Vec<CheckedEmployee>> = Rc::new(match &checked_offer {
        Some(Ok(offer)) => employee_files
            .iter()
            .map(|file| (file.name.clone(), desk::check_holder(offer, file)))
            .collect(),
        _ => Vec::new(),
    });
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
                <DropZone id="ew-desk-offer" label="Offer file (JSON)"
                    hint="Choose the offer file, or drop it here." on_files={on_offer} />
                <DropZone id="ew-desk-employees" label="Employee files (JSON)" multiple=true
                    hint="Choose one or more sample employee files, or drop them here." on_files={on_employees} />
            </section>
            if let Some(checked) = &checked_offer {
                <Validation file_name={file_name} checked={checked.clone()} employees={employees.clone()} />
            }
            if let Some(Ok(offer)) = &checked_offer {
                <section class="ew-section" aria-labelledby="ew-desk-employees-heading">
                    <h2 id="ew-desk-employees-heading">{ "Sample employees" }</h2>
                    <EmployeeList offer={offer.clone()} employees={employees.clone()}
                        chosen={*chosen} on_choose={Callback::from({ let chosen = chosen.clone(); move |i| chosen.set(i) })} />
                    <MomentField offer={offer.clone()} moment={AttrValue::from((*moment).clone())} on_change={on_moment} />
                </section>
                <PreviewReport offer={offer.clone()} employees={employees.clone()} />
                if let Some((_, Ok(loaded))) = employees.get(*chosen) {
                    <Preview offer={offer.clone()} loaded={loaded.clone()}
                        moment={AttrValue::from((*moment).clone())} drafts={(*drafts).clone()} />
                }
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct EmployeeListProps {
    offer: Rc<election_core::Offer>,
    employees: Rc<Vec<CheckedEmployee>>,
    chosen: usize,
    on_choose: Callback<usize>,
}

/// The sample employees that loaded, one button each (the chosen one pressed).
#[component]
fn EmployeeList(props: &EmployeeListProps) -> Html {
    let f = use_formats();
    let loaded = props
        .employees
        .iter()
        .enumerate()
        .filter_map(|(i, (_, e))| e.as_ref().ok().map(|l| (i, l)));
    html! {
        <>
            if props.employees.iter().all(|(_, e)| e.is_err()) {
                <p class="ew-muted">{ "Open one or more employee files to see the widget as each would." }</p>
            }
            <ul class="ew-desk-list">
                { for loaded.map(|(i, loaded)| {
                    let employee = &loaded.holder.employee;
                    let label = format!("{} ({}): {}, {} eligible",
                        employee.name, employee.id,
                        f.plural(loaded.holder.grants.len() as u64, "grant", "grants"),
                        f.count(desk::eligible_count(&props.offer, &loaded.holder) as u64));
                    html! {
                        <li>
                            <button type="button" class="ew-button ew-button-secondary"
                                aria-pressed={(props.chosen == i).to_string()}
                                onclick={props.on_choose.reform(move |_: MouseEvent| i)}>{ label }</button>
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

/// Mounts the desk into `root` (the `preview.html` page).
pub fn mount(root: web_sys::Element) {
    // The page lives as long as the desk.
    std::mem::forget(yew::Renderer::<Desk>::with_root(root).render());
}
