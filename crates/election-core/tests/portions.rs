//! Vested and unvested portions tendered apart (`tender_rules.portions`): read from the
//! offer, resolved from the employee's choice, checked by the rules a receiver runs, and
//! carried by the signed election's decision (`portion`).

mod common;

use std::collections::BTreeSet;
use std::str::FromStr;

use chrono::NaiveDate;
use common::{assert_problem, sample_holder};
use election_core::contract::{payload_problems, Decision, ElectionPayload, Signing};
use election_core::{
    parse_offer, resolve_with, Chosen, Decimal, Election, Grant, Offer, Portion, RuleViolation,
};
use serde_json::{json, Value};

const OFFER: &str = include_str!("../../../static/offers/mpower-2001.json");

fn offer_value() -> Value {
    serde_json::from_str(OFFER).expect("json")
}

/// Mpower's offer taking portions, without the look-back rule.
fn portions_offer() -> Offer {
    let mut v = offer_value();
    v["terms"]["tender_rules"]["portions"] = json!(true);
    v["terms"]["lookback"]["months"] = json!(0);
    parse_offer(&v.to_string()).expect("valid offer")
}

/// 4,000 options at $30.00, 1,500 of them vested.
fn grant(id: &str) -> Grant {
    Grant {
        id: id.to_owned(),
        plan: "holding".to_owned(),
        grant_date: NaiveDate::from_ymd_opt(1999, 1, 1).expect("date"),
        exercise_price: Decimal::from_str("30.00").expect("price"),
        outstanding: 4_000,
        vested: 1_500,
        expiration_date: NaiveDate::from_ymd_opt(2010, 1, 1).expect("date"),
    }
}

fn picks(ids: &[&str]) -> BTreeSet<String> {
    ids.iter().map(|s| (*s).to_owned()).collect()
}

#[test]
fn portions_are_read_only_where_grants_are_taken_whole() {
    assert!(portions_offer().terms.tender_rules.portions);
    assert!(
        !parse_offer(OFFER)
            .expect("valid")
            .terms
            .tender_rules
            .portions
    );
    let mut v = offer_value();
    v["terms"]["tender_rules"]["portions"] = json!(true);
    v["terms"]["tender_rules"]["whole_grant"] = json!(false);
    let problems = parse_offer(&v.to_string()).expect_err("refused");
    assert_problem(
        &problems,
        "$.terms.tender_rules.portions",
        "applies only where `whole_grant` is true",
    );
}

#[test]
fn a_chosen_portion_is_tendered_and_checked() {
    let offer = portions_offer();
    let h = sample_holder(vec![grant("A"), grant("B")]);
    let r = resolve_with(&offer, &h, &picks(&["A", "B"]), &|id| match id {
        "A" => Some(Chosen::Portion(Portion::Unvested)),
        _ => None,
    });
    // A: its 2,500 unvested options (3 for 1 at $30.00: 833); B whole: 4,000 (1,333).
    assert_eq!(r.statuses[0].tendered, 2_500);
    assert_eq!(r.statuses[0].portion, Some(Portion::Unvested));
    assert_eq!(r.statuses[0].new_options, 833);
    assert_eq!(r.statuses[1].tendered, 4_000);
    assert_eq!(r.summary.options, 6_500);
    assert_eq!(r.election.portions.get("A"), Some(&Portion::Unvested));
    assert_eq!(r.election.check(&offer, &h), vec![]);

    // A number of options is not a choice this offer gives: the grant is whole.
    let r = resolve_with(&offer, &h, &picks(&["A"]), &|_| Some(Chosen::Options(700)));
    assert_eq!(r.statuses[0].tendered, 4_000);

    // The rules: a portion must be the grant's, and only where the offer takes them.
    let mut wrong = r.election.clone();
    wrong.tendered.insert("A".into(), 1_000);
    wrong.portions.insert("A".into(), Portion::Vested);
    let broken = wrong.check(&offer, &h);
    assert_eq!(
        broken,
        [RuleViolation::PortionMismatch {
            grant: "A".into(),
            portion: Portion::Vested,
            tendered: 1_000,
            expected: 1_500
        }]
    );
    assert_eq!(broken[0].code().as_str(), "portion_mismatch");
    assert_eq!(
        broken[0].describe(&offer),
        "grant A: its vested options are 1,500, not 1,000"
    );
    let mpower = parse_offer(OFFER).expect("valid");
    let mut elsewhere = Election::keep_all(&mpower, &h);
    elsewhere.tendered.insert("A".into(), 1_500);
    elsewhere.portions.insert("A".into(), Portion::Vested);
    assert!(elsewhere
        .check(&mpower, &h)
        .iter()
        .any(|v| matches!(v, RuleViolation::PortionsNotOffered { grant } if grant == "A")));
}

#[test]
fn the_signed_decision_says_the_portion_and_only_then() {
    let offer = portions_offer();
    let h = sample_holder(vec![grant("A"), grant("B")]);
    let r = resolve_with(&offer, &h, &picks(&["A", "B"]), &|id| {
        (id == "A").then_some(Chosen::Portion(Portion::Vested))
    });
    let payload = ElectionPayload::build(
        &offer,
        &h,
        &r.election,
        Vec::new(),
        Signing {
            sequence: 1,
            nonce: "AAECAwQFBgcICQoLDA0ODw".into(),
            idempotency_key: "portion-election-0001".into(),
            client_time: "2001-09-20T10:00:00-04:00".into(),
            key_id: "dEUEuSFkVY-M8QF4nN7OOIVf8UsW-4AaEkFWRfut7xc".into(),
            signed_name: "Sam Sample".into(),
        },
    );
    assert_eq!(payload.decisions[0].portion, Some(Portion::Vested));
    assert_eq!(payload.decisions[0].options, 1_500);
    assert_eq!(payload.decisions[1].portion, None);
    let text = serde_json::to_string(&payload).expect("json");
    assert!(text.contains(r#""portion":"vested""#), "{text}");
    assert_eq!(
        text.matches("\"portion\":").count(),
        1,
        "absent where whole: {text}"
    );
    // Read back, the election is the same, portion and all.
    let back: ElectionPayload = serde_json::from_str(&text).expect("reads");
    assert_eq!(back.election(), r.election);
    // A kept grant tenders no portion.
    let mut kept = payload.clone();
    kept.decisions[1].decision = Decision::Keep;
    kept.decisions[1].options = 0;
    kept.decisions[1].portion = Some(Portion::Unvested);
    assert!(payload_problems(&kept)
        .iter()
        .any(|p| p.contains("a kept grant tenders no portion")));
}
