//! The box for how many options of a grant to tender, where the offer takes part of a
//! grant. A choice made after the first screen (a grant is ticked first), so its code is
//! in the below-the-grants module (`components::below`), which hands it to the rows as
//! [`PartBoxCode`]; until that module is here a chosen grant is tendered as typed before,
//! and its box appears with the module, just after the page is ready.

use election_client::election_state::part_problem;
use election_client::format::Formats;
use election_core::{Grant, Portion, TenderRules};
use yew::prelude::*;

/// What the box shows.
pub struct PartBox<'a> {
    pub grant: &'a Grant,
    pub rules: &'a TenderRules,
    /// The part typed for the grant, if any (none: the whole grant).
    pub typed: Option<&'a AttrValue>,
    pub locked: bool,
    /// A part typed (the grant's id, the text).
    pub on_part: &'a Callback<(AttrValue, String)>,
    pub formats: &'a Formats,
}

/// The box's code, as the rows hold it: a function pointer (see `BelowCode`). There is
/// one such function, so any two are equal: rows compare their props, and comparing
/// function addresses is not reliable.
#[derive(Clone, Copy)]
pub struct PartBoxCode(pub fn(&PartBox<'_>) -> Html);

impl PartialEq for PartBoxCode {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl std::fmt::Debug for PartBoxCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PartBoxCode")
    }
}

/// The box, with the offer's limits beside it and what is wrong with the number typed, if
/// anything; where the offer takes portions instead, the choice of the whole grant, its
/// vested options or its unvested options.
pub fn part_box(b: &PartBox<'_>) -> Html {
    if b.rules.portions {
        return portion_choice(b);
    }
    let (g, rules, f) = (b.grant, b.rules, b.formats);
    let typed = b
        .typed
        .map_or_else(|| f.count(g.outstanding), |t| t.to_string());
    let problem = b
        .typed
        .and_then(|t| part_problem(rules, g.outstanding, t, f.style()));
    let (input, hint, error) = (
        // `:` is not in a grant id (`ident`), so no grant's ids can be another's.
        format!("ew-part:{}", g.id),
        format!("ew-part-hint:{}", g.id),
        format!("ew-part-problem:{}", g.id),
    );
    let limits = if rules.partial.minimum > 1 || rules.partial.increment > 1 {
        format!(
            "of {}: at least {}, in multiples of {}, or all",
            f.count(g.outstanding),
            f.count(rules.partial.minimum),
            f.count(rules.partial.increment)
        )
    } else {
        format!("of {}", f.count(g.outstanding))
    };
    let oninput = {
        let (on_part, id) = (b.on_part.clone(), AttrValue::from(g.id.clone()));
        Callback::from(move |e: InputEvent| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            on_part.emit((id.clone(), input.value()));
        })
    };
    let described = if problem.is_some() {
        format!("{hint} {error}")
    } else {
        hint.clone()
    };
    html! {
        <span class="ew-part">
            <label for={input.clone()}>{ format!("Options of grant {} to exchange", g.id) }</label>
            <input id={input} type="text" inputmode="numeric" autocomplete="off" spellcheck="false"
                value={typed} aria-invalid={problem.is_some().then_some("true")}
                aria-describedby={described} disabled={b.locked} {oninput} />
            <span id={hint} class="ew-muted ew-small">{ limits }</span>
            if let Some(problem) = problem {
                <span id={error} class="ew-part-problem">{ problem }</span>
            }
        </span>
    }
}

/// Which options of a grant to tender where the offer takes its vested and unvested
/// options separately: a portion with no options is not offered.
fn portion_choice(b: &PartBox<'_>) -> Html {
    let (g, f) = (b.grant, b.formats);
    let chosen = b.typed.map_or("", |t| t.as_str());
    let id = format!("ew-part:{}", g.id);
    let onchange = {
        let (on_part, grant) = (b.on_part.clone(), AttrValue::from(g.id.clone()));
        Callback::from(move |e: Event| {
            let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
            on_part.emit((grant.clone(), select.value()));
        })
    };
    let choices = [
        (
            "",
            format!("All {} options", f.count(g.outstanding)),
            g.outstanding,
        ),
        (
            "vested",
            format!("Vested only: {}", f.count(Portion::Vested.options(g))),
            Portion::Vested.options(g),
        ),
        (
            "unvested",
            format!("Unvested only: {}", f.count(Portion::Unvested.options(g))),
            Portion::Unvested.options(g),
        ),
    ];
    html! {
        <span class="ew-part">
            <label for={id.clone()}>{ format!("Options of grant {} to exchange", g.id) }</label>
            <select {id} disabled={b.locked} {onchange}>
                { for choices.into_iter().filter(|(_, _, n)| *n > 0).map(|(value, label, _)| html! {
                    <option {value} selected={value == chosen}>{ label }</option>
                }) }
            </select>
        </span>
    }
}
