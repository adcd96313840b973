//! The disclosure digest: a golden value for the Mpower documents, and that any edit of
//! any legal text changes it while plain-language notes do not.

use std::collections::BTreeMap;

use election_core::disclosure::{
    ack_status, canonical_document, canonical_offer, document_digest, legal_texts_digest,
    offer_digest, unacknowledged, AckStatus, Acknowledgment,
};
use election_core::{parse_offer, ChangeKind, Offer};
use proptest::prelude::*;

const OFFER: &str = include_str!("../../../static/offers/mpower-2001.json");

fn mpower() -> Offer {
    parse_offer(OFFER).expect("valid offer")
}

/// Golden values: these change only when the legal text in the Mpower data changes, which
/// it must not (it is verbatim from the filing). They were checked independently of this
/// crate (Python: the same structure, `json.dumps(sort_keys=True, separators=(",", ":"),
/// ensure_ascii=False)`, which equals JCS for strings and integers, then SHA-256).
/// The first is the legal texts' digest: the whole disclosure digest of the contract's
/// first version, and a component of the second's.
const MPOWER_LEGAL_TEXTS_DIGEST: &str =
    "32c6ed7c3c93c1899df029617c8984cf234c8aa87a36f717603dba38649834f2";
const MPOWER_NOTICE_DIGEST: &str =
    "6ee5cd78868dea1ab5f506c9d475e5fdc830698c35aae19ad6787dc19423f67e";

#[test]
fn golden_digests_for_the_mpower_documents() {
    let offer = mpower();
    assert_eq!(legal_texts_digest(&offer).hex(), MPOWER_LEGAL_TEXTS_DIGEST);
    let notice = offer.notices().next().expect("notice");
    assert_eq!(document_digest(&offer, notice).hex(), MPOWER_NOTICE_DIGEST);
}

#[test]
fn the_canonical_form_is_rfc_8785() {
    let offer = mpower();
    let bytes = canonical_document(&offer, &offer.documents[0]);
    // Keys sorted, no white space, absent optional values as null.
    assert_eq!(
        String::from_utf8(bytes).expect("utf-8"),
        r#"{"amendments":[],"amends":null,"date":"2001-08-27","exhibit":"(a)(1)","id":"offer-to-exchange","kind":"offer_to_exchange","preamble":null,"title":"Offer to Exchange"}"#
    );
}

/// The second version of the disclosure digest: the legal texts' digest as a component,
/// and the terms that set the consideration, in canonical JSON. Checked independently
/// (Python, as above): SHA-256 of exactly this text.
const MPOWER_DISCLOSURE_V2: &str = r#"{"consideration":{"all_grants_at_same_price":false,"award":"options","partial":null,"rounding":"down","tiers":[{"from_exercise_price":"5","new":1,"old":2},{"from_exercise_price":"25","new":1,"old":3}],"whole_grant":true},"digest":"disclosure/v2","legal_texts":"32c6ed7c3c93c1899df029617c8984cf234c8aa87a36f717603dba38649834f2"}"#;
const MPOWER_DISCLOSURE_V2_DIGEST: &str =
    "73362fba484b9c12e451084064193b83ef122ff10403bdb7f6bd8278ce73e9af";

#[test]
fn the_disclosure_digest_covers_the_legal_texts_and_the_terms() {
    let offer = mpower();
    let canonical = String::from_utf8(canonical_offer(&offer)).expect("utf-8");
    assert_eq!(canonical, MPOWER_DISCLOSURE_V2);
    assert_eq!(offer_digest(&offer).hex(), MPOWER_DISCLOSURE_V2_DIGEST);
}

