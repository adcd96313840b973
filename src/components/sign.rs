//! Review and sign: what the election does, the legal texts' fingerprint and the
//! deadline, then the employee's typed name as their intent to sign.

use std::rc::Rc;

use election_core::Summary;
use yew::prelude::*;

use crate::hooks::use_formats;
use election_client::delivery::name_matches;

#[derive(Debug, Clone, PartialEq, Properties)]
pub struct SignProps {
    /// What the election exchanges.
    pub summary: Summary,
    /// Eligible grants kept.
    pub kept: u64,
    /// The disclosure fingerprint: the legal texts and the terms (what the signature covers).
    pub fingerprint: AttrValue,
    pub deadline: AttrValue,
    pub employee_name: AttrValue,
    /// Where the signed election goes, in words.
    pub destination: AttrValue,
    /// Why the employee cannot sign now (empty when they can).
    pub blockers: Rc<Vec<String>>,
    /// A signature is being made.
    pub signing: bool,
    /// There is an election in effect (signing now changes it).
    pub changing: bool,
    /// The election in effect exchanges grants (so withdrawing means something).
    pub can_withdraw: bool,
    pub on_sign: Callback<String>,
    pub on_withdraw: Callback<String>,
}

#[component]
pub fn SignElection(props: &SignProps) -> Html {
    let f = use_formats();
    let name = use_state(String::new);
    let oninput = {
        let name = name.clone();
        Callback::from(move |e: InputEvent| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            name.set(input.value());
        })
    };
    let typed = !name.trim().is_empty();
    let matches = name_matches(&name, &props.employee_name);
    let ready = props.blockers.is_empty() && matches && !props.signing;
    let on_sign = {
        let (name, cb) = (name.clone(), props.on_sign.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            cb.emit((*name).clone());
        })
    };
    let on_withdraw = {
        let (name, cb) = (name.clone(), props.on_withdraw.clone());
        Callback::from(move |_: MouseEvent| cb.emit((*name).clone()))
    };
    let s = &props.summary;
    html! {
        <section class="ew-section ew-sign" id="ew-sign" aria-labelledby="ew-sign-heading">
            <h2 id="ew-sign-heading">{ "Review and sign" }</h2>
            <dl class="ew-review">
                <dt>{ "Exchanging" }</dt>
                <dd>{ if s.grants == 0 { "Nothing: you keep all your options".to_owned() } else {
                    format!("{}, {}", f.plural(s.grants, "grant", "grants"), f.plural(s.options, "option", "options")) } }</dd>
                <dt>{ "Keeping" }</dt>
                <dd>{ f.plural(props.kept, "eligible grant", "eligible grants") }</dd>
                <dt>{ s.award.heading() }</dt>
                <dd>{ f.count(s.new_options) }</dd>
                if s.cash_cents > 0 {
                    <dt>{ "Cash instead" }</dt>
                    <dd>{ f.money(election_core::display::from_cents(s.cash_cents)) }</dd>
                }
                <dt>{ "Offer documents and terms" }</dt>
                <dd>{ "fingerprint " }<code>{ props.fingerprint.clone() }</code></dd>
                <dt>{ "Deadline" }</dt>
                <dd>{ props.deadline.clone() }</dd>
            </dl>
            if !props.blockers.is_empty() {
                <div class="ew-note" id="ew-sign-blockers">
                    <p>{ "Before you can sign:" }</p>
                    <ul>{ for props.blockers.iter().map(|b| html! { <li>{ b.clone() }</li> }) }</ul>
                </div>
            }
            <form class="ew-sign-form" onsubmit={on_sign}>
                <label for="ew-signed-name">{ "Type your full name to sign" }</label>
                <p class="ew-muted ew-small" id="ew-signed-name-hint">
                    { format!("Typing your name, {}, and choosing “{}” signs this election. It is {}.",
                        props.employee_name,
                        if props.changing { "Sign changed election" } else { "Sign election" },
                        props.destination) }
                </p>
                <input id="ew-signed-name" class="ew-input" type="text" autocomplete="name" spellcheck="false"
                    value={(*name).clone()} {oninput}
                    aria-describedby={if typed && !matches { "ew-signed-name-hint ew-signed-name-problem" } else { "ew-signed-name-hint" }}
                    aria-invalid={if typed && !matches { "true" } else { "false" }} />
                if typed && !matches {
                    <p class="ew-field-error" id="ew-signed-name-problem">
                        { format!("Type your name as the company has it: {}.", props.employee_name) }
                    </p>
                }
                <div class="ew-actions">
                    <button type="submit" class="ew-button" disabled={!ready}>
                        { if props.signing { "Signing…" } else if props.changing { "Sign changed election" } else { "Sign election" } }
                    </button>
                    if props.can_withdraw {
                        <button type="button" class="ew-button ew-button-secondary" onclick={on_withdraw} disabled={!ready}>
                            { "Withdraw my election" }
                        </button>
                    }
                </div>
                if props.can_withdraw {
                    <p class="ew-muted ew-small">{ "Withdrawing signs an election that keeps all your options; it replaces the election in effect." }</p>
                }
            </form>
        </section>
    }
}
