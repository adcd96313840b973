//! Disclosure: the notice that the offer was amended, and the employee's acknowledgment of
//! each document, which records the digest of the text as it stood.

use std::collections::BTreeMap;

use election_core::disclosure::{AckStatus, Acknowledgment, Disclosure};
use election_core::{DocumentKind, Offer};
use yew::prelude::*;

use election_client::format::Formats;

/// The id of a notice's section, for links to it from the banner.
pub fn notice_anchor(notice_id: &str) -> String {
    format!("election-widget-notice-{notice_id}")
}

/// Shown while a notice of amendment is not acknowledged as it stands. A notice never
/// acknowledged needs no digest to say so; whether an acknowledgment still holds does,
/// and the digests (`disclosure`) may come just after the first screen (hashing is the
/// below-the-grants module's): until then such a notice shows nothing.
pub fn amendment_banner(
    offer: &Offer,
    disclosure: Option<&Disclosure>,
    acknowledged: &BTreeMap<String, Acknowledgment>,
    f: &Formats,
) -> Html {
    let lines: Vec<Html> = offer
        .notices()
        .filter_map(|notice| {
            let when = f.date(notice.date);
            let href = format!("#{}", notice_anchor(&notice.id));
            let status = match (acknowledged.get(&notice.id), disclosure) {
                (None, _) => AckStatus::Missing,
                (Some(ack), Some(d)) => d.status(&notice.id, Some(ack)),
                (Some(_), None) => return None,
            };
            match status {
                AckStatus::Current => None,
                AckStatus::Missing => Some(html! {
                    <p>
                        <strong>{ format!("The offer was amended on {when}: {}.",
                            f.plural(notice.amendments.len() as u64, "change", "changes")) }</strong>
                        { " " }<a {href}>{ "Review the amendments" }</a>
                    </p>
                }),
                AckStatus::Changed { new_amendments } => Some(html! {
                    <p>
                        <strong>{ format!("The notice of amendment of {when} changed after you acknowledged it: {}.",
                            f.plural(new_amendments.len() as u64, "new or changed amendment", "new or changed amendments")) }</strong>
                        { " " }<a {href}>{ "Review what is new" }</a>
                    </p>
                }),
            }
        })
        .collect();
    if lines.is_empty() {
        return Html::default();
    }
    html! {
        <div class="ew-banner" role="region" aria-label="Amendments to review" onclick={Callback::from(crate::platform::page::follow_in_page_link)}>
            { for lines }
        </div>
    }
}

/// One checkbox per document; each must be ticked before an election can be signed.
/// `on_acknowledge` gets the document id and the acknowledgment to record (None to
/// withdraw it).
pub fn acknowledgments(
    offer: &Offer,
    disclosure: &Disclosure,
    acknowledged: &BTreeMap<String, Acknowledgment>,
    on_acknowledge: &Callback<(String, Option<Acknowledgment>)>,
    locked: bool,
    f: &Formats,
) -> Html {
    let outstanding = offer
        .documents
        .iter()
        .filter(|d| disclosure.status(&d.id, acknowledged.get(&d.id)) != AckStatus::Current)
        .count();
    let combined = disclosure.offer;
    html! {
        <section class="ew-section ew-acks" id="ew-acks" aria-label="Acknowledge the offer documents">
            <h2>{ "Acknowledge the offer documents" }</h2>
            <p>
                { "Before you can sign your election, confirm that you have read each document. Your acknowledgment records \
                   which text you saw, by its fingerprint: if a document changes later, you will be asked again." }
            </p>
            <ul class="ew-ack-list">
                { for offer.documents.iter().map(|doc| {
                    let status = disclosure.status(&doc.id, acknowledged.get(&doc.id));
                    let Some(digests) = disclosure.document(&doc.id) else {
                        return Html::default();
                    };
                    let digest = digests.document;
                    let label = match doc.kind {
                        DocumentKind::OfferToExchange => format!(
                            "I have read the {} dated {}.", doc.title, f.date(doc.date)),
                        DocumentKind::NoticeOfAmendment => format!(
                            "I have read the {} dated {} ({}).", doc.title, f.date(doc.date),
                            f.plural(doc.amendments.len() as u64, "amendment", "amendments")),
                    };
                    let onchange = {
                        let on_ack = on_acknowledge.clone();
                        let current = status == AckStatus::Current;
                        let ack = digests.acknowledge(&doc.id);
                        Callback::from(move |_: Event| {
                            on_ack.emit((ack.document_id.clone(), (!current).then(|| ack.clone())));
                        })
                    };
                    html! {
                        <li class="ew-ack">
                            <label class="ew-ack-label">
                                <input type="checkbox" checked={status == AckStatus::Current} disabled={locked} {onchange} />
                                <span>{ label }</span>
                            </label>
                            if doc.kind == DocumentKind::OfferToExchange && doc.preamble.is_none() {
                                <p class="ew-muted ew-small">
                                    { format!("Its full text is not reproduced here. For a copy, contact {}.",
                                        offer.contacts.first().map_or("your HR team".to_owned(), |c| c.name.clone())) }
                                </p>
                            }
                            if let AckStatus::Changed { new_amendments } = &status {
                                <p class="ew-note ew-warning">
                                    { format!("Changed since you acknowledged it: please read {} and acknowledge again.",
                                        amendment_list(new_amendments)) }
                                </p>
                            }
                            { fingerprint("Fingerprint", &digest) }
                        </li>
                    }
                }) }
            </ul>
            <p class="ew-ack-status" role="status">
                {
                    if outstanding == 0 {
                        "All documents acknowledged.".to_owned()
                    } else {
                        format!("{} still to acknowledge before you can sign.",
                            f.plural(outstanding as u64, "document", "documents"))
                    }
                }
            </p>
            { fingerprint("Disclosure fingerprint (all documents and the terms)", &combined) }
        </section>
    }
}

fn amendment_list(numbers: &[u64]) -> String {
    let names: Vec<String> = numbers.iter().map(|n| format!("amendment {n}")).collect();
    match names.as_slice() {
        [] => "the document".to_owned(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// A digest as a short fingerprint, with the full value on request.
fn fingerprint(label: &str, digest: &election_core::disclosure::Digest) -> Html {
    html! {
        <div class="ew-fingerprint">
            <span class="ew-muted ew-small">{ format!("{label}: ") }</span>
            <code>{ digest.fingerprint() }</code>
            <details>
                <summary>{ "Show the full fingerprint" }</summary>
                <code class="ew-digest">{ format!("SHA-256 {}", digest.hex()) }</code>
            </details>
        </div>
    }
}
