//! Each notice of amendment, with every amendment's new legal text verbatim under the
//! heading of the section it changes.

use std::rc::Rc;

use election_core::{Amendment, Document, Offer};
use yew::prelude::*;

use crate::components::legal_paragraphs;
use crate::format;

#[derive(Debug, Clone, PartialEq, Properties)]
pub struct AmendmentsProps {
    pub offer: Rc<Offer>,
}

#[component]
pub fn Amendments(props: &AmendmentsProps) -> Html {
    let offer = &props.offer;
    html! {
        <>
            { for offer.notices().map(|notice| html! {
                <Notice key={notice.id.clone()} offer={offer.clone()} notice_id={notice.id.clone()} />
            }) }
        </>
    }
}

#[derive(Debug, Clone, PartialEq, Properties)]
struct NoticeProps {
    offer: Rc<Offer>,
    notice_id: AttrValue,
}

#[component]
fn Notice(props: &NoticeProps) -> Html {
    let Some(notice) = props.offer.document(&props.notice_id) else {
        return Html::default();
    };
    let amended_title = notice
        .amends
        .as_deref()
        .and_then(|id| props.offer.document(id))
        .map_or_else(String::new, |d| {
            format!("{} dated {}", d.title, format::date(d.date))
        });
    let heading = format!("Amendments of {}", format::date(notice.date));
    // Consecutive amendments to the same section share its heading.
    let mut groups: Vec<Vec<&Amendment>> = Vec::new();
    for a in &notice.amendments {
        match groups.last_mut() {
            Some(g) if g[0].section == a.section => g.push(a),
            _ => groups.push(vec![a]),
        }
    }
    html! {
        <section class="ew-section ew-amendments" aria-label={heading.clone()}>
            <h2>{ heading }</h2>
            <p class="ew-doc-meta">{ describe_notice(notice, &amended_title) }</p>
            if let Some(preamble) = &notice.preamble {
                <blockquote class="ew-legal">{ legal_paragraphs(preamble) }</blockquote>
            }
            { for groups.into_iter().map(|group| html! {
                <section class="ew-amended-section">
                    <h3>{ group[0].section.heading() }</h3>
                    { for group.into_iter().map(amendment) }
                </section>
            }) }
        </section>
    }
}

fn describe_notice(notice: &Document, amended_title: &str) -> String {
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
        format::date(notice.date)
    )
}

fn amendment(a: &Amendment) -> Html {
    let page = a.page.map(|p| format!(", page {p}")).unwrap_or_default();
    let what = match a.change {
        election_core::ChangeKind::ParagraphInsertedAfter => {
            format!("New paragraph inserted. {}{page}:", a.location)
        }
        _ => format!(
            "{}{page}, deleted in its entirety and replaced with:",
            a.location
        ),
    };
    html! {
        <article class="ew-amendment">
            <h4>{ format!("Amendment {}: {}", a.number, a.change.label()) }</h4>
            <p class="ew-amendment-where">{ what }</p>
            <blockquote class="ew-legal">{ legal_paragraphs(&a.text) }</blockquote>
        </article>
    }
}
