//! Components: each renders the props it is given and emits callbacks. Effects are
//! hooks (`crate::hooks`); the browser is `crate::platform`.

pub mod amendments;
pub mod app;
pub mod below;
pub mod countdown;
pub mod decision;
pub mod disclosure;
pub mod error_panel;
pub mod grant_row;
pub mod grants_section;
pub mod grants_table;
pub mod jump;
pub mod offer_header;
pub mod outbox;
pub mod part_box;
pub mod sign;
pub mod terms;
pub mod widget;

use std::rc::Rc;

use yew::prelude::*;

/// A value a component works out once (a memo's result) and hands to others, compared by
/// identity: the memo makes a new one exactly when its inputs change, so comparing its
/// contents at each render would only cost time (and bring comparison code the first
/// screen does not otherwise need).
#[derive(Debug)]
pub struct Shared<T>(pub Rc<T>);

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        Shared(self.0.clone())
    }
}

impl<T> PartialEq for Shared<T> {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl<T> std::ops::Deref for Shared<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

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
