//! What the desk says about the files: the validation report (every problem with its
//! place, the timing checks) and the preview report (shown, downloadable, printable).

use std::rc::Rc;

use yew::prelude::*;

use election_client::desk;
use election_client::format::Formats;
use election_client::loading::{DataFile, Failure, FileReport, Loaded};

use crate::components::countdown::timing_checks;
use crate::components::error_panel::report;
use crate::platform::{clock, files, page};

/// An employee file's name, and the employee checked against the offer or the report.
pub type CheckedEmployee = (String, Result<Loaded, FileReport>);

/// A grants export's name, and its problems by row and column.
pub type ExportProblems = (String, Vec<election_core::grants_csv::CsvProblem>);

/// The schemas of the files HR opens (`docs/schemas/`, served beside the desk as
/// `schemas/`), for what each member is: the desk pairs every problem with it.
const OFFER_SCHEMA: &str = include_str!("../../../docs/schemas/offer.schema.json");
const HOLDER_SCHEMA: &str = include_str!("../../../docs/schemas/holder.schema.json");

/// A file's report, each problem with what the schema says of its member and a link to
/// the schema. (A view: it keeps no state.)
fn file_report(r: &FileReport, f: &Formats) -> Html {
    let Failure::Invalid(problems) = &r.failure else {
        return report(r, f);
    };
    let (schema_text, schema_file) = match r.file {
        DataFile::Offer => (OFFER_SCHEMA, "schemas/offer.schema.json"),
        _ => (HOLDER_SCHEMA, "schemas/holder.schema.json"),
    };
    // Compiled in and checked by the client's tests; were it unreadable, the problems
    // would still be listed, only without their notes.
    let schema: Option<serde_json::Value> = serde_json::from_str(schema_text).ok();
    html! {
        <section class="ew-error-file" aria-label={r.file.label()}>
            <h2>
                { format!("{} ", r.file.label()) }
                <code>{ r.location.clone() }</code>
                { format!(": {}", f.plural(problems.len() as u64, "problem", "problems")) }
            </h2>
            <ul class="ew-problems">
                { for problems.iter().map(|p| {
                    let note = schema.as_ref().and_then(|s| desk::schema_note(s, p.path.as_str()));
                    html! {
                        <li>
                            <code class="ew-path">{ p.path.to_string() }</code>{ ": " }
                            <span class="ew-problem-message">{ p.message.clone() }</span>
                            if let Some((at, what)) = note {
                                <p class="ew-muted ew-small ew-schema-note">
                                    { if at == p.path.as_str() {
                                        format!("In the schema: {what} ")
                                    } else {
                                        format!("In the schema, {at} (the nearest member it describes): {what} ")
                                    } }
                                    <a href={schema_file} target="_blank" rel="noopener">{ "See the schema" }</a>
                                </p>
                            }
                        </li>
                    }
                }) }
            </ul>
        </section>
    }
}

/// A grants export's problems, each by row and column.
fn export_report(
    name: &str,
    problems: &[election_core::grants_csv::CsvProblem],
    f: &Formats,
) -> Html {
    html! {
        <section class="ew-error-file" aria-label="Grants export">
            <h2>
                { "Grants export " }<code>{ name.to_owned() }</code>
                { format!(": {}", f.plural(problems.len() as u64, "problem", "problems")) }
            </h2>
            <ul class="ew-problems">
                { for problems.iter().map(|p| html! { <li>{ p.to_string() }</li> }) }
            </ul>
        </section>
    }
}

/// The validation report: the offer file `file_name` checked (the offer, or the report of
/// what is wrong) and each employee file that did not load. (A view: it keeps no state.)
pub fn validation(
    file_name: &str,
    checked: &Result<Rc<election_core::Offer>, FileReport>,
    employees: &[CheckedEmployee],
    exports: &[ExportProblems],
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
                    Err(r) => html! { <div class="ew-error" role="alert">{ file_report(r, f) }</div> },
                }
            }
            { for employees.iter().filter_map(|(_, e)| e.as_ref().err()).map(|r| html! {
                <div class="ew-error">{ file_report(r, f) }</div>
            }) }
            { for exports.iter().map(|(name, problems)| html! {
                <div class="ew-error">{ export_report(name, problems, f) }</div>
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
