//! What the widget shows instead of the offer when its data cannot be used: every problem
//! in every file, each with the place it is at.

use std::rc::Rc;

use yew::prelude::*;

use crate::hooks::use_formats;
use election_client::format::Formats;
use election_client::loading::{Failure, FileReport};

#[derive(Debug, Clone, PartialEq, Properties)]
pub struct ErrorPanelProps {
    pub reports: Rc<Vec<FileReport>>,
}

#[component]
pub fn ErrorPanel(props: &ErrorPanelProps) -> Html {
    let f = use_formats();
    html! {
        <div class="ew ew-error" data-state="error" role="alert" lang="en" dir="ltr">
            <h1>{ "This offer can't be shown" }</h1>
            <p>
                { "The widget could not use the data it was given, so nothing is shown and nothing has been submitted. \
                   If you are an employee, please tell your HR team. If you maintain this offer, the problems are listed below." }
            </p>
            { for props.reports.iter().map(|r| report(r, &f)) }
        </div>
    }
}

/// One file's problems, under a heading naming the file (the HR preview desk uses it too).
pub fn report(r: &FileReport, f: &Formats) -> Html {
    let summary = match &r.failure {
        Failure::Unreachable(_) => "could not be loaded".to_owned(),
        Failure::Unread(_) => "could not be read".to_owned(),
        Failure::Setting(_) => "cannot be used".to_owned(),
        Failure::Invalid(problems) => f.plural(problems.len() as u64, "problem", "problems"),
    };
    html! {
        <section class="ew-error-file" aria-label={r.file.label()}>
            <h2>
                { format!("{} ", r.file.label()) }
                <code>{ r.location.clone() }</code>
                { format!(": {summary}") }
            </h2>
            {
                match &r.failure {
                    Failure::Unreachable(why) => html! { <p>{ format!("It could not be loaded: {why}.") }</p> },
                    Failure::Unread(why) => html! { <p>{ format!("It could not be read: {why}.") }</p> },
                    Failure::Setting(why) => html! { <p>{ format!("It cannot be used: {why}.") }</p> },
                    Failure::Invalid(problems) => html! {
                        <ul class="ew-problems">
                            { for problems.iter().map(|p| html! {
                                <li>
                                    <code class="ew-path">{ p.path.to_string() }</code>{ ": " }
                                    <span class="ew-problem-message">{ p.message.clone() }</span>
                                </li>
                            }) }
                        </ul>
                    },
                }
            }
        </section>
    }
}
