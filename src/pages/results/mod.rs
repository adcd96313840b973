//! HR's results page (`results.html`): participation while the offer runs and the
//! results at expiry, read from the receiver with HR's sign-on (OpenID Connect with PKCE,
//! `hooks::use_hr_session`) and read again while the page is open
//! (`hooks::use_hr_results`). The figures come as sentences, as a chart (SVG) and as
//! tables; the downloads are the receiver's CSVs and its export for auditors. The rules
//! are the client's (`election_client::hr`); these components only show them.

mod chart;
mod tables;

use std::rc::Rc;

use yew::prelude::*;

use election_client::hr::{figures, when, ResultsDeployment};

use crate::hooks::{use_hr_results, use_hr_session, use_page_ready, Download, Session};
use crate::platform::page;

/// The id of `results.html`'s mount point.
pub const ROOT_ID: &str = "election-results";

#[component]
pub fn ResultsPage() -> Html {
    use_page_ready();
    let hr = use_hr_session();
    html! {
        <div class="ew ew-results" lang="en" dir="ltr">
            <h1>{ "Offer results" }</h1>
            { match (&hr.session, &hr.deployment) {
                (Session::Starting, _) => html! { <p role="status">{ "Starting…" }</p> },
                (Session::SigningIn, _) => html! { <p role="status">{ "Signing you in…" }</p> },
                (Session::WaitingForPortal, _) => html! {
                    <p role="status">{ "Waiting for the portal to sign you in…" }</p>
                },
                (Session::Misconfigured(problems), _) => html! {
                    <div class="ew-banner" role="alert">
                        <p><strong>{ "This page cannot show results: its settings are wrong." }</strong>
                            { " Whoever set up this page must correct them:" }</p>
                        <ul>{ for problems.iter().map(|p| html! { <li>{ p }</li> }) }</ul>
                    </div>
                },
                (Session::SignedOut(why), _) => html! {
                    <section class="ew-section" aria-labelledby="ew-results-sign-in">
                        <h2 id="ew-results-sign-in">{ "Sign in" }</h2>
                        if let Some(why) = why {
                            <p class="ew-banner" role="alert">{ why }</p>
                        }
                        <p>{ "The results are for HR only. Sign in with your company account; the page reads the figures from the offer's receiver." }</p>
                        <button type="button" class="ew-button" onclick={hr.sign_in.reform(|_: MouseEvent| ())}>
                            { "Sign in with your company account" }
                        </button>
                    </section>
                },
                (Session::SignedIn { token, subject }, Some(d)) => html! {
                    <Signed deployment={d.clone()} token={token.clone()} subject={subject.clone()}
                        signed_out={hr.signed_out.clone()} />
                },
                (Session::SignedIn { .. }, None) => Html::default(),
            } }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct SignedProps {
    deployment: Rc<ResultsDeployment>,
    token: Rc<str>,
    subject: String,
    signed_out: Callback<String>,
}

#[component]
fn Signed(props: &SignedProps) -> Html {
    let (state, refresh, download) = use_hr_results(
        props.deployment.clone(),
        props.token.clone(),
        props.signed_out.clone(),
    );
    let button = |label: &'static str, what: Download| {
        let download = download.clone();
        html! {
            <button type="button" class="ew-button ew-button-secondary"
                onclick={Callback::from(move |_: MouseEvent| download.emit(what))}>{ label }</button>
        }
    };
    html! {
        <>
            <div class="ew-results-bar">
                <p>{ "Signed in as " }<strong>{ if props.subject.is_empty() { "HR" } else { &props.subject } }</strong>
                    { format!(" · read again every {} seconds", props.deployment.refresh_seconds) }</p>
                <div class="ew-results-actions">
                    <button type="button" class="ew-button" disabled={state.loading}
                        onclick={refresh.reform(|_: MouseEvent| ())}>{ "Refresh now" }</button>
                    { button("Download results (CSV)", Download::ResultsCsv) }
                    { button("Download reminder list (CSV)", Download::Reminders) }
                    { button("Download export for auditors (JSON)", Download::Export) }
                    <button type="button" class="ew-button ew-button-secondary"
                        onclick={Callback::from(|_: MouseEvent| page::print())}>{ "Print" }</button>
                </div>
            </div>
            if let Some(problem) = &state.problem {
                <p class="ew-banner" role="alert">{ problem }
                    if state.results.is_some() { { " The figures below are from the last reading." } }</p>
            }
            { match &state.results {
                None if state.problem.is_none() => html! { <p role="status">{ "Reading the figures…" }</p> },
                None => Html::default(),
                Some(r) => html! { <Report results={r.clone()} /> },
            } }
        </>
    }
}

#[derive(Properties, PartialEq)]
pub struct ReportProps {
    pub results: Rc<election_core::results::Results>,
}

/// The figures: the state of the offer, the sentences, the chart and the tables.
#[component]
pub fn Report(props: &ReportProps) -> Html {
    let r = &*props.results;
    let status = if r.closed {
        format!(
            "Final results: the offer expired on {}.",
            when(&r.deadline, &r.deadline)
        )
    } else {
        format!(
            "The offer is open until {}; these are the figures so far.",
            when(&r.deadline, &r.deadline)
        )
    };
    html! {
        <>
            <p class="ew-results-status">
                <strong>{ status }</strong>
                { " " }<span role="status">{ format!("As of {}.", when(&r.as_of, &r.deadline)) }</span>
                { format!(" Offer {}, version {}.", r.offer_id, r.offer_version) }
            </p>
            <section class="ew-section" aria-labelledby="ew-results-participation">
                <h2 id="ew-results-participation">{ "Participation" }</h2>
                { for figures(r).into_iter().map(|line| html! { <p>{ line }</p> }) }
                { tables::participation(&r.participation) }
            </section>
            <section class="ew-section" aria-labelledby="ew-results-days">
                <h2 id="ew-results-days">{ "Elections by day" }</h2>
                { chart::by_day(&r.participation.by_day) }
                { tables::by_day(&r.participation.by_day) }
            </section>
            <section class="ew-section" aria-labelledby="ew-results-amendment">
                <h2 id="ew-results-amendment">{ if r.closed { "For the final amendment to the Schedule TO" } else { "Totals so far" } }</h2>
                { tables::summary(&r.summary, r.closed) }
                { tables::by_plan(&r.summary) }
            </section>
        </>
    }
}

/// Mounts the page into `root` (`results.html`).
pub fn mount(root: web_sys::Element) {
    // The page lives as long as the page.
    std::mem::forget(yew::Renderer::<ResultsPage>::with_root(root).render());
}
