//! Function components. Each renders the state it is given; loading and other effects
//! belong to [`app::App`] and the `browser` module.

pub mod amendments;
pub mod app;
pub mod countdown;
pub mod decision;
pub mod desk;
pub mod disclosure;
pub mod error_panel;
pub mod grants_table;
pub mod offer_header;
pub mod outbox;
pub mod sign;
pub mod terms;
pub mod widget;

use yew::prelude::*;

/// Legal text, verbatim, one `<p>` per paragraph (paragraphs are separated by a blank
/// line in the data). Rendered as text nodes: markup in the data stays visible text.
pub fn legal_paragraphs(text: &str) -> Html {
    text.split("\n\n")
        .filter(|p| !p.trim().is_empty())
        .map(|p| html! { <p>{ p.to_owned() }</p> })
        .collect()
}

/// The badge on anything the filing does not state.
pub fn illustrative_badge() -> Html {
    html! {
        <span class="ew-badge" title="Not stated in the filed offer documents; an example for this demonstration">
            { "Illustrative" }
        </span>
    }
}

/// Runs `on_change` whenever `deps` change, but not on the first render: the host hears
/// what the employee changes, not the draft restored on arrival.
#[hook]
pub fn use_effect_on_change<T, F>(deps: T, on_change: F)
where
    T: PartialEq + 'static,
    F: Fn(&T) + 'static,
{
    let first = use_mut_ref(|| true);
    use_effect_with(deps, move |deps| {
        if !std::mem::replace(&mut *first.borrow_mut(), false) {
            on_change(deps);
        }
    });
}
