//! The HR preview desk (`preview.html`): HR and legal open a draft offer file and sample
//! employee files from their own computer (nothing is uploaded), see every problem with
//! its place, the Rule 13e-4 timing checks, and the widget exactly as a chosen employee
//! would see it at a chosen moment. Nothing can be submitted from it.

use std::rc::Rc;

use yew::prelude::*;

use crate::components::countdown::timing_checks;
use crate::components::error_panel::report;
use crate::components::widget::Widget;
use crate::hooks::use_formats;
use election_client::clock::{Anchor, ClockSource};
use election_client::desk::{self, DeskFile, Life};
use election_client::drafts::Drafts;

/// Which input a file was opened for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    Offer,
    Employees,
}

/// Reads the files of a file input or a drop: each file's text, or why not.
fn read_files(files: web_sys::FileList, done: Callback<Vec<DeskFile>>) {
    let files: Vec<web_sys::File> = (0..files.length()).filter_map(|i| files.get(i)).collect();
    wasm_bindgen_futures::spawn_local(async move {
        let mut read = Vec::new();
        for file in files {
            let name = file.name();
            if let Some(refused) = DeskFile::too_large(&name, file.size()) {
                read.push(refused);
                continue;
            }
            let text = wasm_bindgen_futures::JsFuture::from(file.text())
                .await
                .ok()
                .and_then(|t| t.as_string())
                .map(|t| Rc::from(t.as_str()))
                .ok_or_else(|| "the browser could not read it as text".to_owned());
            read.push(DeskFile { name, text });
        }
        done.emit(read);
    });
}

/// An employee file's name, and the employee checked against the offer or the report.
type CheckedEmployee = (
    String,
    Result<election_client::loading::Loaded, election_client::loading::FileReport>,
);

