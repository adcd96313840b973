//! Server-side renders of the widget's components, asserting what a reader would see.
#![cfg(not(target_arch = "wasm32"))]

use std::rc::Rc;

use election_client::clock::{ClockSource, TrustedClock};
use election_client::drafts::{self, Draft, DraftStore, Drafts, MemoryStore};
use election_client::loading::{self, Loaded};
use election_core::{parse_holder, parse_offer};
use election_widget::components::app::App;
use election_widget::components::error_panel::{ErrorPanel, ErrorPanelProps};
use election_widget::components::widget::{Widget, WidgetProps};
use election_widget::{AppProps, WidgetConfig};
use yew::{BaseComponent, LocalServerRenderer};

const OFFER: &str = include_str!("../static/offers/mpower-2001.json");
const SINGLE: &str = include_str!("../static/holders/e1001-avery-lindqvist.json");
const DOZENS: &str = include_str!("../static/holders/e1002-jordan-okafor.json");
const NONE: &str = include_str!("../static/holders/e1003-priya-raman.json");

async fn render<C: BaseComponent>(props: C::Properties) -> String {
    LocalServerRenderer::<C>::with_props(props)
        .hydratable(false)
        .render()
        .await
}

fn loaded(offer: &str, holder: &str) -> Loaded {
    let offer = parse_offer(offer).expect("valid offer");
    let holder = parse_holder(holder, Some(&offer)).expect("valid holder");
    Loaded {
        offer: Rc::new(offer),
        holder: Rc::new(holder),
    }
}

async fn widget_html(holder: &str) -> String {
    widget_with_drafts(holder, Drafts::memory()).await
}

async fn widget_with_drafts(holder: &str, drafts: Drafts) -> String {
    render::<Widget>(WidgetProps {
        data: loaded(OFFER, holder),
        drafts,
        clock: while_open(),
        delivery: Default::default(),
        offline_as_of: None,
        timing_checks: true,
    })
    .await
}

/// Mpower's offer as previewed on September 20, 2001, 10:00 a.m. EDT: a week to go.
fn while_open() -> TrustedClock {
    TrustedClock::fixed(1_000_994_400_000.0, ClockSource::Preview)
}

/// A memory store holding a draft for `holder` that picks `picks`.
fn store_with_draft(holder: &str, picks: &[&str], new_price: &str) -> Drafts {
    store_with(
        holder,
        Draft {
            picks: picks.iter().map(|s| (*s).to_owned()).collect(),
            parts: Default::default(),
            new_price: new_price.to_owned(),
            acknowledged: Default::default(),
            seen_deadline: None,
        },
    )
}

/// A memory store holding `draft` for `holder`'s employee.
fn store_with(holder: &str, draft: Draft) -> Drafts {
    let h = parse_holder(holder, None).expect("valid");
    let store = MemoryStore::default();
    store
        .save(
            &drafts::key("mpower-2001-option-exchange", &h.employee.id),
            &draft.to_json().expect("json"),
        )
        .expect("memory store");
    Drafts(Rc::new(store))
}

/// The text a reader sees: tags removed (block elements break words, inline ones do
/// not), entities decoded, white space folded.
fn visible_text(html: &str) -> String {
    const INLINE: [&str; 7] = ["span", "a", "code", "b", "strong", "em", "time"];
    let mut out = String::new();
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('>') else {
            break;
        };
        let tag = &rest[open + 1..open + close];
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        if !INLINE.contains(&name.as_str()) {
            out.push(' ');
        }
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
    let decoded = out
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    decoded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The HTML of the `tag` element whose start tag contains `marker`, through its matching
/// closing tag.
fn element<'a>(html: &'a str, marker: &str, tag: &str) -> &'a str {
    let at = html
        .find(marker)
        .unwrap_or_else(|| panic!("no {marker} in {html}"));
    let open = format!("<{tag}");
    let close = format!("</{tag}>");
    let start = html[..at + marker.len()].rfind(&open).expect("start tag");
    let mut depth = 0usize;
    let mut i = start;
    while i < html.len() {
        if html[i..].starts_with(&close) {
            depth -= 1;
            if depth == 0 {
                return &html[start..i + close.len()];
            }
            i += close.len();
        } else if html[i..].starts_with(&open) {
            depth += 1;
            i += open.len();
        } else {
            i += html[i..].chars().next().map_or(1, char::len_utf8);
        }
    }
    panic!("<{tag}> not closed");
}

