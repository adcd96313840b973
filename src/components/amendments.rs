//! Each notice of amendment: every amendment under the heading of the section it changes,
//! with the kind of change, the new legal text verbatim, what it replaced (a word diff)
//! where the data has the prior text, and a plain-language note set apart as not legal
//! text. Amendments new since the employee acknowledged the notice are marked.

use std::collections::BTreeMap;

use election_core::disclosure::{word_diff, AckStatus, Acknowledgment, DiffPart, Disclosure};
use election_core::{Amendment, ChangeKind, Document, Offer};
use yew::prelude::*;

use crate::components::disclosure::notice_anchor;
use crate::components::legal_paragraphs;
use election_client::format::Formats;

/// Every notice of amendment. Plain functions rather than components: no state, and each
/// component type costs the bundle its own copy of Yew's lifecycle code.
pub fn amendments(
    offer: &Offer,
    disclosure: &Disclosure,
    acknowledged: &BTreeMap<String, Acknowledgment>,
    f: &Formats,
) -> Html {
    offer
        .notices()
        .map(|n| notice(offer, n, disclosure, acknowledged, f))
        .collect()
}

fn notice(
    offer: &Offer,
    notice: &Document,
    disclosure: &Disclosure,
    acknowledged: &BTreeMap<String, Acknowledgment>,
    f: &Formats,
) -> Html {
    let amended_title = notice
        .amends
        .as_deref()
        .and_then(|id| offer.document(id))
        .map_or_else(String::new, |d| {
            format!("{} dated {}", d.title, f.date(d.date))
        });
    // Two notices of one day are told apart by their titles (each section's name is
    // unique among the page's landmarks).
    let same_day = offer.notices().filter(|n| n.date == notice.date).count() > 1;
    let heading = if same_day {
        format!("Amendments of {}: {}", f.date(notice.date), notice.title)
    } else {
        format!("Amendments of {}", f.date(notice.date))
    };
    let status = disclosure.status(&notice.id, acknowledged.get(&notice.id));
    let binds = election_core::disclosure::binds_consideration(offer, notice);
    // Acknowledged, changed since, yet no amendment text is new: the terms it binds changed.
    let terms_changed_since_ack = binds
        && matches!(&status, AckStatus::Changed { new_amendments } if new_amendments.is_empty());
    let new_since_ack: Vec<u64> = match status {
        AckStatus::Changed { new_amendments } => new_amendments,
        _ => Vec::new(),
    };
    // Consecutive amendments to the same section share its heading.
    let mut groups: Vec<Vec<&Amendment>> = Vec::new();
    for a in &notice.amendments {
        match groups.last_mut() {
            Some(g) if g[0].section == a.section => g.push(a),
            _ => groups.push(vec![a]),
        }
    }
    html! {
        <section key={notice.id.clone()} id={notice_anchor(&notice.id)} class="ew-section ew-amendments" aria-label={heading.clone()}>
            <h2>{ heading }</h2>
            <p class="ew-doc-meta">{ describe_notice(notice, &amended_title, f) }</p>
            if let Some(preamble) = &notice.preamble {
                <blockquote class="ew-legal" dir="ltr">{ legal_paragraphs(preamble) }</blockquote>
            }
            if binds {
                <p class="ew-note" data-state="terms-changed">
                    { "This notice changes the terms that decide what you get. Every figure on this page is on the terms now in force, and an election you made before the notice stays in effect on them: you need not sign again, but you must acknowledge this notice before you sign a change." }
                    if terms_changed_since_ack {
                        { " The terms it sets have changed since you acknowledged it." }
                    }
                </p>
            }
            { for groups.into_iter().map(|group| html! {
                <section class="ew-amended-section">
                    <h3>{ group[0].section.heading() }</h3>
                    { for group.into_iter().map(|a| amendment(a, new_since_ack.contains(&a.number))) }
                </section>
            }) }
        </section>
    }
}

fn describe_notice(notice: &Document, amended_title: &str, f: &Formats) -> String {
    let exhibit = notice
        .exhibit
        .as_deref()
        .map(|e| format!(", Exhibit {e}"))
        .unwrap_or_default();
    let amends = if amended_title.is_empty() {
        String::new()
    } else {
        format!(". It amends the {amended_title}")
    };
    format!(
        "{}, {}{exhibit}{amends}.",
        notice.title,
        f.date(notice.date)
    )
}

fn amendment(a: &Amendment, new_since_ack: bool) -> Html {
    let page = a.page.map(|p| format!(", page {p}")).unwrap_or_default();
    let what = match a.change {
        ChangeKind::ParagraphInsertedAfter => {
            format!("New paragraph inserted. {}{page}:", a.location)
        }
        _ => format!(
            "{}{page}, deleted in its entirety and replaced with:",
            a.location
        ),
    };
    html! {
        <article class={classes!("ew-amendment", new_since_ack.then_some("ew-amendment-new"))}>
            <h4>
                { format!("Amendment {}: {}", a.number, a.change.label()) }
                if new_since_ack {
                    { " " }<span class="ew-tag ew-tag-new">{ "New since you acknowledged" }</span>
                }
            </h4>
            <p class="ew-amendment-where">{ what }</p>
            <blockquote class="ew-legal" dir="ltr">{ legal_paragraphs(&a.text) }</blockquote>
            { what_changed(a) }
            if let Some(note) = &a.plain_language {
                <aside class="ew-plain" aria-label={format!("Plain-language note on amendment {}, not legal text", a.number)}>
                    <p class="ew-plain-label">{ "Plain-language note — not part of the legal text" }</p>
                    <p>{ note.clone() }</p>
                </aside>
            }
        </article>
    }
}

/// The comparison with the prior text, or a plain statement of why there is none.
fn what_changed(a: &Amendment) -> Html {
    match (&a.prior_text, a.change) {
        (_, ChangeKind::ParagraphInsertedAfter) => html! {
            <p class="ew-muted ew-small">{ "This paragraph is new: no earlier text was removed." }</p>
        },
        (None, _) => html! {
            <p class="ew-muted ew-small">
                { "The text this replaced is not included in this offer's data, so no comparison can be shown." }
            </p>
        },
        (Some(prior), _) => html! {
            <div class="ew-diff">
                <p class="ew-diff-label">
                    { "What changed, word by word (removed words are struck through, added words are underlined):" }
                </p>
                <p class="ew-diff-text">
                    { for word_diff(prior, &a.text).into_iter().map(|part| match part {
                        DiffPart::Same(s) => html! { { s } },
                        DiffPart::Removed(s) => marked("del", "removed", &s),
                        DiffPart::Added(s) => marked("ins", "added", &s),
                    }) }
                </p>
            </div>
        },
    }
}

/// Removed or added words in `<del>` or `<ins>`, told apart by more than colour: struck
/// through or underlined on screen, "[removed: …]" or "[added: …]" to a screen reader.
/// The space after the words stays outside the mark.
fn marked(tag: &'static str, spoken: &str, s: &str) -> Html {
    let words = s.trim_end();
    let space = &s[words.len()..];
    html! { <>
        <@{tag}>
            <span class="ew-sr-only">{ format!("[{spoken}: ") }</span>{ words.to_owned() }<span class="ew-sr-only">{ "]" }</span>
        </@>
        { space.to_owned() }
    </> }
}
