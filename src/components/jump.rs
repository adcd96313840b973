//! Links to the widget's parts (the grants, what keeping or exchanging is worth, the
//! terms, each notice of amendment, the acknowledgments, signing), so that on a phone
//! each is one tap away without folding any text out of reach of print, find-in-page or a
//! screen reader. The stylesheet shows them only where the widget is narrow.

use election_core::Offer;
use yew::prelude::*;

use crate::components::disclosure::notice_anchor;
use election_client::format::Formats;

/// The links, in the order of the parts on the page; `eligible` is whether any grant can
/// be exchanged (there is no decision support and no signing otherwise).
pub fn jump_links(offer: &Offer, eligible: bool, f: &Formats) -> Html {
    let mut links: Vec<(String, String)> = vec![("#ew-grants".into(), "Your grants".into())];
    if eligible {
        links.push(("#ew-decision".into(), "Keep or exchange".into()));
    }
    links.push(("#ew-terms".into(), "Terms".into()));
    let notices: Vec<_> = offer.notices().collect();
    for n in &notices {
        let label = if notices.len() == 1 {
            "Amendments".to_owned()
        } else {
            format!("Amendments of {}", f.short_date(n.date))
        };
        links.push((format!("#{}", notice_anchor(&n.id)), label));
    }
    links.push(("#ew-acks".into(), "Acknowledge".into()));
    if eligible {
        links.push(("#ew-sign".into(), "Review and sign".into()));
    }
    html! {
        <nav class="ew-jump" aria-label="Parts of this offer" onclick={Callback::from(crate::platform::page::follow_in_page_link)}>
            <ul>
                { for links.into_iter().map(|(href, label)| html! { <li><a {href}>{ label }</a></li> }) }
            </ul>
        </nav>
    }
}