#[tokio::test]
async fn the_offer_header_shows_issuer_title_and_deadline_in_legal_wording() {
    let html = widget_html(DOZENS).await;
    let header = visible_text(element(&html, "<header", "header"));
    assert!(header.contains("Mpower Holding Corporation"), "{header}");
    assert!(header.contains("Option Exchange Program"));
    assert!(header
        .contains("Offer to Exchange dated August 27, 2001, as amended on September 13, 2001"));
    assert!(header
        .contains("Election deadline 11:59 p.m., Eastern Daylight Time, on September 27, 2001"));
    assert!(header.contains("CUSIP 62473L101"));
    assert!(header.contains("People Services, (716) 218-6550, peopleservices@mpowercom.com"));
    assert!(html.contains(r#"href="tel:7162186550""#));
    assert!(html.contains(r#"<h1 class="ew-title">Option Exchange Program</h1>"#));
}

#[tokio::test]
async fn each_amendment_is_shown_verbatim_under_its_section_heading() {
    let html = widget_html(SINGLE).await;
    let offer = parse_offer(OFFER).expect("valid");
    let section = element(&html, "ew-amendments", "section");
    let text = visible_text(section);
    assert!(
        text.starts_with("Amendments of September 13, 2001"),
        "{text}"
    );
    let notice = offer.notices().next().expect("notice");
    for a in &notice.amendments {
        assert!(
            text.contains(&a.text),
            "amendment {} not verbatim",
            a.number
        );
    }
    // Section 7 heads amendment 1; Section 17 heads amendments 2 and 3, once.
    let s7 = text
        .find("Section 7. Conditions of the Offer")
        .expect("section 7");
    let s17 = text
        .find("Section 17. Forward Looking Statements; Miscellaneous")
        .expect("section 17");
    assert_eq!(text.matches("Section 17. Forward Looking").count(), 1);
    let a1 = text.find(&notice.amendments[0].text).expect("a1");
    let a2 = text.find(&notice.amendments[1].text).expect("a2");
    let a3 = text.find(&notice.amendments[2].text).expect("a3");
    assert!(s7 < a1 && a1 < s17 && s17 < a2 && a2 < a3);
    assert!(text.contains("Amendment 1: Paragraph replaced The last paragraph, page 27, deleted in its entirety and replaced with:"));
    assert!(text.contains("Amendment 2: Sentence replaced"));
    assert!(text.contains("Amendment 3: Paragraph inserted New paragraph inserted. Immediately after the first paragraph:"));
    assert_eq!(
        section
            .matches("<blockquote dir=\"ltr\" class=\"ew-legal\">")
            .count(),
        4,
        "preamble and three amendments"
    );
}

#[tokio::test]
async fn the_grants_table_has_a_caption_headers_and_a_row_per_grant() {
    let html = widget_html(DOZENS).await;
    let holder = parse_holder(DOZENS, None).expect("valid");
    let table = element(&html, "<table", "table");
    let caption = visible_text(element(table, "<caption", "caption"));
    assert_eq!(
        caption,
        format!(
            "{} option grants held by Jordan Okafor",
            holder.grants.len()
        )
    );
    let headers = visible_text(element(table, "<thead", "thead"));
    assert_eq!(
        headers,
        "Exchange Grant Plan Granted Exercise price Outstanding Vested Expires New options Status"
    );
    assert_eq!(
        table
            .matches("<th scope=\"row\" role=\"rowheader\">")
            .count(),
        holder.grants.len()
    );
    assert_eq!(
        table.matches("scope=\"col\" role=\"columnheader\"").count(),
        10
    );
    // The roles are written out, so that a narrow widget's cards (whose CSS display is no
    // longer a table's) are still a table to a screen reader; each figure carries its
    // column's name for the card's label.
    assert!(
        table.starts_with("<table role=\"table\" class=\"ew-table ew-grants-table\">"),
        "{table}"
    );
    assert_eq!(table.matches("role=\"rowgroup\"").count(), 3);
    assert_eq!(
        table.matches("<tr").count(),
        table.matches("role=\"row\"").count()
    );
    assert_eq!(
        table.matches("<td").count(),
        table.matches("role=\"cell\"").count()
    );
    for label in ["Plan", "Granted", "Exercise price", "Expires"] {
        assert_eq!(
            table.matches(&format!("data-label=\"{label}\"")).count(),
            holder.grants.len(),
            "{label}"
        );
    }
    for label in ["Outstanding", "Vested", "New options"] {
        // And the total's.
        assert_eq!(
            table.matches(&format!("data-label=\"{label}\"")).count(),
            holder.grants.len() + 1,
            "{label}"
        );
    }
    let offer = parse_offer(OFFER).expect("valid");
    let body = element(table, "<tbody", "tbody");
    for g in &holder.grants {
        let row = visible_text(element(body, &format!(">{}", g.id), "tr"));
        if election_core::rules::eligibility(&offer, &election_core::Employee::default(), g).is_ok()
        {
            assert!(
                row.starts_with(&format!("Exchange grant {}", g.id)),
                "{row}"
            );
        } else {
            assert!(
                row.starts_with(&format!("— {}", g.id)) && row.contains("Not eligible: "),
                "{row}"
            );
        }
    }
    let total: u64 = holder.grants.iter().map(|g| g.outstanding).sum();
    let foot = visible_text(element(table, "<tfoot", "tfoot"));
    assert!(
        foot.starts_with(&format!("Total {}", election_core::display::count(total))),
        "{foot}"
    );
    assert!(foot.ends_with("0 grants to exchange"), "{foot}");
    // The scrolling region can be reached by keyboard and is named.
    assert!(html.contains(r#"role="region""#) && html.contains(r#"tabindex="0""#));
}

#[tokio::test]
async fn a_single_grant_reads_with_plan_names_and_exact_money() {
    let html = widget_html(SINGLE).await;
    let row = visible_text(element(&html, "<tbody", "tbody"));
    assert_eq!(
        row,
        "Exchange grant H-2000-0417 H-2000-0417 Holding Plan Mar 10, 2000 $42.50 12,000 6,000 Mar 10, 2010 4,000 Eligible."
    );
    let text = visible_text(&html);
    assert!(text.contains("1 option grant held by Avery Lindqvist"));
    assert!(text
        .contains("Avery Lindqvist · Employee ID E-1001 Illustrative (fictional sample employee)"));
}

#[tokio::test]
async fn every_illustrative_term_carries_the_badge() {
    let html = widget_html(SINGLE).await;
    let terms = element(&html, "ew-section ew-terms", "section");
    assert_eq!(terms.matches(r#"class="ew-badge""#).count(), 5);
    let text = visible_text(terms);
    assert!(text.contains("are not stated in the filed offer documents"));
    assert!(text.contains("Exchange ratio Illustrative One new option for every two options"));
}

#[tokio::test]
async fn an_employee_with_no_grants_gets_a_sentence_not_an_empty_table() {
    let mut holder: serde_json::Value = serde_json::from_str(NONE).expect("JSON");
    holder["grants"] = serde_json::json!([]);
    let html = widget_html(&holder.to_string()).await;
    assert!(!html.contains("<table"));
    assert!(visible_text(&html).contains(
        "Priya Raman has no option grants under Holding Plan or PNH Plan, so there is nothing to exchange."
    ));
}

#[tokio::test]
async fn offer_text_is_rendered_as_text_never_as_markup() {
    let mut offer: serde_json::Value = serde_json::from_str(OFFER).expect("JSON");
    offer["title"] = serde_json::json!("<script>alert('title')</script>");
    offer["documents"][1]["amendments"][0]["text"] =
        serde_json::json!("<img src=x onerror=alert(1)> & more");
    let html = render::<Widget>(WidgetProps {
        data: loaded(&offer.to_string(), SINGLE),
        drafts: Drafts::memory(),
        clock: while_open(),
        delivery: Default::default(),
        offline_as_of: None,
        timing_checks: true,
    })
    .await;
    assert!(!html.contains("<script>"));
    assert!(!html.contains("<img"));
    assert!(html.contains("&lt;script&gt;"));
    assert!(visible_text(&html).contains("<img src=x onerror=alert(1)> & more"));
}

#[tokio::test]
async fn the_error_panel_names_each_file_and_every_problem_with_its_path() {
    let mut offer: serde_json::Value = serde_json::from_str(OFFER).expect("JSON");
    offer["issuer"]["cusip"] = serde_json::json!("<b>62473L109</b>");
    offer["expiration"]["instant"] = serde_json::json!("2001-09-27");
    let config = WidgetConfig {
        offer_url: "offers/broken.json".into(),
        holder_url: "holders/missing.json".into(),
        ..WidgetConfig::defaults()
    };
    let reports = loading::check(
        &config,
        Ok(offer.to_string()),
        Err(election_client::fetch::FetchError::Status {
            status: 404,
            text: "Not Found".into(),
        }),
    )
    .expect_err("broken");
    let html = render::<ErrorPanel>(ErrorPanelProps {
        reports: Rc::new(reports),
    })
    .await;
    assert!(html.contains(r#"role="alert""#));
    let text = visible_text(&html);
    assert!(text.starts_with("This offer can't be shown"), "{text}");
    assert!(
        text.contains("Offer file offers/broken.json: 2 problems"),
        "{text}"
    );
    assert!(
        text.contains("$.issuer.cusip: `<b>62473L109</b>` is not a CUSIP"),
        "{text}"
    );
    assert!(text.contains("$.expiration.instant: `2001-09-27` is not an instant"));
    assert!(text.contains("Employee file holders/missing.json: could not be loaded"));
    assert!(text.contains("It could not be loaded: the server answered HTTP 404 Not Found."));
    assert!(!html.contains("<b>"));
}

#[tokio::test]
async fn before_data_arrives_the_app_says_it_is_loading() {
    let html = render::<App>(AppProps {
        config: WidgetConfig::defaults(),
        events: Default::default(),
        parked: false,
    })
    .await;
    assert!(html.contains(r#"role="status""#));
    assert!(visible_text(&html).contains("Loading the offer…"));
}

#[tokio::test]
async fn what_a_link_asked_for_and_did_not_get_is_named_as_text_above_the_widget() {
    let config = WidgetConfig {
        refused: vec![election_client::config::Refusal {
            input: "?time=https://evil.test/<b>time</b>".into(),
            why: "a link cannot choose the clock that governs the deadline".into(),
        }],
        ..WidgetConfig::defaults()
    };
    let html = render::<App>(AppProps {
        config,
        events: Default::default(),
        parked: false,
    })
    .await;
    let text = visible_text(&html);
    assert!(
        text.contains("This page ignored settings its link asked for, and uses its own:"),
        "{text}"
    );
    assert!(
        text.contains("?time=https://evil.test/<b>time</b>: a link cannot choose the clock"),
        "{text}"
    );
    assert!(
        !html.contains("<b>time</b>"),
        "the link's text is text, never markup"
    );
    // Still loading with the page's own settings: the notice never replaces the widget.
    assert!(text.contains("Loading the offer…"));
    assert!(html.contains(r#"dir="ltr""#));
}

#[tokio::test]
async fn a_restored_draft_shows_the_choice_the_lookback_additions_and_the_totals() {
    let offer = parse_offer(OFFER).expect("valid");
    let holder = parse_holder(DOZENS, Some(&offer)).expect("valid");
    let old = holder
        .grants
        .iter()
        .find(|g| {
            g.grant_date.to_string().starts_with("1999")
                && election_core::rules::eligibility(&offer, &election_core::Employee::default(), g)
                    .is_ok()
        })
        .expect("an eligible 1999 grant");
    let html = widget_with_drafts(DOZENS, store_with_draft(DOZENS, &[&old.id], "1.00")).await;
    let resolution =
        election_core::resolve(&offer, &holder, &[old.id.clone()].into_iter().collect());
    let required = resolution
        .statuses
        .iter()
        .filter(|s| s.required.is_some())
        .count();
    assert!(required >= 2);
    // The picked grant is checked; the look-back grants are checked, locked, and say why.
    assert_eq!(
        html.matches("checked").count(),
        1 + required,
        "checked boxes"
    );
    assert_eq!(
        html.matches(r#"type="checkbox" disabled="disabled""#)
            .count(),
        required,
        "locked boxes"
    );
    assert_eq!(
        html.matches("(required by the offer&#x27;s rules)").count()
            + html.matches("(required by the offer's rules)").count(),
        required,
        "a locked box says why to a screen reader"
    );
    let text = visible_text(&html);
    assert_eq!(
        text.matches("Required: granted in the 6 months before the offer opened")
            .count(),
        required
    );
    assert!(text.contains(&resolution.summary.sentence()));
    assert!(text.contains("new grant expected on or about March 29, 2002"));
    assert!(html.contains(r#"aria-live="polite""#));
    // Decision support appears with the break-even and the same numbers as a table.
    assert!(text.contains("Break-even stock price: $"), "{text}");
    assert!(html.contains(r#"role="img""#));
    let values = element(&html, "ew-value-table", "table");
    assert_eq!(
        values.matches("<tr>").count(),
        12,
        "header and 11 price points"
    );
}

#[tokio::test]
async fn ineligible_grants_say_why_and_have_no_checkbox() {
    let html = widget_html(NONE).await;
    let text = visible_text(&html);
    assert!(
        text.contains("None of your grants can be exchanged in this offer"),
        "{text}"
    );
    assert!(text.contains("contact People Services"));
    assert!(!element(&html, "ew-grants-table", "table").contains("type=\"checkbox\""));
    assert_eq!(
        text.matches(
            "Not eligible: the exercise price is below $5.00, the lowest this offer takes."
        )
        .count(),
        3
    );
    assert!(
        !text.contains("Keep or exchange"),
        "no decision support without eligible grants"
    );
}

#[tokio::test]
async fn storage_that_is_refused_is_said_plainly() {
    let html = widget_with_drafts(
        SINGLE,
        Drafts::unavailable("this browser does not allow this page to store data"),
    )
    .await;
    assert!(visible_text(&html).contains(
        "Drafts are not being saved: this browser does not allow this page to store data. Your choices will be lost if you leave or reload this page."
    ));
}

#[tokio::test]
async fn a_draft_with_grants_that_are_gone_says_what_was_left_out() {
    let html = widget_with_drafts(
        SINGLE,
        store_with_draft(SINGLE, &["H-2000-0417", "H-1990-0001"], "1.00"),
    )
    .await;
    let text = visible_text(&html);
    assert!(text.contains("Your saved draft included 1 grant that cannot be exchanged now, so it was left out: H-1990-0001."), "{text}");
    assert!(text.contains("Exchange 1 grant, 12,000 options, for 4,000 new options"));
}

#[tokio::test]
async fn a_bad_price_assumption_is_named_and_nothing_is_charted() {
    let html = widget_with_drafts(SINGLE, store_with_draft(SINGLE, &["H-2000-0417"], "abc")).await;
    let text = visible_text(&html);
    assert!(text.contains("“abc” is not a price"), "{text}");
    assert!(html.contains(r#"aria-invalid="true""#));
    assert!(!html.contains("<svg"));
}

/// A store holding a draft with the given acknowledgments (and no picks).
fn store_with_acks(holder: &str, acks: Vec<election_core::disclosure::Acknowledgment>) -> Drafts {
    store_with(
        holder,
        Draft {
            picks: Default::default(),
            parts: Default::default(),
            new_price: "1.00".into(),
            acknowledged: acks
                .into_iter()
                .map(|a| (a.document_id.clone(), a))
                .collect(),
            seen_deadline: None,
        },
    )
}

async fn widget_for_offer(offer: &str, drafts: Drafts) -> String {
    render::<Widget>(WidgetProps {
        data: loaded(offer, SINGLE),
        drafts,
        clock: while_open(),
        delivery: Default::default(),
        offline_as_of: None,
        timing_checks: true,
    })
    .await
}

#[tokio::test]
async fn the_amendment_banner_leads_to_the_notice_until_it_is_acknowledged() {
    let html = widget_html(SINGLE).await;
    let banner = visible_text(element(&html, "ew-banner", "div"));
    assert_eq!(
        banner,
        "The offer was amended on September 13, 2001: 3 changes. Review the amendments"
    );
    assert!(html.contains(r##"href="#election-widget-notice-notice-of-amendment-2001-09-13""##));
    assert!(html.contains(r#"id="election-widget-notice-notice-of-amendment-2001-09-13""#));
    let acks = visible_text(element(&html, "ew-section ew-acks", "section"));
    assert!(
        acks.contains("I have read the Offer to Exchange dated August 27, 2001."),
        "{acks}"
    );
    assert!(acks.contains("I have read the Notice of Amendment to Offer to Exchange dated September 13, 2001 (3 amendments)."));
    assert!(acks.contains("2 documents still to acknowledge before you can sign."));
    assert!(
        acks.contains("Its full text is not reproduced here. For a copy, contact People Services.")
    );

    let offer = parse_offer(OFFER).expect("valid");
    let all = offer
        .documents
        .iter()
        .map(|d| election_core::disclosure::Acknowledgment::of(&offer, d))
        .collect();
    let html = widget_with_drafts(SINGLE, store_with_acks(SINGLE, all)).await;
    assert!(!html.contains("ew-banner"));
    assert!(visible_text(&html).contains("All documents acknowledged."));
}

#[tokio::test]
async fn each_document_shows_its_fingerprint_and_the_full_digest_on_request() {
    let html = widget_html(SINGLE).await;
    let offer = parse_offer(OFFER).expect("valid");
    let notice = election_core::disclosure::document_digest(&offer, &offer.documents[1]);
    let combined = election_core::disclosure::offer_digest(&offer);
    let text = visible_text(&html);
    assert!(text.contains(&format!("Fingerprint: {}", notice.fingerprint())));
    assert!(text.contains(&format!("SHA-256 {}", notice.hex())));
    assert!(text.contains(&format!(
        "Disclosure fingerprint (all documents and the terms): {}",
        combined.fingerprint()
    )));
    assert_eq!(html.matches("<details>").count(), 3);
}

#[tokio::test]
async fn plain_language_notes_are_set_apart_and_labelled_as_not_legal_text() {
    let html = widget_html(SINGLE).await;
    let offer = parse_offer(OFFER).expect("valid");
    let notice = offer.notices().next().expect("notice");
    assert_eq!(html.matches("<aside").count(), 3);
    for a in &notice.amendments {
        let note = a.plain_language.as_deref().expect("Mpower has notes");
        let aside = element(
            &html,
            &format!(
                "Plain-language note on amendment {}, not legal text",
                a.number
            ),
            "aside",
        );
        let text = visible_text(aside);
        assert_eq!(
            text,
            format!("Plain-language note — not part of the legal text {note}")
        );
        // The note is not inside the legal text.
        let legal = element(&html, &format!("Amendment {}:", a.number), "article");
        let quote = visible_text(element(legal, "ew-legal", "blockquote"));
        assert!(!quote.contains(note));
    }
    let text = visible_text(&html);
    assert_eq!(text.matches("The text this replaced is not included in this offer's data, so no comparison can be shown.").count(), 2);
    assert_eq!(
        text.matches("This paragraph is new: no earlier text was removed.")
            .count(),
        1
    );
}

#[tokio::test]
async fn a_prior_text_in_the_data_is_shown_as_a_word_diff_not_only_by_colour() {
    let mut offer: serde_json::Value = serde_json::from_str(OFFER).expect("JSON");
    offer["documents"][1]["amendments"][1]["prior_text"] =
        serde_json::json!("This Offer to Exchange includes forward-looking statements.");
    let html = widget_for_offer(&offer.to_string(), Drafts::memory()).await;
    let diff = element(&html, "ew-diff-text", "p");
    assert!(diff.contains("<del>") && diff.contains("<ins>"));
    let text = visible_text(diff);
    assert_eq!(
        text,
        "This Offer to Exchange [removed: includes] [added: and our Securities and Exchange Commission reports referred to above include] forward-looking statements."
    );
    assert!(visible_text(&html)
        .contains("removed words are struck through, added words are underlined"));
}

#[tokio::test]
async fn an_added_amendment_asks_for_acknowledgment_again_and_shows_what_is_new() {
    let original = parse_offer(OFFER).expect("valid");
    let acks = original
        .documents
        .iter()
        .map(|d| election_core::disclosure::Acknowledgment::of(&original, d))
        .collect();
    let mut offer: serde_json::Value = serde_json::from_str(OFFER).expect("JSON");
    offer["version"] = serde_json::json!(3);
    let amendments = offer["documents"][1]["amendments"]
        .as_array_mut()
        .expect("array");
    amendments.push(serde_json::json!({
        "number": 4,
        "section": {"number": "8", "title": "Extension of Offer; Termination; Amendment"},
        "change": "paragraph_inserted_after",
        "location": "Immediately after the last paragraph",
        "text": "A new paragraph."
    }));
    let html = widget_for_offer(&offer.to_string(), store_with_acks(SINGLE, acks)).await;
    let banner = visible_text(element(&html, "ew-banner", "div"));
    assert_eq!(
        banner,
        "The notice of amendment of September 13, 2001 changed after you acknowledged it: 1 new or changed amendment. Review what is new"
    );
    assert_eq!(html.matches("New since you acknowledged").count(), 1);
    let fourth = visible_text(element(&html, "Amendment 4:", "article"));
    assert!(fourth.contains("New since you acknowledged"), "{fourth}");
    let acks = visible_text(element(&html, "ew-section ew-acks", "section"));
    assert!(
        acks.contains(
            "Changed since you acknowledged it: please read amendment 4 and acknowledge again."
        ),
        "{acks}"
    );
    assert!(
        acks.contains("1 document still to acknowledge before you can sign."),
        "{acks}"
    );
}

async fn widget_at(epoch_ms: f64, source: ClockSource, holder: &str) -> String {
    render::<Widget>(WidgetProps {
        data: loaded(OFFER, holder),
        drafts: store_with_draft(holder, &["H-2000-0417"], "1.00"),
        clock: TrustedClock::fixed(epoch_ms, source),
        delivery: Default::default(),
        offline_as_of: None,
        timing_checks: true,
    })
    .await
}

/// Milliseconds since the epoch of an RFC 3339 instant.
fn ms(instant: &str) -> f64 {
    chrono::DateTime::parse_from_rfc3339(instant)
        .expect("instant")
        .timestamp_millis() as f64
}

#[tokio::test]
async fn the_countdown_in_each_phase() {
    let cases = [
        (
            "2001-09-20T10:00:00-04:00",
            "open",
            "Time left: 7 days, 13 hours, 59 minutes",
            "The offer is open.",
        ),
        (
            "2001-09-27T20:00:00-04:00",
            "closing",
            "Time left: 03:59:00",
            "Less than 24 hours left to make or change your election.",
        ),
        (
            "2001-09-27T23:30:00-04:00",
            "finalhour",
            "Time left: 00:29:00",
            "Less than one hour left to make or change your election.",
        ),
        (
            "2001-09-27T23:59:00-04:00",
            "closed",
            "The offer has expired.",
            "The offer has expired. Elections can no longer be made or changed.",
        ),
    ];
    for (at, phase, shown, announced) in cases {
        let html = widget_at(ms(at), ClockSource::TimeEndpoint, SINGLE).await;
        let countdown = element(&html, "Time left to make your election", "section");
        assert!(
            countdown.contains(&format!(r#"data-phase="{phase}""#)),
            "{at}: {countdown}"
        );
        let text = visible_text(countdown);
        assert!(text.starts_with(shown), "{at}: {text}");
        assert!(
            text.contains("Deadline: 11:59 p.m., Eastern Daylight Time, on September 27, 2001.")
        );
        // The reader's zone comes just after the first render (its formatter loads the
        // browser's time-zone data), which a server render does not reach; the e2e
        // deadline tests see it arrive.
        assert!(!text.contains("In your time zone"), "{text}");
        // The live region holds the phase only, so a screen reader hears it once.
        let status = element(countdown, r#"role="status""#, "p");
        assert_eq!(visible_text(status), announced);
        assert!(countdown.contains(r#"aria-live="off""#) || phase == "closed");
    }
}

#[tokio::test]
async fn after_the_deadline_the_election_is_locked_and_says_why() {
    let html = widget_at(
        ms("2001-09-28T00:00:00-04:00"),
        ClockSource::TimeEndpoint,
        SINGLE,
    )
    .await;
    let text = visible_text(&html);
    assert!(text.contains("The offer expired at 11:59 p.m., Eastern Daylight Time, on September 27, 2001. Elections can no longer be made or changed; the last election received before the deadline governs."));
    let table = element(&html, "ew-grants-table", "table");
    assert!(
        table.contains(r#"type="checkbox" disabled="disabled""#),
        "{table}"
    );
    let acks = element(&html, "ew-section ew-acks", "section");
    assert_eq!(acks.matches(r#"disabled="disabled""#).count(), 2);
    // The saved draft still shows what was chosen.
    assert!(text.contains("Exchange 1 grant, 12,000 options"));
    // Before it, nothing is locked.
    let html = widget_at(
        ms("2001-09-27T23:58:59-04:00"),
        ClockSource::TimeEndpoint,
        SINGLE,
    )
    .await;
    assert!(!html.contains(r#"type="checkbox" disabled="disabled""#));
}

#[tokio::test]
async fn a_preview_says_so_and_a_device_clock_is_named() {
    let html = widget_at(
        ms("2001-09-20T10:00:00-04:00"),
        ClockSource::Preview,
        SINGLE,
    )
    .await;
    let banner = visible_text(element(&html, r#"aria-label="Preview""#, "div"));
    assert_eq!(
        banner,
        "Preview as of 2001-09-20T14:00:00+00:00. The clock runs from that moment. This is a preview: nothing can be submitted from it."
    );
    let html = widget_at(ms("2001-09-20T10:00:00-04:00"), ClockSource::Device, SINGLE).await;
    assert!(!html.contains("Preview as of"));
    assert!(visible_text(&html)
        .contains("this device's clock is used: if it is wrong, so is this countdown."));
    let html = widget_at(
        ms("2001-09-20T10:00:00-04:00"),
        ClockSource::DateHeader,
        SINGLE,
    )
    .await;
    assert!(!html.contains("device's clock"));
}

#[tokio::test]
async fn a_preview_shows_hr_the_timing_checks_and_warns_when_one_fails() {
    let html = widget_html(SINGLE).await;
    let checks = visible_text(element(&html, "Offer timing checks", "section"));
    assert!(checks.contains("Pass: Offer period: 23 business days, August 27, 2001 to September 27, 2001 (at least 20 required)."), "{checks}");
    assert!(checks.contains("Pass: Open after the notice of September 13, 2001: 10 business days after the notice (at least 5 required)."));
    assert!(checks.contains("Pass: 40th business day: October 23, 2001"));
    assert!(!checks.contains("Warning"));

    let mut offer: serde_json::Value = serde_json::from_str(OFFER).expect("JSON");
    offer["expiration"]["instant"] = serde_json::json!("2001-09-20T23:59:00-04:00");
    offer["expiration"]["legal_wording"] =
        serde_json::json!("11:59 p.m., Eastern Daylight Time, on September 20, 2001");
    let html = widget_for_offer(&offer.to_string(), Drafts::memory()).await;
    let checks = visible_text(element(&html, "Offer timing checks", "section"));
    assert!(
        checks.contains("Warning: 1 timing check failed."),
        "{checks}"
    );
    assert!(checks.contains("Pass: Open after the notice of September 13, 2001: 5 business days"));
    assert!(checks.contains("Fail: Offer period: 18 business days"));

    // Not shown to employees on the live clock.
    let html = widget_at(
        ms("2001-09-20T10:00:00-04:00"),
        ClockSource::TimeEndpoint,
        SINGLE,
    )
    .await;
    assert!(!html.contains("Offer timing checks"));
}

#[tokio::test]
async fn an_extended_deadline_is_said() {
    let draft = |seen: &str| Draft {
        picks: Default::default(),
        parts: Default::default(),
        new_price: "1.00".into(),
        acknowledged: Default::default(),
        seen_deadline: Some(seen.to_owned()),
    };
    let render_with = |d: Draft| async move {
        render::<Widget>(WidgetProps {
            data: loaded(OFFER, SINGLE),
            drafts: store_with(SINGLE, d),
            clock: while_open(),
            delivery: Default::default(),
            offline_as_of: None,
            timing_checks: true,
        })
        .await
    };
    let html = render_with(draft("2001-09-24T23:59:00-04:00")).await;
    assert!(visible_text(&html).contains(
        "The offer was extended to 11:59 p.m., Eastern Daylight Time, on September 27, 2001."
    ));
    let html = render_with(draft("2001-09-27T23:59:00-04:00")).await;
    assert!(!html.contains("extended to"));
    let html = render_with(draft("2001-09-30T23:59:00-04:00")).await;
    assert!(visible_text(&html).contains("The deadline was changed to 11:59 p.m."));
}

#[tokio::test]
async fn a_parked_app_renders_nothing() {
    let html = render::<App>(AppProps {
        config: WidgetConfig::defaults(),
        events: Default::default(),
        parked: true,
    })
    .await;
    assert_eq!(visible_text(&html).trim(), "");
}

mod signing_and_delivery {
    use super::*;
    use election_client::courier::EntryAction;
    use election_client::courier::OutboxView;
    use election_client::delivery::{OutboxEntry, Status, Verification};
    use election_core::contract::{
        payload_hash, ElectionPayload, Receipt, SignedElection, SignedReceipt, Signing, Timeliness,
    };
    use election_widget::components::outbox::outbox_panel;
    use yew::prelude::*;

    #[derive(Properties, PartialEq)]
    struct PanelProps {
        view: OutboxView,
        offer: Rc<election_core::Offer>,
        holder: Rc<election_core::Holder>,
    }

    #[component]
    fn Panel(props: &PanelProps) -> Html {
        outbox_panel(
            &props.view,
            &props.offer,
            &props.holder,
            &Callback::from(|_: EntryAction| {}),
            &election_client::format::Formats::us(),
        )
    }

    fn entry(data: &Loaded, sequence: u64, withdraw: bool, name: &str) -> OutboxEntry {
        let mut election = election_core::resolve(
            &data.offer,
            &data.holder,
            &["H-2000-0417".to_owned()].into_iter().collect(),
        )
        .election;
        if withdraw {
            election = election_core::Election::keep_all(&data.offer, &data.holder);
        }
        let payload = ElectionPayload::build(
            &data.offer,
            &data.holder,
            &election,
            Vec::new(),
            Signing {
                sequence,
                nonce: "AAECAwQFBgcICQoLDA0ODw".into(),
                idempotency_key: format!("idempotency-key-{sequence:04}"),
                client_time: "2001-09-20T14:00:00.000Z".into(),
                key_id: "k".into(),
                signed_name: name.into(),
            },
        );
        OutboxEntry::new(
            SignedElection {
                payload,
                signature: "h..s".into(),
            },
            1_000_994_400_000,
        )
    }

    fn receipt(e: &OutboxEntry, timeliness: Timeliness) -> SignedReceipt {
        let p = &e.signed.payload;
        SignedReceipt {
            receipt: Receipt {
                contract: "receipt/v1".into(),
                receipt_id: format!("R{:010}", p.sequence),
                received_by: "Mpower Holding Corporation".into(),
                offer_id: p.offer_id.clone(),
                offer_version: p.offer_version,
                employee_id: p.employee_id.clone(),
                sequence: p.sequence,
                idempotency_key: p.idempotency_key.clone(),
                payload_hash: payload_hash(p).hex(),
                received_at: "2001-09-20T14:00:01.250Z".into(),
                received_at_ms: 1_000_994_401_250,
                deadline: "2001-09-27T23:59:00-04:00".into(),
                timeliness,
                chain_index: p.sequence,
                previous_receipt_hash: "0".repeat(64),
                key_id: "r".into(),
            },
            signature: "h..s".into(),
        }
    }

    async fn panel(data: &Loaded, entries: Vec<OutboxEntry>, view: OutboxView) -> String {
        render::<Panel>(PanelProps {
            view: OutboxView {
                loaded: true,
                entries: Rc::new(entries),
                ..view
            },
            offer: data.offer.clone(),
            holder: data.holder.clone(),
        })
        .await
    }

    /// Mpower's offer at version 3, its ratio above $25.00 bettered (2 for 1) by a notice
    /// of amendment that says it changes the consideration.
    fn amended_offer() -> String {
        let mut v: serde_json::Value = serde_json::from_str(OFFER).expect("json");
        v["version"] = serde_json::json!(3);
        v["terms"]["exchange_ratio"]["tiers"][1]["old"] = serde_json::json!(2);
        v["documents"].as_array_mut().expect("documents").push(serde_json::json!({
            "id": "notice-ratio", "kind": "notice_of_amendment",
            "title": "Notice of Amendment: Exchange Ratio (illustrative)", "date": "2001-09-13",
            "amends": "offer-to-exchange", "changes_consideration": true,
            "amendments": [{ "number": 1, "section": { "number": "2", "title": "Number of Options" },
                "change": "sentence_replaced", "location": "The ratio at $25.00 or more",
                "text": "One new option for every two options tendered at $25.00 or more." }]
        }));
        v.to_string()
    }

    #[tokio::test]
    async fn an_election_made_before_the_terms_changed_is_shown_in_effect_with_the_new_figures() {
        let before = loaded(OFFER, SINGLE);
        let mut first = entry(&before, 1, false, "Avery Lindqvist");
        first.status = Status::Delivered {
            receipt: Box::new(receipt(&first, Timeliness::OnTime)),
            verification: Verification::Verified,
        };
        let after = loaded(&amended_offer(), SINGLE);
        let text = visible_text(&panel(&after, vec![first.clone()], OutboxView::default()).await);
        // 12,000 options at $42.50: 4,000 new options at 3 for 1 when signed, 6,000 now.
        assert!(
            text.contains("In effect: election 1 (exchange 1 grant, 12,000 options). It was made on version 2 of the offer, before the terms changed to version 3. It stays in effect, and the terms now in force apply to it: it gives 6,000 new options. You need not sign again."),
            "{text}"
        );
        // On the version it was made on, nothing more is said.
        let text = visible_text(&panel(&before, vec![first], OutboxView::default()).await);
        assert!(!text.contains("It was made on version"), "{text}");
    }

    #[tokio::test]
    async fn a_notice_that_changes_the_terms_says_so_and_asks_again_when_they_change() {
        let amended = amended_offer();
        let offer = parse_offer(&amended).expect("valid");
        let acks: Vec<_> = offer
            .documents
            .iter()
            .map(|d| election_core::disclosure::Acknowledgment::of(&offer, d))
            .collect();
        let html = widget_for_offer(&amended, store_with_acks(SINGLE, acks.clone())).await;
        let text = visible_text(&html);
        assert!(
            text.contains("This notice changes the terms that decide what you get."),
            "{text}"
        );
        assert!(
            !text.contains("have changed since you acknowledged"),
            "{text}"
        );
        assert!(text.contains("All documents acknowledged."), "{text}");
        // Mpower's own notice changes no terms, and says nothing of them.
        assert_eq!(text.matches("This notice changes the terms").count(), 1);

        // The ratio changes again: the notice must be acknowledged again.
        let mut v: serde_json::Value = serde_json::from_str(&amended).expect("json");
        v["terms"]["exchange_ratio"]["tiers"][1]["new"] = serde_json::json!(2);
        let html = widget_for_offer(&v.to_string(), store_with_acks(SINGLE, acks)).await;
        let text = visible_text(&html);
        assert!(
            text.contains("The terms it sets have changed since you acknowledged it."),
            "{text}"
        );
        assert!(text.contains("1 document still to acknowledge"), "{text}");
    }

    #[tokio::test]
    async fn signing_waits_for_the_acknowledgments_and_says_so() {
        let html = widget_html(SINGLE).await;
        let sign = visible_text(element(&html, "ew-section ew-sign", "section"));
        assert!(sign.contains("Review and sign"), "{sign}");
        assert!(
            sign.contains("Deadline 11:59 p.m., Eastern Daylight Time, on September 27, 2001"),
            "{sign}"
        );
        assert!(sign.contains("Before you can sign:"), "{sign}");
        assert!(sign.contains("Acknowledge that you have read Offer to Exchange; Notice of Amendment to Offer to Exchange"), "{sign}");
        assert!(sign.contains("Typing your name, Avery Lindqvist, and choosing “Sign election” signs this election. It is saved as a file"), "{sign}");
        let button = element(&html, "type=\"submit\"", "button");
        assert!(button.contains("disabled"), "{button}");
        // No signed election yet: the panel says nothing before the outbox is read.
        assert!(!html.contains("Your signed elections"));
    }

    #[tokio::test]
    async fn nothing_can_be_signed_in_a_preview() {
        let html = widget_at(1_000_994_400_000.0, ClockSource::Preview, SINGLE).await;
        let sign = visible_text(element(&html, "ew-section ew-sign", "section"));
        assert!(
            sign.contains("This is a preview: nothing can be signed or submitted from it."),
            "{sign}"
        );
    }

    #[tokio::test]
    async fn received_is_said_only_for_a_verified_receipt() {
        let data = loaded(OFFER, SINGLE);
        let mut first = entry(&data, 1, false, "Avery Lindqvist");
        first.status = Status::Delivered {
            receipt: Box::new(receipt(&first, Timeliness::OnTime)),
            verification: Verification::Verified,
        };
        let mut second = entry(&data, 2, true, "Avery Lindqvist");
        second.status = Status::Delivered {
            receipt: Box::new(receipt(&second, Timeliness::OnTime)),
            verification: Verification::Unverifiable(
                "there is no receiver key to check its signature with".into(),
            ),
        };
        let text = visible_text(&panel(&data, vec![first, second], OutboxView::default()).await);
        assert!(
            text.contains("In effect: election 1 (exchange 1 grant, 12,000 options)."),
            "{text}"
        );
        assert!(text.contains("Received by Mpower Holding Corporation at 10:00:01 a.m. EDT on September 20, 2001. Receipt R0000000001, verified."), "{text}");
        assert!(
            text.contains("Election 2: withdrawal: keep all options"),
            "{text}"
        );
        assert!(text.contains("The backend answered with receipt R0000000002, but it could not be verified: there is no receiver key"), "{text}");
        assert_eq!(text.matches("Received by").count(), 1, "{text}");
        assert!(text.contains("Download receipt for election 1"));
    }

    #[tokio::test]
    async fn waiting_refused_late_and_broken_receipts_each_say_what_to_do() {
        let data = loaded(OFFER, SINGLE);
        let mut retrying = entry(&data, 1, false, "<img src=x onerror=alert(1)>");
        retrying.status = Status::Retrying {
            at_ms: 1_000_994_430_000,
            reason: "the backend is unavailable (HTTP 503)".into(),
        };
        let mut rejected = entry(&data, 2, false, "Avery Lindqvist");
        rejected.status = Status::Rejected {
            code: "invalid_election".into(),
            message: "the election breaks the offer's rules".into(),
            details: vec!["grant H-1 is not eligible".into()],
        };
        let mut late = entry(&data, 3, false, "Avery Lindqvist");
        late.status = Status::Delivered {
            receipt: Box::new(receipt(&late, Timeliness::Late)),
            verification: Verification::Verified,
        };
        let mut broken = entry(&data, 4, false, "Avery Lindqvist");
        broken.status = Status::ReceiptInvalid {
            reason: "its signature does not verify with the receiver's key".into(),
        };
        let html = panel(
            &data,
            vec![retrying, rejected, late, broken],
            OutboxView {
                storage_problem: Some("this device's storage is full".into()),
                ..OutboxView::default()
            },
        )
        .await;
        let text = visible_text(&html);
        for expected in [
            "Signed elections cannot be kept on this device (this device's storage is full)",
            "Not delivered yet: the backend is unavailable (HTTP 503). Trying again at 10:00:30 a.m. EDT on September 20, 2001.",
            "Try again now",
            "Not accepted (invalid_election): the election breaks the offer's rules grant H-1 is not eligible",
            "after the deadline: it does not count",
            "The backend's receipt does not hold: its signature does not verify",
            "Ask again",
            "No election of yours has been confirmed as received before the deadline yet.",
        ] {
            assert!(text.contains(expected), "{expected} in {text}");
        }
        // The newest election's state is the one announced.
        let live = element(&html, "role=\"status\"", "p");
        assert!(live.contains("does not hold"), "{live}");
        // A typed name is text, never markup.
        assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"));
        assert!(!html.contains("<img"));
    }

    #[tokio::test]
    async fn the_receivers_checkpoint_is_offered_and_a_record_that_shrank_is_a_warning() {
        use election_core::contract::{Checkpoint, SignedCheckpoint};
        let data = loaded(OFFER, SINGLE);
        let checkpoint = SignedCheckpoint {
            checkpoint: Checkpoint {
                contract: "checkpoint/v1".into(),
                received_by: "Mpower Holding Corporation".into(),
                offer_id: "mpower-2001-option-exchange".into(),
                key_id: "r".into(),
                count: 1234,
                head: "ab".repeat(32),
                at_ms: 1_000_994_401_250,
                at: "2001-09-20T14:00:01.250Z".into(),
            },
            signature: "h..s".into(),
        };
        let html = panel(
            &data,
            Vec::new(),
            OutboxView {
                checkpoint: Some(Rc::new(checkpoint)),
                checkpoint_warning: Some(
                    "the newer checkpoint counts 2 receipts, fewer than the 3 of the older one"
                        .into(),
                ),
                ..OutboxView::default()
            },
        )
        .await;
        let text = visible_text(&html);
        for expected in [
            "The receiver's signed checkpoint: Mpower Holding Corporation held 1,234 receipts at 10:00:01 a.m. EDT on September 20, 2001.",
            "Download checkpoint",
            "Warning: Mpower Holding Corporation's record of elections no longer extends what it showed this device before (the newer checkpoint counts 2 receipts",
        ] {
            assert!(text.contains(expected), "{expected} in {text}");
        }
        assert!(element(&html, "role=\"alert\"", "p").contains("no longer extends"));
    }
}

mod locale {
    use super::*;
    use election_client::format::Formats;
    use election_core::display::Style;
    use election_core::Decimal;
    use yew::prelude::*;

    /// A stand-in for a locale's Intl (the page's is the browser's): recognisable marks
    /// on every figure, so a figure written the US way is a figure that skipped the style.
    struct Marked;

    impl Style for Marked {
        fn count(&self, n: u64) -> String {
            format!("#{n}")
        }
        fn money(&self, a: Decimal) -> String {
            format!("{a} USD")
        }
        fn date(&self, d: chrono::NaiveDate) -> String {
            format!("{d}")
        }
        fn short_date(&self, d: chrono::NaiveDate) -> String {
            format!("{d}")
        }
        fn separators(&self) -> (char, char) {
            (',', '.')
        }
    }

    #[derive(Properties, PartialEq)]
    struct InLocaleProps {
        inner: WidgetProps,
    }

    #[component]
    fn InLocale(props: &InLocaleProps) -> Html {
        let formats = Formats::new("x-test", Rc::new(Marked));
        html! {
            <ContextProvider<Formats> context={formats}>
                <Widget ..props.inner.clone() />
            </ContextProvider<Formats>>
        }
    }

    #[tokio::test]
    async fn figures_follow_the_locale_and_the_legal_text_does_not() {
        let html = render::<InLocale>(InLocaleProps {
            inner: WidgetProps {
                data: loaded(OFFER, SINGLE),
                drafts: store_with_draft(SINGLE, &["H-2000-0417"], "1,50"),
                clock: while_open(),
                delivery: Default::default(),
                offline_as_of: None,
                timing_checks: true,
            },
        })
        .await;
        let text = visible_text(&html);
        let row = visible_text(element(&html, "H-2000-0417", "tr"));
        // The grant's figures: dates, price and counts, all through the locale's style.
        assert!(
            row.contains("2000-03-10") && row.contains("2010-03-10"),
            "{row}"
        );
        assert!(row.contains("USD"), "{row}");
        assert!(row.contains("#12000"), "{row}");
        // The totals sentence and the price typed the locale's way ("1,50").
        assert!(
            text.contains("Exchange #1 grant, #12000 options, for #"),
            "{text}"
        );
        assert!(!text.contains("is not a price"), "{text}");
        assert!(html.contains("value=\"1,50\""), "the price as typed");
        assert!(text.contains("$#200000"), "{text}");
        // The legal texts and the deadline's wording are as filed.
        assert!(text.contains("11:59 p.m., Eastern Daylight Time, on September 27, 2001"));
        assert!(
            !text.contains("12,000"),
            "a figure skipped the locale: {text}"
        );
    }
}

#[tokio::test]
async fn data_from_the_devices_copy_is_said_to_be_offline() {
    let html = render::<Widget>(WidgetProps {
        data: loaded(OFFER, SINGLE),
        drafts: Drafts::memory(),
        clock: while_open(),
        delivery: Default::default(),
        offline_as_of: Some(1_000_994_000_000.0),
        timing_checks: true,
    })
    .await;
    let note = visible_text(element(&html, "ew-offline", "p"));
    // The first render says so at once; the date, in the reader's zone, follows just
    // after it (the e2e offline tests read it).
    assert!(
        note.starts_with("Offline: showing the offer as loaded earlier. "),
        "{note}"
    );
    assert!(!visible_text(&widget_html(SINGLE).await).contains("Offline:"));
}

/// The start tag holding `marker` (for an element without an end tag, as `<input>`).
fn start_tag<'a>(html: &'a str, marker: &str) -> &'a str {
    let at = html
        .find(marker)
        .unwrap_or_else(|| panic!("no {marker} in {html}"));
    let start = html[..at].rfind('<').expect("start tag");
    let end = at + html[at..].find('>').expect("end of the tag");
    &html[start..=end]
}

/// Mpower's offer changed to take parts of grants: at least 1,000 options, in steps of
/// 500 (the look-back rule off).
fn partial_offer() -> String {
    let mut v: serde_json::Value = serde_json::from_str(OFFER).expect("json");
    v["terms"]["tender_rules"]["whole_grant"] = serde_json::json!(false);
    v["terms"]["tender_rules"]["partial"] =
        serde_json::json!({ "minimum": 1000, "increment": 500 });
    v["terms"]["lookback"]["months"] = serde_json::json!(0);
    v.to_string()
}

/// A draft for Avery picking their one grant, with `part` typed for it.
fn draft_with_part(part: Option<&str>) -> Drafts {
    store_with(
        SINGLE,
        Draft {
            picks: ["H-2000-0417".to_owned()].into_iter().collect(),
            parts: part
                .map(|p| ("H-2000-0417".to_owned(), p.to_owned()))
                .into_iter()
                .collect(),
            new_price: "1.00".into(),
            acknowledged: Default::default(),
            seen_deadline: None,
        },
    )
}

#[tokio::test]
async fn where_the_offer_takes_parts_a_chosen_grant_says_how_many_options() {
    let offer = partial_offer();
    // Nothing typed: the whole grant, in the box.
    let html = widget_for_offer(&offer, draft_with_part(None)).await;
    let input = start_tag(&html, "id=\"ew-part:H-2000-0417\"");
    assert!(input.contains(r#"inputmode="numeric""#), "{input}");
    assert!(input.contains(r#"value="12,000""#), "{input}");
    let text = visible_text(&html);
    assert!(
        text.contains("Options of grant H-2000-0417 to exchange"),
        "{text}"
    );
    assert!(
        text.contains("of 12,000: at least 1,000, in multiples of 500, or all"),
        "{text}"
    );
    assert!(
        text.contains("Exchange 1 grant, 12,000 options, for 4,000 new options"),
        "{text}"
    );

    // A part: the status, the row's new options and the totals are the part's (3 for 1).
    let text = visible_text(&widget_for_offer(&offer, draft_with_part(Some("2,500"))).await);
    assert!(
        text.contains("Exchanging 2,500 of 12,000 options."),
        "{text}"
    );
    assert!(
        text.contains("Exchange 1 grant, 2,500 options, for 833 new options"),
        "{text}"
    );
    assert!(!text.contains("must be"), "{text}");

    // A part the offer does not take is named beside the box, and the box says so.
    for (typed, words) in [
        (
            "700",
            "Part of a grant must be at least 1,000 options, or the whole grant.",
        ),
        (
            "2,700",
            "Part of a grant must be a multiple of 500 options, or the whole grant.",
        ),
        ("lots", "“lots” is not a whole number of options."),
        (
            "0",
            "Enter at least 1 option, or untick the grant to keep it.",
        ),
    ] {
        let html = widget_for_offer(&offer, draft_with_part(Some(typed))).await;
        let input = start_tag(&html, "id=\"ew-part:H-2000-0417\"");
        assert!(input.contains(r#"aria-invalid="true""#), "{typed}: {input}");
        assert!(
            input.contains("ew-part-problem:H-2000-0417"),
            "{typed}: {input}"
        );
        assert!(visible_text(&html).contains(words), "{typed}");
    }

    // Mpower's own offer takes whole grants: no box.
    let html = widget_for_offer(OFFER, draft_with_part(Some("2,500"))).await;
    assert!(!html.contains("ew-part:H-2000-0417"));
    assert!(visible_text(&html).contains("Exchange 1 grant, 12,000 options"));
}

#[tokio::test]
async fn an_excluded_officer_is_told_why_no_grant_can_be_exchanged() {
    let mut offer: serde_json::Value = serde_json::from_str(OFFER).expect("json");
    offer["terms"]["eligibility"]["excluded_holders"] = serde_json::json!({ "officers": true });
    let text_for = |officer: bool| {
        let mut holder: serde_json::Value = serde_json::from_str(SINGLE).expect("json");
        holder["employee"]["officer"] = serde_json::json!(officer);
        let data = loaded(&offer.to_string(), &holder.to_string());
        async move {
            visible_text(
                &render::<Widget>(WidgetProps {
                    data,
                    drafts: Drafts::memory(),
                    clock: while_open(),
                    delivery: Default::default(),
                    offline_as_of: None,
                    timing_checks: true,
                })
                .await,
            )
        }
    };
    let text = text_for(true).await;
    assert!(
        text.contains("None of your grants can be exchanged in this offer"),
        "{text}"
    );
    assert!(
        text.contains("Not eligible: executive officers may not take part in this offer."),
        "{text}"
    );
    assert!(
        !text.contains("Exchange grant H-2000-0417"),
        "no grant to choose"
    );
    // The same employee, not an officer, chooses as before.
    let text = text_for(false).await;
    assert!(text.contains("Exchange grant H-2000-0417"), "{text}");
    assert!(!text.contains("executive officers"), "{text}");
}

#[tokio::test]
async fn where_the_offer_gives_restricted_stock_units_they_are_named_and_valued_at_vest() {
    let mut offer: serde_json::Value = serde_json::from_str(OFFER).expect("json");
    offer["terms"]["new_award"] = serde_json::json!({
        "source": "illustrative",
        "summary": "Each tendered grant is exchanged for restricted stock units.",
        "kind": "restricted_stock_units",
        "vesting": "Half on each of the first two anniversaries of the new grant date."
    });
    let html = widget_for_offer(&offer.to_string(), draft_with_part(None)).await;
    let text = visible_text(&html);
    // Avery's 12,000 options at $42.50 give 4,000 units (3 for 1).
    assert!(
        text.contains("Exchange 1 grant, 12,000 options, for 4,000 restricted stock units"),
        "{text}"
    );
    let header = element(&html, "ew-grants-table", "table");
    assert!(
        header.contains("New RSUs") && !header.contains("New options"),
        "{header}"
    );
    // No exercise price to assume; the units' value at vest against the options' at exercise.
    assert!(
        !text.contains("Assumed market price on the new grant date"),
        "{text}"
    );
    assert!(
        text.contains("Value at vest against value at exercise"),
        "{text}"
    );
    // 4,000 × S = 12,000 × (S − 42.50) at S = 63.75.
    assert!(
        text.contains("Break-even stock price: $63.75. Below it, the restricted stock units are worth more; above it, the options you give up would be worth more."),
        "{text}"
    );
    assert!(text.contains("New award"), "{text}");
    assert!(
        text.contains("Vesting: Half on each of the first two anniversaries"),
        "{text}"
    );
    let review = element(&html, "ew-review", "dl");
    assert!(review.contains("New RSUs"), "{review}");

    // Mpower's offer: new options, and the assumption for their price.
    let text = visible_text(&widget_for_offer(OFFER, draft_with_part(None)).await);
    assert!(text.contains("for 4,000 new options"), "{text}");
    assert!(
        text.contains("Assumed market price on the new grant date"),
        "{text}"
    );
    assert!(!text.contains("New award"), "{text}");
}

#[tokio::test]
async fn where_the_offer_sets_a_ratio_for_a_grant_the_row_shows_it_and_the_terms_say_how() {
    let mut offer: serde_json::Value = serde_json::from_str(OFFER).expect("json");
    offer["terms"]["exchange_ratio"]["by_grant"] = serde_json::json!({
        "basis": "Set value for value by a Black-Scholes valuation (illustrative).",
        "keyed_by": ["grant_id"],
        "ratios": [{ "grant_id": "H-2000-0417", "old": 138, "new": 100 }]
    });
    let html = widget_for_offer(&offer.to_string(), draft_with_part(None)).await;
    let text = visible_text(&html);
    // 12,000 × 100 / 138 = 8,695.6, rounded down; not the $42.50 tier's 4,000.
    assert!(
        text.contains("Exchange 1 grant, 12,000 options, for 8,695 new options"),
        "{text}"
    );
    let table = visible_text(element(&html, "ew-grants-table", "table"));
    assert!(
        table.contains("8,695 at 1.38 for 1, this grant's own ratio"),
        "{table}"
    );
    let terms = visible_text(element(&html, "ew-section ew-terms", "section"));
    assert!(
        terms.contains("Ratios by grant Illustrative Set value for value by a Black-Scholes valuation (illustrative)."),
        "{terms}"
    );
    // Mpower's own offer, tiers only: no ratio line in the rows.
    let html = widget_for_offer(OFFER, draft_with_part(None)).await;
    let table = visible_text(element(&html, "ew-grants-table", "table"));
    assert!(!table.contains(" for 1,"), "{table}");
    assert!(!visible_text(&html).contains("Ratios by grant"));
}

#[tokio::test]
async fn a_grant_that_would_give_too_few_awards_shows_the_cash_it_gives_instead() {
    let mut offer: serde_json::Value = serde_json::from_str(OFFER).expect("json");
    // Avery's 12,000 options at $42.50 give 4,000 new options (3 for 1): fewer than 5,000.
    offer["terms"]["cash_instead"] = serde_json::json!({
        "source": "illustrative",
        "summary": "Fewer than 5,000 new options: $2.50 each in cash instead.",
        "below": 5000,
        "per_award": "2.50"
    });
    let html = widget_for_offer(&offer.to_string(), draft_with_part(None)).await;
    let text = visible_text(&html);
    assert!(
        text.contains("Exchange 1 grant, 12,000 options, for $10,000.00 in cash"),
        "{text}"
    );
    let table = visible_text(element(&html, "ew-grants-table", "table"));
    assert!(
        table.contains("$10,000.00 in cash instead of 4,000 new options: fewer than 5,000"),
        "{table}"
    );
    assert!(table.contains("and $10,000.00 in cash"), "{table}");
    let review = visible_text(element(&html, "ew-review", "dl"));
    assert!(review.contains("Cash instead $10,000.00"), "{review}");
    let terms = visible_text(element(&html, "ew-section ew-terms", "section"));
    assert!(
        terms.contains(
            "Cash instead Illustrative Fewer than 5,000 new options: $2.50 each in cash instead."
        ),
        "{terms}"
    );
}

#[tokio::test]
async fn where_the_offer_takes_portions_a_chosen_grant_offers_its_vested_or_unvested_options() {
    let mut offer: serde_json::Value = serde_json::from_str(OFFER).expect("json");
    offer["terms"]["tender_rules"]["portions"] = serde_json::json!(true);
    offer["terms"]["lookback"]["months"] = serde_json::json!(0);
    let offer = offer.to_string();
    // Picked, nothing chosen: the whole grant, and the choice of its portions.
    let html = widget_for_offer(&offer, draft_with_part(None)).await;
    let select = element(&html, "id=\"ew-part:H-2000-0417\"", "select");
    let choices = visible_text(select);
    assert_eq!(
        choices, "All 12,000 options Vested only: 6,000 Unvested only: 6,000",
        "{select}"
    );
    assert!(visible_text(&html).contains("Exchange 1 grant, 12,000 options, for 4,000 new options"));
    // The vested options chosen (kept in the draft as `vested`).
    let html = widget_for_offer(&offer, draft_with_part(Some("vested"))).await;
    let text = visible_text(&html);
    assert!(
        text.contains("Exchange 1 grant, 6,000 options, for 2,000 new options"),
        "{text}"
    );
    assert!(
        text.contains("Exchanging 6,000 of 12,000 options."),
        "{text}"
    );
    let select = element(&html, "id=\"ew-part:H-2000-0417\"", "select");
    assert!(
        select.contains(r#"<option value="vested" selected"#),
        "{select}"
    );
}

fn results(closed: bool) -> election_core::results::Results {
    serde_json::from_value(serde_json::json!({
        "contract": "results/v1", "offer_id": "mpower-2001-option-exchange", "offer_version": 2,
        "deadline": "2001-09-27T23:59:00-04:00", "as_of": "2001-09-28T12:00:00.000Z", "closed": closed,
        "summary": {"eligible_employees": 300, "employees_taking_part": 120, "eligible_options": 3600000,
            "grants_exchanged": 130, "options_tendered": 1500000, "new_awards": 750000, "award": "options",
            "cash_cents": 0, "by_plan": [
                {"plan": "<script>alert(1)</script>", "grants_exchanged": 130, "options_tendered": 1500000, "new_awards": 750000, "cash_cents": 0}
            ]},
        "participation": {"eligible": 300, "viewed": 200, "responded": 150, "elected": 120, "withdrawn": 10,
            "kept_all": 20, "changed": 15, "not_responded": 150, "late_elections": 3, "late_only": 2,
            "by_day": [
                {"date": "2001-09-20", "elections": 100, "late": 0, "responded": 90},
                {"date": "2001-09-28", "elections": 0, "late": 3, "responded": 150}
            ]},
        "employees": []
    }))
    .expect("results")
}

#[tokio::test]
async fn hr_results_read_as_sentences_a_chart_and_tables() {
    use election_widget::pages::results::{Report, ReportProps};
    let html = render::<Report>(ReportProps {
        results: Rc::new(results(true)),
    })
    .await;
    let text = visible_text(&html);
    assert!(
        text.contains("Final results: the offer expired on September 27, 2001, 11:59 p.m."),
        "{text}"
    );
    assert!(text.contains(
        "150 of 300 eligible employees have responded: 120 elected to exchange, 10 withdrew and 20 kept all their grants."
    ));
    assert!(text.contains("For the final amendment to the Schedule TO"));
    assert!(text.contains("Options tendered and accepted"));
    // The chart is an image with a title and a description, the table beside it has its
    // figures, and every table has a caption and header cells.
    assert!(html.contains(r#"role="img" aria-labelledby="ew-chart-title ew-chart-desc""#));
    assert!(text.contains("100 elections on time and 3 late over 2 days"));
    for caption in [
        "Participation",
        "Elections by day (the offer's time zone)",
        "The offer's results",
        "By plan",
    ] {
        assert!(
            html.contains(&format!("<caption>{caption}</caption>"))
                || html.contains(&format!(
                    "<caption>{}</caption>",
                    caption.replace('\'', "&#x27;")
                )),
            "{caption}"
        );
    }
    assert!(html.contains(r#"<th scope="row">Late elections (counting for nothing)</th>"#));
    // A plan name is text, never markup.
    assert!(!html.contains("<script>alert(1)</script>"));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));

    let open = visible_text(
        &render::<Report>(ReportProps {
            results: Rc::new(results(false)),
        })
        .await,
    );
    assert!(open.contains("The offer is open until September 27, 2001, 11:59 p.m. (UTC\u{2212}04:00); these are the figures so far."));
    assert!(open.contains("Totals so far"));
    assert!(open.contains("Options tendered so far"));
}
