//! What the desk says about the files: the validation report (every problem with its
//! place, the timing checks) and the preview report (shown, downloadable, printable).

use std::rc::Rc;

use yew::prelude::*;

use election_client::desk;
use election_client::format::Formats;
use election_client::loading::{FileReport, Loaded};

use crate::components::countdown::timing_checks;
use crate::components::error_panel::report;
use crate::platform::{clock, files, page};

/// An employee file's name, and the employee checked against the offer or the report.
pub type CheckedEmployee = (String, Result<Loaded, FileReport>);

/// The validation report: the offer file `file_name` checked (the offer, or the report of
/// what is wrong) and each employee file that did not load. (A view: it keeps no state.)
pub fn validation(
    file_name: &str,
    checked: &Result<Rc<election_core::Offer>, FileReport>,
    employees: &[CheckedEmployee],
    f: &Formats,
) -> Html {
    html! {
        <section class="ew-section" aria-labelledby="ew-desk-report">
            <h2 id="ew-desk-report">{ "Validation report" }</h2>
            {
                match checked {
                    Ok(offer) => html! {
                        <>
                            <p class="ew-note" role="status">
                                { format!("No problems found in {}: {} version {}.", file_name, offer.id, offer.version) }
                            </p>
                            { timing_checks(offer, f) }
                        </>
                    },
                    Err(r) => html! { <div class="ew-error" role="alert">{ report(r, f) }</div> },
                }
            }
            { for employees.iter().filter_map(|(_, e)| e.as_ref().err()).map(|r| html! {
                <div class="ew-error">{ report(r, f) }</div>
            }) }
        </section>
    }
}

/// The preview report: shown, downloadable as text, printable. (A view: it keeps no
/// state.)
pub fn preview_report(offer: &election_core::Offer, employees: &[CheckedEmployee]) -> Html {
    let loaded: Vec<Loaded> = employees
        .iter()
        .filter_map(|(_, e)| e.as_ref().ok().cloned())
        .collect();
    let text = desk::report_text(offer, &loaded, &clock::device_now_iso());
    let name = format!("preview-report-{}-v{}.txt", offer.id, offer.version);
    let download = {
        let text = text.clone();
        Callback::from(move |_: MouseEvent| files::download_text(&name, &text))
    };
    html! {
        <section class="ew-section ew-desk-report" aria-labelledby="ew-desk-report-heading">
            <h2 id="ew-desk-report-heading">{ "Preview report" }</h2>
            <p>{ "The timing checks, every legal text verbatim with its SHA-256 digest, and how many sample employees have eligible grants." }</p>
            <div class="ew-actions">
                <button type="button" class="ew-button" onclick={download}>{ "Download report" }</button>
                <button type="button" class="ew-button ew-button-secondary" onclick={Callback::from(|_: MouseEvent| page::print())}>
                    { "Print report" }
                </button>
            </div>
            <pre class="ew-report-text" tabindex="0" aria-label="The preview report's text">{ text }</pre>
        </section>
    }
}
