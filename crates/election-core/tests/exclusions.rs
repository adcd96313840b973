//! Exclusions: holders an offer leaves out by what the company's records say of them
//! (executive officers, directors, countries), and grants it leaves out by their dates
//! (made in a window before the offer opened, or expiring in one after), each with its
//! reason in words, in the rules the widget shows and the receiver applies.

mod common;

use std::collections::BTreeSet;

use common::assert_problem;
use election_core::contract::{check_against, Mismatch};
use election_core::disclosure::{Acknowledgment, Disclosure};
use election_core::rules::{self, Ineligibility};
use election_core::{
    parse_holder, parse_offer, resolve, Election, Holder, Offer, Problem, RuleViolation,
};
use serde_json::{json, Value};

const OFFER: &str = include_str!("../../../static/offers/mpower-2001.json");
const SINGLE: &str = include_str!("../../../static/holders/e1001-avery-lindqvist.json");
const DOZENS: &str = include_str!("../../../static/holders/e1002-jordan-okafor.json");

fn offer_with(edit: impl FnOnce(&mut Value)) -> Result<Offer, Vec<Problem>> {
    let mut v: Value = serde_json::from_str(OFFER).expect("json");
    edit(&mut v);
    parse_offer(&v.to_string())
}

/// A holder file with what an excluding offer asks of its employee (not an officer, not a
/// director, in the US), then `edit`.
fn holder_with(
    json: &str,
    offer: &Offer,
    edit: impl FnOnce(&mut Value),
) -> Result<Holder, Vec<Problem>> {
    let mut v: Value = serde_json::from_str(json).expect("json");
    v["employee"]["officer"] = json!(false);
    v["employee"]["director"] = json!(false);
    v["employee"]["country"] = json!("US");
    edit(&mut v);
    parse_holder(&v.to_string(), Some(offer))
}

/// Mpower's offer excluding officers, directors and holders in Germany and Canada.
fn excluding_holders() -> Offer {
    offer_with(|v| {
        v["terms"]["eligibility"]["excluded_holders"] =
            json!({ "officers": true, "directors": true, "countries": ["DE", "CA"] })
    })
    .expect("valid offer")
}

#[test]
fn exclusions_are_read_and_malformed_ones_named_where() {
    let offer = excluding_holders();
    let excluded = &offer.terms.eligibility.excluded_holders;
    assert!(excluded.officers && excluded.directors);
    assert_eq!(excluded.countries, ["DE", "CA"]);
    // Mpower excludes nobody.
    let mpower = parse_offer(OFFER).expect("valid");
    assert_eq!(
        mpower.terms.eligibility.excluded_holders,
        Default::default()
    );
    assert_eq!(mpower.terms.eligibility.granted_within_months, None);

    let problems = offer_with(|v| {
        v["terms"]["eligibility"]["excluded_holders"] = json!({ "countries": ["Germany"] })
    })
    .expect_err("refused");
    assert_problem(
        &problems,
        "$.terms.eligibility.excluded_holders.countries[0]",
        "not a country code",
    );
    let problems =
        offer_with(|v| v["terms"]["eligibility"]["excluded_holders"] = json!({ "officer": true }))
            .expect_err("refused");
    assert_problem(
        &problems,
        "$.terms.eligibility.excluded_holders.officer",
        "unknown field",
    );
    let problems = offer_with(|v| {
        v["terms"]["eligibility"]["excluded_holders"] = json!({ "officers": "yes" })
    })
    .expect_err("refused");
    assert_problem(
        &problems,
        "$.terms.eligibility.excluded_holders.officers",
        "true or false",
    );
    let problems = offer_with(|v| v["terms"]["eligibility"]["granted_within_months"] = json!(0))
        .expect_err("refused");
    assert_problem(
        &problems,
        "$.terms.eligibility.granted_within_months",
        "at least 1",
    );
    let problems = offer_with(|v| v["terms"]["eligibility"]["expiring_within_months"] = json!(-2))
        .expect_err("refused");
    assert_problem(&problems, "$.terms.eligibility.expiring_within_months", "");
}