#[test]
fn every_term_that_sets_the_consideration_changes_the_disclosure_digest() {
    let offer = mpower();
    let before = offer_digest(&offer);
    type Edit = Box<dyn Fn(&mut Offer)>;
    let edits: Vec<(&str, Edit)> = vec![
        (
            "a tier's ratio",
            Box::new(|o| o.terms.exchange_ratio.tiers[1].old = 4),
        ),
        (
            "a tier's price",
            Box::new(|o| o.terms.exchange_ratio.tiers[1].from_exercise_price = 26.into()),
        ),
        (
            "the rounding",
            Box::new(|o| o.terms.exchange_ratio.rounding = election_core::Rounding::Up),
        ),
        (
            "whole grants",
            Box::new(|o| o.terms.tender_rules.whole_grant = false),
        ),
        (
            "portions",
            Box::new(|o| o.terms.tender_rules.portions = true),
        ),
        (
            "the award",
            Box::new(|o| {
                o.terms.new_award = Some(election_core::NewAward {
                    source: election_core::Source::Illustrative,
                    summary: "Units.".into(),
                    kind: election_core::AwardKind::RestrictedStockUnits,
                    vesting: None,
                })
            }),
        ),
        (
            "cash instead of too few awards",
            Box::new(|o| {
                o.terms.cash_instead = Some(election_core::CashInstead {
                    source: election_core::Source::Illustrative,
                    summary: "Cash.".into(),
                    below: 50,
                    per_award: 9.into(),
                    per_award_cents: 900,
                    countries: vec![],
                })
            }),
        ),
        (
            "a ratio set by grant",
            Box::new(|o| {
                o.terms.exchange_ratio.by_grant = Some(election_core::GrantRatios {
                    basis: "Illustrative.".into(),
                    keyed_by: vec![election_core::GrantKey::GrantId],
                    ratios: vec![election_core::GrantRatio {
                        grant_id: Some("G".into()),
                        plan: None,
                        grant_date: None,
                        exercise_price: None,
                        ratio: election_core::Ratio { old: 138, new: 100 },
                    }],
                })
            }),
        ),
    ];
    for (what, edit) in edits {
        let mut edited = offer.clone();
        edit(&mut edited);
        assert_ne!(offer_digest(&edited), before, "{what}");
        // The legal texts' digest, a component, is the texts' alone.
        assert_eq!(
            legal_texts_digest(&edited),
            legal_texts_digest(&offer),
            "{what}"
        );
    }
    // Summaries are words about the terms, not the terms.
    let mut edited = offer.clone();
    edited.terms.exchange_ratio.summary = "Other words.".into();
    assert_eq!(offer_digest(&edited), before);
}

#[test]
fn a_notice_that_changes_the_consideration_binds_the_terms_so_a_change_asks_again() {
    let mut offer = mpower();
    let notice_id = offer.documents[1].id.clone();
    // Mpower's notice changes no terms: its digest is its text's alone.
    let plain = document_digest(&offer, &offer.documents[1]);
    assert_eq!(plain.hex(), MPOWER_NOTICE_DIGEST);
    offer.documents[1].changes_consideration = true;
    let binding = document_digest(&offer, &offer.documents[1]);
    assert_ne!(binding, plain);
    let ack = Acknowledgment::of(&offer, &offer.documents[1]);
    let ote = Acknowledgment::of(&offer, &offer.documents[0]);
    // The ratios change: the employee must acknowledge the notice again (its amendments
    // are as they were), but not the Offer to Exchange.
    let mut changed = offer.clone();
    changed.terms.exchange_ratio.tiers[1].old = 4;
    let notice = changed.document(&notice_id).expect("notice");
    assert_eq!(
        ack_status(&changed, notice, Some(&ack)),
        AckStatus::Changed {
            new_amendments: vec![]
        }
    );
    assert_eq!(
        ack_status(&changed, &changed.documents[0], Some(&ote)),
        AckStatus::Current
    );
}

#[test]
fn plain_language_notes_and_terms_are_not_part_of_the_digest() {
    let offer = mpower();
    let before = offer_digest(&offer);
    let mut edited = offer.clone();
    edited.documents[1].amendments[0].plain_language = Some("Reworded note.".into());
    edited.terms.eligibility.summary = "Other words.".into();
    edited.version += 1;
    assert_eq!(offer_digest(&edited), before);
}