#[component]
pub fn Desk() -> Html {
    let f = use_formats();
    let offer_file = use_state(|| None::<DeskFile>);
    let employee_files = use_state(Vec::<DeskFile>::new);
    let chosen = use_state(|| 0usize);
    let moment = use_state(String::new);
    let drafts = use_memo((), |_| Drafts::memory());

    let opened = |slot: Slot| {
        let (offer_file, employee_files, chosen) =
            (offer_file.clone(), employee_files.clone(), chosen.clone());
        Callback::from(move |files: Vec<DeskFile>| match slot {
            Slot::Offer => offer_file.set(files.into_iter().next()),
            Slot::Employees => {
                let mut all = (*employee_files).clone();
                all.extend(files);
                employee_files.set(all);
                chosen.set(0);
            }
        })
    };
    let on_input = |slot: Slot| {
        let done = opened(slot);
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            if let Some(files) = input.files() {
                read_files(files, done.clone());
            }
        })
    };
    let on_drop = |slot: Slot| {
        let done = opened(slot);
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            if let Some(files) = e.data_transfer().and_then(|d| d.files()) {
                read_files(files, done.clone());
            }
        })
    };
    let on_drag_over = Callback::from(|e: DragEvent| e.prevent_default());
    let on_moment = {
        let moment = moment.clone();
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            moment.set(input.value());
        })
    };

    let checked_offer = offer_file.as_ref().map(desk::check_offer);
    // The moment control: a wall time in the offer's zone, and the offset it was read at.
    let moment_field = match &checked_offer {
        Some(Ok(offer)) => {
            let zone = zone_of(offer);
            let default = desk::quick_jumps(offer, &zone)[1].1;
            let shown = desk::in_zone(desk::read_moment(&moment, &zone).unwrap_or(default), &zone);
            html! {
                <div class="ew-field">
                    <label for="ew-desk-moment" class="ew-field-label">
                        { format!("Moment to preview (date and time in {}, the offer's time zone)", offer.expiration.time_zone) }
                    </label>
                    <input id="ew-desk-moment" class="ew-input" type="datetime-local" step="60"
                        aria-describedby="ew-desk-offset"
                        value={desk::local_value(shown)}
                        onchange={on_moment} />
                    <p id="ew-desk-offset" class="ew-muted ew-small" data-offset={desk::offset_label(shown)}>
                        { format!("Read at {}: the offset {} has at that moment.", desk::offset_label(shown), offer.expiration.time_zone) }
                    </p>
                    <div class="ew-actions">
                        { for desk::quick_jumps(offer, &zone).into_iter().map(|(label, at)| {
                            let moment = moment.clone();
                            html! {
                                <button type="button" class="ew-button ew-button-secondary"
                                    onclick={Callback::from(move |_: MouseEvent| moment.set(at.to_rfc3339()))}>{ label }</button>
                            }
                        }) }
                    </div>
                </div>
            }
        }
        _ => html! {},
    };
    let employees: Vec<(
        String,
        Result<election_client::loading::Loaded, election_client::loading::FileReport>,
    )> = match &checked_offer {
        Some(Ok(offer)) => employee_files
            .iter()
            .map(|file| (file.name.clone(), desk::check_holder(offer, file)))
            .collect(),
        _ => Vec::new(),
    };

    let drop_zone = |slot: Slot, label: &'static str, hint: &'static str, multiple: bool| {
        let id = if slot == Slot::Offer {
            "ew-desk-offer"
        } else {
            "ew-desk-employees"
        };
        html! {
            <div class="ew-drop" ondrop={on_drop(slot)} ondragover={on_drag_over.clone()}>
                <label for={id}>{ label }</label>
                <p class="ew-muted ew-small">{ hint }</p>
                <input {id} type="file" accept="application/json,.json" {multiple} onchange={on_input(slot)} />
            </div>
        }
    };

    let preview = match (&checked_offer, employees.get(*chosen)) {
        (Some(Ok(offer)), Some((_, Ok(loaded)))) => {
            let zone = zone_of(offer);
            let at = if moment.trim().is_empty() {
                Ok(desk::quick_jumps(offer, &zone)[1].1)
            } else {
                desk::read_moment(&moment, &zone)
            };
            match at {
                Ok(at) => {
                    let life = Life::of(offer, at, &zone);
                    let clock = crate::platform::clock::trusted_clock(
                        Anchor {
                            epoch_ms: at.timestamp_millis() as f64,
                            mono_ms: crate::platform::clock::mono_now(),
                            uncertainty_ms: 0.0,
                            source: ClockSource::Preview,
                        },
                        f.tag(),
                    );
                    let key = format!("{}@{}", loaded.holder.employee.id, at.to_rfc3339());
                    html! {
                        <>
                            <p class="ew-note" role="status">
                                { format!("{} as {} would see it at {}, {}.",
                                    "The widget", loaded.holder.employee.name, at.to_rfc3339(), life.label()) }
                            </p>
                            <div class="ew-desk-preview">
                                <Widget {key} data={loaded.clone()} drafts={(*drafts).clone()} {clock} timing_checks={false} />
                            </div>
                        </>
                    }
                }
                Err(why) => html! { <p class="ew-field-error" role="alert">{ why }</p> },
            }
        }
        _ => Html::default(),
    };

    html! {
        <div class="ew ew-desk" lang="en" dir="ltr">
            <h1>{ "Offer preview desk" }</h1>
            <p class="ew-preview" role="note">
                <strong>{ "Preview only: nothing can be submitted from this page." }</strong>
                { " The files you open stay on this computer; nothing is uploaded." }
            </p>
            <section class="ew-section" aria-labelledby="ew-desk-files">
                <h2 id="ew-desk-files">{ "Files" }</h2>
                { drop_zone(Slot::Offer, "Offer file (JSON)", "Choose the offer file, or drop it here.", false) }
                { drop_zone(Slot::Employees, "Employee files (JSON)", "Choose one or more sample employee files, or drop them here.", true) }
            </section>
            if let Some(checked) = &checked_offer {
                <section class="ew-section" aria-labelledby="ew-desk-report">
                    <h2 id="ew-desk-report">{ "Validation report" }</h2>
                    {
                        match checked {
                            Ok(offer) => html! {
                                <>
                                    <p class="ew-note" role="status">
                                        { format!("No problems found in {}: {} version {}.",
                                            offer_file.as_ref().map(|o| o.name.clone()).unwrap_or_default(), offer.id, offer.version) }
                                    </p>
                                    { timing_checks(offer, &f) }
                                </>
                            },
                            Err(r) => html! { <div class="ew-error" role="alert">{ report(r, &f) }</div> },
                        }
                    }
                    { for employees.iter().filter_map(|(_, e)| e.as_ref().err()).map(|r| html! {
                        <div class="ew-error">{ report(r, &f) }</div>
                    }) }
                </section>
            }
            if let Some(Ok(offer)) = &checked_offer {
                <section class="ew-section" aria-labelledby="ew-desk-employees-heading">
                    <h2 id="ew-desk-employees-heading">{ "Sample employees" }</h2>
                    if employees.iter().all(|(_, e)| e.is_err()) {
                        <p class="ew-muted">{ "Open one or more employee files to see the widget as each would." }</p>
                    }
                    <ul class="ew-desk-list">
                        { for employees.iter().enumerate().filter_map(|(i, (_, e))| e.as_ref().ok().map(|l| (i, l))).map(|(i, loaded)| {
                            let chosen = chosen.clone();
                            let pressed = *chosen == i;
                            let label = format!("{} ({}): {}, {} eligible",
                                loaded.holder.employee.name, loaded.holder.employee.id,
                                f.plural(loaded.holder.grants.len() as u64, "grant", "grants"),
                                f.count(desk::eligible_count(offer, &loaded.holder) as u64));
                            html! {
                                <li>
                                    <button type="button" class="ew-button ew-button-secondary" aria-pressed={pressed.to_string()}
                                        onclick={Callback::from(move |_: MouseEvent| chosen.set(i))}>{ label }</button>
                                </li>
                            }
                        }) }
                    </ul>
                    { moment_field.clone() }
                </section>
            }
            if let Some(Ok(offer)) = &checked_offer {
                { report_section(offer, &employees) }
            }
            { preview }
        </div>
    }
}