#[test]
fn a_holder_says_what_the_records_say_of_them() {
    let offer = excluding_holders();
    let h = holder_with(SINGLE, &offer, |v| {
        v["employee"]["officer"] = json!(true);
        v["employee"]["country"] = json!("US");
    })
    .expect("valid");
    assert!(h.employee.officer && !h.employee.director);
    assert_eq!(h.employee.country.as_deref(), Some("US"));
    // Without them (where no offer asks): not an officer, not a director, no country.
    let plain = parse_holder(SINGLE, None).expect("valid");
    assert!(!plain.employee.officer && !plain.employee.director);
    assert_eq!(plain.employee.country, None);
    // Where the offer excludes by them, a file that does not say them is refused: a
    // missing column must not let in the very people excluded.
    let problems = parse_holder(SINGLE, Some(&offer)).expect_err("refused");
    for (key, who) in [
        ("officer", "executive officers"),
        ("director", "directors"),
        ("country", "employees by country"),
    ] {
        assert_problem(
            &problems,
            "$.employee",
            &format!("missing field `{key}`: the offer excludes {who}"),
        );
    }

    let problems = holder_with(SINGLE, &offer, |v| v["employee"]["country"] = json!("us"))
        .expect_err("refused");
    assert_problem(&problems, "$.employee.country", "not a country code");
    let problems =
        holder_with(SINGLE, &offer, |v| v["employee"]["director"] = json!(1)).expect_err("refused");
    assert_problem(&problems, "$.employee.director", "true or false");
}

#[test]
fn an_excluded_holder_has_no_grant_to_exchange_and_is_told_why() {
    let offer = excluding_holders();
    for (edit, reason, words) in [
        (
            json!({ "officer": true }),
            Ineligibility::OfficerExcluded,
            "executive officers may not take part in this offer",
        ),
        (
            json!({ "director": true }),
            Ineligibility::DirectorExcluded,
            "members of the board of directors may not take part in this offer",
        ),
        (
            json!({ "country": "DE" }),
            Ineligibility::CountryExcluded {
                country: "DE".into(),
            },
            "employees whose country of work is DE may not take part in this offer",
        ),
    ] {
        let h = holder_with(DOZENS, &offer, |v| {
            for (k, x) in edit.as_object().expect("object") {
                v["employee"][k] = x.clone();
            }
        })
        .expect("valid");
        for g in &h.grants {
            let reasons = rules::eligibility(&offer, &h.employee, g).expect_err("excluded");
            assert_eq!(reasons[0], reason, "grant {}", g.id);
            assert_eq!(reasons[0].describe(&offer), words);
        }
        // Picks are not honoured, and an election naming a grant is refused by name.
        let all: BTreeSet<String> = h.grants.iter().map(|g| g.id.clone()).collect();
        let r = resolve(&offer, &h, &all);
        assert!(r.election.is_withdrawal());
        assert_eq!(r.ignored_picks.len(), h.grants.len());
        let g = &h.grants[0];
        let mut e = Election::keep_all(&offer, &h);
        e.tendered.insert(g.id.clone(), g.outstanding);
        assert!(matches!(
            &e.check(&offer, &h)[..],
            [RuleViolation::NotEligible { reasons, .. }] if reasons[0] == reason
        ));
    }
    // Someone in another country, neither officer nor director, takes part as before.
    let h = holder_with(DOZENS, &offer, |v| v["employee"]["country"] = json!("US")).expect("valid");
    let mpower = parse_offer(OFFER).expect("valid");
    let plain = parse_holder(DOZENS, Some(&mpower)).expect("valid");
    for (g, p) in h.grants.iter().zip(&plain.grants) {
        assert_eq!(
            rules::eligibility(&offer, &h.employee, g).is_ok(),
            rules::eligibility(&mpower, &plain.employee, p).is_ok()
        );
    }
}

