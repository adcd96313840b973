//! Ratios set grant by grant (`terms.exchange_ratio.by_grant`): value-for-value tables keyed
//! by grant id or by the grant's attributes, read with every problem's path, applied before
//! the price tiers, and shown as a person reads a ratio.

mod common;

use std::collections::BTreeSet;
use std::str::FromStr;

use chrono::NaiveDate;
use common::{assert_problem, sample_holder};
use election_core::rules::{self, Ineligibility, RatioFrom};
use election_core::{parse_offer, resolve, Decimal, Grant, GrantKey, Offer, Problem, Ratio};
use proptest::prelude::*;
use serde_json::{json, Value};

const OFFER: &str = include_str!("../../../static/offers/mpower-2001.json");

fn offer_value() -> Value {
    serde_json::from_str(OFFER).expect("json")
}

/// Mpower's offer with `by_grant` as its per-grant table (and its tiers unless `tiers` is
/// false), without the look-back rule.
fn with_table(by_grant: Value, tiers: bool) -> Value {
    let mut v = offer_value();
    v["terms"]["exchange_ratio"]["by_grant"] = by_grant;
    if !tiers {
        v["terms"]["exchange_ratio"]
            .as_object_mut()
            .expect("object")
            .remove("tiers");
    }
    v["terms"]["lookback"]["months"] = json!(0);
    v
}

fn offer(by_grant: Value, tiers: bool) -> Offer {
    parse_offer(&with_table(by_grant, tiers).to_string()).expect("valid offer")
}

fn problems(by_grant: Value, tiers: bool) -> Vec<Problem> {
    parse_offer(&with_table(by_grant, tiers).to_string()).expect_err("should be refused")
}

fn grant(id: &str, date: (i32, u32, u32), price: &str, outstanding: u64) -> Grant {
    Grant {
        id: id.to_owned(),
        plan: "holding".to_owned(),
        grant_date: NaiveDate::from_ymd_opt(date.0, date.1, date.2).expect("date"),
        exercise_price: Decimal::from_str(price).expect("price"),
        outstanding,
        vested: 0,
        expiration_date: NaiveDate::from_ymd_opt(2010, 1, 1).expect("date"),
    }
}

fn by_id() -> Value {
    json!({
        "basis": "Value for value, by a Black-Scholes valuation (illustrative).",
        "keyed_by": ["grant_id"],
        "ratios": [
            { "grant_id": "G-1", "old": 138, "new": 100 },
            { "grant_id": "G-2", "old": 5, "new": 1 }
        ]
    })
}

#[test]
fn a_ratio_reads_as_a_person_says_it() {
    let r = |old, new| Ratio { old, new }.describe();
    assert_eq!(r(2, 1), "2 for 1");
    assert_eq!(r(138, 100), "1.38 for 1");
    assert_eq!(r(450, 100), "4.5 for 1");
    assert_eq!(r(3, 2), "1.5 for 1");
    assert_eq!(r(1, 1), "1 for 1");
    assert_eq!(r(1, 2), "1 for 2");
    assert_eq!(r(4, 3), "4 for 3");
    assert_eq!(r(105, 100), "1.05 for 1");
    // A ratio built by hand beyond the reader's limits reads plainly, without overflow.
    assert_eq!(r(u64::MAX, 3), format!("{} for 3", u64::MAX));
}

#[test]
fn a_grant_s_own_ratio_comes_before_the_tiers() {
    let o = offer(by_id(), true);
    let table = o.terms.exchange_ratio.by_grant.as_ref().expect("table");
    assert_eq!(table.keyed_by, [GrantKey::GrantId]);
    let g1 = grant("G-1", (1999, 3, 1), "30.00", 1_000);
    let g3 = grant("G-3", (1999, 3, 1), "20.00", 1_000);
    assert_eq!(
        rules::ratio(&o, &g1),
        Some((Ratio { old: 138, new: 100 }, RatioFrom::Grant))
    );
    // Not in the table: Mpower's tier for $20.00 (2 for 1).
    assert_eq!(
        rules::ratio(&o, &g3),
        Some((Ratio { old: 2, new: 1 }, RatioFrom::Tier))
    );
    // 1,000 × 100 / 138 = 724.6, rounded down as the offer says.
    assert_eq!(rules::new_options(&o, &g1, 1_000), Some(724));
    assert_eq!(rules::new_options(&o, &g3, 1_000), Some(500));
    let holder = sample_holder(vec![g1, g3]);
    let all: BTreeSet<String> = ["G-1", "G-3"].iter().map(|s| (*s).to_owned()).collect();
    let r = resolve(&o, &holder, &all);
    assert_eq!(r.summary.new_options, 1_224);
    assert_eq!(r.election.check(&o, &holder), vec![]);
}