/// The offer's zone as the browser's Intl knows it (a server render, which has no Intl,
/// uses the deadline's offset).
fn zone_of(offer: &election_core::Offer) -> impl Fn(i64) -> i32 {
    let zone = offer.expiration.time_zone.clone();
    let fallback = offer.expiration.instant.offset().local_minus_utc();
    move |ms| crate::platform::intl::zone_offset(&zone, ms).unwrap_or(fallback)
}

/// The preview report: shown, downloadable as text, printable.
fn report_section(offer: &Rc<election_core::Offer>, employees: &[CheckedEmployee]) -> Html {
    let loaded: Vec<election_client::loading::Loaded> = employees
        .iter()
        .filter_map(|(_, e)| e.as_ref().ok().cloned())
        .collect();
    let generated = js_sys::Date::new_0()
        .to_iso_string()
        .as_string()
        .unwrap_or_default();
    let text = desk::report_text(offer, &loaded, &generated);
    let name = format!("preview-report-{}-v{}.txt", offer.id, offer.version);
    let download = {
        let text = text.clone();
        Callback::from(move |_: MouseEvent| crate::platform::files::download_text(&name, &text))
    };
    html! {
        <section class="ew-section ew-desk-report" aria-labelledby="ew-desk-report-heading">
            <h2 id="ew-desk-report-heading">{ "Preview report" }</h2>
            <p>{ "The timing checks, every legal text verbatim with its SHA-256 digest, and how many sample employees have eligible grants." }</p>
            <div class="ew-actions">
                <button type="button" class="ew-button" onclick={download}>{ "Download report" }</button>
                <button type="button" class="ew-button ew-button-secondary" onclick={Callback::from(|_: MouseEvent| crate::platform::page::print())}>
                    { "Print report" }
                </button>
            </div>
            <pre class="ew-report-text" tabindex="0" aria-label="The preview report's text">{ text }</pre>
        </section>
    }
}

/// Mounts the desk into `root` (the `preview.html` page).
pub fn mount(root: web_sys::Element) {
    // The page lives as long as the desk.
    std::mem::forget(yew::Renderer::<Desk>::with_root(root).render());
}