#[test]
fn acknowledgments_track_changes_down_to_the_amendment() {
    let offer = mpower();
    let notice = offer.notices().next().expect("notice").clone();
    assert_eq!(ack_status(&offer, &notice, None), AckStatus::Missing);
    let ack = Acknowledgment::of(&offer, &notice);
    assert_eq!(ack_status(&offer, &notice, Some(&ack)), AckStatus::Current);

    // A fourth amendment is added to the notice: only it is new.
    let mut amended = notice.clone();
    let mut fourth = amended.amendments[2].clone();
    fourth.number = 4;
    fourth.change = ChangeKind::ParagraphReplaced;
    fourth.text = "A new paragraph.".into();
    amended.amendments.push(fourth);
    assert_eq!(
        ack_status(&offer, &amended, Some(&ack)),
        AckStatus::Changed {
            new_amendments: vec![4]
        }
    );
    // One changed word in amendment 2 marks amendment 2.
    let mut reworded = notice.clone();
    reworded.amendments[1].text = reworded.amendments[1].text.replace("include", "contain");
    assert_eq!(
        ack_status(&offer, &reworded, Some(&ack)),
        AckStatus::Changed {
            new_amendments: vec![2]
        }
    );

    let mut acks = BTreeMap::new();
    assert_eq!(unacknowledged(&offer, &acks).len(), 2);
    acks.insert(notice.id.clone(), ack);
    let left: Vec<&str> = unacknowledged(&offer, &acks)
        .iter()
        .map(|(d, _)| d.id.as_str())
        .collect();
    assert_eq!(left, ["offer-to-exchange"]);
    acks.insert(
        offer.documents[0].id.clone(),
        Acknowledgment::of(&offer, &offer.documents[0]),
    );
    assert!(unacknowledged(&offer, &acks).is_empty());
}

#[test]
fn a_prior_text_for_an_inserted_paragraph_is_refused() {
    let mut v: serde_json::Value = serde_json::from_str(OFFER).expect("JSON");
    v["documents"][1]["amendments"][2]["prior_text"] = serde_json::json!("Something");
    let problems = parse_offer(&v.to_string()).expect_err("refused");
    assert_eq!(
        problems[0].path.as_str(),
        "$.documents[1].amendments[2].prior_text"
    );
}

/// Every legal text the widget shows, as mutable references, for the property below.
fn legal_texts(offer: &mut Offer) -> Vec<&mut String> {
    let mut out = vec![&mut offer.expiration.legal_wording];
    for d in &mut offer.documents {
        out.push(&mut d.title);
        if let Some(p) = d.preamble.as_mut() {
            out.push(p);
        }
        for a in &mut d.amendments {
            out.push(&mut a.text);
            out.push(&mut a.location);
            out.push(&mut a.section.title);
        }
    }
    out
}

proptest! {
    /// Changing any one character of any legal text (replacing, inserting or deleting it)
    /// changes the combined digest and the digest of the document it is in.
    #[test]
    fn any_edit_of_any_legal_text_changes_the_digest(which in 0usize..64, at in 0usize..2000, c in any::<char>(), op in 0u8..3) {
        let offer = mpower();
        let before = offer_digest(&offer);
        let docs_before: Vec<_> = offer.documents.iter().map(|d| document_digest(&offer, d)).collect();
        let mut edited = offer.clone();
        let mut texts = legal_texts(&mut edited);
        let n = texts.len();
        let text = &mut texts[which % n];
        let chars: Vec<char> = text.chars().collect();
        let i = at % (chars.len() + 1);
        let mut new: Vec<char> = chars.clone();
        match op {
            0 if i < chars.len() => new[i] = c,
            1 => new.insert(i, c),
            _ if i < chars.len() => { new.remove(i); }
            _ => new.insert(i, c),
        }
        prop_assume!(new != chars);
        **text = new.into_iter().collect();
        prop_assert_ne!(offer_digest(&edited), before);
        let changed = edited.documents.iter().map(|d| document_digest(&edited, d)).zip(&docs_before).filter(|(a, b)| a != *b).count();
        // The deadline wording belongs to the offer as a whole; every other text to a document.
        prop_assert!(changed == 1 || which % n == 0);
    }
}