#[test]
fn the_receiver_refuses_a_decision_for_an_excluded_holders_grant() {
    let offer = excluding_holders();
    let h =
        holder_with(SINGLE, &offer, |v| v["employee"]["director"] = json!(true)).expect("valid");
    let disclosure = Disclosure::of(&offer);
    let g = &h.grants[0];
    let mut election = Election::keep_all(&offer, &h);
    election.tendered.insert(g.id.clone(), g.outstanding);
    let acks: Vec<Acknowledgment> = offer
        .documents
        .iter()
        .map(|d| Acknowledgment::of(&offer, d))
        .collect();
    let mut payload = election_core::contract::ElectionPayload::build(
        &offer,
        &h,
        &election,
        acks,
        election_core::contract::Signing {
            sequence: 1,
            nonce: "AAAAAAAAAAAAAAAAAAAAAA".into(),
            idempotency_key: "k".into(),
            client_time: "2001-09-20T10:00:00-04:00".into(),
            key_id: "kid".into(),
            signed_name: h.employee.name.clone(),
        },
    );
    // The widget leaves an ineligible grant out; a client that lists it anyway is refused.
    payload.decisions = vec![election_core::contract::GrantDecision {
        grant_id: g.id.clone(),
        decision: election_core::contract::Decision::Exchange,
        options: g.outstanding,
        portion: None,
    }];
    match check_against(&offer, &disclosure, &h, &payload) {
        Err(Mismatch::IneligibleGrantDecision { grants, reasons }) => {
            assert_eq!(grants, std::slice::from_ref(&g.id));
            assert!(
                reasons[0].contains("members of the board of directors"),
                "{reasons:?}"
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_windows_run_to_the_day() {
    // Mpower opened on August 27, 2001: 12 months before is August 27, 2000, and a month
    // after is September 27, 2001.
    let offer = offer_with(|v| {
        v["terms"]["eligibility"]["granted_within_months"] = json!(12);
        v["terms"]["eligibility"]["expiring_within_months"] = json!(1);
        v["terms"]["eligibility"]
            .as_object_mut()
            .expect("object")
            .remove("granted_before");
    })
    .expect("valid");
    let h = parse_holder(SINGLE, Some(&offer)).expect("valid");
    let reasons = |granted: &str, expires: &str| {
        let mut g = h.grants[0].clone();
        g.grant_date = granted.parse().expect("date");
        g.expiration_date = expires.parse().expect("date");
        rules::eligibility(&offer, &h.employee, &g)
            .err()
            .unwrap_or_default()
            .iter()
            .map(|r| r.describe(&offer))
            .collect::<Vec<_>>()
    };
    let granted_window = |rs: &[String]| {
        rs.iter()
            .any(|r| r.starts_with("grants made in the 12 months"))
    };
    let expiry_window = |rs: &[String]| {
        rs.iter()
            .any(|r| r.starts_with("grants expiring in the 1 month after"))
    };
    assert!(
        !granted_window(&reasons("2000-08-26", "2010-01-01")),
        "the day before the window"
    );
    assert!(
        granted_window(&reasons("2000-08-27", "2010-01-01")),
        "the window's first day"
    );
    assert!(
        granted_window(&reasons("2001-08-26", "2010-01-01")),
        "the day before the offer opened"
    );
    // A grant made once the offer opened is not "made in the months before" it.
    assert!(!granted_window(&reasons("2001-08-27", "2010-01-01")));
    // The expiry window ends on September 27, 2001, the offer's own expiration day (so these
    // grants also expire first); a grant expiring on that day is out of the window.
    assert!(expiry_window(&reasons("1999-01-01", "2001-09-26")));
    assert!(
        !expiry_window(&reasons("1999-01-01", "2001-09-27")),
        "the window's end"
    );
    assert_eq!(reasons("1999-01-01", "2001-09-28"), Vec::<String>::new());
}

#[test]
fn grants_in_an_excluded_window_say_which_window() {
    // Mpower opened on August 27, 2001.
    let offer = offer_with(|v| {
        v["terms"]["eligibility"]["granted_within_months"] = json!(12);
        v["terms"]["eligibility"]["expiring_within_months"] = json!(12);
        v["terms"]["eligibility"]
            .as_object_mut()
            .expect("object")
            .remove("granted_before");
    })
    .expect("valid");
    let h = parse_holder(DOZENS, Some(&offer)).expect("valid");
    let mut recent = 0;
    for g in &h.grants {
        let reasons = rules::eligibility(&offer, &h.employee, g)
            .err()
            .unwrap_or_default();
        let in_window = g.grant_date >= chrono::NaiveDate::from_ymd_opt(2000, 8, 27).expect("date");
        let named = reasons
            .iter()
            .find(|r| matches!(r, Ineligibility::GrantedInExcludedWindow { .. }));
        assert_eq!(
            named.is_some(),
            in_window,
            "grant {} of {}",
            g.id,
            g.grant_date
        );
        if let Some(r) = named {
            recent += 1;
            assert_eq!(
                r.describe(&offer),
                "grants made in the 12 months before the offer opened (from August 27, 2000) are excluded"
            );
        }
        let expiring =
            g.expiration_date < chrono::NaiveDate::from_ymd_opt(2002, 8, 27).expect("date");
        assert_eq!(
            reasons
                .iter()
                .any(|r| matches!(r, Ineligibility::ExpiresInExcludedWindow { months: 12, .. })),
            expiring,
            "grant {} expiring {}",
            g.id,
            g.expiration_date
        );
    }
    assert!(recent > 0, "the sample has grants of the last year");
}

#[test]
fn a_price_threshold_from_the_market_says_where_it_comes_from() {
    let offer = offer_with(|v| {
        v["terms"]["eligibility"]["min_exercise_price"] = json!("45.00");
        v["terms"]["eligibility"]["min_exercise_price_basis"] = json!({
            "reference": "52_week_high",
            "as_of": "2001-08-24",
            "quoted_by": "closing prices on the Nasdaq National Market"
        });
    })
    .expect("valid");
    let h = parse_holder(SINGLE, Some(&offer)).expect("valid");
    // Avery's grant is at $42.50.
    let reasons = rules::eligibility(&offer, &h.employee, &h.grants[0]).expect_err("below");
    assert_eq!(
        reasons[0].describe(&offer),
        "the exercise price is below $45.00, the stock's 52-week high as of August 24, 2001 \
         (closing prices on the Nasdaq National Market), the lowest this offer takes"
    );
    let problems = offer_with(|v| {
        v["terms"]["eligibility"]
            .as_object_mut()
            .expect("object")
            .remove("min_exercise_price");
        v["terms"]["eligibility"]["min_exercise_price_basis"] =
            json!({ "reference": "closing_price", "as_of": "2001-08-24", "quoted_by": "Nasdaq" });
    })
    .expect_err("refused");
    assert_problem(
        &problems,
        "$.terms.eligibility.min_exercise_price_basis",
        "needs the `min_exercise_price` it explains",
    );
    let problems = offer_with(|v| {
        v["terms"]["eligibility"]["min_exercise_price_basis"] =
            json!({ "reference": "all_time_high", "as_of": "2001-02-30", "quoted_by": "Nasdaq" });
    })
    .expect_err("refused");
    assert_problem(
        &problems,
        "$.terms.eligibility.min_exercise_price_basis.reference",
        "not one of `52_week_high`, `closing_price`",
    );
    assert_problem(
        &problems,
        "$.terms.eligibility.min_exercise_price_basis.as_of",
        "",
    );
}
