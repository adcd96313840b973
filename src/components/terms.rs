//! The exchange terms, each marked when the filing does not state it.

use election_core::{Offer, Source};
use yew::prelude::*;

use crate::components::illustrative_badge;

pub fn terms(offer: &Offer) -> Html {
    let t = &offer.terms;
    let rows = [
        (
            "Eligible options",
            t.eligibility.source,
            &t.eligibility.summary,
        ),
        (
            "Exchange ratio",
            t.exchange_ratio.source,
            &t.exchange_ratio.summary,
        ),
        ("Tendering", t.tender_rules.source, &t.tender_rules.summary),
        ("Recent grants", t.lookback.source, &t.lookback.summary),
        (
            offer.award().heading(),
            t.new_grant.source,
            &t.new_grant.summary,
        ),
    ];
    let mut rows: Vec<(&str, Source, String)> = rows
        .iter()
        .map(|(name, source, summary)| (*name, *source, (*summary).clone()))
        .collect();
    if let Some(by_grant) = &t.exchange_ratio.by_grant {
        // How the ratios set grant by grant were set: each row shows its grant's.
        rows.insert(
            2,
            (
                "Ratios by grant",
                t.exchange_ratio.source,
                by_grant.basis.clone(),
            ),
        );
    }
    if let Some(award) = &t.new_award {
        // What the new award is, and how it vests, in the offer's words.
        let summary = match &award.vesting {
            Some(vesting) => format!("{} Vesting: {vesting}", award.summary),
            None => award.summary.clone(),
        };
        rows.push(("New award", award.source, summary));
    }
    if let Some(cash) = &t.cash_instead {
        rows.push(("Cash instead", cash.source, cash.summary.clone()));
    }
    let any_illustrative = rows.iter().any(|(_, s, _)| *s == Source::Illustrative);
    html! {
        <section class="ew-section ew-terms" id="ew-terms" aria-label="Terms of the exchange">
            <h2>{ "Terms of the exchange" }</h2>
            if any_illustrative {
                <p class="ew-note">
                    { "Terms marked Illustrative are not stated in the filed offer documents. They are examples, so that this demonstration can show how an exchange works." }
                </p>
            }
            <dl class="ew-term-list">
                { for rows.iter().map(|(name, source, summary)| html! {
                    <div class="ew-term">
                        <dt>
                            { *name }
                            if *source == Source::Illustrative {
                                { " " }{ illustrative_badge() }
                            }
                        </dt>
                        <dd>{ summary.clone() }</dd>
                    </div>
                }) }
            </dl>
        </section>
    }
}