#[test]
fn a_table_keyed_by_attributes_matches_every_grant_that_has_them() {
    let o = offer(
        json!({
            "basis": "By grant date and price (illustrative).",
            "keyed_by": ["grant_date", "exercise_price"],
            "ratios": [
                { "grant_date": "1999-03-01", "exercise_price": "30.0", "old": 3, "new": 1 },
                { "grant_date": "1999-03-01", "exercise_price": "45.00", "old": 4, "new": 1 }
            ]
        }),
        false,
    );
    assert!(o.terms.exchange_ratio.tiers.is_empty());
    // $30.00 written `30.0` in the table is the same price.
    let a = grant("A", (1999, 3, 1), "30.00", 900);
    let b = grant("B", (1999, 3, 1), "45.00", 900);
    let c = grant("C", (1999, 3, 2), "45.00", 900);
    assert_eq!(rules::new_options(&o, &a, 900), Some(300));
    assert_eq!(rules::new_options(&o, &b, 900), Some(225));
    // With no tiers, a grant the table does not name has no ratio, and says so.
    let holder = sample_holder(vec![c.clone()]);
    let why = rules::eligibility(&o, &holder.employee, &c).expect_err("no ratio");
    assert_eq!(why, [Ineligibility::NoRatioTier]);
    assert_eq!(
        why[0].describe(&o),
        "the offer sets no exchange ratio for this grant"
    );
}

#[test]
fn a_table_s_problems_are_named_where_they_are() {
    let table = |keyed_by: Value, ratios: Value| json!({ "basis": "Illustrative.", "keyed_by": keyed_by, "ratios": ratios });
    let cases: Vec<(Value, bool, &str, &str)> = vec![
        (
            table(
                json!(["grant_id", "plan"]),
                json!([{ "grant_id": "G", "plan": "holding", "old": 2, "new": 1 }]),
            ),
            true,
            "$.terms.exchange_ratio.by_grant.keyed_by",
            "key by it or by attributes, not both",
        ),
        (
            table(
                json!(["plan", "plan"]),
                json!([{ "plan": "holding", "old": 2, "new": 1 }]),
            ),
            true,
            "$.terms.exchange_ratio.by_grant.keyed_by[1]",
            "names a key twice",
        ),
        (
            table(json!(["vesting"]), json!([{ "old": 2, "new": 1 }])),
            true,
            "$.terms.exchange_ratio.by_grant.keyed_by[0]",
            "not one of `grant_id`, `plan`, `grant_date`, `exercise_price`",
        ),
        (
            table(json!(["grant_id"]), json!([{ "old": 2, "new": 1 }])),
            true,
            "$.terms.exchange_ratio.by_grant.ratios[0]",
            "missing required field `grant_id`",
        ),
        (
            table(
                json!(["grant_id"]),
                json!([{ "grant_id": "G", "plan": "holding", "old": 2, "new": 1 }]),
            ),
            true,
            "$.terms.exchange_ratio.by_grant.ratios[0].plan",
            "`keyed_by` does not name `plan`",
        ),
        (
            table(
                json!(["exercise_price"]),
                json!([
                    { "exercise_price": "30.00", "old": 2, "new": 1 },
                    { "exercise_price": "30", "old": 3, "new": 1 }
                ]),
            ),
            true,
            "$.terms.exchange_ratio.by_grant.ratios[1]",
            "the same grant as `ratios[0]`",
        ),
        (
            table(
                json!(["grant_id"]),
                json!([{ "grant_id": "G", "old": 0, "new": 1 }]),
            ),
            true,
            "$.terms.exchange_ratio.by_grant.ratios[0].old",
            "at least 1",
        ),
        (
            table(
                json!(["plan"]),
                json!([{ "plan": "nowhere", "old": 2, "new": 1 }]),
            ),
            true,
            "$.terms.exchange_ratio.by_grant.ratios[0].plan",
            "not one of the offer's `plans`",
        ),
        (
            table(json!(["grant_id"]), json!([])),
            true,
            "$.terms.exchange_ratio.by_grant.ratios",
            "at least one element",
        ),
        (
            json!({ "keyed_by": ["grant_id"], "ratios": [{ "grant_id": "G", "old": 2, "new": 1 }] }),
            true,
            "$.terms.exchange_ratio.by_grant",
            "missing required field `basis`",
        ),
    ];
    for (by_grant, tiers, path, words) in cases {
        assert_problem(&problems(by_grant, tiers), path, words);
    }
    // Without a table, the tiers are required.
    let mut v = offer_value();
    v["terms"]["exchange_ratio"]
        .as_object_mut()
        .expect("object")
        .remove("tiers");
    let found = parse_offer(&v.to_string()).expect_err("no ratio at all");
    assert_problem(
        &found,
        "$.terms.exchange_ratio",
        "missing required field `tiers`",
    );
}

proptest! {
    /// Whatever a grant's own ratio, a part of the grant never gives more new awards than
    /// the whole grant, and more options never give fewer.
    #[test]
    fn a_part_never_gives_more_than_the_whole(
        old in 1u64..=1000,
        new in 1u64..=1000,
        outstanding in 1u64..5_000_000,
        part in 0u64..5_000_000,
    ) {
        let part = part.min(outstanding);
        let o = offer(json!({
            "basis": "Illustrative.",
            "keyed_by": ["grant_id"],
            "ratios": [{ "grant_id": "G", "old": old, "new": new }]
        }), false);
        let g = grant("G", (1999, 3, 1), "30.00", outstanding);
        let whole = rules::new_options(&o, &g, outstanding).expect("ratio");
        let some = rules::new_options(&o, &g, part).expect("ratio");
        prop_assert!(some <= whole);
        prop_assert!(rules::new_options(&o, &g, part.saturating_sub(1)).expect("ratio") <= some);
    }
}
