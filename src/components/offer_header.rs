//! Who makes the offer, what it is, and when it expires, in the documents' own words.

use election_core::Offer;
use yew::prelude::*;

use election_client::format::Formats;

/// The header. A plain function rather than a component: it has no state, and each
/// component type costs the bundle its own copy of Yew's lifecycle code.
pub fn offer_header(offer: &Offer, f: &Formats) -> Html {
    let dated = offer
        .documents
        .iter()
        .find(|d| d.kind == election_core::DocumentKind::OfferToExchange)
        .map(|d| format!("{} dated {}", d.title, f.date(d.date)));
    let amended: Vec<String> = offer.notices().map(|n| f.date(n.date)).collect();
    let subtitle = match (dated, amended.is_empty()) {
        (Some(d), true) => d,
        (Some(d), false) => format!("{d}, as amended on {}", amended.join(" and ")),
        (None, _) => String::new(),
    };
    html! {
        <header class="ew-header">
            <p class="ew-issuer">{ offer.issuer.name.clone() }</p>
            <h1 class="ew-title">{ offer.title.clone() }</h1>
            if !subtitle.is_empty() {
                <p class="ew-subtitle">{ subtitle }</p>
            }
            <dl class="ew-facts">
                <div class="ew-fact ew-deadline">
                    <dt>{ "Election deadline" }</dt>
                    <dd dir="ltr">{ offer.expiration.legal_wording.clone() }</dd>
                </div>
                <div class="ew-fact">
                    <dt>{ "Securities" }</dt>
                    <dd>
                        { offer.securities.title.clone() }
                        <span class="ew-muted">{ format!(" (CUSIP {} of the underlying common stock)", offer.issuer.cusip) }</span>
                    </dd>
                </div>
                <div class="ew-fact">
                    <dt>{ "Questions" }</dt>
                    <dd>
                        { for offer.contacts.iter().map(|c| html! {
                            <span class="ew-contact">
                                { c.name.clone() }
                                if let Some(phone) = &c.phone {
                                    { ", " }<a href={format!("tel:{}", phone.chars().filter(|ch| ch.is_ascii_digit() || *ch == '+').collect::<String>())}>{ phone.clone() }</a>
                                }
                                if let Some(email) = &c.email {
                                    { ", " }<a href={format!("mailto:{email}")}>{ email.clone() }</a>
                                }
                            </span>
                        }) }
                    </dd>
                </div>
            </dl>
        </header>
    }
}
